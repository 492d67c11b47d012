/**
 * Renders decisions as TwiML with the twilio helper's VoiceResponse, which escapes every text and
 * attribute value, so nothing from a request can become markup.
 */
import twilio from 'twilio';
import type { AfterDialDecision, DialLeg, VoiceDecision } from './decide';

const { VoiceResponse } = twilio.twiml;

export interface WebhookUrls {
  afterDial(leg: DialLeg): string;
  status: string;
  /** <Record action>: the caller has finished their message. */
  voicemailDone: string;
  /** <Record recordingStatusCallback>: the recording is ready (or absent). */
  recording: string;
}

export function webhookUrls(publicBaseUrl: string): WebhookUrls {
  return {
    afterDial: (leg) => `${publicBaseUrl}/handle_calls/after-dial?leg=${leg}`,
    status: `${publicBaseUrl}/handle_calls/status`,
    voicemailDone: `${publicBaseUrl}/handle_calls/voicemail-done`,
    recording: `${publicBaseUrl}/handle_calls/recording`,
  };
}

const STATUS_EVENTS: ('initiated' | 'ringing' | 'answered' | 'completed')[] = ['initiated', 'ringing', 'answered', 'completed'];

export function renderVoice(decision: VoiceDecision, urls: WebhookUrls): string {
  const response = new VoiceResponse();
  // Every <Dial> rings until answered (answerOnBridge) and reports back to after-dial with its leg kind.
  const dialAttributes = (kind: DialLeg, timeout: number) =>
    ({ answerOnBridge: true, timeout, action: urls.afterDial(kind), method: 'POST' }) as const;
  const leg = { statusCallback: urls.status, statusCallbackMethod: 'POST', statusCallbackEvent: STATUS_EVENTS };
  switch (decision.kind) {
    case 'dial-number':
    case 'dial-emergency': {
      const dial = response.dial({ callerId: decision.callerId, ...dialAttributes('number', decision.timeout) });
      dial.number(leg, decision.number);
      break;
    }
    case 'dial-client': {
      const dial = response.dial(dialAttributes('client', decision.timeout));
      dial.client(leg, decision.identity);
      break;
    }
    case 'ring-group': {
      if (decision.identities.length === 0) {
        response.say('Sorry, no one is available to take your call. Please try again later. Goodbye.');
        response.hangup();
        break;
      }
      const dial = response.dial({
        ...(decision.callerId === undefined ? {} : { callerId: decision.callerId }),
        ...dialAttributes('inbound', decision.timeout),
      });
      for (const identity of decision.identities) {
        dial.client(leg, identity);
      }
      break;
    }
    case 'nobody-available':
      appendAfterDial(response, decision.then, urls);
      break;
    case 'refuse':
      response.say(decision.message);
      response.hangup();
      break;
  }
  return response.toString();
}

export const VOICEMAIL_THANKS = 'Thank you, your message has been recorded. Goodbye.';
/** Heard when <Record> ends with nothing recorded: Twilio then skips the action and runs the next verb. */
export const VOICEMAIL_NOTHING_RECORDED = 'No message was recorded. Goodbye.';

function appendAfterDial(response: InstanceType<typeof VoiceResponse>, decision: AfterDialDecision, urls: WebhookUrls): void {
  if (decision.kind === 'reject-busy') {
    response.reject({ reason: 'busy' });
    return;
  }
  if (decision.kind === 'voicemail') {
    response.say(decision.greeting);
    response.record({
      maxLength: decision.maxSeconds,
      playBeep: true,
      finishOnKey: '#',
      timeout: decision.silenceSeconds,
      action: urls.voicemailDone,
      method: 'POST',
      recordingStatusCallback: urls.recording,
      recordingStatusCallbackMethod: 'POST',
      // absent too: a caller who said nothing is a missed call, and the history should know why.
      recordingStatusCallbackEvent: ['completed', 'absent'],
    });
    response.say(VOICEMAIL_NOTHING_RECORDED);
    response.hangup();
    return;
  }
  if (decision.kind === 'say-and-hangup') response.say(decision.message);
  response.hangup();
}

export function renderAfterDial(decision: AfterDialDecision, urls: WebhookUrls): string {
  const response = new VoiceResponse();
  appendAfterDial(response, decision, urls);
  return response.toString();
}

/** The <Record> action: the message is in; the caller is thanked and the call ends. */
export function renderVoicemailDone(): string {
  const response = new VoiceResponse();
  response.say(VOICEMAIL_THANKS);
  response.hangup();
  return response.toString();
}
