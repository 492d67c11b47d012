/**
 * The emulator's call engine: the state of Twilio's side of every call (CallSids, legs, statuses,
 * TwiML runs, media endpoints) and the glue between signaling sessions, simulated phones, the
 * media plane and the application's webhooks.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { AudioSource, Bridge, MediaLeg } from '../media/types';
import { SimulatedPhone, DEFAULT_PHONES, UNOWNED_NUMBER_BEHAVIOUR } from '../phones';
import type { SignalingSession, CallMessage } from '../signaling/session';
import type { TokenResult } from '../token-verify';
import { verifyAccessToken } from '../token-verify';
import type { EmulatorApplication, EmulatorNumber, EmulatorOptions, SimulatedPhoneSpec } from '../types';
import { parseTwiml, TwimlError } from '../twiml/parse';
import { afterVerb, answersCall, gatherStep, type Next, type VerbOutcome } from '../twiml/interpreter';
import type { GatherVerb, Method, StatusCallbackSpec, Verb } from '../twiml/verbs';
import { Call, type CallStatus, type Endpoint } from './call';
import { callFacts, parseSdkParams, statusCallbackParams, voiceParams } from './params';
import { requestWebhook, type WebhookResult } from './webhook';
import { runDial, Ringer } from './dial';

export interface MediaFactory {
  createLeg(id: string): MediaLeg;
  bridge(a: MediaLeg, b: MediaLeg): Bridge;
}

export type Logger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

const APPLICATION_ERROR_TEXT = 'We are sorry, an application error has occurred. Goodbye.';
const RINGBACK: AudioSource = { kind: 'tone', frequencies: [440, 480], onMs: 2000, offMs: 4000 };
/** How long a call waits for its SDK leg's signaling to come back before Twilio gives up on it. */
const MIN_SIGNALING_GRACE_SECONDS = 30;
const MAX_KEPT_CALLS = 300;

type FirstRequest =
  | { url: string; method: Method; params: Record<string, string> }
  | { twiml: string; baseUrl: string };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

function settle(p: Promise<unknown>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    p.then(done, done);
  });
}

export class CallEngine {
  readonly sessions = new Map<string, SignalingSession>();
  readonly calls = new Map<string, Call>();
  readonly phones = new Map<string, SimulatedPhone>();
  /** Ringing SDK forks by `${sessionId}|${callSid}`. */
  readonly forks = new Map<string, Ringer>();
  readonly log: Logger;
  private readonly applications = new Map<string, EmulatorApplication>();
  /** Access tokens refused by fault injection (revoked), as sent by the SDK. */
  private readonly revokedTokens = new Set<string>();

  constructor(readonly options: EmulatorOptions, readonly media: MediaFactory, logger?: Logger) {
    this.log = logger ?? options.logger ?? { debug() {}, info() {}, warn() {}, error() {} };
    for (const app of options.applications) this.applications.set(app.sid, app);
    for (const spec of options.phones ?? DEFAULT_PHONES) this.phones.set(spec.number, new SimulatedPhone(spec));
  }

  get accountSid(): string {
    return this.options.account.accountSid;
  }

  // ---- signaling host -------------------------------------------------------------------------

  verifyToken(jwt: string): TokenResult {
    if (this.revokedTokens.has(jwt)) return { ok: false, error: { code: 31204, message: 'JWT has been revoked' } };
    return verifyAccessToken(jwt, {
      accountSid: this.accountSid,
      apiKeys: this.options.account.apiKeys,
      applicationSids: [...this.applications.keys()],
    }, Math.floor(Date.now() / 1000));
  }

  addSession(session: SignalingSession): void {
    this.sessions.set(session.id, session);
  }

  reachableSessions(identity: string): SignalingSession[] {
    return [...this.sessions.values()].filter((s) => s.reachable && s.identity === identity);
  }

  sessionClosed(session: SignalingSession): void {
    this.sessions.delete(session.id);
    for (const [key, ringer] of this.forks) {
      if (key.startsWith(session.id + '|')) ringer.event({ kind: 'fail', fork: key });
    }
    for (const call of this.calls.values()) {
      if (call.isOver || call.endpoint.kind !== 'client' || call.endpoint.session !== session) continue;
      const grace = Math.max(session.reconnectTimeout, MIN_SIGNALING_GRACE_SECONDS);
      call.log('signaling', `signaling socket of ${call.endpoint.identity} lost; keeping the call ${grace} s for it to reconnect`);
      if (call.signalingLostTimer) clearTimeout(call.signalingLostTimer);
      call.signalingLostTimer = setTimeout(() => {
        call.log('error', 'signaling did not reconnect in time');
        void this.hangupCall(call, undefined, 'signaling lost');
      }, grace * 1000);
      call.signalingLostTimer.unref?.();
    }
  }

