/**
 * Call control: hold, resume, transfer (blind or consult first), add a person, and the live state of the
 * calls a user is in. A call starts as a plain two-party <Dial>; the server moves it into a conference
 * (named by a server-side id the browser cannot forge) on the first action that needs one, and drives the
 * conference's participants through Twilio's REST API.
 *
 * Every action names the call by its history id (`CallRecord.id`). A tab learns which history id its SDK
 * call has from `GET /api/calls/live` or the `live-call` event: `LiveCall.legs` lists the CallSids of the
 * signed-in user's own browser legs, which the tab compares with `call.parameters.CallSid`.
 * A user may only act on calls they are in; any other id answers 404, so ids reveal nothing.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, STATE_CHANGE_ERRORS, errorReply } from './errors';
import { SIGNED_IN, defineRoute } from './route';

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');
const NOT_FOUND = errorReply('No live call with this id that you are in (not_found).');
const WRONG_STATE = errorReply(
  'The call is not in a state that allows this (wrong_state): e.g. resume a call that is not held, or a second transfer while one is under way.',
);
const TWILIO_REFUSED = errorReply('Twilio refused to change the call (twilio_refused), with its reason in words.');

export const PartyState = Type.Enum(['ringing', 'connected', 'held', 'parked', 'left'], {
  description:
    'ringing: being called (added or transferred to); connected: talking; held: hears hold music and is not heard; ' +
    'parked: a user who left the call on hold to talk on another one (POST /api/calls/:id/park) and can come back to it; left: no longer in the call.',
});
export type PartyState = Static<typeof PartyState>;

export const Party = Type.Object(
  {
    id: Type.String({ description: 'An opaque id for this party within the call (not a Twilio SID).' }),
    kind: Type.Enum(['user', 'phone'], { description: 'user: a team member in a browser; phone: an outside number.' }),
    name: Type.String({ description: 'The user name, or the number in E.164.' }),
    state: PartyState,
  },
  { description: 'One person in a live call.' },
);
export type Party = Static<typeof Party>;

export const TransferState = Type.Object(
  {
    mode: Type.Enum(['blind', 'consult'], { description: 'blind: hand the caller over as soon as the target answers; consult: talk to the target first.' }),
    to: Type.String({ description: 'The target: a user name or an E.164 number.' }),
    by: Type.String({ description: 'The user who started the transfer.' }),
    state: Type.Enum(['ringing', 'consulting'], { description: 'ringing: the target has not answered yet; consulting: the target answered a consult-first transfer.' }),
  },
  { description: 'A transfer under way.' },
);
export type TransferState = Static<typeof TransferState>;

export const LiveCall = Type.Object(
  {
    id: Type.String({ description: 'The history id of the call (CallRecord.id).' }),
    conference: Type.Boolean({ description: 'The call has been moved into a conference (after the first hold, transfer or add).' }),
    legs: Type.Array(Type.String(), { description: "CallSids of the signed-in user's own browser legs in this call (the SDK's call.parameters.CallSid)." }),
    parties: Type.Array(Party, { description: 'Everyone in the call, the signed-in user included.' }),
    transfer: Type.Union([TransferState, Type.Null()]),
    ended: Type.Boolean({ description: 'The call is over for the signed-in user (the last state a tab receives for it).' }),
  },
  { description: 'A call the signed-in user is in, as the server sees it now.' },
);
export type LiveCall = Static<typeof LiveCall>;

export const LiveCallList = Type.Object({ items: Type.Array(LiveCall, { description: 'The live calls the signed-in user is in.' }) });
export type LiveCallList = Static<typeof LiveCallList>;

export const LiveCallParams = Type.Object({
  // Checked by the handler, after the session: a signed-out request learns nothing about ids.
  id: Type.String({ maxLength: 40, description: 'The history id of the call.' }),
});
export type LiveCallParams = Static<typeof LiveCallParams>;

export const CallTarget = Type.Object({
  to: Type.String({ minLength: 1, maxLength: 64, description: 'A colleague (user name, or client:<user>) or a phone number (E.164 or national).' }),
});
export type CallTarget = Static<typeof CallTarget>;

export const TransferRequest = Type.Object({
  to: CallTarget.properties.to,
  mode: Type.Enum(['blind', 'consult'], { default: 'blind' }),
});
export type TransferRequest = Static<typeof TransferRequest>;

/**
 * The custom parameters a browser rung by a transfer (or rung again when nobody took a blind transfer)
 * receives on its SDK call (`call.customParameters`). `From` is the outside caller's number when there is one.
 */
export const TRANSFER_PARAMS = {
  /** The user who transferred the call. */
  by: 'transferredBy',
  /** The other parties: numbers or user names, comma-separated. */
  caller: 'transferredCaller',
  /** blind or consult. */
  mode: 'transferMode',
  /** On a recall after a blind transfer nobody answered: the target who did not answer. */
  recall: 'recalledFrom',
} as const;

