/** What the browser needs to start a Device; nothing secret (the contract's response schema drops anything else). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { configRoute } from '../../contracts/api/config';
import type { PublicConfig } from '../../contracts/api/config';
import type { AppConfig } from '../config';
import { deviceSoundUrls } from '../sounds';

export function publicConfig(config: AppConfig): PublicConfig {
  return {
    mode: config.mode,
    teamNumber: config.account.teamNumber,
    defaultCountry: config.defaultCountry,
    dialAllowedCountries: [...config.dialAllowedCountries],
    deviceOptions:
      config.mode === 'local'
        ? { chunderw: new URL(config.emulatorOrigin ?? config.publicBaseUrl).host, publishEvents: false, sounds: deviceSoundUrls() }
        : {},
  };
}

export const configRoutes: FastifyPluginAsyncTypebox<{ config: AppConfig }> = async (app, opts) => {
  const body = publicConfig(opts.config);
  app.route({
    ...configRoute,
    handler: async (_request, reply) => {
      reply.header('cache-control', 'no-cache');
      return body;
    },
  });
};
