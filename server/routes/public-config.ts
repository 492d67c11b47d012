/** What the browser needs to start a Device; nothing secret. */
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '../config';
import { deviceSoundUrls } from '../sounds';

export interface PublicConfig {
  mode: AppConfig['mode'];
  teamNumber: string;
  defaultCountry: string;
  dialAllowedCountries: string[];
  deviceOptions: Record<string, unknown>;
}

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

export async function configRoutes(app: FastifyInstance, opts: { config: AppConfig }): Promise<void> {
  const body = publicConfig(opts.config);
  app.get('/api/config', async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return body;
  });
}
