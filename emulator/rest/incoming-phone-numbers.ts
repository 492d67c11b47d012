/**
 * REST IncomingPhoneNumbers: the account's numbers with their voice, messaging and emergency
 * configuration; list (by PhoneNumber or FriendlyName), fetch and update. Buying numbers is not emulated.
 */
import type { FastifyInstance } from 'fastify';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { AccountRegistry, NumberUpdate, OwnedNumber } from '../account';
import type { Emulator } from '../emulator';
import { fail, first, method, notFound, pageOf, type AccountParams, type Form, type Query } from './form';
import { listPage, rfc2822 } from './shapes';

const BASE = '/2010-04-01/Accounts/:AccountSid';

export function friendlyNumber(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatNational() ?? e164;
}

export function incomingNumberJson(account: AccountRegistry, n: OwnedNumber): Record<string, unknown> {
  const { created, updated } = account.dated(n.sid);
  const emergencyAddressStatus = n.emergencyAddressStatus ?? (n.emergencyAddressSid ? 'registered' : 'unregistered');
  return {
    account_sid: account.sid,
    address_sid: null,
    address_requirements: 'none',
    api_version: '2010-04-01',
    beta: false,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: rfc2822(created),
    date_updated: rfc2822(updated),
    friendly_name: n.friendlyName ?? friendlyNumber(n.phoneNumber),
    identity_sid: null,
    phone_number: n.phoneNumber,
    origin: 'twilio',
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: 'POST',
    sms_fallback_url: '',
    sms_method: n.smsMethod ?? 'POST',
    sms_url: n.smsUrl ?? '',
    status_callback: '',
    status_callback_method: 'POST',
    trunk_sid: null,
    uri: `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_receive_mode: 'voice',
    voice_application_sid: n.voiceApplicationSid ?? '',
    voice_caller_id_lookup: false,
    voice_fallback_method: 'POST',
    voice_fallback_url: '',
    voice_method: n.voiceMethod ?? 'POST',
    voice_url: n.voiceUrl ?? '',
    emergency_status: n.emergencyAddressSid && emergencyAddressStatus === 'registered' ? 'Active' : 'Inactive',
    emergency_address_sid: n.emergencyAddressSid ?? null,
    emergency_address_status: emergencyAddressStatus,
    bundle_sid: null,
    status: 'in-use',
    type: 'local',
  };
}

/** What an update form changes; an empty value clears the field, as in Twilio. */
function numberFields(body: Form): NumberUpdate {
  const text = (name: string) => first(body[name]);
  const fields: NumberUpdate = {};
  const map: [string, 'friendlyName' | 'voiceApplicationSid' | 'voiceUrl' | 'smsUrl' | 'emergencyAddressSid'][] = [
    ['FriendlyName', 'friendlyName'], ['VoiceApplicationSid', 'voiceApplicationSid'], ['VoiceUrl', 'voiceUrl'],
    ['SmsUrl', 'smsUrl'], ['EmergencyAddressSid', 'emergencyAddressSid'],
  ];
  for (const [form, field] of map) {
    const value = text(form);
    if (value !== undefined) fields[field] = value === '' ? null : value;
  }
  if (text('VoiceMethod') !== undefined) fields.voiceMethod = method(text('VoiceMethod'));
  if (text('SmsMethod') !== undefined) fields.smsMethod = method(text('SmsMethod'));
  return fields;
}

export function registerIncomingNumberResources(app: FastifyInstance, emulator: Pick<Emulator, 'account'>): void {
  const { account } = emulator;

  app.get<{ Params: AccountParams; Querystring: Query }>(`${BASE}/IncomingPhoneNumbers.json`, async (req) => {
    const { page, pageSize } = pageOf(req.query);
    const { PhoneNumber: number, FriendlyName: name } = req.query;
    // Twilio matches any part of the number, so "+1202" finds every 202 number.
    const list = account.numberList().filter((n) => (number === undefined || n.phoneNumber.includes(number.trim()))
      && (name === undefined || (n.friendlyName ?? friendlyNumber(n.phoneNumber)) === name));
    return listPage('incoming_phone_numbers', list, (n) => incomingNumberJson(account, n), `/2010-04-01/Accounts/${account.sid}/IncomingPhoneNumbers.json`, page, pageSize);
  });

  app.get<{ Params: AccountParams }>(`${BASE}/IncomingPhoneNumbers/:Sid.json`, async (req, reply) => {
    const n = account.numberBySid(req.params.Sid ?? '');
    return n ? incomingNumberJson(account, n) : notFound(req, reply);
  });

  app.post<{ Params: AccountParams; Body: Form }>(`${BASE}/IncomingPhoneNumbers/:Sid.json`, async (req, reply) => {
    if (!account.numberBySid(req.params.Sid ?? '')) return notFound(req, reply);
    const fields = numberFields(req.body ?? {});
    if (fields.voiceApplicationSid && !account.application(fields.voiceApplicationSid)) {
      return fail(reply, 400, 21606, `VoiceApplicationSid ${fields.voiceApplicationSid} is not a TwiML App of this account`);
    }
    if (fields.emergencyAddressSid && !/^AD[0-9a-f]{32}$/.test(fields.emergencyAddressSid)) {
      return fail(reply, 400, 21615, `EmergencyAddressSid ${fields.emergencyAddressSid} is not an Address SID`);
    }
    return incomingNumberJson(account, account.updateNumber(req.params.Sid!, fields));
  });
}
