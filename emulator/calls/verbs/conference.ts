/**
 * <Dial><Conference>: the call joins the named conference (creating it if none is live) and stays
 * until it leaves: it hangs up, presses * (hangupOnStar), reaches the Dial's timeLimit, is redirected
 * by the REST API, is removed (DELETE Participants/{CallSid}), or the conference ends. Then the <Dial>
 * completes and the call goes on to the Dial's action, or the next verb, as Twilio's does.
 */
import type { ConferenceRegistry } from '../../conferences/registry';
import type { ConferenceSettings } from '../../conferences/conference';
import type { ParticipantOptions } from '../../conferences/participant';
import type { ProgramSpec } from '../../conferences/program';
import type { LeaveCause } from '../../conferences/state';
import type { VerbOutcome } from '../../twiml/interpreter';
import type { ConferenceNoun, DialVerb } from '../../twiml/verbs';
import type { Call } from '../call';
import type { WebhookClient } from '../webhook';

export interface ConferenceVerbDeps {
  conferences: Pick<ConferenceRegistry, 'open'>;
  webhooks: Pick<WebhookClient, 'resolveUrl'>;
}

/** The wait program a waitUrl asks for: absent is the default music, '' silence. */
export function waitProgram(waitUrl: string | undefined, method: 'GET' | 'POST', resolve: (url: string) => string): ProgramSpec {
  if (waitUrl === undefined) return { kind: 'music' };
  if (waitUrl === '') return { kind: 'silence' };
  return { kind: 'url', url: resolve(waitUrl), method };
}

function settingsOf(noun: ConferenceNoun, resolve: (url: string) => string): ConferenceSettings {
  return {
    maxParticipants: noun.maxParticipants,
    statusCallback: noun.statusCallback
      ? { url: resolve(noun.statusCallback), method: noun.statusCallbackMethod, events: noun.statusCallbackEvent }
      : null,
  };
}

function optionsOf(noun: ConferenceNoun, resolve: (url: string) => string): ParticipantOptions {
  return {
    label: noun.participantLabel ?? null,
    muted: noun.muted,
    startConferenceOnEnter: noun.startConferenceOnEnter,
    endConferenceOnExit: noun.endConferenceOnExit,
    beep: noun.beep,
    wait: waitProgram(noun.waitUrl, noun.waitMethod, resolve),
    coaching: noun.coach !== undefined,
    callSidToCoach: noun.coach ?? null,
    earlyMedia: false,
  };
}

export async function conferenceVerb(deps: ConferenceVerbDeps, call: Call, verb: DialVerb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome> {
  const noun = verb.conference!;
  const resolve = (url: string) => deps.webhooks.resolveUrl(url, documentUrl);
  call.log('verb', `Dial Conference "${noun.name}"`);
  if (noun.ignored.length) call.log('info', `<Conference> ${noun.ignored.join(', ')}: not emulated; ignored`);
  const conference = deps.conferences.open(noun.name, settingsOf(noun, resolve));
  const joined = conference.join(call, optionsOf(noun, resolve), 'twiml');
  if ('refused' in joined) {
    // Twilio reports the error (16025 for a taken label) and the call goes on without the conference.
    call.log('error', `${joined.refused.code} ${joined.refused.message}: not joined to "${noun.name}"`);
    return { verb: 'Dial', dialCallStatus: 'failed', callerHungUp: false };
  }

  const cleanups: (() => void)[] = [];
  const why = await new Promise<LeaveCause | 'released'>((resolveWhy) => {
    const done = (cause: LeaveCause | 'released') => resolveWhy(cause);
    void joined.released.then(() => done('released'));
    void call.ended.then(() => done('hangup'));
    // A hangup aborts the run too; only an abort of a call that is still up is a redirect.
    const onAbort = () => done(call.endTime ? 'hangup' : 'redirected');
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener('abort', onAbort));
    if (verb.hangupOnStar) {
      const onStar = (digit: string) => {
        if (digit === '*') done('dial-ended');
      };
      call.digitListeners.add(onStar);
      cleanups.push(() => call.digitListeners.delete(onStar));
    }
    const limit = setTimeout(() => done('dial-ended'), verb.timeLimit * 1000);
    cleanups.push(() => clearTimeout(limit));
  });
  for (const cleanup of cleanups) cleanup();
  if (why !== 'released') {
    const gone = why === 'hangup';
    conference.leave(call.sid, why, gone ? 'completed' : 'in-progress');
  }
  return { verb: 'Dial', dialCallStatus: 'completed', callerHungUp: call.isOver || call.endTime !== null };
}
