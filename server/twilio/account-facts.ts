/**
 * Reads what the checks and set-up need to know about the Twilio account, through the `twilio` helper:
 * the account itself (and Twilio's clock, from the Date header), the API key, the TwiML App (its Voice and
 * Status Callback URLs), the team number, recent debugger alerts and the voice geographic permissions.
 * Only reads; every answer is kept as a fact or as the failure that stood in its way, so the pure checks
 * (checks.ts) can say what is wrong.
 */
import { restFailure, twilioRestClient, type Endpoint, type RestFailure, type TwilioClient } from './rest-client';

export type Fetched<T> = { ok: true; value: T } | { ok: false; failure: RestFailure };

export interface AppFacts {
  sid: string;
  friendlyName: string;
  voiceUrl: string | null;
  voiceMethod: string;
  statusCallback: string | null;
  statusCallbackMethod: string;
}

export interface NumberFacts {
  sid: string;
  phoneNumber: string;
  voiceApplicationSid: string | null;
  voiceUrl: string | null;
  voiceMethod: string;
  smsUrl: string | null;
  smsMethod: string;
  emergencyAddressSid: string | null;
  emergencyAddressStatus: string;
}

export interface AlertFacts {
  sid: string;
  errorCode: string;
  requestUrl: string | null;
  at: Date;
  /** Twilio's message for it (the Msg part of the alert text). */
  text: string;
}

export interface FactsQuery {
  accountSid: string;
  authToken: string;
  apiKey?: { sid: string; secret: string };
  applicationSid?: string;
  /** Also look for TwiML Apps with this name (set-up reuses the one it made before). */
  applicationName?: string;
  teamNumber?: string;
  /** ISO codes whose voice geographic permission to read. */
  countries?: readonly string[];
  /** Read alerts (default true) from this time on (default: the last 24 hours). */
  alerts?: boolean;
  alertsSince?: Date;
  endpoint?: Endpoint;
}

export interface AccountFacts {
  account: Fetched<{ sid: string; friendlyName: string; status: string }>;
  /** Local time in the middle of the request, and Twilio's Date header. */
  clock?: { localMs: number; twilioDate: string | undefined };
  apiKey?: { exists: Fetched<boolean>; secretWorks: Fetched<boolean> };
  application?: Fetched<AppFacts | null>;
  namedApplications?: Fetched<AppFacts[]>;
  /** The team number on the account, or null if the account has no such number. */
  number?: Fetched<NumberFacts | null>;
  /** The account's numbers (read when no team number is given, or it is not found). */
  accountNumbers?: Fetched<string[]>;
  alerts?: Fetched<AlertFacts[]>;
  countries?: Fetched<Record<string, boolean>>;
}

const ALERT_WINDOW_MS = 24 * 3600 * 1000;

async function fetched<T>(work: () => Promise<T>): Promise<Fetched<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, failure: restFailure(err) };
  }
}

/** Like fetched, with Twilio's 404 as `absent`. */
async function maybe<T, A>(work: () => Promise<T>, absent: A): Promise<Fetched<T | A>> {
  const result = await fetched(work);
  if (!result.ok && result.failure.status === 404) return { ok: true, value: absent };
  return result;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : String(headers[key]);
}

type AppInstance = { sid: string; friendlyName: string; voiceUrl: string | null; voiceMethod: string; statusCallback: string | null; statusCallbackMethod: string };

const appFacts = (a: AppInstance): AppFacts => ({
  sid: a.sid,
  friendlyName: a.friendlyName ?? '',
  voiceUrl: a.voiceUrl || null,
  voiceMethod: (a.voiceMethod || 'POST').toUpperCase(),
  statusCallback: a.statusCallback || null,
  statusCallbackMethod: (a.statusCallbackMethod || 'POST').toUpperCase(),
});

type NumberInstance = Awaited<ReturnType<TwilioClient['incomingPhoneNumbers']['list']>>[number];

