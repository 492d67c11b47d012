import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { AccountRoutes } from '../../contracts/emulator/account';
import { DEMO_VOICE_URL, freshAccount } from '../account-presets';
import { emulatorPlugin } from '../plugin';
import { emulatorRequestClient } from '../../local-setup/twilio-client';

const ACCOUNT = 'AC' + 'a'.repeat(32);
const AUTH = 'b'.repeat(32);
const NUMBER = '+12025550100';

let app: FastifyInstance;
let origin: string;

beforeAll(async () => {
  app = Fastify();
  await app.register(emulatorPlugin, {
    ...freshAccount({ account: { accountSid: ACCOUNT, authToken: AUTH, apiKeys: [] }, numbers: [{ phoneNumber: NUMBER }] }),
    publicOrigin: 'http://127.0.0.1',
    webhookTimeoutSeconds: 2,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app.close();
});

const client = (user = ACCOUNT, pass = AUTH) => twilio(user, pass, { accountSid: ACCOUNT, httpClient: emulatorRequestClient(origin) });
const control = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${origin}/emulator/api${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
};
const expectContract = (schema: TSchema, body: unknown) => expect([...Value.Errors(schema, body)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);

describe('account resources through the twilio helper library', () => {
  it('fetches the account with its credentials; refuses wrong ones', async () => {
    const account = await client().api.v2010.accounts(ACCOUNT).fetch();
    expect(account).toMatchObject({ sid: ACCOUNT, status: 'active', type: 'Full' });
    await expect(client(ACCOUNT, 'c'.repeat(32)).api.v2010.accounts(ACCOUNT).fetch()).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('creates a Standard API key whose secret authenticates, lists, fetches and deletes it', async () => {
    const key = await client().newKeys.create({ friendlyName: 'Softphone' });
    expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
    expect(key.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((await client().keys(key.sid).fetch()).friendlyName).toBe('Softphone');
    expect((await client().keys.list()).map((k) => k.sid)).toContain(key.sid);
    await expect(client(key.sid, key.secret).incomingPhoneNumbers.list({ limit: 1 })).resolves.toHaveLength(1);
    expect(await client().keys(key.sid).remove()).toBe(true);
    await expect(client().keys(key.sid).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client(key.sid, key.secret).incomingPhoneNumbers.list({ limit: 1 })).rejects.toMatchObject({ status: 401 });
  });

  it('creates, finds by name, updates and deletes a TwiML App', async () => {
    const created = await client().applications.create({
      friendlyName: 'Softphone', voiceUrl: 'https://phone.example.com/handle_calls', voiceMethod: 'POST',
      statusCallback: 'https://phone.example.com/handle_calls/status', statusCallbackMethod: 'POST',
    });
    expect(created.sid).toMatch(/^AP[0-9a-f]{32}$/);
    expect(created).toMatchObject({
      friendlyName: 'Softphone', voiceUrl: 'https://phone.example.com/handle_calls', voiceMethod: 'POST',
      statusCallback: 'https://phone.example.com/handle_calls/status', statusCallbackMethod: 'POST',
    });
    expect((await client().applications.list({ friendlyName: 'Softphone' })).map((a) => a.sid)).toEqual([created.sid]);
    expect(await client().applications.list({ friendlyName: 'Other' })).toEqual([]);
    const updated = await client().applications(created.sid).update({ voiceUrl: 'https://new.example.com/handle_calls', statusCallback: 'https://new.example.com/status' });
    expect(updated).toMatchObject({ voiceUrl: 'https://new.example.com/handle_calls', statusCallback: 'https://new.example.com/status' });
    await client().applications(created.sid).update({ statusCallbackMethod: 'GET' });
    expect(await client().applications(created.sid).fetch()).toMatchObject({ statusCallback: 'https://new.example.com/status', statusCallbackMethod: 'GET' });
    await expect(client().applications(created.sid).update({ statusCallback: 'not a url' })).rejects.toMatchObject({ status: 400 });
    await expect(client().applications(created.sid).update({ voiceUrl: 'not a url' })).rejects.toMatchObject({ status: 400 });
    expect(await client().applications(created.sid).remove()).toBe(true);
    await expect(client().applications(created.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('lists the fresh number on the demo URL and points it at an app, an SMS URL and an emergency address', async () => {
    const [number] = await client().incomingPhoneNumbers.list({ phoneNumber: NUMBER });
    expect(number).toMatchObject({ phoneNumber: NUMBER, voiceUrl: DEMO_VOICE_URL, voiceApplicationSid: '', emergencyStatus: 'Inactive', emergencyAddressStatus: 'unregistered' });
    expect(await client().incomingPhoneNumbers.list({ phoneNumber: '+19995550000' })).toEqual([]);
    const appSid = (await client().applications.create({ friendlyName: 'Numbers', voiceUrl: 'https://x.example.com/handle_calls' })).sid;
    const updated = await client().incomingPhoneNumbers(number!.sid).update({
      voiceApplicationSid: appSid, smsUrl: 'https://x.example.com/handle_sms', emergencyAddressSid: 'AD' + '1'.repeat(32),
    });
    expect(updated).toMatchObject({ voiceApplicationSid: appSid, smsUrl: 'https://x.example.com/handle_sms', emergencyStatus: 'Active', emergencyAddressStatus: 'registered' });
    await expect(client().incomingPhoneNumbers(number!.sid).update({ voiceApplicationSid: 'AP' + '0'.repeat(32) })).rejects.toMatchObject({ status: 400 });
    const cleared = await client().incomingPhoneNumbers(number!.sid).update({ voiceApplicationSid: '', voiceUrl: DEMO_VOICE_URL, emergencyAddressSid: '' });
    expect(cleared).toMatchObject({ voiceApplicationSid: '', voiceUrl: DEMO_VOICE_URL, emergencyAddressStatus: 'unregistered' });
  });

  it('records a failed webhook as a Monitor alert', async () => {
    const [number] = await client().incomingPhoneNumbers.list({ phoneNumber: NUMBER });
    await client().incomingPhoneNumbers(number!.sid).update({ voiceUrl: 'http://127.0.0.1:9/handle_calls' });
    const call = await control('POST', `/phones/${encodeURIComponent('+12025550102')}/call`, { to: NUMBER });
    expect(call.status).toBe(201);
    let alerts: Awaited<ReturnType<ReturnType<typeof client>['monitor']['v1']['alerts']['list']>> = [];
    for (let i = 0; i < 100 && alerts.length === 0; i++) {
      alerts = await client().monitor.v1.alerts.list({ startDate: new Date(Date.now() - 60_000), logLevel: 'error' });
      if (alerts.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(alerts[0]).toMatchObject({ errorCode: '11205', requestUrl: 'http://127.0.0.1:9/handle_calls', requestMethod: 'POST', accountSid: ACCOUNT });
    expect(alerts[0]!.resourceSid).toBe(call.body.callSid);
    expect(await client().monitor.v1.alerts.list({ startDate: new Date(Date.now() + 60_000) })).toEqual([]);
    expect((await client().monitor.v1.alerts(alerts[0]!.sid).fetch()).errorCode).toBe('11205');
  });

  it('lists, fetches and bulk-updates the voice geographic permissions', async () => {
    const [us] = await client().voice.v1.dialingPermissions.countries.list({ isoCode: 'US' });
    expect(us).toMatchObject({ isoCode: 'US', name: 'United States', continent: 'NORTH_AMERICA', countryCodes: ['+1'], lowRiskNumbersEnabled: true });
    expect((await client().voice.v1.dialingPermissions.countries('GB').fetch()).lowRiskNumbersEnabled).toBe(false);
    const result = await client().voice.v1.dialingPermissions.bulkCountryUpdates.create({
      updateRequest: JSON.stringify([{ iso_code: 'GB', low_risk_numbers_enabled: 'true' }]),
    });
    expect(result.updateCount).toBe(1);
    expect((await client().voice.v1.dialingPermissions.countries('GB').fetch()).lowRiskNumbersEnabled).toBe(true);
    const enabled = await client().voice.v1.dialingPermissions.countries.list({ lowRiskNumbersEnabled: true });
    expect(enabled.map((c) => c.isoCode).sort()).toEqual(['CA', 'GB', 'US']);
    await expect(client().voice.v1.dialingPermissions.bulkCountryUpdates.create({ updateRequest: '[{"iso_code":"XX"}]' })).rejects.toMatchObject({ status: 400 });
  });

  it('answers with a Date header the control API can skew', async () => {
    await control('POST', '/account/clock', { offsetSeconds: 600 });
    const skewed = await client().api.v2010.accounts(ACCOUNT).fetchWithHttpInfo();
    expect(Date.parse(skewed.headers.date!) - Date.now()).toBeGreaterThan(590_000);
    await control('POST', '/account/clock', { offsetSeconds: 0 });
    const right = await client().api.v2010.accounts(ACCOUNT).fetchWithHttpInfo();
    expect(Math.abs(Date.parse(right.headers.date!) - Date.now())).toBeLessThan(2000);
  });
});

describe('account control API', () => {
  it('shows the account, changes a number, deletes a key and misconfigures on purpose', async () => {
    const key = await client().newKeys.create({ friendlyName: 'Doomed' });
    const detail = await control('GET', '/account');
    expect(detail.status).toBe(200);
    expectContract(AccountRoutes.get.response[200], detail.body);
    expect(JSON.stringify(detail.body)).not.toContain(key.secret);
    expect(detail.body.apiKeys.map((k: { sid: string }) => k.sid)).toContain(key.sid);

    expect((await control('DELETE', `/keys/${key.sid}`)).status).toBe(204);
    expect((await control('DELETE', `/keys/${key.sid}`)).status).toBe(404);

    const changed = await control('POST', `/numbers/${encodeURIComponent(NUMBER)}`, { voiceUrl: 'https://elsewhere.example.com/voice', emergencyAddressSid: 'AD' + '2'.repeat(32) });
    expect(changed.body).toMatchObject({ voiceUrl: 'https://elsewhere.example.com/voice', emergencyAddressStatus: 'registered' });
    expect((await control('POST', `/numbers/${encodeURIComponent('+19995550000')}`, {})).status).toBe(404);
    expect((await control('POST', `/numbers/${encodeURIComponent(NUMBER)}`, { emergencyAddressSid: 'nope' })).status).toBe(400);

    const broken = await control('POST', '/account/misconfigure', { faults: ['number-elsewhere', 'no-emergency-address', 'country-disabled'] });
    expect(broken.body.numbers[0]).toMatchObject({ voiceUrl: DEMO_VOICE_URL, voiceApplicationSid: null, emergencyAddressSid: null });
    expect(broken.body.dialingPermissions).toEqual([]);
    const app = await client().applications.create({ voiceUrl: 'https://phone.example.com/handle_calls', statusCallback: 'https://phone.example.com/handle_calls/status' });
    const silent = await control('POST', '/account/misconfigure', { faults: ['no-status-callback'] });
    expect(silent.body.applications.find((a: { sid: string }) => a.sid === app.sid)).toMatchObject({ voiceUrl: 'https://phone.example.com/handle_calls', statusCallback: null });
    expect((await client().applications(app.sid).fetch()).statusCallback).toBeNull();
    await client().applications(app.sid).remove();
    expect((await control('POST', '/account/misconfigure', { faults: ['nonsense'] })).status).toBe(400);
    expect((await control('POST', '/dialing-permissions/US', { lowRiskNumbersEnabled: true })).body.dialingPermissions).toEqual(['US']);
  });
});
