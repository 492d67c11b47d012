/**
 * What a person does with a simulated phone, from the console or the control API: place a call,
 * answer, reject, hang up, press keys, and operate the phone with the console page's own
 * microphone and speaker (the emulator's leg offers, the page answers).
 */
import type { AccountRegistry } from '../account';
import { Call } from '../calls/call';
import type { Legs, MediaFactory } from '../calls/legs';
import type { TwimlRunner } from '../calls/runner';
import type { CallStore } from '../calls/store';
import { EmulatorError } from '../errors';
import type { PhoneNetwork } from './network';
import type { SimulatedPhone } from './phone';

export interface OperatorDeps {
  account: Pick<AccountRegistry, 'sid' | 'ownedNumber' | 'numberVoice'>;
  phones: Pick<PhoneNetwork, 'require'>;
  calls: Pick<CallStore, 'add' | 'get'>;
  legs: Pick<Legs, 'setStatus' | 'onDigit' | 'hangupCall'>;
  runner: Pick<TwimlRunner, 'runTwiml' | 'applicationError'>;
  media: MediaFactory;
  /** Base URL for the TwiML of calls that do not reach the account. */
  publicOrigin: string;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export class PhoneOperator {
  constructor(private readonly deps: OperatorDeps) {}

  currentCallOf(phone: SimulatedPhone): Call | undefined {
    return phone.callSid ? this.deps.calls.get(phone.callSid) : undefined;
  }

  /**
   * The phone places a call: to one of the account's numbers (its TwiML runs), a client, or another
   * phone. With `toneHz` the phone sends a steady tone at that frequency on this call.
   */
  phoneCall(number: string, to: string, toneHz?: number): Call {
    const { account, calls, legs, runner } = this.deps;
    const phone = this.deps.phones.require(number);
    if (phone.state !== 'idle') throw new EmulatorError(409, `${phone.spec.name} is already on a call`);
    const target = to.trim();
    if (!target) throw new EmulatorError(400, 'to is required');
    const owned = account.ownedNumber(target);
    const isClient = target.startsWith('client:') || !/^\+?\d/.test(target);
    const calledTo = isClient && !target.startsWith('client:') ? `client:${target}` : target;
    const call = new Call(account.sid, phone.number, calledTo, 'inbound', { kind: 'phone', number: phone.number });
    if (phone.consoleLeg) {
      call.media = phone.consoleLeg;
      call.ownsMedia = false;
    }
    phone.startCall(call.sid, 'calling');
    if (toneHz !== undefined) phone.callToneHz = toneHz;
    calls.add(call);
    call.log('info', `${phone.spec.name} calls ${calledTo}`);
    legs.setStatus(call, 'ringing');
    if (owned) {
      const voice = account.numberVoice(owned);
      if (!voice) {
        call.log('error', `${owned.phoneNumber} has no voice URL or application`);
        void runner.applicationError(call);
        return call;
      }
      call.applicationSid = voice.applicationSid;
      void runner.runTwiml(call, { url: voice.url, method: voice.method, params: {} });
    } else {
      // Calls that do not reach the account go straight to the callee, as the network would route them.
      const noun = isClient ? `<Client>${escapeXml(calledTo.slice('client:'.length))}</Client>` : `<Number>${escapeXml(target)}</Number>`;
      void runner.runTwiml(call, { twiml: `<Response><Dial answerOnBridge="true">${noun}</Dial></Response>`, baseUrl: this.deps.publicOrigin });
    }
    return call;
  }

  /** Picks up a ringing phone; returns the CallSid it had. */
  answer(phone: SimulatedPhone): string | null {
    if (!phone.ring) throw new EmulatorError(409, `${phone.spec.name} is not ringing`);
    phone.ring.answer();
    return phone.callSid;
  }

  reject(phone: SimulatedPhone): string | null {
    if (!phone.ring) throw new EmulatorError(409, `${phone.spec.name} is not ringing`);
    const sid = phone.callSid;
    phone.ring.reject();
    return sid;
  }

  /** Hangs up the phone's call (a ringing phone rejects it). */
  async hangup(phone: SimulatedPhone): Promise<string | null> {
    if (phone.ring) return this.reject(phone);
    const call = this.currentCallOf(phone);
    if (!call || call.isOver) throw new EmulatorError(409, `${phone.spec.name} is not on a call`);
    await this.deps.legs.hangupCall(call, undefined, `${phone.spec.name} hung up`);
    return call.sid;
  }

  pressKeys(phone: SimulatedPhone, digits: string): void {
    const call = this.currentCallOf(phone);
    if (!call || call.isOver) throw new EmulatorError(409, `${phone.spec.name} is not on a call`);
    for (const digit of digits) {
      if (digit === 'w') continue;
      this.deps.legs.onDigit(call, digit, 'phone');
    }
    const peerMedia = call.peer?.media;
    if (peerMedia) void peerMedia.sendDtmf(digits).catch(() => undefined);
  }

  /** Starts operating the phone from a console page: returns the offer of the phone's new leg. */
  async operate(phone: SimulatedPhone): Promise<string> {
    if (phone.state !== 'idle') throw new EmulatorError(409, `${phone.spec.name} is on a call; take it over between calls`);
    if (phone.consoleLeg) await phone.consoleLeg.close().catch(() => undefined);
    const leg = this.deps.media.createLeg(`console-${phone.number}`);
    phone.consoleLeg = leg;
    leg.on('closed', () => {
      if (phone.consoleLeg === leg) phone.consoleLeg = null;
    });
    leg.on('dtmf', (digit) => {
      const call = this.currentCallOf(phone);
      if (call && call.media === leg) this.deps.legs.onDigit(call, digit, 'rtp');
    });
    return leg.createOffer();
  }

  async acceptConsoleAnswer(phone: SimulatedPhone, sdp: string): Promise<void> {
    if (!phone.consoleLeg) throw new EmulatorError(409, 'Start operating the phone first');
    await phone.consoleLeg.applyAnswer(sdp);
  }

  /** The phone behaves on its own again; a call on the console's leg ends. */
  async stopOperating(phone: SimulatedPhone): Promise<void> {
    const leg = phone.consoleLeg;
    phone.consoleLeg = null;
    if (!leg) return;
    const call = this.currentCallOf(phone);
    if (call && call.media === leg) await this.deps.legs.hangupCall(call, undefined, 'console stopped operating the phone');
    await leg.close().catch(() => undefined);
  }
}
