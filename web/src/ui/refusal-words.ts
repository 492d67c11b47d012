/** A refused text in the app's language: Twilio's and the server's codes mapped to words, else the server's sentence. */
import type { Refusal } from '../core/refusal';
import { t, type MessageKey } from '../i18n';

const TWILIO_CODES = new Set([21211, 21408, 21610, 21612, 21614, 30034]);
const SERVER_CODES = new Set(['not_allowed', 'rate_limited', 'sending_unavailable', 'network']);

export function refusalWords(refusal: Refusal): string {
  if (refusal.twilioCode !== null && TWILIO_CODES.has(refusal.twilioCode)) return t(`messages.refused.${refusal.twilioCode}` as MessageKey);
  if (SERVER_CODES.has(refusal.code)) return t(`messages.refused.${refusal.code}` as MessageKey);
  return refusal.text;
}
