/**
 * Calls placed and changed through the REST API (POST Calls.json, POST Calls/{Sid}.json): the leg
 * rings its callee, and once answered runs the TwiML from Url or Twiml; an update ends the call or
 * redirects it to new TwiML.
 */
import type { PhoneNetwork } from '../phones/network';
import type { Method, StatusCallbackSpec } from '../twiml/verbs';
import { Call, type Endpoint } from './call';
import type { Legs } from './legs';
import { Ringer, type RingerDeps } from './ringer';
import type { FirstRequest, TwimlRunner } from './runner';
import type { CallStore } from './store';

export interface ApiCallInput {
  to: string;
  from: string;
  url?: string;
  method: Method;
  twiml?: string;
  timeout: number;
  statusCallback?: StatusCallbackSpec;
  applicationSid?: string;
  /** Custom parameters for a `client:` callee's invite (the SDK's call.customParameters). */
  params?: Record<string, string>;
  /**
   * Instead of running TwiML once answered: what happens to the answered call (the Participants API
   * puts it in a conference). Url, Method and Twiml are then unused.
   */
  join?: (call: Call) => Promise<void>;
}

export interface ApiCallUpdate {
  status?: 'completed' | 'canceled';
  url?: string;
  method?: Method;
  twiml?: string;
}

export interface ApiCallDeps extends RingerDeps {
  accountSid: string;
  calls: Pick<CallStore, 'add'>;
  legs: RingerDeps['legs'] & Pick<Legs, 'markAnswered'>;
  phones: RingerDeps['phones'] & Pick<PhoneNetwork, 'get'>;
  runner: Pick<TwimlRunner, 'runTwiml'>;
  /** Base URL for inline TwiML. */
  publicOrigin: string;
}

export class ApiCalls {
  constructor(private readonly deps: ApiCallDeps) {}

  create(input: ApiCallInput): Call {
    const { legs } = this.deps;
    const endpoint: Endpoint = input.to.startsWith('client:')
      ? { kind: 'client', identity: input.to.slice('client:'.length), session: null, sdkCallId: null }
      : { kind: 'phone', number: input.to };
    const call = new Call(this.deps.accountSid, input.from, input.to, 'outbound-api', endpoint);
    if (input.statusCallback) call.statusCallback = input.statusCallback;
    if (input.applicationSid) call.applicationSid = input.applicationSid;
    this.deps.calls.add(call);
    call.log('info', `created by the REST API: ${input.from} → ${input.to}`);
    void (async () => {
      legs.setStatus(call, 'initiated');
      const target = input.params && endpoint.kind === 'client'
        ? { kind: 'client' as const, identity: endpoint.identity, params: input.params }
        : undefined;
      const ringer = new Ringer(this.deps, [call], input.timeout * 1000, [target]);
      const abort = (): void => ringer.event({ kind: 'caller-hangup' });
      call.runAbort.signal.addEventListener('abort', abort, { once: true });
      const result = await ringer.run();
      call.runAbort.signal.removeEventListener('abort', abort);
      if (call.isOver) return;
      if (result.status !== 'answered') {
        await legs.hangupCall(call, result.status === 'canceled' ? 'canceled' : result.status, `not answered (${result.status})`);
        return;
      }
      legs.markAnswered(call);
      if (call.endpoint.kind === 'phone') this.applyPhoneAudio(call);
      if (input.join) {
        await input.join(call);
        return;
      }
      const first: FirstRequest = input.twiml !== undefined
        ? { twiml: input.twiml, baseUrl: this.deps.publicOrigin }
        : { url: input.url!, method: input.method, params: {} };
      await this.deps.runner.runTwiml(call, first);
    })();
    return call;
  }

  /** A REST call answered by a phone operated from the console: the TwiML's audio goes to the console's leg. */
  private applyPhoneAudio(call: Call): void {
    if (call.endpoint.kind !== 'phone') return;
    const phone = this.deps.phones.get(call.endpoint.number);
    if (phone?.consoleLeg) {
      call.media = phone.consoleLeg;
      call.ownsMedia = false;
    }
  }

  async update(call: Call, update: ApiCallUpdate): Promise<void> {
    if (update.status) {
      if (update.status === 'canceled' && call.answeredAt) return;
      await this.deps.legs.hangupCall(call, call.answeredAt ? 'completed' : 'canceled', `REST update Status=${update.status}`);
      return;
    }
    if (update.url === undefined && update.twiml === undefined) return;
    call.log('info', 'redirected by the REST API');
    const holder = call.onRedirect;
    call.onRedirect = null;
    holder?.();
    call.runAbort.abort();
    // The aborted run unwinds (ending a <Dial> child, stopping playback) before the new one starts.
    await new Promise((r) => setTimeout(r, 20));
    if (call.isOver) return;
    call.runAbort = new AbortController();
    const first: FirstRequest = update.twiml !== undefined
      ? { twiml: update.twiml, baseUrl: this.deps.publicOrigin }
      : { url: update.url!, method: update.method ?? 'POST', params: {} };
    void this.deps.runner.runTwiml(call, first);
  }
}
