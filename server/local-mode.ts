/**
 * Local mode's configuration: the parsed config completed with the credentials local-setup keeps on disk,
 * and the origin browsers use. (Generating and keeping those credentials is local-setup's job, shared with
 * `npm run emulator`.)
 */
import type { LocalCredentials } from '../local-setup/setup';
import type { AppConfig, LocalModeConfig } from './config';

/** The origin browsers use in local mode; the certificate names localhost. */
export function localOrigin(port: number): string {
  return `https://localhost:${port}`;
}

/** Completes a local-mode Config with the kept credentials. */
export function resolveLocalConfig(config: LocalModeConfig, credentials: LocalCredentials): AppConfig {
  return {
    ...config,
    account: {
      accountSid: credentials.accountSid,
      apiKeySid: credentials.apiKeySid,
      apiKeySecret: credentials.apiKeySecret,
      authToken: credentials.authToken,
      twimlAppSid: credentials.twimlAppSid,
      teamNumber: credentials.teamNumber,
    },
    publicBaseUrl: config.publicBaseUrl ?? localOrigin(config.port),
    sessionSecret: config.sessionSecret ?? credentials.sessionSecret,
  };
}