  handleCallMessage(session: SignalingSession, msg: CallMessage): void {
    switch (msg.type) {
      case 'invite':
        if (msg.reconnect) this.reconnect(session, msg.callsid, msg.reconnect);
        else void this.outgoingCall(session, msg.callsid, msg.sdp, msg.params);
        return;
      case 'answer': {
        const ringer = this.forks.get(`${session.id}|${msg.callsid}`);
        if (!ringer) {
          session.send({ type: 'hangup', payload: { callsid: msg.callsid } });
          return;
        }
        void ringer.sdkAnswered(`${session.id}|${msg.callsid}`, msg.sdp);
        return;
      }
      case 'reject': {
        const key = `${session.id}|${msg.callsid}`;
        this.forks.get(key)?.event({ kind: 'reject', fork: key });
        return;
      }
      case 'hangup': {
        const key = `${session.id}|${msg.callsid}`;
        const ringer = this.forks.get(key);
        if (ringer) {
          ringer.event({ kind: 'reject', fork: key });
          return;
        }
        const call = this.findSdkCall(session, msg.callsid);
        if (call) {
          call.log('signaling', `hangup from ${session.identity}${msg.message ? ` (${msg.message})` : ''}`);
          void this.hangupCall(call, undefined, 'client hung up', { notifySdk: false });
        }
        return;
      }
      case 'reinvite': {
        const call = this.findSdkCall(session, msg.callsid);
        if (!call?.media) {
          session.send({ type: 'hangup', payload: { callsid: msg.callsid, error: { code: 31404, message: 'No such call' } } });
          return;
        }
        const media = call.media;
        call.log('signaling', 'reinvite (ICE restart)');
        media.answerOffer(msg.sdp).then((sdp) => {
          call.localSdp = sdp;
          session.send({ type: 'answer', payload: { callsid: call.sid, sdp } });
        }, (e: Error) => call.log('error', `ICE restart failed: ${e.message}`));
        return;
      }
      case 'dtmf': {
        const call = this.findSdkCall(session, msg.callsid);
        if (!call) return;
        for (const digit of msg.dtmf) {
          call.media?.noteDigit(digit);
          this.onDigit(call, digit, 'signaling');
        }
        return;
      }
      case 'message': {
        const call = this.findSdkCall(session, msg.callsid);
        if (!call) {
          session.send({ type: 'error', payload: { callsid: msg.callsid, voiceeventsid: msg.voiceeventsid, error: { code: 31404, message: 'No such call' } } });
          return;
        }
        call.log('signaling', `user-defined message (${msg.messagetype})`, msg.content);
        session.send({ type: 'ack', payload: { acktype: 'message', callsid: call.sid, voiceeventsid: msg.voiceeventsid } });
        return;
      }
    }
  }

  private findSdkCall(session: SignalingSession, callsid: string): Call | undefined {
    for (const call of this.calls.values()) {
      if (call.isOver || call.endpoint.kind !== 'client' || call.endpoint.session !== session) continue;
      if (call.sid === callsid || call.endpoint.sdkCallId === callsid) return call;
    }
    return undefined;
  }

  private reconnect(session: SignalingSession, callsid: string, token: string): void {
    const call = [...this.calls.values()].find((c) => c.reconnectToken === token && !c.isOver);
    if (!call || call.endpoint.kind !== 'client' || (call.sid !== callsid && call.endpoint.sdkCallId !== callsid)) {
      session.send({ type: 'hangup', payload: { callsid, error: { code: 31209, message: 'Reconnect attempt is not authorized' } } });
      return;
    }
    const resumed = call.endpoint.session !== session;
    call.endpoint.session = session;
    if (call.signalingLostTimer) {
      clearTimeout(call.signalingLostTimer);
      call.signalingLostTimer = null;
    }
    call.log('signaling', resumed ? `signaling of ${session.identity} reconnected; call resumed` : 'signaling reconnect on the same socket (token update)');
    session.send({ type: 'answer', payload: { callsid: call.sid, sdp: call.localSdp, reconnect: call.reconnectToken } });
  }

  private async outgoingCall(session: SignalingSession, tempSid: string, offer: string, query: string): Promise<void> {
    const token = session.token!;
    const identity = token.identity;
    const app = token.outgoingApplicationSid ? this.applications.get(token.outgoingApplicationSid) : undefined;
    if (!app) {
      session.send({ type: 'hangup', payload: { callsid: tempSid, error: { code: 31201, message: 'Authorization error: the token has no outgoing application grant' } } });
      return;
    }
    const custom = { ...token.outgoingParams, ...parseSdkParams(query) };
    const call = new Call(this.accountSid, `client:${identity}`, custom.To ?? '', 'inbound',
      { kind: 'client', identity, session, sdkCallId: tempSid });
    call.applicationSid = app.sid;
    call.customParams = custom;
    call.timing.inviteAt = Date.now();
    if (app.statusCallback) call.statusCallback = { url: app.statusCallback, method: 'POST', events: ['completed'] };
    this.addCall(call);
    call.log('signaling', `invite from ${identity} (${tempSid})`, { params: custom });
    const leg = this.newLeg(call);
    call.media = leg;
    call.mediaReady = leg.answerOffer(offer).then((sdp) => { call.localSdp = sdp; });
    call.mediaReady.catch((e: Error) => {
      call.log('error', `media endpoint could not answer the offer: ${e.message}`);
      session.send({ type: 'hangup', payload: { callsid: tempSid, error: { code: 31000, message: 'Media negotiation failed' } } });
      void this.hangupCall(call, 'failed', 'media failed', { notifySdk: false });
    });
    this.setStatus(call, 'ringing');
    await this.runTwiml(call, { url: app.voiceUrl, method: app.voiceMethod ?? 'POST', params: custom });
  }

