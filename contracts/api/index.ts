/**
 * The app's HTTP contracts, one module per resource: its TypeBox schemas (request and response, each with
 * its Static type of the same name) and its route contracts (`defineRoute`: method, path, schema).
 *
 * A new resource (call history, voicemail, messages, conference actions, the event stream) adds:
 *   contracts/api/<resource>.ts     schemas + route contracts, exported below and listed in API_ROUTES
 *   server/routes/<resource>.ts     `app.route({ ...contract, handler })`, registered in server/app.ts
 *   web/src/core/api.ts             `request<typeof contract>(...)`, if the browser calls it
 * Fastify then validates requests and serializes answers with the schemas, handlers are typed by them,
 * the OpenAPI document (GET /api/openapi.json) lists the route, and server/routes/openapi.test.ts checks
 * that every contract is served with its own schema and documented.
 */
import { CALL_CONTROL_ROUTES } from './call-control';
import { conferenceCallbackRoute, conferenceLegCallbackRoute } from './conference-webhooks';
import { configRoute } from './config';
import { eventsRoute } from './events';
import { healthRoute } from './health';
import { callListRoute, callsSeenRoute, unseenRoute } from './history';
import { conversationListRoute, conversationMessagesRoute, conversationReadRoute, sendMessageRoute } from './messages';
import { openApiRoute } from './openapi';
import { presenceListRoute, setAvailabilityRoute } from './presence';
import { sayWebhookRoute } from './rest-calls';
import { clickToCallAnswerWebhookRoute, clickToCallConnectWebhookRoute, clickToCallHangupRoute, clickToCallRoute, clickToCallStatusWebhookRoute, personalNumberRoute, setPersonalNumberRoute } from './click-to-call';
import { currentSessionRoute, signInRoute, signOutRoute } from './session';
import { tokenRoute } from './token';
import { voicemailAudioRoute, voicemailDeleteRoute, voicemailHeardRoute, voicemailListRoute, voicemailRestoreRoute } from './voicemails';
import { afterDialWebhookRoute, smsStatusWebhookRoute, smsWebhookRoute, recordingCallbackRoute, statusCallbackRoute, voicemailDoneWebhookRoute, voiceWebhookRoute } from './webhooks';

export * from './call-control';
export * from './click-to-call';
export * from './conference-webhooks';
export * from './config';
export * from './errors';
export * from './events';
export * from './health';
export * from './history';
export * from './messages';
export * from './history-cursor';
export * from './openapi';
export * from './presence';
export * from './rest-calls';
export * from './route';
export * from './session';
export * from './token';
export * from './voicemails';
export * from './webhooks';

/** Every route with a contract; each must be served, validated and documented. */
export const API_ROUTES = [
  healthRoute,
  configRoute,
  signInRoute,
  currentSessionRoute,
  signOutRoute,
  tokenRoute,
  callListRoute,
  callsSeenRoute,
  unseenRoute,
  voicemailListRoute,
  voicemailAudioRoute,
  voicemailHeardRoute,
  voicemailDeleteRoute,
  voicemailRestoreRoute,
  presenceListRoute,
  setAvailabilityRoute,
  sendMessageRoute,
  conversationListRoute,
  conversationMessagesRoute,
  conversationReadRoute,
  eventsRoute,
  openApiRoute,
  voiceWebhookRoute,
  afterDialWebhookRoute,
  statusCallbackRoute,
  smsWebhookRoute,
  smsStatusWebhookRoute,
  voicemailDoneWebhookRoute,
  recordingCallbackRoute,
  sayWebhookRoute,
  personalNumberRoute,
  setPersonalNumberRoute,
  clickToCallRoute,
  clickToCallHangupRoute,
  clickToCallAnswerWebhookRoute,
  clickToCallConnectWebhookRoute,
  clickToCallStatusWebhookRoute,
  ...CALL_CONTROL_ROUTES,
  conferenceCallbackRoute,
  conferenceLegCallbackRoute,
] as const;
