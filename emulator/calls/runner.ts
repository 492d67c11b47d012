/**
 * Runs a call's TwiML: fetches the document (signed webhook) or takes it inline, runs its verbs one
 * after another, follows action/Redirect URLs, and ends the call when the TwiML does. What follows
 * a verb is decided by the pure ../twiml/interpreter; each verb runs in its own module in ./verbs.
 */
import { parseTwiml, TwimlError } from '../twiml/parse';
import { afterVerb, answersCall, type Next, type VerbOutcome } from '../twiml/interpreter';
import type { Method, Verb } from '../twiml/verbs';
import type { Logger } from '../types';
import type { AlertLog } from '../alerts';
import type { Call } from './call';
import type { Legs } from './legs';
import { callFacts, voiceParams } from './params';
import type { WebhookClient } from './webhook';
import type { VerbContext } from './verbs/context';
import { conferenceVerb, type ConferenceVerbDeps } from './verbs/conference';
import { dialVerb, type DialDeps } from './verbs/dial';
import { gatherVerb } from './verbs/gather';
import { pauseVerb } from './verbs/pause';
import { playVerb } from './verbs/play';
import { recordVerb, type RecordDeps } from './verbs/record';
import { say, sayVerb } from './verbs/say';

const APPLICATION_ERROR_TEXT = 'We are sorry, an application error has occurred. Goodbye.';

/** Where a run starts: the application's URL, or TwiML given inline (REST `Twiml`, a phone's direct call). */
export type FirstRequest =
  | { url: string; method: Method; params: Record<string, string> }
  | { twiml: string; baseUrl: string };

export interface RunnerDeps extends DialDeps {
  conferences: ConferenceVerbDeps['conferences'];
  legs: DialDeps['legs'] & Pick<Legs, 'hangupCall' | 'answerCall'>;
  phones: DialDeps['phones'] & VerbContext['phones'];
  webhooks: WebhookClient;
  recordings: RecordDeps['recordings'];
  log: Logger;
  /** The account's debugger alerts: documents that cannot be parsed are recorded there (12100). */
  alerts?: Pick<AlertLog, 'record'>;
}

export class TwimlRunner {
  private readonly ctx: VerbContext;

  constructor(private readonly deps: RunnerDeps) {
    this.ctx = { legs: deps.legs, phones: deps.phones, webhooks: deps.webhooks, exec: (...args) => this.execVerb(...args) };
  }

  async runTwiml(call: Call, first: FirstRequest): Promise<void> {
    const { webhooks, legs } = this.deps;
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
        const result = await webhooks.request({ url, method: request.method, params });
        const ignore = 'ignoreResult' in request && request.ignoreResult;
        if (!result.ok) {
          call.log('error', `${result.code} ${result.message}`, result.body ? { body: result.body.slice(0, 2000) } : undefined);
          // Twilio's debugger would show this; here it goes to the emulator's log.
          this.deps.log.warn({ callSid: call.sid, code: result.code, status: result.status, url: result.url, ms: result.ms }, `webhook failed: ${result.message}`);
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
          this.deps.alerts?.record({ errorCode: code, message: `Document parse failure: ${(e as Error).message}`, url, method: request.method, resourceSid: call.sid });
          await this.applicationError(call);
          return;
        }
        call.log('twiml', `${result.status} in ${result.ms} ms: ${verbs.map((v) => (v.verb === 'Unsupported' ? v.name : v.verb)).join(', ') || '(empty)'}`, { body: result.body.slice(0, 4000) });
      }

      let next: Next = { kind: 'continue' };
      for (const verb of verbs) {
        if (signal.aborted || call.isOver) return;
        if (answersCall(verb)) await legs.answerCall(call);
        const outcome = await this.execVerb(call, verb, documentUrl, signal);
        next = afterVerb(verb, outcome, documentUrl);
        if (signal.aborted || call.isOver) {
          // Twilio still reports a <Dial> that ended because the caller hung up.
          if (next.kind === 'fetch' && next.ignoreResult) {
            const params = { ...voiceParams(callFacts(call)), ...next.params };
            const url = webhooks.resolveUrl(next.url, documentUrl);
            call.log('webhook', `${next.method} ${url} (caller gone; response ignored)`, { params });
            void webhooks.request({ url, method: next.method, params });
          }
          return;
        }
        if (next.kind !== 'continue') break;
      }
      if (next.kind === 'continue') {
        await legs.hangupCall(call, undefined, 'end of TwiML');
        return;
      }
      if (next.kind === 'end') {
        await this.endByVerb(call, next.reason);
        return;
      }
      request = { url: webhooks.resolveUrl(next.url, documentUrl), method: next.method, params: next.params, ignoreResult: next.ignoreResult };
    }
  }

  private async endByVerb(call: Call, reason: 'hangup' | 'rejected' | 'busy'): Promise<void> {
    const { legs } = this.deps;
    if (reason === 'hangup') {
      await legs.hangupCall(call, undefined, '<Hangup>');
      return;
    }
    if (call.answeredAt) {
      await legs.hangupCall(call, undefined, `<Reject> after answer`);
      return;
    }
    const error = reason === 'busy' ? { code: 31486, message: 'Busy Here' } : { code: 31603, message: 'Decline' };
    await legs.hangupCall(call, 'busy', `<Reject reason="${reason}">`, { error });
  }

  /** What Twilio does when the application fails: apologise, then hang up. */
  async applicationError(call: Call): Promise<void> {
    if (call.isOver) return;
    call.log('error', 'application error: telling the caller and hanging up');
    await this.deps.legs.answerCall(call);
    await say(this.ctx, call, APPLICATION_ERROR_TEXT, {}, new AbortController().signal);
    await this.deps.legs.hangupCall(call, undefined, 'application error');
  }

  async execVerb(call: Call, verb: Verb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
    switch (verb.verb) {
      case 'Say':
        return sayVerb(this.ctx, call, verb, signal);
      case 'Play':
        return playVerb(this.ctx, call, verb, documentUrl, signal);
      case 'Pause':
        return pauseVerb(call, verb, signal);
      case 'Gather':
        return gatherVerb(this.ctx, call, verb, documentUrl, signal);
      case 'Dial':
        if (verb.conference) return conferenceVerb(this.deps, call, verb, documentUrl, signal);
        return dialVerb(this.deps, call, verb, documentUrl, signal);
      case 'Record':
        return recordVerb(this.deps, call, verb, documentUrl, signal);
      case 'Hangup':
      case 'Reject':
      case 'Redirect':
        // Their effect is what follows them (../twiml/interpreter afterVerb).
        call.log('verb', verb.verb === 'Redirect' ? `Redirect ${verb.url}` : verb.verb);
        return { verb: 'Other' };
      case 'Unsupported':
        call.log('error', `<${verb.name}> is not supported by the emulator; skipped`);
        return { verb: 'Other' };
    }
  }
}
