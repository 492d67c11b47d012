/**
 * Calls this server places through Twilio's REST API (`calls.create`): the TwiML they run once answered
 * is served here, signed like every other webhook. `npm run call -- --say` points its call at the Say route.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { defineRoute } from './route';
import { TWIML_WEBHOOK, VoiceWebhook } from './webhooks';

/** Longest text a scripted call speaks: Twilio's <Say> takes 4096, a URL carrying it stays well short of its limits. */
export const SAY_MAX_CHARS = 1000;

export const SayQuery = Type.Object({
  text: Type.Optional(Type.String({ description: `What the call says, up to ${SAY_MAX_CHARS} characters.` })),
});
export type SayQuery = Static<typeof SayQuery>;

export const sayWebhookRoute = defineRoute({
  method: 'POST',
  url: '/handle_calls/say',
  schema: {
    summary: 'Say TwiML for a scripted call',
    description:
      'The Url of a call placed by `npm run call -- --say`: speaks the text in the query once, then hangs up. ' +
      'Signed like every webhook, so only Twilio (holding the auth token) gets TwiML from it.',
    ...TWIML_WEBHOOK,
    querystring: SayQuery,
    body: VoiceWebhook,
  },
});
