/**
 * Bench section "server": throughput and latency of /api/token and /handle_calls on loopback, next to
 * - a constant-JSON Fastify route (the ceiling: no route on this machine can do better), and
 * - the same two routes in Twilio's quickstart stack (Express + AccessToken + VoiceResponse), the baseline
 *   the targets are ratios of.
 * Each server runs alone in its own process while autocannon drives it from this one.
 */
import { performance } from 'node:perf_hooks';
import twilio from 'twilio';
import { voiceTokenSigner } from '../server/token-signer';
import { ACCOUNT_SID, API_KEY_SECRET, API_KEY_SID, AUTH_TOKEN, TEAM_NUMBER, TWIML_APP_SID } from '../test-support/server-fixtures';
import { describeLoad, measure, spawnTarget } from './load';
import type { LoadResult } from './load';
import type { RouteName, TargetName } from './targets';
import type { BenchOptions, BenchRow, BenchSection } from './types';

export const TARGET_RATIO = 5;

const account = { accountSid: ACCOUNT_SID, apiKeySid: API_KEY_SID, apiKeySecret: API_KEY_SECRET, authToken: AUTH_TOKEN, twimlAppSid: TWIML_APP_SID, teamNumber: TEAM_NUMBER };

/** Mean microseconds per call of `f`, after a warm-up. */
function microsPerCall(f: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(500, iterations); i++) f();
  const start = performance.now();
  for (let i = 0; i < iterations; i++) f();
  return ((performance.now() - start) * 1000) / iterations;
}

function helperToken(identity: string): string {
  const token = new twilio.jwt.AccessToken(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET, { identity, ttl: 3600 });
  token.addGrant(new twilio.jwt.AccessToken.VoiceGrant({ outgoingApplicationSid: TWIML_APP_SID, incomingAllow: true }));
  return token.toJwt();
}

const loadRow = (r: LoadResult): BenchRow => ({
  name: `${r.target} ${r.route === 'constant' ? 'constant JSON' : r.route === 'token' ? 'token' : 'voice webhook'}`,
  value: Math.round(r.rps),
  unit: 'req/s',
  note: `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ${r.cpuMicrosPerRequest.toFixed(0)} µs CPU/req, ${r.errors + r.timeouts} errors, ${r.non2xx} non-2xx`,
});

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const durationSeconds = options.durationSeconds ?? 5;
  const plan: [TargetName, RouteName[]][] = [
    ['fastify-ceiling', ['constant']],
    ['express-quickstart', ['token', 'webhook']],
    ['softphone', ['token', 'webhook']],
  ];
  const results: LoadResult[] = [];
  for (const [name, routes] of plan) {
    // Logs go to /dev/null at the level a deployment uses; the cost of producing them is what counts.
    const target = await spawnTarget(name, 'info');
    try {
      for (const route of routes) {
        const r = await measure(target, route, { durationSeconds });
        if (options.verbose) console.log(`  ${describeLoad(r)}`);
        results.push(r);
      }
    } finally {
      await target.close();
    }
  }
  const find = (target: TargetName, route: RouteName) => results.find((r) => r.target === target && r.route === route)!;
  const ceiling = find('fastify-ceiling', 'constant');

  const ratioRow = (route: 'token' | 'webhook'): BenchRow => {
    const ours = find('softphone', route);
    const base = find('express-quickstart', route);
    const ratio = ours.rps / base.rps;
    return {
      name: `${route === 'token' ? 'token' : 'voice webhook'}: softphone / Express quickstart`,
      value: Number(ratio.toFixed(2)),
      unit: '×',
      target: `≥ ${TARGET_RATIO}×`,
      ok: ratio >= TARGET_RATIO,
      // CPU per request is the steadier figure on a shared machine: throughput moves with the neighbours.
      note: `by CPU per request ${(base.cpuMicrosPerRequest / ours.cpuMicrosPerRequest).toFixed(1)}×; ${Math.round((ours.rps / ceiling.rps) * 100)}% of the constant-JSON ceiling; p99 ${ours.p99Ms.toFixed(2)} vs ${base.p99Ms.toFixed(2)} ms`,
    };
  };

  // Short runs (the smoke test) need only a figure, not a precise one.
  const scale = Math.min(1, durationSeconds / 5);
  const sign = voiceTokenSigner(account, 3600);
  const signing = {
    helperMicros: microsPerCall(() => helperToken('alice'), Math.max(50, Math.round(2000 * scale))),
    oursMicros: microsPerCall(() => sign('alice'), Math.max(500, Math.round(50_000 * scale))),
  };

  const failures = results.filter((r) => r.errors + r.timeouts + r.non2xx > 0);
  return {
    id: 'server',
    title: 'Server routes on loopback (autocannon, 10 connections)',
    rows: [
      ...results.map(loadRow),
      ratioRow('token'),
      ratioRow('webhook'),
      { name: 'AccessToken signing, twilio helper', value: Number(signing.helperMicros.toFixed(1)), unit: 'µs/token' },
      { name: 'AccessToken signing, softphone', value: Number(signing.oursMicros.toFixed(1)), unit: 'µs/token' },
      { name: 'errors or non-2xx responses', value: failures.length === 0 ? 0 : failures.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0), target: '0', ok: failures.length === 0 },
    ],
    notes: [
      `${durationSeconds} s per route after a warm-up; each server alone in its own process, the load generator in this one.`,
      'softphone: full app (helmet, session cookie, CSRF check, rate limit, signature check, info-level logging) in twilio mode.',
      'Express quickstart: express.static + urlencoded + json parsers, AccessToken on GET /token, VoiceResponse on POST /voice.',
    ],
    data: { results, signing },
  };
}