  // ---- legs, status, answer, hangup --------------------------------------------------------------

  addCall(call: Call): void {
    this.calls.set(call.sid, call);
    if (this.calls.size > MAX_KEPT_CALLS) {
      for (const [sid, c] of this.calls) {
        if (this.calls.size <= MAX_KEPT_CALLS) break;
        if (c.isOver) this.calls.delete(sid);
      }
    }
  }

  newLeg(call: Call, suffix = ''): MediaLeg {
    const leg = this.media.createLeg(call.sid + suffix);
    leg.on('dtmf', (digit) => {
      // A ringing fork's leg belongs to the call only once it has won.
      if (call.media === leg) this.onDigit(call, digit, 'rtp');
    });
    leg.on('ice', (state) => {
      if (call.media === leg || !call.answeredAt) call.log('media', `ICE ${state}${suffix ? ` (${suffix})` : ''}`);
    });
    return leg;
  }

  setStatus(call: Call, status: CallStatus): void {
    if (call.status === status) return;
    call.status = status;
    if (status === 'initiated' || status === 'ringing') call.startTime ??= new Date();
    call.log('status', status);
    const event = status === 'in-progress' ? 'answered' : call.isOver ? 'completed' : status;
    const sc = call.statusCallback;
    if (sc && (sc.events as string[]).includes(event)) this.sendStatusCallback(call, sc);
  }

  private sendStatusCallback(call: Call, sc: StatusCallbackSpec): void {
    const params = statusCallbackParams(callFacts(call), {
      duration: call.isOver ? call.durationSeconds : null,
      sequence: call.callbackSequence++,
      timestamp: new Date(),
    });
    const url = this.resolveUrl(sc.url);
    void this.webhook({ url, method: sc.method, params }).then((r) => {
      call.log(r.ok ? 'webhook' : 'error', r.ok ? `status callback ${params.CallStatus} → ${r.status} (${r.ms} ms)` : `status callback failed: ${r.code} ${r.message}`);
    });
  }

  /** Twilio answers the leg (SDK `answer`, phone picks up its end) before a verb that needs it. */
  async answerCall(call: Call): Promise<void> {
    if (call.answeredAt || call.isOver) return;
    await call.mediaReady.catch(() => undefined);
    if (call.answeredAt || call.isOver) return;
    call.answeredAt = new Date();
    const ep = call.endpoint;
    if (ep.kind === 'client' && call.direction === 'inbound' && ep.session) {
      ep.session.send({ type: 'answer', payload: { callsid: call.sid, sdp: call.localSdp, reconnect: call.reconnectToken } });
      call.sdkKnowsSid = true;
      call.timing.answerSentAt = Date.now();
      const setup = call.timing.inviteAt !== undefined ? call.timing.answerSentAt - call.timing.inviteAt : null;
      call.log('signaling', `answer sent${setup !== null ? ` (${setup} ms after invite)` : ''}`);
    }
    if (ep.kind === 'phone') {
      const phone = this.phones.get(ep.number);
      if (phone && phone.callSid === call.sid) phone.state = 'in-call';
    }
    this.setStatus(call, 'in-progress');
  }

  /** answerOnBridge: the SDK caller hears ringing (early media from our endpoint) until the callee answers. */
  async sendRinging(call: Call): Promise<void> {
    const ep = call.endpoint;
    if (ep.kind !== 'client' || !ep.session || call.direction !== 'inbound' || call.answeredAt) return;
    await call.mediaReady.catch(() => undefined);
    if (call.isOver || call.answeredAt) return;
    ep.session.send({ type: 'ringing', payload: { callsid: call.sid, sdp: call.localSdp } });
    call.sdkKnowsSid = true;
    call.timing.ringingSentAt = Date.now();
    call.log('signaling', 'ringing sent (answerOnBridge)');
  }