/**
 * The custom parameter a browser rung back into a call it parked receives (POST /api/calls/:id/unpark):
 * the call's history id, so the tab that asked answers it by itself.
 */
export const RESUME_PARAM = 'resumeCall' as const;

const BAD_TARGET = errorReply('A number that is not valid or not allowed (country, premium rate), or no such colleague (bad_request, not_allowed, unknown_user).');

const ACTION_RESPONSES = {
  401: SIGNED_OUT,
  404: NOT_FOUND,
  409: WRONG_STATE,
  502: TWILIO_REFUSED,
  503: errorReply('The call store is unavailable (store_unavailable).'),
} as const;

/** What every action route shares: signed in, the call's history id in the path. */
const actionSchema = (summary: string, description: string) =>
  ({ summary, description, tags: ['Calls'], security: SIGNED_IN, params: LiveCallParams }) as const;

function action<const U extends string>(url: U, summary: string, description: string) {
  const response = { 200: LiveCall, 400: errorReply('A malformed id (bad_request).'), ...ACTION_RESPONSES, ...STATE_CHANGE_ERRORS };
  return defineRoute({ method: 'POST', url, schema: { ...actionSchema(summary, description), response } });
}

function actionWithTarget<const U extends string, B extends typeof CallTarget | typeof TransferRequest>(url: U, summary: string, description: string, body: B) {
  const response = { 200: LiveCall, 400: BAD_TARGET, ...ACTION_RESPONSES, ...JSON_BODY_ERRORS };
  return defineRoute({ method: 'POST', url, schema: { ...actionSchema(summary, description), body, response } });
}

export const liveCallListRoute = defineRoute({
  method: 'GET',
  url: '/api/calls/live',
  schema: {
    summary: 'My live calls',
    description: 'The calls the signed-in user is in right now, with their parties; a tab maps its SDK call to a history id through `legs`.',
    tags: ['Calls'],
    security: SIGNED_IN,
    response: { 200: LiveCallList, 401: SIGNED_OUT, ...COMMON_ERRORS },
  },
});

export const holdRoute = action('/api/calls/:id/hold', 'Hold', 'The other parties hear hold music and are not heard; the call keeps its timer.');
export const resumeRoute = action('/api/calls/:id/resume', 'Resume', 'Brings the held parties back, with audio both ways.');
export const transferRoute = actionWithTarget(
  '/api/calls/:id/transfer',
  'Transfer',
  'blind: the target rings showing who is transferred and by whom; when they answer the caller talks to them and your leg ends; ' +
    'if nobody answers within the ring time the call comes back to you, ringing. consult: the caller is held while you talk to the target. ' +
    'The target\'s browser gets custom parameters (call.customParameters): transferredBy (the user), transferredCaller (the other parties, ' +
    'comma-separated), transferMode (blind or consult); a browser rung again after an unanswered blind transfer gets recalledFrom (the target).',
  TransferRequest,
);
export const completeTransferRoute = action('/api/calls/:id/transfer/complete', 'Complete transfer', 'Joins the caller and the consulted target, and drops you.');
export const cancelTransferRoute = action('/api/calls/:id/transfer/cancel', 'Cancel transfer', 'Drops the target (or stops its ringing) and brings you back to the caller.');
export const addPartyRoute = actionWithTarget('/api/calls/:id/add', 'Add person', 'Calls a colleague or a number into the call: everyone hears everyone.', CallTarget);

export const parkRoute = action(
  '/api/calls/:id/park',
  'Park',
  'For a call on hold: your leg may leave it (the browser answers another call) while the others stay held, hearing music; ' +
    'you stay in its parties as parked, and the call stays in GET /api/calls/live (with no legs) until its other parties hang up.',
);
export const unparkRoute = action(
  '/api/calls/:id/unpark',
  'Back to a parked call',
  'Your browser is rung back into the call with the custom parameter resumeCall (the history id); when it answers, the others come off hold. ' +
    'If your leg never left, the others simply come off hold.',
);

export const hangUpParkedRoute = action(
  '/api/calls/:id/hangup',
  'Hang up a parked call',
  'For a call you parked: you leave it. The call ends as it would if you hung up on it (for instance a caller waiting alone is released); ' +
    'anyone else still in it comes off hold.',
);

export const CALL_CONTROL_ROUTES = [
  liveCallListRoute,
  holdRoute,
  resumeRoute,
  transferRoute,
  completeTransferRoute,
  cancelTransferRoute,
  addPartyRoute,
  parkRoute,
  unparkRoute,
  hangUpParkedRoute,
] as const;
