/**
 * Twilio's default opt-out handling (pure): the keywords a recipient texts to stop, restart or ask for
 * help, and the replies Twilio sends on the number's behalf. A body counts as a keyword only when it is
 * the keyword alone (any case, surrounding spaces ignored), as Twilio matches them.
 */

export type OptOutType = 'STOP' | 'START' | 'HELP';

const KEYWORDS: Record<string, OptOutType> = {
  STOP: 'STOP', STOPALL: 'STOP', UNSUBSCRIBE: 'STOP', CANCEL: 'STOP', END: 'STOP', QUIT: 'STOP', OPTOUT: 'STOP', REVOKE: 'STOP',
  START: 'START', YES: 'START', UNSTOP: 'START',
  HELP: 'HELP', INFO: 'HELP',
};

export function optOutType(body: string): OptOutType | null {
  return KEYWORDS[body.trim().toUpperCase()] ?? null;
}

/** What Twilio answers from the number when a recipient texts a keyword. */
export const KEYWORD_REPLIES: Record<OptOutType, string> = {
  STOP: 'You have successfully been unsubscribed. You will not receive any more messages from this number. Reply START to resubscribe.',
  START: 'You have successfully been re-subscribed to messages from this number. Reply HELP for help. Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
  HELP: 'Reply STOP to unsubscribe. Msg&Data Rates May Apply.',
};

/**
 * Who has opted out of whom. A sender is a number of the account or, for numbers in a Messaging
 * Service, the service: opting out of one of its numbers opts out of all of them, as at Twilio.
 */
export class OptOuts {
  private readonly pairs = new Set<string>();

  private key(sender: string, recipient: string): string {
    return `${sender}|${recipient}`;
  }

  has(sender: string, recipient: string): boolean {
    return this.pairs.has(this.key(sender, recipient));
  }

  /** Applies a keyword texted by `recipient` to `sender`; HELP changes nothing. */
  apply(type: OptOutType, sender: string, recipient: string): void {
    if (type === 'STOP') this.pairs.add(this.key(sender, recipient));
    if (type === 'START') this.pairs.delete(this.key(sender, recipient));
  }

  /** The senders this recipient has opted out of. */
  sendersStoppedBy(recipient: string): string[] {
    return [...this.pairs].filter((p) => p.endsWith(`|${recipient}`)).map((p) => p.slice(0, p.indexOf('|')));
  }
}