  async hangupCall(
    call: Call,
    status?: CallStatus,
    reason = '',
    opts: { notifySdk?: boolean; error?: { code: number; message: string } } = {},
  ): Promise<void> {
    if (call.isOver) return;
    const final: CallStatus = status ?? (call.answeredAt ? 'completed' : 'canceled');
    call.endTime = new Date();
    call.runAbort.abort();
    if (call.signalingLostTimer) clearTimeout(call.signalingLostTimer);
    this.disconnectPeers(call);
    const ep = call.endpoint;
    if (ep.kind === 'client' && ep.session && opts.notifySdk !== false) {
      const callsid = call.sdkKnowsSid || !ep.sdkCallId ? call.sid : ep.sdkCallId;
      ep.session.send({ type: 'hangup', payload: { callsid, ...(opts.error ? { error: opts.error } : {}) } });
    }
    if (ep.kind === 'phone') {
      const phone = this.phones.get(ep.number);
      if (phone && phone.callSid === call.sid) phone.endCall();
    }
    if (call.media) {
      const media = call.media;
      if (call.ownsMedia) void media.close().catch(() => undefined);
      else media.stopPlayback();
    }
    call.digitListeners.clear();
    if (reason) call.log('info', `ended: ${reason}`);
    this.setStatus(call, final);
    call.markEnded();
  }

  /** Joins the two parties of an answered <Dial> the way Twilio's media edge would. */
  connectPeers(a: Call, b: Call): void {
    a.peer = b;
    b.peer = a;
    const phoneOf = (c: Call) => (c.endpoint.kind === 'phone' ? this.phones.get(c.endpoint.number) : undefined);
    const pa = phoneOf(a);
    const pb = phoneOf(b);
    if (pa) pa.listenLeg = b.media;
    if (pb) pb.listenLeg = a.media;
    if (a.media && b.media) {
      const br = this.media.bridge(a.media, b.media);
      a.bridge = br;
      b.bridge = br;
      a.log('media', `bridged to ${b.sid}`);
      b.log('media', `bridged to ${a.sid}`);
      return;
    }
    const [withMedia, phone] = a.media && pb ? [a, pb] : b.media && pa ? [b, pa] : [null, null];
    if (withMedia && phone) {
      const source = phone.audioSource();
      withMedia.log('media', `${phone.spec.name} answers with ${source.kind} audio`);
      void withMedia.media!.play(source).catch(() => undefined);
      return;
    }
    a.log('info', 'both ends are simulated phones: no media between them');
  }

  private disconnectPeers(call: Call): void {
    const peer = call.peer;
    if (call.bridge) {
      call.bridge.unbridge();
      call.bridge = null;
      if (peer) peer.bridge = null;
    }
    if (peer) {
      peer.peer = null;
      if (peer.media && !peer.isOver) peer.media.stopPlayback();
      for (const c of [call, peer]) {
        if (c.endpoint.kind === 'phone') {
          const phone = this.phones.get(c.endpoint.number);
          if (phone) phone.listenLeg = null;
        }
      }
    }
    call.peer = null;
  }

  onDigit(call: Call, digit: string, via: 'rtp' | 'signaling' | 'phone'): void {
    call.log('digits', `heard ${digit} (${via})`);
    for (const listener of [...call.digitListeners]) listener(digit);
    const peer = call.peer;
    if (peer?.endpoint.kind === 'phone') {
      const phone = this.phones.get(peer.endpoint.number);
      if (phone && phone.callSid === peer.sid) phone.digitsHeard += digit;
    }
  }

  // ---- TwiML --------------------------------------------------------------------------------------

  resolveUrl(url: string, base?: string): string {
    return new URL(url, base ?? this.options.publicOrigin).toString();
  }

  webhook(req: { url: string; method: Method; params: Record<string, string> }): Promise<WebhookResult> {
    return requestWebhook(req, {
      authToken: this.options.account.authToken,
      ...(this.options.webhookCa ? { ca: this.options.webhookCa } : {}),
      timeoutMs: (this.options.webhookTimeoutSeconds ?? 15) * 1000,
    });
  }

