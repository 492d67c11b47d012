/** The whole picture the console polls (GET /state) and process figures for benchmarks (GET /metrics). */
import { Type, type Static } from 'typebox';
import { CallWithEvents } from './calls';
import { ClientView } from './clients';
import { Nullable } from './common';
import { ConferenceView } from './conferences';
import { PhoneView } from './phones';
import { MessageView } from './messages';

export const AccountView = Type.Object({
  accountSid: Type.String(),
  numbers: Type.Array(Type.Object({
    phoneNumber: Type.String(),
    voiceApplicationSid: Nullable(Type.String()),
    voiceUrl: Nullable(Type.String()),
    smsUrl: Nullable(Type.String()),
  })),
  applications: Type.Array(Type.Object({ sid: Type.String(), voiceUrl: Type.String() })),
});
export type AccountView = Static<typeof AccountView>;

/** Live calls first, then the 30 most recent finished ones; the 30 most recent messages; conferences. */
export const StateView = Type.Object({
  account: AccountView,
  clients: Type.Array(ClientView),
  phones: Type.Array(PhoneView),
  calls: Type.Array(CallWithEvents),
  messages: Type.Array(MessageView),
  /** Live conferences first, then the 10 most recently completed. */
  conferences: Type.Array(ConferenceView),
  /** How many finished calls the emulator keeps (for the REST API too), and how many older ones it forgot. */
  callStore: Type.Object({ atMost: Type.Integer(), forgotten: Type.Integer() }),
});
export type StateView = Static<typeof StateView>;

/** CPU time is cumulative: sample twice and divide by the wall time between. */
export const MetricsView = Type.Object({
  at: Type.Number(),
  cpuUserMicros: Type.Number(),
  cpuSystemMicros: Type.Number(),
  rssBytes: Type.Number(),
  /** V8 heap in use; after a collection when `gc=true` was asked and the process allows it. */
  heapUsedBytes: Type.Number(),
  /** Whether a full garbage collection ran just before (the process needs node --expose-gc). */
  collected: Type.Boolean(),
  activeCalls: Type.Integer(),
  activeMediaLegs: Type.Integer(),
  bridgedCalls: Type.Number(),
  sessions: Type.Integer(),
  /** Calls kept for the console and the REST API, live and finished (finished ones are bounded). */
  keptCalls: Type.Integer(),
  /** Finished calls forgotten, oldest first, to keep the store bounded. */
  forgottenCalls: Type.Integer(),
  /** SDK registrations being rung right now. */
  ringingForks: Type.Integer(),
  /** process.getActiveResourcesInfo() counted by type (sockets, UDP sockets, timers, …): what keeps the process busy. */
  activeResources: Type.Record(Type.String(), Type.Integer()),
});
export type MetricsView = Static<typeof MetricsView>;

export const MetricsQuery = Type.Object({
  gc: Type.Optional(Type.Boolean({ errorMessage: 'gc must be true or false' })),
});
export type MetricsQuery = Static<typeof MetricsQuery>;

export const StateRoutes = {
  state: { response: { 200: StateView } },
  metrics: { querystring: MetricsQuery, response: { 200: MetricsView } },
};
