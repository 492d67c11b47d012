// BUSINESS_HOURS through the app (inject): outside them a caller to the team number hears the after-hours
// greeting and is recorded at once, nobody is rung; colleagues still reach each other.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store/store';
import { testApp } from '../../test-support/app-requests';
import { testStore } from '../../test-support/database';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_BASE_URL, TEAM_NUMBER, form, sign, twilioConfig } from '../../test-support/server-fixtures';

let store: Store;
let app: FastifyInstance;

beforeAll(async () => {
  // Open only on the weekday three days from now: closed while this runs.
  const day = new Date(Date.now() + 3 * 86_400_000).toLocaleDateString('en-US', { weekday: 'short', timeZone: 'UTC' });
  const config = await twilioConfig({ BUSINESS_HOURS: `UTC;${day} 00:00-24:00`, VOICEMAIL_AFTER_HOURS_GREETING: 'The office is closed. Leave a message.' });
  store = await testStore(config);
  ({ app } = await testApp(config, { store }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await store.close();
});

const webhook = (params: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/handle_calls',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_calls`, params) },
    payload: form(params),
  });

describe('outside business hours', () => {
  it('a caller to the team number goes straight to voicemail with the after-hours greeting', async () => {
    const res = await webhook({ CallSid: `CA${'7'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: '+12025550199', To: TEAM_NUMBER, Direction: 'inbound' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Say>The office is closed. Leave a message.</Say><Record ');
    expect(res.body).not.toContain('<Dial');
  });

  it('a colleague still rings', async () => {
    const res = await webhook({ CallSid: `CA${'8'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: 'client:alice', Caller: 'client:alice', To: 'bob', Direction: 'inbound' });
    expect(res.body).toMatch(/<Dial [^>]*><Client [^>]*>bob<\/Client><\/Dial>/);
  });
});
