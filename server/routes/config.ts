/** What the browser needs to start a Device; nothing secret (the contract's response schema drops anything else). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { configRoute } from '../../contracts/api/config';
import type { PublicConfig } from '../../contracts/api/config';
import type { AppConfig } from '../config';
import { deviceSoundUrls } from '../sounds';
import { emergencyNumbers, type EmergencyCalling } from '../voice/emergency';

/** Where the Device's signaling goes: the local stand-in in local mode and under the test override, else Twilio. */
function signalingHost(config: AppConfig): string | undefined {
  if (config.mode === 'local') return new URL(config.emulatorOrigin ?? config.publicBaseUrl).host;
  return config.twilioTestEndpoint === undefined ? undefined : new URL(config.twilioTestEndpoint).host;
}

export function publicConfig(config: AppConfig, emergencyCalling = config.emergencyCalling): PublicConfig {
  const chunderw = signalingHost(config);
  return {
    mode: config.mode,
    teamNumber: config.account.teamNumber,
    defaultCountry: config.defaultCountry,
    dialAllowedCountries: [...config.dialAllowedCountries],
    deviceOptions: chunderw === undefined ? {} : { chunderw, publishEvents: false, sounds: deviceSoundUrls() },
    emergency: { calling: emergencyCalling, numbers: emergencyNumbers(config.defaultCountry) },
  };
}

export const configRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig; emergency: EmergencyCalling }> = async (app, opts) => {
  const bodies = { on: publicConfig(opts.config, true), off: publicConfig(opts.config, false) };
  app.route({
    ...configRoute,
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      return opts.emergency.on ? bodies.on : bodies.off;
    },
  });
};