  async runTwiml(call: Call, first: FirstRequest): Promise<void> {
    const signal = call.runAbort.signal;
    let request: FirstRequest | { url: string; method: Method; params: Record<string, string>; ignoreResult: boolean } = first;
    let firstFetch = true;
    for (;;) {
      let verbs: Verb[];
      let documentUrl: string;
      if ('twiml' in request) {
        documentUrl = request.baseUrl;
        try {
          verbs = parseTwiml(request.twiml);
        } catch (e) {
          call.log('error', `12100 ${(e as Error).message}`);
          await this.applicationError(call);
          return;
        }
        call.log('twiml', 'running inline TwiML', { twiml: request.twiml });
      } else {
        const url = request.url;
        const params = { ...voiceParams(callFacts(call), firstFetch ? call.customParams : {}), ...request.params };
        firstFetch = false;
        call.log('webhook', `${request.method} ${url}`, { params });
        const result = await this.webhook({ url, method: request.method, params });
        const ignore = 'ignoreResult' in request && request.ignoreResult;
        if (!result.ok) {
          call.log('error', `${result.code} ${result.message}`, result.body ? { body: result.body.slice(0, 2000) } : undefined);
          // Twilio's debugger would show this; here it goes to the emulator's log.
          this.log.warn({ callSid: call.sid, code: result.code, status: result.status, url: result.url, ms: result.ms }, `webhook failed: ${result.message}`);
          if (!ignore && !signal.aborted) await this.applicationError(call);
          return;
        }
        if (ignore || signal.aborted) return;
        documentUrl = url;
        try {
          verbs = parseTwiml(result.body);
        } catch (e) {
          const code = e instanceof TwimlError ? e.code : 12100;
          call.log('error', `${code} ${(e as Error).message}`, { body: result.body.slice(0, 2000) });
          await this.applicationError(call);
          return;
        }
        call.log('twiml', `${result.status} in ${result.ms} ms: ${verbs.map((v) => (v.verb === 'Unsupported' ? v.name : v.verb)).join(', ') || '(empty)'}`, { body: result.body.slice(0, 4000) });
      }

      let next: Next = { kind: 'continue' };
      for (const verb of verbs) {
        if (signal.aborted || call.isOver) return;
        if (answersCall(verb)) await this.answerCall(call);
        const outcome = await this.execVerb(call, verb, documentUrl, signal);
        next = afterVerb(verb, outcome, documentUrl);
        if (signal.aborted || call.isOver) {
          // Twilio still reports a <Dial> that ended because the caller hung up.
          if (next.kind === 'fetch' && next.ignoreResult) {
            const params = { ...voiceParams(callFacts(call)), ...next.params };
            const url = this.resolveUrl(next.url, documentUrl);
            call.log('webhook', `${next.method} ${url} (caller gone; response ignored)`, { params });
            void this.webhook({ url, method: next.method, params });
          }
          return;
        }
        if (next.kind !== 'continue') break;
      }
      if (next.kind === 'continue') {
        await this.hangupCall(call, undefined, 'end of TwiML');
        return;
      }
      if (next.kind === 'end') {
        await this.endByVerb(call, next.reason);
        return;
      }
      request = { url: this.resolveUrl(next.url, documentUrl), method: next.method, params: next.params, ignoreResult: next.ignoreResult };
    }
  }

  private async endByVerb(call: Call, reason: 'hangup' | 'rejected' | 'busy'): Promise<void> {
    if (reason === 'hangup') {
      await this.hangupCall(call, undefined, '<Hangup>');
      return;
    }
    if (call.answeredAt) {
      await this.hangupCall(call, undefined, `<Reject> after answer`);
      return;
    }
    const error = reason === 'busy' ? { code: 31486, message: 'Busy Here' } : { code: 31603, message: 'Decline' };
    await this.hangupCall(call, 'busy', `<Reject reason="${reason}">`, { error });
  }

  async applicationError(call: Call): Promise<void> {
    if (call.isOver) return;
    call.log('error', 'application error: telling the caller and hanging up');
    await this.answerCall(call);
    await this.say(call, APPLICATION_ERROR_TEXT, {}, new AbortController().signal);
    await this.hangupCall(call, undefined, 'application error');
  }

  async execVerb(call: Call, verb: Verb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
    switch (verb.verb) {
      case 'Say': {
        const loops = verb.loop === 0 ? 1000 : verb.loop;
        for (let i = 0; i < loops && !signal.aborted; i++) {
          await this.say(call, verb.text, { ...(verb.voice ? { voice: verb.voice } : {}), ...(verb.language ? { language: verb.language } : {}) }, signal);
        }
        return { verb: 'Other' };
      }
      case 'Play': {
        if (verb.digits) {
          call.log('verb', `Play digits ${verb.digits}`);
          await this.sendDigitsTo(call, verb.digits);
          return { verb: 'Other' };
        }
        const url = this.resolveUrl(verb.url, documentUrl);
        call.log('verb', `Play ${url}${verb.loop !== 1 ? ` ×${verb.loop || '∞'}` : ''}`);
        if (call.media) {
          const media = call.media;
          await settle(media.play({ kind: 'url', url, loop: verb.loop }).catch((e: Error) => call.log('error', `Play failed: ${e.message}`)), signal);
          if (signal.aborted) media.stopPlayback();
        } else {
          await sleep(2000, signal);
        }
        return { verb: 'Other' };
      }
      case 'Pause':
        call.log('verb', `Pause ${verb.length} s`);
        await sleep(verb.length * 1000, signal);
        return { verb: 'Other' };
      case 'Gather':
        return this.gather(call, verb, documentUrl, signal);
      case 'Dial':
        call.log('verb', `Dial ${verb.targets.map((t) => (t.kind === 'number' ? t.number : `client:${t.identity}`)).join(', ')}${verb.answerOnBridge ? ' (answerOnBridge)' : ''}`);
        return runDial(this, call, verb, signal, documentUrl);
      case 'Hangup':
      case 'Reject':
      case 'Redirect':
        call.log('verb', verb.verb === 'Redirect' ? `Redirect ${verb.url}` : verb.verb);
        return { verb: 'Other' };
      case 'Unsupported':
        call.log('error', `<${verb.name}> is not supported by the emulator; skipped`);
        return { verb: 'Other' };
    }
  }

