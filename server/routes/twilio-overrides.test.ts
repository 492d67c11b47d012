/**
 * What EMERGENCY_CALLING and the test-only TWILIO_TEST_ENDPOINT change in what the app serves: the public
 * config the dial pad reads, the voice webhook's decision, the Device's signaling host and the CSP.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { EmergencyCalling } from '../voice/emergency';
import { AUTH_TOKEN, PUBLIC_BASE_URL, form, sign, twilioConfig } from '../../test-support/server-fixtures';
import { testApp } from '../../test-support/app-requests';

const apps: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.close()));
});

async function app(env: Record<string, string>, emergency?: EmergencyCalling): Promise<FastifyInstance> {
  const { app: built } = await testApp(await twilioConfig(env), emergency ? { emergency } : {});
  apps.push(built);
  return built;
}

async function dial(instance: FastifyInstance, to: string): Promise<string> {
  const params = { CallSid: 'CA' + '1'.repeat(32), From: 'client:alice', To: to, AccountSid: 'AC' + 'a'.repeat(32) };
  const res = await instance.inject({
    method: 'POST',
    url: '/handle_calls',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(AUTH_TOKEN, `${PUBLIC_BASE_URL}/handle_calls`, params) },
    payload: form(params),
  });
  expect(res.statusCode).toBe(200);
  return res.body;
}

const config = async (instance: FastifyInstance) => (await instance.inject({ method: 'GET', url: '/api/config' })).json();

describe('EMERGENCY_CALLING', () => {
  it('off: the dial pad learns the numbers and that they are not dialed; the webhook refuses them', async () => {
    const off = await app({});
    expect((await config(off)).emergency).toEqual({ calling: false, numbers: ['112', '911'] });
    expect(await dial(off, '911')).toContain('<Say>This phone does not place emergency calls.');
  });

  it('on: dialed, with the country list of a GB team number', async () => {
    const on = await app({ EMERGENCY_CALLING: 'on', TWILIO_NUMBER: '+442079460123' });
    expect((await config(on)).emergency).toEqual({ calling: true, numbers: ['112', '911', '999'] });
    expect(await dial(on, '999')).toContain('>999</Number></Dial>');
  });

  it('on, until the start-up check finds no emergency address: then refused again', async () => {
    const emergency = new EmergencyCalling(true);
    const on = await app({ EMERGENCY_CALLING: 'on' }, emergency);
    expect(await dial(on, '911')).toContain('>911</Number>');
    emergency.disable('no emergency address');
    expect((await config(on)).emergency.calling).toBe(false);
    expect(await dial(on, '911')).not.toContain('<Dial');
  });
});

describe('TWILIO_TEST_ENDPOINT', () => {
  it('sends the Device to the stand-in, with local sounds, and lets the CSP reach it', async () => {
    const overridden = await app({ TWILIO_TEST_ENDPOINT: 'https://localhost:3391' });
    const res = await overridden.inject({ method: 'GET', url: '/api/config' });
    expect(res.json().deviceOptions).toMatchObject({ chunderw: 'localhost:3391', publishEvents: false });
    expect(res.json().deviceOptions.sounds.incoming).toMatch(/^\/sounds\//);
    expect(String(res.headers['content-security-policy'])).toMatch(/connect-src [^;]*wss:\/\/localhost:3391/);
  });

  it('without it, twilio mode leaves the Device to Twilio and the CSP to Twilio hosts', async () => {
    const plain = await app({});
    const res = await plain.inject({ method: 'GET', url: '/api/config' });
    expect(res.json().deviceOptions).toEqual({});
    expect(String(res.headers['content-security-policy'])).not.toContain('localhost');
  });
});
