/**
 * Voice geographic permissions (https://voice.twilio.com/v1/DialingPermissions): list and fetch the
 * countries the account may call, and change several at once (BulkCountryUpdates).
 */
import type { FastifyInstance } from 'fastify';
import type { CountryPermission, PermissionUpdate } from '../dialing-permissions';
import type { Emulator } from '../emulator';
import { fail, first, notFound, pageOf, type Form, type Query } from './form';
import { v1PageJson } from './shapes';

const COUNTRIES_URL = 'https://voice.twilio.com/v1/DialingPermissions/Countries';

export function countryJson(c: CountryPermission): Record<string, unknown> {
  const url = `${COUNTRIES_URL}/${c.isoCode}`;
  return {
    iso_code: c.isoCode,
    name: c.name,
    continent: c.continent,
    country_codes: c.countryCodes,
    low_risk_numbers_enabled: c.lowRiskNumbersEnabled,
    high_risk_special_numbers_enabled: c.highRiskSpecialNumbersEnabled,
    high_risk_tollfraud_numbers_enabled: c.highRiskTollfraudNumbersEnabled,
    url,
    links: { highrisk_special_prefixes: `${url}/HighRiskSpecialPrefixes` },
  };
}

const flag = (raw: string | undefined): boolean | undefined => (raw === undefined ? undefined : raw === 'true');

/** One entry of a bulk update's JSON; Twilio sends the booleans as strings. */
function parseUpdate(entry: unknown): { isoCode: string; update: PermissionUpdate } | null {
  if (typeof entry !== 'object' || entry === null) return null;
  const e = entry as Record<string, unknown>;
  if (typeof e.iso_code !== 'string') return null;
  const bool = (v: unknown) => (v === undefined ? undefined : v === true || v === 'true');
  const update: PermissionUpdate = {};
  const low = bool(e.low_risk_numbers_enabled);
  const special = bool(e.high_risk_special_numbers_enabled);
  const tollfraud = bool(e.high_risk_tollfraud_numbers_enabled);
  if (low !== undefined) update.lowRiskNumbersEnabled = low;
  if (special !== undefined) update.highRiskSpecialNumbersEnabled = special;
  if (tollfraud !== undefined) update.highRiskTollfraudNumbersEnabled = tollfraud;
  return { isoCode: e.iso_code, update };
}

export function registerDialingPermissionResources(app: FastifyInstance, emulator: Pick<Emulator, 'account'>): void {
  const permissions = emulator.account.dialingPermissions;

  app.get<{ Querystring: Query }>('/v1/DialingPermissions/Countries', async (req) => {
    const q = req.query;
    const { page, pageSize } = pageOf(q);
    const low = flag(q.LowRiskNumbersEnabled);
    const special = flag(q.HighRiskSpecialNumbersEnabled);
    const tollfraud = flag(q.HighRiskTollfraudNumbersEnabled);
    const list = permissions.list().filter((c) => (q.IsoCode === undefined || c.isoCode === q.IsoCode.toUpperCase())
      && (q.Continent === undefined || c.continent === q.Continent)
      && (q.CountryCode === undefined || c.countryCodes.includes(q.CountryCode.startsWith('+') ? q.CountryCode : `+${q.CountryCode}`))
      && (low === undefined || c.lowRiskNumbersEnabled === low)
      && (special === undefined || c.highRiskSpecialNumbersEnabled === special)
      && (tollfraud === undefined || c.highRiskTollfraudNumbersEnabled === tollfraud));
    const slice = list.slice(page * pageSize, (page + 1) * pageSize);
    return v1PageJson('content', slice.map(countryJson), COUNTRIES_URL, page, pageSize, list.length > (page + 1) * pageSize);
  });

  app.get<{ Params: { IsoCode: string } }>('/v1/DialingPermissions/Countries/:IsoCode', async (req, reply) => {
    const country = permissions.get(req.params.IsoCode);
    return country ? countryJson(country) : notFound(req, reply);
  });

  app.post<{ Body: Form }>('/v1/DialingPermissions/BulkCountryUpdates', async (req, reply) => {
    const raw = first(req.body?.UpdateRequest);
    if (raw === undefined) return fail(reply, 400, 20001, 'Missing required parameter UpdateRequest in the post body');
    let entries: unknown;
    try {
      entries = JSON.parse(raw);
    } catch {
      return fail(reply, 400, 20001, 'UpdateRequest must be a JSON array');
    }
    if (!Array.isArray(entries)) return fail(reply, 400, 20001, 'UpdateRequest must be a JSON array');
    const updates = entries.map(parseUpdate);
    const bad = updates.findIndex((u) => u === null || !permissions.get(u.isoCode));
    if (bad >= 0) return fail(reply, 400, 20001, `UpdateRequest entry ${bad} does not name a known iso_code`);
    for (const u of updates) permissions.update(u!.isoCode, u!.update);
    return reply.code(201).send({ update_count: updates.length, update_request: raw });
  });
}
