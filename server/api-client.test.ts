/**
 * The web app's API client (web/src/core/api.ts) against the real server, through inject(): both ends are
 * typed from contracts/api/, and this checks they also agree at run time (paths, methods, bodies, cookies).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../web/src/core/api';
import { readyTwilioApp } from '../test-support/app-requests';
import { PASSWORDS, PUBLIC_BASE_URL, TEAM_NUMBER } from '../test-support/server-fixtures';

let app: FastifyInstance;
beforeAll(async () => {
  ({ app } = await readyTwilioApp({ webRoot: '/nonexistent' }));
});
afterAll(() => app.close());

/** fetch as a same-origin page makes it: the browser adds Origin and keeps the cookie. */
function browserFetch() {
  let cookie: string | undefined;
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const method = (init.method ?? 'GET') as 'GET' | 'POST' | 'DELETE';
    const res = await app.inject({
      method,
      url,
      headers: {
        ...(init.headers as Record<string, string>),
        ...(method === 'GET' ? {} : { origin: PUBLIC_BASE_URL }),
        'sec-fetch-site': 'same-origin',
        ...(cookie ? { cookie } : {}),
      },
      ...(typeof init.body === 'string' ? { payload: init.body } : {}),
    });
    const setCookie = res.headers['set-cookie'];
    if (setCookie) {
      const pair = String([setCookie].flat()[0]).split(';')[0]!;
      cookie = pair.endsWith('=') ? undefined : pair;
    }
    return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers: { 'content-type': String(res.headers['content-type'] ?? '') } });
  };
}

describe('the web client against the server', () => {
  it('config, sign-in, session, token and sign-out all fit the server’s contracts', async () => {
    const api = createApi(browserFetch());
    expect((await api.config()).teamNumber).toBe(TEAM_NUMBER);
    expect(await api.session()).toBeNull();
    expect(await api.signIn('alice', PASSWORDS.alice!)).toEqual({ identity: 'alice', colleagues: ['bob', 'carol'] });
    expect(await api.session()).toEqual({ identity: 'alice', colleagues: ['bob', 'carol'] });
    const grant = await api.token();
    expect(grant.identity).toBe('alice');
    expect(grant.token.split('.')).toHaveLength(3);
    await api.signOut();
    expect(await api.session()).toBeNull();
  });

  it('a refusal reaches the page as the server’s sentence', async () => {
    const api = createApi(browserFetch());
    await expect(api.signIn('alice', 'wrong')).rejects.toMatchObject({ message: 'The user name or password is wrong.', status: 401, code: 'bad_credentials' });
    await expect(api.signIn('alice', '')).rejects.toMatchObject({ message: 'The password is empty.', status: 400, code: 'bad_request' });
    await expect(api.token()).rejects.toMatchObject({ status: 401, code: 'signed_out' });
  });
});
