/**
 * The team's call history: GET /api/calls (newest first, keyset-paginated), POST /api/calls/seen, and
 * GET /api/unseen (the counts behind the badges). Records are folded from Twilio's own callbacks.
 */
import { Type } from 'typebox';
import type { Static } from 'typebox';
import { COMMON_ERRORS, JSON_BODY_ERRORS, errorReply } from './errors';
import { SIGNED_IN, defineRoute } from './route';

const SIGNED_OUT = errorReply('Not signed in, or the session has expired (signed_out).');

export const CallDirection = Type.Enum(['inbound', 'outbound', 'internal'], {
  description: 'inbound: a phone called the team number; outbound: a user called a number; internal: colleague to colleague.',
});
export type CallDirection = Static<typeof CallDirection>;

export const CallOutcome = Type.Enum(['answered', 'missed', 'voicemail', 'busy', 'no-answer', 'rejected', 'failed', 'canceled'], {
  description:
    'answered; missed (rang the team, nobody answered); voicemail (missed, and a message was left); busy; no-answer; ' +
    'rejected (the callee declined); failed; canceled (the caller hung up before an answer).',
});
export type CallOutcome = Static<typeof CallOutcome>;

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC.' });

export const CallRecord = Type.Object(
  {
    id: Type.String({ description: 'The history id of the call (not a Twilio SID).' }),
    direction: CallDirection,
    from: Type.String({ description: 'E.164 number, or client:<user> for a colleague.' }),
    to: Type.String({ description: 'E.164 number, or client:<user> for a colleague.' }),
    outcome: Type.Union([CallOutcome, Type.Null()], { description: 'null while the call is still going.' }),
    answeredBy: Type.Union([Type.String(), Type.Null()], { description: 'The user who answered an inbound or internal call.' }),
    startedAt: Timestamp,
    answeredAt: Type.Union([Timestamp, Type.Null()]),
    endedAt: Type.Union([Timestamp, Type.Null()]),
    durationSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'Talk time; null until ended or when never answered.' }),
    seen: Type.Boolean({ description: 'For a missed call: the signed-in user has seen it. Always true for other outcomes.' }),
    calledBackBy: Type.Union([Type.String(), Type.Null()], {
      description: 'For a missed call: the user who later called this number back or answered its next call.',
    }),
    calledBackAt: Type.Union([Timestamp, Type.Null()]),
    transferredTo: Type.Optional(
      Type.String({
        description:
          'Present once the call was transferred: the colleague (client:<user>) or number that took it last. A colleague also becomes answeredBy; a number does not (answeredBy stays the user who answered).',
      }),
    ),
    transferredBy: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'With transferredTo: the user who transferred the call.' })),
    parties: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Present once the call was held, transferred or joined by a third person: everyone who took part (client:<user> or a number), in the order they joined.',
      }),
    ),
  },
  { description: 'One call as the team remembers it.' },
);
export type CallRecord = Static<typeof CallRecord>;

export const CallListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30, description: 'Page size.' })),
  before: Type.Optional(
    Type.String({ maxLength: 200, description: 'The nextCursor of the previous page, or the cursor of any call (calls older than it follow).' }),
  ),
  filter: Type.Optional(Type.Enum(['all', 'missed'], { default: 'all', description: 'missed: missed calls and voicemails only.' })),
});
export type CallListQuery = Static<typeof CallListQuery>;

export const CallList = Type.Object({
  items: Type.Array(CallRecord, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `before` for the next page; null at the end.' }),
});
export type CallList = Static<typeof CallList>;

export const SeenRequest = Type.Object({
  upTo: Type.Optional(Timestamp),
});
export type SeenRequest = Static<typeof SeenRequest>;

/** Counts of things the signed-in user has not seen yet; later features add their own counts. */
export const Unseen = Type.Object(
  {
    missedCalls: Type.Integer({ minimum: 0, description: 'Missed calls without a message not seen yet, counted up to 1000 (a call with a message counts as a voicemail).' }),
    voicemails: Type.Optional(Type.Integer({ minimum: 0, description: 'Voicemails the signed-in user has not heard yet, counted up to 1000.' })),
    messages: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Inbound text messages not read yet, counted up to 1000. Events about calls leave it out: keep the last value.' }),
    ),
    seenUpTo: Type.Optional(
      Type.Union([Timestamp, Type.Null()], {
        description: 'The watermark behind missedCalls: missed calls that started at or before it are seen, on every device.',
      }),
    ),
  },
  { description: 'What the badges show for the signed-in user.' },
);
export type Unseen = Static<typeof Unseen>;

export const callListRoute = defineRoute({
  method: 'GET',
  url: '/api/calls',
  schema: {
    summary: 'Call history',
    description: "The team's inbound calls and the signed-in user's own outbound and internal calls, newest first.",
    tags: ['History'],
    security: SIGNED_IN,
    querystring: CallListQuery,
    response: { 200: CallList, 400: errorReply('A bad limit, cursor or filter (bad_request).'), 401: SIGNED_OUT, 503: errorReply('The history store is unavailable (store_unavailable).'), ...COMMON_ERRORS },
  },
});

export const callsSeenRoute = defineRoute({
  method: 'POST',
  url: '/api/calls/seen',
  schema: {
    summary: 'Mark missed calls seen',
    description: "Marks the signed-in user's missed calls seen up to `upTo` (default: now), on every device.",
    tags: ['History'],
    security: SIGNED_IN,
    body: SeenRequest,
    response: { 200: Unseen, 401: SIGNED_OUT, 503: errorReply('The history store is unavailable (store_unavailable).'), ...JSON_BODY_ERRORS },
  },
});

export const unseenRoute = defineRoute({
  method: 'GET',
  url: '/api/unseen',
  schema: {
    summary: 'Unseen counts',
    tags: ['History'],
    security: SIGNED_IN,
    response: { 200: Unseen, 401: SIGNED_OUT, 503: errorReply('The history store is unavailable (store_unavailable).'), ...COMMON_ERRORS },
  },
});