const numberFacts = (n: NumberInstance): NumberFacts => ({
  sid: n.sid,
  phoneNumber: n.phoneNumber,
  voiceApplicationSid: n.voiceApplicationSid || null,
  voiceUrl: n.voiceUrl || null,
  voiceMethod: (n.voiceMethod || 'POST').toUpperCase(),
  smsUrl: n.smsUrl || null,
  smsMethod: (n.smsMethod || 'POST').toUpperCase(),
  emergencyAddressSid: n.emergencyAddressSid || null,
  emergencyAddressStatus: String(n.emergencyAddressStatus ?? 'unregistered'),
});

export async function gatherAccountFacts(q: FactsQuery): Promise<AccountFacts> {
  const client = twilioRestClient({ username: q.accountSid, password: q.authToken, accountSid: q.accountSid }, q.endpoint);

  let clock: AccountFacts['clock'];
  const account = await fetched(async () => {
    const started = Date.now();
    const res = await client.api.v2010.accounts(q.accountSid).fetchWithHttpInfo();
    clock = { localMs: (started + Date.now()) / 2, twilioDate: header(res.headers, 'date') };
    return { sid: res.body.sid, friendlyName: res.body.friendlyName, status: res.body.status };
  });
  const facts: AccountFacts = { account, ...(clock ? { clock } : {}) };
  // Nothing else can be read without the account's credentials.
  if (!account.ok) return facts;

  const tasks: Promise<void>[] = [];
  const { apiKey, applicationSid, applicationName, teamNumber, countries } = q;
  if (apiKey) {
    tasks.push((async () => {
      const keyClient = twilioRestClient({ username: apiKey.sid, password: apiKey.secret, accountSid: q.accountSid }, q.endpoint);
      const [exists, works] = await Promise.all([
        maybe(async () => (await client.keys(apiKey.sid).fetch(), true), false),
        // A request that Standard keys may make: the secret authenticates, or Twilio answers 401.
        fetched(async () => {
          try {
            await keyClient.incomingPhoneNumbers.list({ limit: 1 });
            return true;
          } catch (err) {
            if ((err as { status?: number }).status === 401) return false;
            throw err;
          }
        }),
      ]);
      facts.apiKey = { exists, secretWorks: works };
    })());
  }
  if (applicationSid) {
    tasks.push((async () => {
      facts.application = await maybe(async () => appFacts(await client.applications(applicationSid).fetch()), null);
    })());
  }
  if (applicationName) {
    tasks.push((async () => {
      facts.namedApplications = await fetched(async () => (await client.applications.list({ friendlyName: applicationName, limit: 20 })).map(appFacts));
    })());
  }
  tasks.push((async () => {
    if (teamNumber) {
      facts.number = await fetched(async () => {
        const found = (await client.incomingPhoneNumbers.list({ phoneNumber: teamNumber, limit: 20 })).find((n) => n.phoneNumber === teamNumber);
        return found ? numberFacts(found) : null;
      });
    }
    if (!teamNumber || (facts.number?.ok && facts.number.value === null)) {
      facts.accountNumbers = await fetched(async () => (await client.incomingPhoneNumbers.list({ limit: 100 })).map((n) => n.phoneNumber));
    }
  })());
  if (q.alerts !== false) tasks.push((async () => {
    const since = q.alertsSince ?? new Date(Date.now() - ALERT_WINDOW_MS);
    facts.alerts = await fetched(async () => (await client.monitor.v1.alerts.list({ startDate: since, logLevel: 'error', limit: 200 })).map((a) => ({
      sid: a.sid,
      errorCode: String(a.errorCode),
      requestUrl: a.requestUrl || null,
      at: a.dateCreated,
      text: new URLSearchParams(a.alertText ?? '').get('Msg') ?? a.alertText ?? '',
    })));
  })());
  if (countries && countries.length > 0) {
    tasks.push((async () => {
      facts.countries = await fetched(async () => {
        const out: Record<string, boolean> = {};
        await Promise.all(countries.map(async (iso) => {
          const c = await maybe(async () => (await client.voice.v1.dialingPermissions.countries(iso).fetch()).lowRiskNumbersEnabled, false);
          if (!c.ok) throw Object.assign(new Error(c.failure.message), c.failure);
          out[iso] = c.value === true;
        }));
        return out;
      });
    })());
  }
  await Promise.all(tasks);
  return facts;
}
