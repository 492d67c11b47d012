/**
 * Why the server would not send a text, as the app can put it in its own language: the server's code
 * (`opted_out`, `not_allowed`, `twilio_refused`…), Twilio's error code when its sentence names one, and the
 * server's sentence for everything the app has no words of its own for.
 */
import { ApiError } from './api';
import { messageOf } from './reasons';

export interface Refusal {
  code: string;
  twilioCode: number | null;
  text: string;
}

export function refusalOf(error: unknown): Refusal {
  if (error instanceof ApiError) {
    const twilio = /\(error (\d{5})\)/.exec(error.message);
    return { code: error.code, twilioCode: twilio ? Number(twilio[1]) : error.code === 'opted_out' ? 21610 : null, text: error.message };
  }
  return { code: 'unknown', twilioCode: null, text: messageOf(error) };
}
