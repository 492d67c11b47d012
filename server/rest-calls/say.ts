/**
 * The TwiML of a scripted call (`npm run call -- --say`) and the signed URL that serves it: the text
 * travels in the URL's query, which the signature covers, so nobody but Twilio can make this server speak.
 */
import twilio from 'twilio';
import { SAY_MAX_CHARS } from '../../contracts/api/rest-calls';

/** Said when the URL carries no text (someone built it by hand). */
export const NOTHING_TO_SAY = 'This call has no message.';

/** The text as it will be spoken: no NUL or other control characters, whitespace collapsed, at most SAY_MAX_CHARS. */
export function sayText(raw: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (raw ?? '').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, SAY_MAX_CHARS);
}

export function renderSay(raw: string | undefined): string {
  const text = sayText(raw);
  const response = new twilio.twiml.VoiceResponse();
  response.say(text === '' ? NOTHING_TO_SAY : text);
  response.hangup();
  return response.toString();
}

export function sayUrl(publicBaseUrl: string, text: string): string {
  return `${publicBaseUrl}/handle_calls/say?${new URLSearchParams({ text: sayText(text) }).toString()}`;
}
