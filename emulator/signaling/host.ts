/**
 * Twilio's side of the Voice SDK's signaling: sessions come and go (a lost socket keeps its calls a
 * while for the SDK to reconnect), the SDK places calls (invite → the TwiML App's voice URL), and
 * answers, rejects, hangs up, restarts ICE, presses keys and sends messages on calls.
 */
import type { AccountRegistry } from '../account';
import { Call } from '../calls/call';
import { forkId, type RingingForks } from '../calls/forks';
import type { Legs } from '../calls/legs';
import { parseSdkParams } from '../calls/params';
import type { TwimlRunner } from '../calls/runner';
import type { CallStore } from '../calls/store';
import type { TokenResult } from '../token-verify';
import type { CallMessage, SignalingSession } from './session';
import type { SessionRegistry } from './sessions';

/** How long a call waits for its SDK leg's signaling to come back before Twilio gives up on it. */
const MIN_SIGNALING_GRACE_SECONDS = 30;

export interface SignalingDeps {
  account: Pick<AccountRegistry, 'sid' | 'application' | 'applicationVoice' | 'verifyToken'>;
  sessions: Pick<SessionRegistry, 'add' | 'remove'>;
  calls: Pick<CallStore, 'add' | 'sdkCall' | 'sdkCallsOf' | 'byReconnectToken'>;
  forks: Pick<RingingForks, 'get' | 'ofSession'>;
  legs: Pick<Legs, 'newLeg' | 'setStatus' | 'hangupCall' | 'onDigit'>;
  runner: Pick<TwimlRunner, 'runTwiml'>;
}

export class SignalingHost {
  constructor(private readonly deps: SignalingDeps) {}

  verifyToken(jwt: string): TokenResult {
    return this.deps.account.verifyToken(jwt);
  }

  addSession(session: SignalingSession): void {
    this.deps.sessions.add(session);
  }

  sessionClosed(session: SignalingSession): void {
    this.deps.sessions.remove(session);
    for (const [key, ringer] of this.deps.forks.ofSession(session.id)) ringer.event({ kind: 'fail', fork: key });
    for (const call of this.deps.calls.sdkCallsOf(session)) {
      const grace = Math.max(session.reconnectTimeout, MIN_SIGNALING_GRACE_SECONDS);
      call.log('signaling', `signaling socket of ${session.identity} lost; keeping the call ${grace} s for it to reconnect`);
      if (call.signalingLostTimer) clearTimeout(call.signalingLostTimer);
      call.signalingLostTimer = setTimeout(() => {
        call.log('error', 'signaling did not reconnect in time');
        void this.deps.legs.hangupCall(call, undefined, 'signaling lost');
      }, grace * 1000);
      call.signalingLostTimer.unref?.();
    }
  }

  handleCallMessage(session: SignalingSession, msg: CallMessage): void {
    const { forks, calls, legs } = this.deps;
    switch (msg.type) {
      case 'invite':
        if (msg.reconnect) this.reconnect(session, msg.callsid, msg.reconnect);
        else void this.outgoingCall(session, msg.callsid, msg.sdp, msg.params);
        return;
      case 'answer': {
        const key = forkId(session.id, msg.callsid);
        const ringer = forks.get(key);
        if (!ringer) {
          session.send({ type: 'hangup', payload: { callsid: msg.callsid } });
          return;
        }
        void ringer.sdkAnswered(key, msg.sdp);
        return;
      }
      case 'reject': {
        const key = forkId(session.id, msg.callsid);
        forks.get(key)?.event({ kind: 'reject', fork: key });
        return;
      }
      case 'hangup': {
        const key = forkId(session.id, msg.callsid);
        const ringer = forks.get(key);
        if (ringer) {
          ringer.event({ kind: 'reject', fork: key });
          return;
        }
        const call = calls.sdkCall(session, msg.callsid);
        if (call) {
          call.log('signaling', `hangup from ${session.identity}${msg.message ? ` (${msg.message})` : ''}`);
          void legs.hangupCall(call, undefined, 'client hung up', { notifySdk: false });
        }
        return;
      }
      case 'reinvite': {
        const call = calls.sdkCall(session, msg.callsid);
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
        const call = calls.sdkCall(session, msg.callsid);
        if (!call) return;
        for (const digit of msg.dtmf) {
          call.media?.noteDigit(digit);
          legs.onDigit(call, digit, 'signaling');
        }
        return;
      }
      case 'message': {
        const call = calls.sdkCall(session, msg.callsid);
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

  private reconnect(session: SignalingSession, callsid: string, token: string): void {
    const call = this.deps.calls.byReconnectToken(token);
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

  /** The SDK places a call: a new inbound leg runs the TwiML App of the token's outgoing grant. */
  private async outgoingCall(session: SignalingSession, tempSid: string, offer: string, query: string): Promise<void> {
    const { account, calls, legs } = this.deps;
    const token = session.token!;
    const identity = token.identity;
    const app = token.outgoingApplicationSid ? account.application(token.outgoingApplicationSid) : undefined;
    if (!app) {
      session.send({ type: 'hangup', payload: { callsid: tempSid, error: { code: 31201, message: 'Authorization error: the token has no outgoing application grant' } } });
      return;
    }
    const custom = { ...token.outgoingParams, ...parseSdkParams(query) };
    const call = new Call(account.sid, `client:${identity}`, custom.To ?? '', 'inbound',
      { kind: 'client', identity, session, sdkCallId: tempSid });
    call.applicationSid = app.sid;
    call.customParams = custom;
    call.timing.inviteAt = Date.now();
    if (app.statusCallback) call.statusCallback = { url: app.statusCallback, method: 'POST', events: ['completed'] };
    calls.add(call);
    call.log('signaling', `invite from ${identity} (${tempSid})`, { params: custom });
    const leg = legs.newLeg(call);
    call.media = leg;
    call.mediaReady = leg.answerOffer(offer).then((sdp) => { call.localSdp = sdp; });
    call.mediaReady.catch((e: Error) => {
      call.log('error', `media endpoint could not answer the offer: ${e.message}`);
      session.send({ type: 'hangup', payload: { callsid: tempSid, error: { code: 31000, message: 'Media negotiation failed' } } });
      void legs.hangupCall(call, 'failed', 'media failed', { notifySdk: false });
    });
    legs.setStatus(call, 'ringing');
    const voice = account.applicationVoice(app);
    await this.deps.runner.runTwiml(call, { url: voice.url, method: voice.method, params: custom });
  }
}
