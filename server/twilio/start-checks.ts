/**
 * The checks the server runs against its Twilio account when it starts in twilio mode: the same cheap
 * ones as `npm run doctor` (credentials, API key, TwiML App, number, recent webhook errors, clock,
 * geographic permissions, emergency address), each failure logged as a warning with its fix. They run
 * after the server listens and never stop it: Twilio being unreachable is logged, not fatal. When Twilio
 * says the team number has no registered emergency address, emergency numbers stop being dialed.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { AppConfig } from '../config';
import type { EmergencyCalling } from '../voice/emergency';
import { emergencyNumbers } from '../voice/emergency';
import { gatherAccountFacts, type FactsQuery } from './account-facts';
import type { Verdict } from './checks';
import { accountVerdicts } from './verdicts';

export interface StartLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export async function runStartChecks(
  config: AppConfig,
  emergency: EmergencyCalling,
  log: StartLog,
  gather: (q: FactsQuery) => ReturnType<typeof gatherAccountFacts> = gatherAccountFacts,
): Promise<Verdict[]> {
  const { account } = config;
  let verdicts: Verdict[];
  try {
    const facts = await gather({
      accountSid: account.accountSid,
      authToken: account.authToken,
      apiKey: { sid: account.apiKeySid, secret: account.apiKeySecret },
      applicationSid: account.twimlAppSid,
      teamNumber: account.teamNumber,
      countries: config.dialAllowedCountries,
      ...(config.twilioTestEndpoint !== undefined ? { endpoint: { origin: config.twilioTestEndpoint } } : {}),
    });
    verdicts = accountVerdicts({
      mode: 'twilio',
      accountSid: account.accountSid,
      apiKeySid: account.apiKeySid,
      twimlAppSid: account.twimlAppSid,
      teamNumber: account.teamNumber,
      publicBaseUrl: config.publicBaseUrl,
      users: config.users.map((u) => u.name),
      ringGroup: config.ringGroup,
      allowedCountries: config.dialAllowedCountries,
      emergencyCalling: config.emergencyCalling,
      emergencyNumbers: emergencyNumbers((parsePhoneNumberFromString(account.teamNumber)?.country ?? config.defaultCountry) as CountryCode),
    }, facts);
  } catch (err) {
    log.warn({ event: 'twilio-check', err: (err as Error).message }, 'Twilio account checks could not run; the server carries on. Run `npm run doctor` for details.');
    return [];
  }
  for (const v of verdicts.filter((x) => x.status === 'fail')) {
    log.warn({ event: 'twilio-check', check: v.id, fix: v.fix }, `${v.title}: ${v.detail}`);
  }
  const emergencyVerdict = verdicts.find((v) => v.id === 'emergency');
  if (config.emergencyCalling && emergencyVerdict?.status === 'fail') {
    emergency.disable(emergencyVerdict.detail);
    log.warn({ event: 'twilio-check', check: 'emergency' }, 'Emergency numbers are not dialed until the team number has a registered emergency address (restart after registering it).');
  }
  const failed = verdicts.filter((v) => v.status === 'fail').length;
  if (failed === 0) log.info({ event: 'twilio-check' }, `Twilio account checks passed (${verdicts.filter((v) => v.status === 'pass').length} of ${verdicts.length}; \`npm run doctor\` also checks the public URL)`);
  else log.warn({ event: 'twilio-check', failed }, `${failed} Twilio account check${failed === 1 ? '' : 's'} failed; \`npm run doctor\` says more, \`npm run setup\` fixes most`);
  return verdicts;
}
