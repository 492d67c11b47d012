/**
 * What a TwiML verb gets to run with. Each verb is one module in this folder, a function
 * `(ctx, call, verb, documentUrl, signal) => Promise<VerbOutcome>` that ../runner.ts dispatches to;
 * a new verb (<Record>, <Conference>) is a new module here plus its case there.
 */
import type { PhoneNetwork } from '../../phones/network';
import type { VerbOutcome } from '../../twiml/interpreter';
import type { Verb } from '../../twiml/verbs';
import type { Call } from '../call';
import type { Legs } from '../legs';
import type { WebhookClient } from '../webhook';

export interface VerbContext {
  legs: Pick<Legs, 'sendDigitsTo'>;
  phones: Pick<PhoneNetwork, 'on'>;
  webhooks: Pick<WebhookClient, 'resolveUrl'>;
  /** Runs a nested verb (the prompts inside <Gather>). */
  exec(call: Call, verb: Verb, documentUrl: string, signal: AbortSignal): Promise<VerbOutcome>;
}