  /** What the party on this leg hears from <Say>: synthesized speech on a media leg, text for a phone. */
  async say(call: Call, text: string, opts: { voice?: string; language?: string }, signal: AbortSignal): Promise<void> {
    call.log('verb', `Say "${text}"`);
    if (call.endpoint.kind === 'phone') {
      const phone = this.phones.get(call.endpoint.number);
      if (phone && phone.callSid === call.sid) phone.says.push({ at: new Date().toISOString(), text });
    }
    if (call.media) {
      const media = call.media;
      await settle(media.play({ kind: 'speech', text, ...opts }).catch(() => undefined), signal);
      if (signal.aborted) media.stopPlayback();
    } else {
      // A phone without media still takes about as long to hear the words.
      await sleep(Math.min(8000, 300 + text.length * 55), signal);
    }
  }

  async sendDigitsTo(call: Call, digits: string): Promise<void> {
    if (call.media) {
      await call.media.sendDtmf(digits).catch(() => undefined);
    } else if (call.endpoint.kind === 'phone') {
      const phone = this.phones.get(call.endpoint.number);
      if (phone && phone.callSid === call.sid) phone.digitsHeard += digits.replace(/w/g, '');
    }
  }

  private gather(call: Call, verb: GatherVerb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
    call.log('verb', `Gather${verb.numDigits ? ` numDigits=${verb.numDigits}` : ''} finishOnKey="${verb.finishOnKey}" timeout=${verb.timeout}`);
    if (verb.input !== 'dtmf' && !verb.input.split(/\s+/).includes('dtmf')) {
      call.log('error', `<Gather input="${verb.input}">: only dtmf input is emulated`);
    }
    return new Promise((resolve) => {
      let state = { digits: '' };
      let timer: NodeJS.Timeout | null = null;
      let promptsDone = false;
      let finished = false;
      const promptAbort = new AbortController();
      const finish = (done: { digits: string; finishedOnKey: string }): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        call.digitListeners.delete(onDigit);
        signal.removeEventListener('abort', onAbort);
        promptAbort.abort();
        call.log('verb', `Gather got "${done.digits}"${done.finishedOnKey ? ` (finished by ${done.finishedOnKey})` : ''}`);
        resolve({ verb: 'Gather', ...done });
      };
      const armTimer = (): void => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          const step = gatherStep(verb, state, { kind: 'timeout' });
          if (step.done) finish(step.done);
        }, verb.timeout * 1000);
      };
      const onDigit = (digit: string): void => {
        if (!promptAbort.signal.aborted) {
          promptAbort.abort();
          call.media?.stopPlayback();
        }
        const step = gatherStep(verb, state, { kind: 'digit', digit });
        state = step.state;
        if (step.done) finish(step.done);
        else armTimer();
      };
      const onAbort = (): void => finish({ digits: state.digits, finishedOnKey: '' });
      call.digitListeners.add(onDigit);
      signal.addEventListener('abort', onAbort, { once: true });
      void (async () => {
        for (const prompt of verb.prompts) {
          if (promptAbort.signal.aborted || finished) break;
          await this.execVerb(call, prompt, documentUrl, promptAbort.signal);
        }
        promptsDone = true;
        if (!finished && state.digits === '' && !timer) armTimer();
      })();
      void promptsDone;
    });
  }

  // ---- simulated phones ---------------------------------------------------------------------------

  phoneFor(number: string): SimulatedPhone {
    let phone = this.phones.get(number);
    if (!phone) {
      phone = new SimulatedPhone({ number, name: `Unowned number ${number}`, behaviour: UNOWNED_NUMBER_BEHAVIOUR }, true);
      this.phones.set(number, phone);
    }
    return phone;
  }

  addPhone(spec: SimulatedPhoneSpec): SimulatedPhone {
    const existing = this.phones.get(spec.number);
    if (existing && !existing.ephemeral) {
      existing.spec = spec;
      return existing;
    }
    const phone = new SimulatedPhone(spec);
    if (existing) {
      phone.state = existing.state;
      phone.callSid = existing.callSid;
    }
    this.phones.set(spec.number, phone);
    return phone;
  }

  ownedNumber(number: string): EmulatorNumber | undefined {
    return this.options.numbers.find((n) => n.phoneNumber === number);
  }

  numberVoiceUrl(n: EmulatorNumber): { url: string; method: Method; applicationSid: string | null } | null {
    if (n.voiceApplicationSid) {
      const app = this.applications.get(n.voiceApplicationSid);
      if (app) return { url: app.voiceUrl, method: app.voiceMethod ?? 'POST', applicationSid: app.sid };
    }
    if (n.voiceUrl) return { url: n.voiceUrl, method: 'POST', applicationSid: null };
    return null;
  }

  /** A simulated phone places a call: to one of the account's numbers (its TwiML runs), a client, or another phone. */
  phoneCall(number: string, to: string): Call {
    const phone = this.phones.get(number);
    if (!phone) throw new EngineError(404, `No simulated phone has number ${number}`);
    if (phone.state !== 'idle') throw new EngineError(409, `${phone.spec.name} is already on a call`);
    const target = to.trim();
    if (!target) throw new EngineError(400, 'to is required');
    const owned = this.ownedNumber(target);
    const isClient = target.startsWith('client:') || !/^\+?\d/.test(target);
    const calledTo = isClient && !target.startsWith('client:') ? `client:${target}` : target;
    const call = new Call(this.accountSid, phone.number, calledTo, 'inbound', { kind: 'phone', number: phone.number });
    if (phone.consoleLeg) {
      call.media = phone.consoleLeg;
      call.ownsMedia = false;
    }
    phone.startCall(call.sid, 'calling');
    this.addCall(call);
    call.log('info', `${phone.spec.name} calls ${calledTo}`);
    this.setStatus(call, 'ringing');
    if (owned) {
      const voice = this.numberVoiceUrl(owned);
      if (!voice) {
        call.log('error', `${owned.phoneNumber} has no voice URL or application`);
        void this.applicationError(call);
        return call;
      }
      call.applicationSid = voice.applicationSid;
      void this.runTwiml(call, { url: voice.url, method: voice.method, params: {} });
    } else {
      // Calls that do not reach the account go straight to the callee, as the network would route them.
      const noun = isClient ? `<Client>${escapeXml(calledTo.slice('client:'.length))}</Client>` : `<Number>${escapeXml(target)}</Number>`;
      void this.runTwiml(call, { twiml: `<Response><Dial answerOnBridge="true">${noun}</Dial></Response>`, baseUrl: this.options.publicOrigin });
    }
    return call;
  }

  currentCallOf(phone: SimulatedPhone): Call | undefined {
    return phone.callSid ? this.calls.get(phone.callSid) : undefined;
  }

  phoneDtmf(phone: SimulatedPhone, digits: string): void {
    const call = this.currentCallOf(phone);
    if (!call || call.isOver) throw new EngineError(409, `${phone.spec.name} is not on a call`);
    for (const digit of digits) {
      if (digit === 'w') continue;
      this.onDigit(call, digit, 'phone');
    }
    const peerMedia = call.peer?.media;
    if (peerMedia) void peerMedia.sendDtmf(digits).catch(() => undefined);
  }

  // ---- REST-originated calls ----------------------------------------------------------------------

  createApiCall(input: {
    to: string; from: string; url?: string; method: Method; twiml?: string; timeout: number;
    statusCallback?: StatusCallbackSpec; applicationSid?: string;
  }): Call {
    const endpoint: Endpoint = input.to.startsWith('client:')
      ? { kind: 'client', identity: input.to.slice('client:'.length), session: null, sdkCallId: null }
      : { kind: 'phone', number: input.to };
    const call = new Call(this.accountSid, input.from, input.to, 'outbound-api', endpoint);
    if (input.statusCallback) call.statusCallback = input.statusCallback;
    if (input.applicationSid) call.applicationSid = input.applicationSid;
    this.addCall(call);
    call.log('info', `created by the REST API: ${input.from} → ${input.to}`);
    void (async () => {
      this.setStatus(call, 'initiated');
      const ringer = new Ringer(this, [call], input.timeout * 1000, [undefined]);
      const abort = (): void => ringer.event({ kind: 'caller-hangup' });
      call.runAbort.signal.addEventListener('abort', abort, { once: true });
      const result = await ringer.run();
      call.runAbort.signal.removeEventListener('abort', abort);
      if (call.isOver) return;
      if (result.status !== 'answered') {
        await this.hangupCall(call, result.status === 'canceled' ? 'canceled' : result.status, `not answered (${result.status})`);
        return;
      }
      this.markAnswered(call);
      if (call.endpoint.kind === 'phone') this.applyPhoneAudio(call);
      const first: FirstRequest = input.twiml !== undefined
        ? { twiml: input.twiml, baseUrl: this.options.publicOrigin }
        : { url: input.url!, method: input.method, params: {} };
      await this.runTwiml(call, first);
    })();
    return call;
  }

  /** The far end picked up a leg Twilio placed (a <Dial> child or a REST call). */
  markAnswered(call: Call): void {
    if (call.answeredAt || call.isOver) return;
    call.answeredAt = new Date();
    this.setStatus(call, 'in-progress');
  }

  /** A REST call answered by an auto phone: the TwiML's own audio goes to it, and the phone's audio is nowhere to go. */
  private applyPhoneAudio(call: Call): void {
    if (call.endpoint.kind !== 'phone') return;
    const phone = this.phones.get(call.endpoint.number);
    if (phone?.consoleLeg) {
      call.media = phone.consoleLeg;
      call.ownsMedia = false;
    }
  }

  async updateApiCall(call: Call, update: { status?: 'completed' | 'canceled'; url?: string; method?: Method; twiml?: string }): Promise<void> {
    if (update.status) {
      if (update.status === 'canceled' && call.answeredAt) return;
      await this.hangupCall(call, call.answeredAt ? 'completed' : 'canceled', `REST update Status=${update.status}`);
      return;
    }
    if (update.url === undefined && update.twiml === undefined) return;
    call.log('info', 'redirected by the REST API');
    call.runAbort.abort();
    // The aborted run unwinds (ending a <Dial> child, stopping playback) before the new one starts.
    await new Promise((r) => setTimeout(r, 20));
    if (call.isOver) return;
    call.runAbort = new AbortController();
    const first: FirstRequest = update.twiml !== undefined
      ? { twiml: update.twiml, baseUrl: this.options.publicOrigin }
      : { url: update.url!, method: update.method ?? 'POST', params: {} };
    void this.runTwiml(call, first);
  }

  ringbackFor(call: Call): void {
    if (call.media) void call.media.play(RINGBACK).catch(() => undefined);
  }

  dropSignaling(filter: { identity?: string; sessionId?: string }): number {
    let n = 0;
    for (const s of [...this.sessions.values()]) {
      if ((filter.sessionId && s.id === filter.sessionId) || (filter.identity && s.identity === filter.identity)) {
        s.drop();
        n++;
      }
    }
    return n;
  }

  // ---- fault injection and console changes ------------------------------------------------------

  private sessionsMatching(filter: { identity?: string; sessionId?: string }): SignalingSession[] {
    return [...this.sessions.values()].filter((s) =>
      (filter.sessionId !== undefined && s.id === filter.sessionId) || (filter.identity !== undefined && s.identity === filter.identity));
  }

  /** The tokens of these sessions expire now (31205), as if their `exp` had passed. */
  expireTokens(filter: { identity?: string; sessionId?: string }): number {
    return this.sessionsMatching(filter).filter((s) => s.expireToken()).length;
  }

  /** The tokens of these sessions are refused from now on (31204) and their sockets closed. */
  revokeTokens(filter: { identity?: string; sessionId?: string }): number {
    const sessions = this.sessionsMatching(filter).filter((s) => s.jwt !== null);
    for (const s of sessions) {
      this.revokedTokens.add(s.jwt!);
      s.revokeToken();
    }
    return sessions.length;
  }

  /** Live calls whose media endpoint faces this SDK identity, or the call itself. */
  mediaLegsFor(filter: { identity?: string; callSid?: string }): { call: Call; leg: MediaLeg }[] {
    const found: { call: Call; leg: MediaLeg }[] = [];
    for (const call of this.calls.values()) {
      if (call.isOver || !call.media) continue;
      const bySid = filter.callSid !== undefined && call.sid === filter.callSid;
      const byIdentity = filter.identity !== undefined && call.endpoint.kind === 'client' && call.endpoint.identity === filter.identity;
      if (bySid || byIdentity) found.push({ call, leg: call.media });
    }
    return found;
  }

  blockMedia(filter: { identity?: string; callSid?: string }, ms: number): string[] {
    const legs = this.mediaLegsFor(filter);
    for (const { call, leg } of legs) {
      leg.blockMedia(ms);
      call.log('media', `media blocked for ${ms} ms (fault injection)`);
    }
    return legs.map(({ call }) => call.sid);
  }

  applicationList(): EmulatorApplication[] {
    return [...this.applications.values()];
  }

  /** Changes a TwiML App's voice URL, as a person would in the console; returns the app. */
  updateApplication(sid: string, update: { voiceUrl?: string; voiceMethod?: Method }): EmulatorApplication {
    const app = this.applications.get(sid);
    if (!app) throw new EngineError(404, `No TwiML App ${sid}`);
    if (update.voiceUrl !== undefined) {
      let url: URL;
      try {
        url = new URL(update.voiceUrl);
      } catch {
        throw new EngineError(400, 'voiceUrl must be an absolute http(s) URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new EngineError(400, 'voiceUrl must be an absolute http(s) URL');
      app.voiceUrl = update.voiceUrl;
    }
    if (update.voiceMethod !== undefined) app.voiceMethod = update.voiceMethod;
    this.log.info({ application: sid, voiceUrl: app.voiceUrl }, 'TwiML App updated');
    return app;
  }

  shutdown(): void {
    for (const call of this.calls.values()) void this.hangupCall(call, undefined, 'emulator stopped');
    for (const s of this.sessions.values()) s.drop();
    for (const phone of this.phones.values()) {
      if (phone.consoleLeg) void phone.consoleLeg.close().catch(() => undefined);
      phone.consoleLeg = null;
    }
  }
}

export class EngineError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
