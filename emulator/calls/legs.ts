/**
 * What happens to a leg whatever started it: its media endpoint, its status (and status callbacks),
 * answer, ringing, hangup, joining two parties, and the digits its party presses.
 */
import type { AudioSource, Bridge, MediaLeg } from '../media/types';
import type { PhoneNetwork } from '../phones/network';
import type { StatusCallbackSpec } from '../twiml/verbs';
import type { Call, CallStatus } from './call';
import { callFacts, statusCallbackParams } from './params';
import type { WebhookClient } from './webhook';

/** Where legs get their media endpoints and how two of them are joined. */
export interface MediaFactory {
  createLeg(id: string): MediaLeg;
  bridge(a: MediaLeg, b: MediaLeg): Bridge;
}

const RINGBACK: AudioSource = { kind: 'tone', frequencies: [440, 480], onMs: 2000, offMs: 4000 };

export interface LegDeps {
  media: MediaFactory;
  phones: Pick<PhoneNetwork, 'at' | 'on'>;
  webhooks: WebhookClient;
}

export class Legs {
  constructor(private readonly deps: LegDeps) {}

  newLeg(call: Call, suffix = ''): MediaLeg {
    const leg = this.deps.media.createLeg(call.sid + suffix);
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
    const url = this.deps.webhooks.resolveUrl(sc.url);
    void this.deps.webhooks.request({ url, method: sc.method, params }).then((r) => {
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
    const phone = this.deps.phones.on(call);
    if (phone) phone.state = 'in-call';
    this.setStatus(call, 'in-progress');
  }

  /** The far end picked up a leg Twilio placed (a <Dial> child or a REST call). */
  markAnswered(call: Call): void {
    if (call.answeredAt || call.isOver) return;
    call.answeredAt = new Date();
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

  ringbackFor(call: Call): void {
    if (call.media) void call.media.play(RINGBACK).catch(() => undefined);
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
    this.deps.phones.on(call)?.endCall();
    if (call.media) {
      const media = call.media;
      call.finalMedia = { ...media.stats(), ...(call.ownsMedia ? { iceState: 'closed' } : {}) };
      call.media = null;
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
    const pa = this.deps.phones.at(a);
    const pb = this.deps.phones.at(b);
    if (pa) pa.listenLeg = b.media;
    if (pb) pb.listenLeg = a.media;
    if (a.media && b.media) {
      const br = this.deps.media.bridge(a.media, b.media);
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

  /** Takes a call out of its bridge without ending either leg (a REST redirect of a <Dial> child). */
  unbridge(call: Call): void {
    this.disconnectPeers(call);
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
        const phone = this.deps.phones.at(c);
        if (phone) phone.listenLeg = null;
      }
    }
    call.peer = null;
  }

  /** A digit this leg's party pressed: whoever listens on the leg, and a phone at the other end, hear it. */
  onDigit(call: Call, digit: string, via: 'rtp' | 'signaling' | 'phone'): void {
    call.log('digits', `heard ${digit} (${via})`);
    for (const listener of [...call.digitListeners]) listener(digit);
    const peerPhone = call.peer ? this.deps.phones.on(call.peer) : undefined;
    if (peerPhone) peerPhone.digitsHeard += digit;
  }

  /** Digits played to this leg's party (<Play digits>, <Number sendDigits>). */
  async sendDigitsTo(call: Call, digits: string): Promise<void> {
    if (call.media) {
      await call.media.sendDtmf(digits).catch(() => undefined);
      return;
    }
    const phone = this.deps.phones.on(call);
    if (phone) phone.digitsHeard += digits.replace(/w/g, '');
  }
}
