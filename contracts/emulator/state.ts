/** The whole picture the console polls (GET /state) and process figures for benchmarks (GET /metrics). */
import { Type, type Static } from 'typebox';
import { CallWithEvents } from './calls';
import { ClientView } from './clients';
import { Nullable } from './common';
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

/** Live calls first, then the 30 most recent finished ones; the 30 most recent messages. */
export const StateView = Type.Object({
  account: AccountView,
  clients: Type.Array(ClientView),
  phones: Type.Array(PhoneView),
  calls: Type.Array(CallWithEvents),
  messages: Type.Array(MessageView),
});
export type StateView = Static<typeof StateView>;

/** CPU time is cumulative: sample twice and divide by the wall time between. */
export const MetricsView = Type.Object({
  at: Type.Number(),
  cpuUserMicros: Type.Number(),
  cpuSystemMicros: Type.Number(),
  rssBytes: Type.Number(),
  activeCalls: Type.Integer(),
  activeMediaLegs: Type.Integer(),
  bridgedCalls: Type.Number(),
  sessions: Type.Integer(),
});
export type MetricsView = Static<typeof MetricsView>;

export const StateRoutes = {
  state: { response: { 200: StateView } },
  metrics: { response: { 200: MetricsView } },
};
