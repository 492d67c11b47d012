/**
 * The JSON control API behind the console, also used by tests: inspect clients, phones and calls,
 * operate simulated phones, and inject faults. Local tool, no authentication: the host binds to
 * loopback. Every request and response has its schema in contracts/emulator; refusals answer
 * `{ error, code }`.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { CallRoutes } from '../../contracts/emulator/calls';
import { ClientRoutes } from '../../contracts/emulator/clients';
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import { StateRoutes } from '../../contracts/emulator/state';
import type { Emulator } from '../emulator';
import { registerAccountRoutes } from './account';
import { registerApplicationRoutes } from './applications';
import { registerConferenceRoutes } from './conferences';
import { registerFaultRoutes } from './faults';
import { registerMessageRoutes } from './messages';
import { registerPhoneRoutes } from './phones';
import { registerRecordingRoutes } from './recordings';
import { apiError, type ControlScope } from './scope';
import { controlValidatorCompiler } from './validation';
import { callView, callWithEvents, clientView, metricsView, stateView } from './views';

export function registerControlApi(app: FastifyInstance, emulator: Emulator): void {
  const api: ControlScope = app.withTypeProvider<TypeBoxTypeProvider>();
  api.setValidatorCompiler(controlValidatorCompiler);
  // Responses are typed by their schemas (and checked against them in the tests); they are written
  // with JSON.stringify so that a view never loses a field to a schema that forgot it.
  api.setSerializerCompiler(() => (data) => JSON.stringify(data));
  api.setErrorHandler((err, _req, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return reply.code(status).send(apiError(status, (err as Error).message));
    emulator.log.error({ err }, 'emulator request failed');
    return reply.code(500).send(apiError(500, 'The emulator failed to handle this request; see its log'));
  });

  const p = CONTROL_API_PREFIX;
  const { calls, legs } = emulator;

  api.get(`${p}/state`, { schema: StateRoutes.state }, async () => stateView(emulator));
  api.get(`${p}/metrics`, { schema: StateRoutes.metrics }, async (req) => metricsView(emulator, req.query.gc === true));
  api.get(`${p}/clients`, { schema: ClientRoutes.list }, async () => [...emulator.sessions.values()].map(clientView));
  api.get(`${p}/calls`, { schema: CallRoutes.list }, async () => [...calls.values()].reverse().map(callView));

  api.get(`${p}/calls/:sid`, { schema: CallRoutes.get }, async (req, reply) => {
    const call = calls.get(req.params.sid);
    if (!call) return reply.code(404).send(apiError(404, `No call ${req.params.sid}`));
    return { ...callWithEvents(call), children: calls.childrenOf(call.sid).map((c) => c.sid) };
  });

  api.post(`${p}/calls/:sid/hangup`, { schema: CallRoutes.hangup }, async (req, reply) => {
    const call = calls.get(req.params.sid);
    if (!call) return reply.code(404).send(apiError(404, `No call ${req.params.sid}`));
    await legs.hangupCall(call, undefined, 'hung up from the console');
    return callView(call);
  });

  registerPhoneRoutes(api, emulator);
  registerMessageRoutes(api, emulator);
  registerFaultRoutes(api, emulator);
  registerApplicationRoutes(api, emulator);
  registerAccountRoutes(api, emulator);
  registerConferenceRoutes(api, emulator);
  registerRecordingRoutes(api, emulator);
}
