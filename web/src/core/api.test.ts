import { describe, expect, it } from 'vitest';
import { ApiError, createApi } from './api';
import type { Api } from './api';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

function fakeFetch(answer: () => Response | Promise<Response>) {
  const sent: Sent[] = [];
  const fetchImpl = async (url: string, init?: RequestInit) => {
    sent.push({ url, method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) }, body: init?.body as string | undefined });
    return answer();
  };
  return { sent, api: createApi(fetchImpl) };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('createApi: what each call sends', () => {
  const JSON_BODY = { accept: 'application/json', 'content-type': 'application/json' };
  const NO_BODY = { accept: 'application/json' };
  const table: [string, (api: Api) => Promise<unknown>, Response, Omit<Sent, 'headers'> & { headers: Record<string, string> }, unknown][] = [
    ['config', (api) => api.config(), json(200, { mode: 'twilio' }), { url: '/api/config', method: 'GET', headers: NO_BODY, body: undefined }, { mode: 'twilio' }],
    ['session', (api) => api.session(), json(200, { identity: 'alice', colleagues: [] }), { url: '/api/session', method: 'GET', headers: NO_BODY, body: undefined }, { identity: 'alice', colleagues: [] }],
    ['signIn', (api) => api.signIn('alice', 'pw'), json(200, { identity: 'alice', colleagues: ['bob'] }), { url: '/api/session', method: 'POST', headers: JSON_BODY, body: '{"username":"alice","password":"pw"}' }, { identity: 'alice', colleagues: ['bob'] }],
    ['signOut', (api) => api.signOut(), new Response(null, { status: 204 }), { url: '/api/session', method: 'DELETE', headers: NO_BODY, body: undefined }, undefined],
    ['token', (api) => api.token(), json(200, { token: 't', identity: 'alice', ttl: 60 }), { url: '/api/token', method: 'POST', headers: JSON_BODY, body: '{}' }, { token: 't', identity: 'alice', ttl: 60 }],
    ['calls, first page', (api) => api.calls({ limit: 30 }), json(200, { items: [], nextCursor: null }), { url: '/api/calls?limit=30', method: 'GET', headers: NO_BODY, body: undefined }, { items: [], nextCursor: null }],
    ['calls, older missed calls', (api) => api.calls({ limit: 10, before: 'c/1+2=', filter: 'missed' }), json(200, { items: [], nextCursor: null }), { url: '/api/calls?limit=10&before=c%2F1%2B2%3D&filter=missed', method: 'GET', headers: NO_BODY, body: undefined }, { items: [], nextCursor: null }],
    ['markCallsSeen up to a time', (api) => api.markCallsSeen('2025-01-02T03:04:05.000Z'), json(200, { missedCalls: 1 }), { url: '/api/calls/seen', method: 'POST', headers: JSON_BODY, body: '{"upTo":"2025-01-02T03:04:05.000Z"}' }, { missedCalls: 1 }],
    ['markCallsSeen up to now', (api) => api.markCallsSeen(), json(200, { missedCalls: 0 }), { url: '/api/calls/seen', method: 'POST', headers: JSON_BODY, body: '{}' }, { missedCalls: 0 }],
    ['unseen', (api) => api.unseen(), json(200, { missedCalls: 2 }), { url: '/api/unseen', method: 'GET', headers: NO_BODY, body: undefined }, { missedCalls: 2 }],
    ['presence', (api) => api.presence(), json(200, { items: [] }), { url: '/api/presence', method: 'GET', headers: NO_BODY, body: undefined }, { items: [] }],
    ['setAvailability', (api) => api.setAvailability('dnd'), json(200, { user: 'alice', availability: 'dnd', onCall: false }), { url: '/api/presence/me', method: 'PUT', headers: JSON_BODY, body: '{"availability":"dnd"}' }, { user: 'alice', availability: 'dnd', onCall: false }],
    ['liveCalls', (api) => api.liveCalls(), json(200, { items: [] }), { url: '/api/calls/live', method: 'GET', headers: NO_BODY, body: undefined }, { items: [] }],
    ['holdCall: JSON even with nothing to say', (api) => api.holdCall('c 1'), json(200, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }), { url: '/api/calls/c%201/hold', method: 'POST', headers: JSON_BODY, body: '{}' }, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }],
    ['resumeCall', (api) => api.resumeCall('c1'), json(200, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }), { url: '/api/calls/c1/resume', method: 'POST', headers: JSON_BODY, body: '{}' }, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }],
    ['transferCall', (api) => api.transferCall('c1', 'bob', 'consult'), json(200, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }), { url: '/api/calls/c1/transfer', method: 'POST', headers: JSON_BODY, body: '{"to":"bob","mode":"consult"}' }, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }],
    ['completeTransfer', (api) => api.completeTransfer('c1'), json(200, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }), { url: '/api/calls/c1/transfer/complete', method: 'POST', headers: JSON_BODY, body: '{}' }, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }],
    ['cancelTransfer', (api) => api.cancelTransfer('c1'), json(200, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }), { url: '/api/calls/c1/transfer/cancel', method: 'POST', headers: JSON_BODY, body: '{}' }, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }],
    ['addParty', (api) => api.addParty('c1', '+12025550142'), json(200, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }), { url: '/api/calls/c1/add', method: 'POST', headers: JSON_BODY, body: '{"to":"+12025550142"}' }, { id: 'c 1', conference: true, legs: ['CA1'], parties: [], transfer: null, ended: false }],
  ];

  it.each(table)('%s', async (_name, call, answer, request, result) => {
    const { sent, api } = fakeFetch(() => answer);
    expect(await call(api)).toEqual(result);
    expect(sent).toEqual([request]);
  });
});

describe('createApi: errors', () => {
  const table: [string, () => Response | Promise<Response>, { message: string; status: number; code: string }][] = [
    ['the server’s sentence and code', () => json(401, { error: 'The user name or password is wrong.', code: 'bad_credentials' }), { message: 'The user name or password is wrong.', status: 401, code: 'bad_credentials' }],
    ['a body that is not ours', () => new Response('<html>Bad gateway</html>', { status: 502 }), { message: 'The server answered 502.', status: 502, code: 'http_502' }],
    ['an error body of the wrong shape', () => json(500, { error: 42 }), { message: 'The server answered 500.', status: 500, code: 'http_500' }],
    ['no answer at all', () => Promise.reject(new TypeError('Failed to fetch')), { message: 'The server could not be reached. Check your connection.', status: 0, code: 'network' }],
  ];

  it.each(table)('%s', async (_name, answer, expected) => {
    const { api } = fakeFetch(answer);
    const error = await api.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect({ message: (error as ApiError).message, status: (error as ApiError).status, code: (error as ApiError).code }).toEqual(expected);
  });

  it('session() is null when signed out, and other failures still throw', async () => {
    expect(await fakeFetch(() => json(401, { error: 'You are not signed in.', code: 'signed_out' })).api.session()).toBeNull();
    await expect(fakeFetch(() => json(503, { error: 'Busy.', code: 'unavailable' })).api.session()).rejects.toThrow('Busy.');
  });
});
