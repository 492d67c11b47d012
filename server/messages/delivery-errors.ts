/**
 * Twilio's delivery error codes of a text that was accepted and then failed, in words for a terminal (the
 * app has its own, translated, in web/src/i18n). Codes not listed are printed as they are.
 */
const DELIVERY_ERRORS: Record<number, string> = {
  30003: 'the phone is switched off or out of reach',
  30005: 'the number is unknown or no longer in use',
  30006: 'the number is a landline or cannot receive texts',
  30007: 'the carrier filtered the message',
  30008: 'the carrier reported an unknown error',
  30034: 'the team number is not registered for US A2P 10DLC messaging',
  21610: 'the number replied STOP',
};

export function deliveryError(code: number | null): string {
  if (code === null) return 'no reason given';
  const words = DELIVERY_ERRORS[code];
  return words ? `${words} (error ${code})` : `error ${code}`;
}
