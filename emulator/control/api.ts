/**
 * The JSON control API behind the console, also used by tests: inspect clients, phones and calls,
 * operate simulated phones, and inject faults. Local tool, no authentication: the host binds to
 * loopback.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { EngineError, type CallEngine } from '../calls/engine';
import type { MessageStore } from '../messages';
import { validatePhoneSpec, type SimulatedPhone } from '../phones';
import { callView, clientView, stateView } from './views';

type NumberParams = { Params: { number: string } };

function apiError(reply: FastifyReply, status: number, message: string) {
  return reply.code(status).send({ error: message, code: status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'bad_request' });
}

export function registerControlApi(app: FastifyInstance, engine: CallEngine, messages: MessageStore): void {
  const p = '/emulator/api';

  const phoneOr404 = (number: string, reply: FastifyReply): SimulatedPhone | null => {
    const phone = engine.phones.get(decodeURIComponent(number));
    if (!phone) {
      void apiError(reply, 404, `No simulated phone has number ${decodeURIComponent(number)}`);
      return null;
    }
    return phone;
  };

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof EngineError) return apiError(reply, err.statusCode, err.message);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return apiError(reply, status, (err as Error).message);
    engine.log.error({ err }, 'emulator request failed');
    return apiError(reply, 500, 'The emulator failed to handle this request; see its log');
  });

  app.get(`${p}/state`, async () => stateView(engine, messages));
  /** Process figures for benchmarks: CPU time is cumulative, so sample twice and divide by wall time. */
  app.get(`${p}/metrics`, async () => {
    const cpu = process.cpuUsage();
    const active = [...engine.calls.values()].filter((c) => !c.isOver);
    return {
      at: Date.now(),
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      rssBytes: process.memoryUsage().rss,
      activeCalls: active.length,
      activeMediaLegs: active.filter((c) => c.media).length,
      bridgedCalls: active.filter((c) => c.bridge).length / 2,
      sessions: engine.sessions.size,
    };
  });
  app.get(`${p}/clients`, async () => [...engine.sessions.values()].map(clientView));
  app.get(`${p}/calls`, async () => [...engine.calls.values()].reverse().map((c) => callView(c)));

  app.get<{ Params: { sid: string } }>(`${p}/calls/:sid`, async (req, reply) => {
    const call = engine.calls.get(req.params.sid);
    if (!call) return apiError(reply, 404, `No call ${req.params.sid}`);
    const children = [...engine.calls.values()].filter((c) => c.parentSid === call.sid).map((c) => c.sid);
    return { ...callView(call, true), children };
  });

  app.post<{ Params: { sid: string } }>(`${p}/calls/:sid/hangup`, async (req, reply) => {
    const call = engine.calls.get(req.params.sid);
    if (!call) return apiError(reply, 404, `No call ${req.params.sid}`);
    await engine.hangupCall(call, undefined, 'hung up from the console');
    return callView(call);
  });

  app.get(`${p}/phones`, async () => [...engine.phones.values()].map((ph) => ph.toJSON()));

  app.post(`${p}/phones`, async (req, reply) => {
    const result = validatePhoneSpec(req.body);
    if (!result.ok) return apiError(reply, 400, result.error);
    return reply.code(201).send(engine.addPhone(result.spec).toJSON());
  });

  app.get<NumberParams>(`${p}/phones/:number`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    const call = engine.currentCallOf(phone);
    return { ...phone.toJSON(), call: call ? callView(call) : null };
  });

  app.post<NumberParams & { Body: { to?: unknown } }>(`${p}/phones/:number/call`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    const to = typeof req.body?.to === 'string' ? req.body.to : '';
    const call = engine.phoneCall(phone.number, to);
    return reply.code(201).send({ callSid: call.sid });
  });

  app.post<NumberParams>(`${p}/phones/:number/answer`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    if (!phone.ring) return apiError(reply, 409, `${phone.spec.name} is not ringing`);
    phone.ring.answer();
    return { callSid: phone.callSid };
  });

  app.post<NumberParams>(`${p}/phones/:number/reject`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    if (!phone.ring) return apiError(reply, 409, `${phone.spec.name} is not ringing`);
    const sid = phone.callSid;
    phone.ring.reject();
    return { callSid: sid };
  });

  app.post<NumberParams>(`${p}/phones/:number/hangup`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    if (phone.ring) {
      const sid = phone.callSid;
      phone.ring.reject();
      return { callSid: sid };
    }
    const call = engine.currentCallOf(phone);
    if (!call || call.isOver) return apiError(reply, 409, `${phone.spec.name} is not on a call`);
    await engine.hangupCall(call, undefined, `${phone.spec.name} hung up`);
    return { callSid: call.sid };
  });

  app.post<NumberParams & { Body: { digits?: unknown } }>(`${p}/phones/:number/dtmf`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    const digits = typeof req.body?.digits === 'string' ? req.body.digits : '';
    if (!/^[0-9*#w]+$/.test(digits)) return apiError(reply, 400, 'digits must be 0-9, *, # or w');
    engine.phoneDtmf(phone, digits);
    return { sent: digits };
  });

  app.post<NumberParams & { Body: { to?: unknown; body?: unknown } }>(`${p}/phones/:number/sms`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    const to = typeof req.body?.to === 'string' ? req.body.to.trim() : '';
    const body = typeof req.body?.body === 'string' ? req.body.body : '';
    if (!to || !body) return apiError(reply, 400, 'to and body are required');
    const result = await messages.fromPhone(phone.number, to, body);
    return reply.code(201).send({ messageSid: result.message.sid, replies: result.replies.map((r) => r.body), error: result.error ?? null });
  });

  /** The console page operates the phone with its own microphone: our leg offers, the page answers. */
  app.post<NumberParams>(`${p}/phones/:number/operate`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    if (phone.state !== 'idle') return apiError(reply, 409, `${phone.spec.name} is on a call; take it over between calls`);
    if (phone.consoleLeg) await phone.consoleLeg.close().catch(() => undefined);
    const leg = engine.media.createLeg(`console-${phone.number}`);
    phone.consoleLeg = leg;
    leg.on('closed', () => {
      if (phone.consoleLeg === leg) phone.consoleLeg = null;
    });
    leg.on('dtmf', (digit) => {
      const call = engine.currentCallOf(phone);
      if (call && call.media === leg) engine.onDigit(call, digit, 'rtp');
    });
    const sdp = await leg.createOffer();
    return { sdp };
  });

  app.post<NumberParams & { Body: { sdp?: unknown } }>(`${p}/phones/:number/operate/answer`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    if (!phone.consoleLeg) return apiError(reply, 409, 'Start operating the phone first');
    if (typeof req.body?.sdp !== 'string') return apiError(reply, 400, 'sdp is required');
    await phone.consoleLeg.applyAnswer(req.body.sdp);
    return { ok: true };
  });

  app.delete<NumberParams>(`${p}/phones/:number/operate`, async (req, reply) => {
    const phone = phoneOr404(req.params.number, reply);
    if (!phone) return reply;
    const leg = phone.consoleLeg;
    phone.consoleLeg = null;
    if (leg) {
      const call = engine.currentCallOf(phone);
      if (call && call.media === leg) await engine.hangupCall(call, undefined, 'console stopped operating the phone');
      await leg.close().catch(() => undefined);
    }
    return reply.code(204).send();
  });

  app.post<{ Body: { identity?: unknown; sessionId?: unknown } }>(`${p}/faults/drop-signaling`, async (req, reply) => {
    const identity = typeof req.body?.identity === 'string' ? req.body.identity : undefined;
    const sessionId = typeof req.body?.sessionId === 'string' ? req.body.sessionId : undefined;
    if (!identity && !sessionId) return apiError(reply, 400, 'identity or sessionId is required');
    return { dropped: engine.dropSignaling({ ...(identity ? { identity } : {}), ...(sessionId ? { sessionId } : {}) }) };
  });

  /** Network outage on the media path of a call: every datagram of its media endpoint is dropped. */
  app.post<{ Body: { identity?: unknown; callSid?: unknown; ms?: unknown } }>(`${p}/faults/block-media`, async (req, reply) => {
    const identity = typeof req.body?.identity === 'string' ? req.body.identity : undefined;
    const callSid = typeof req.body?.callSid === 'string' ? req.body.callSid : undefined;
    const ms = req.body?.ms;
    if (!identity && !callSid) return apiError(reply, 400, 'identity or callSid is required');
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > 600_000) {
      return apiError(reply, 400, 'ms must be a whole number of milliseconds from 1 to 600000');
    }
    const blocked = engine.blockMedia({ ...(identity ? { identity } : {}), ...(callSid ? { callSid } : {}) }, ms);
    if (blocked.length === 0) return apiError(reply, 404, 'No live call with a media endpoint matches');
    return { blocked, ms };
  });

  const sessionFilter = (body: { identity?: unknown; sessionId?: unknown } | undefined) => {
    const identity = typeof body?.identity === 'string' ? body.identity : undefined;
    const sessionId = typeof body?.sessionId === 'string' ? body.sessionId : undefined;
    if (!identity && !sessionId) return null;
    return { ...(identity ? { identity } : {}), ...(sessionId ? { sessionId } : {}) };
  };

  /** The token of these devices expires now: 31205, and they stop ringing until updateToken. */
  app.post<{ Body: { identity?: unknown; sessionId?: unknown } }>(`${p}/faults/expire-token`, async (req, reply) => {
    const filter = sessionFilter(req.body);
    if (!filter) return apiError(reply, 400, 'identity or sessionId is required');
    return { expired: engine.expireTokens(filter) };
  });

  /** The token of these devices is refused from now on (as a revoked API key's would be): 31204. */
  app.post<{ Body: { identity?: unknown; sessionId?: unknown } }>(`${p}/faults/revoke-token`, async (req, reply) => {
    const filter = sessionFilter(req.body);
    if (!filter) return apiError(reply, 400, 'identity or sessionId is required');
    return { revoked: engine.revokeTokens(filter) };
  });

  /** TwiML Apps, and changing one's voice URL as a person would in Twilio's console. */
  app.get(`${p}/applications`, async () => engine.applicationList());
  app.post<{ Params: { sid: string }; Body: { voiceUrl?: unknown; voiceMethod?: unknown } }>(`${p}/applications/:sid`, async (req, reply) => {
    const { voiceUrl, voiceMethod } = req.body ?? {};
    if (voiceUrl !== undefined && typeof voiceUrl !== 'string') return apiError(reply, 400, 'voiceUrl must be a string');
    if (voiceMethod !== undefined && voiceMethod !== 'GET' && voiceMethod !== 'POST') return apiError(reply, 400, 'voiceMethod must be GET or POST');
    return engine.updateApplication(req.params.sid, {
      ...(voiceUrl !== undefined ? { voiceUrl } : {}),
      ...(voiceMethod !== undefined ? { voiceMethod } : {}),
    });
  });
}
