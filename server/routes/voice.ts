/**
 * Twilio's voice webhooks. Everything here is form-encoded and signed: the signature is checked against
 * PUBLIC_BASE_URL + the request's path and query (the URL Twilio called, whatever proxies or tunnels did to
 * the Host header) on the form exactly as it arrived, before the contract (contracts/api/webhooks.ts) looks
 * at it and before any TwiML is produced.
 */
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import twilio from 'twilio';
import { afterDialWebhookRoute, recordingCallbackRoute, statusCallbackRoute, voicemailDoneWebhookRoute, voiceWebhookRoute } from '../../contracts/api/webhooks';
import type { AppConfig } from '../config';
import { dialFact, recordingFact, statusFact, voiceFact } from '../history/facts';
import type { CallFact } from '../history/facts';
import { targetOf } from '../history/fold';
import { sendError } from '../http-errors';
import type { Store } from '../store/store';
import { decideAfterDial, decideVoice, parseLeg } from '../voice/decide';
import type { Params, VoiceContext, VoiceDecision } from '../voice/decide';
import { emergencyNumbers, type EmergencyCalling } from '../voice/emergency';
import { renderAfterDial, renderVoice, renderVoicemailDone, webhookUrls } from '../voice/twiml';

type FormBody = Record<string, string | string[] | undefined>;

/** Twilio never repeats these parameters; if someone does, the first value is the one we look at. */
export function formParams(body: unknown): Params {
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [key, value] of Object.entries(body as FormBody)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string') out[key] = v;
  }
  return out;
}

export function signatureUrl(publicBaseUrl: string, requestUrl: string): string {
  return `${publicBaseUrl}${requestUrl}`;
}

export function isSignedByTwilio(authToken: string, signature: string | undefined, url: string, body: unknown): boolean {
  if (typeof signature !== 'string' || signature === '') return false;
  const params = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return twilio.validateRequest(authToken, signature, url, params);
}

const STATUS_FIELDS = [
  'CallSid', 'ParentCallSid', 'CallStatus', 'CallbackSource', 'Direction', 'From', 'To', 'Called',
  'CallDuration', 'Duration', 'SequenceNumber', 'Timestamp', 'SipResponseCode', 'ErrorCode', 'ErrorMessage',
] as const;

/**
 * Makes `app` (a plugin scope) a Twilio webhook scope: form bodies are parsed only here (the rest of the
 * server, and the emulator, never sees them), and every request must carry Twilio's signature.
 */
export async function verifyTwilioWebhooks(app: FastifyInstance, config: Pick<AppConfig, 'publicBaseUrl' | 'account'>): Promise<void> {
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  // Before validation, which may coerce what it checks: the signature covers the form as Twilio sent it.
  // Once it is verified, repeated keys are reduced to their first value, the form the contract describes.
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers['x-twilio-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    const url = signatureUrl(config.publicBaseUrl, request.url);
    if (!isSignedByTwilio(config.account.authToken, signature, url, request.body)) {
      request.log.warn({ event: 'webhook-signature-rejected', url: request.url, signed: signature !== undefined }, 'webhook signature missing or wrong');
      return sendError(reply, 403, 'bad_signature', 'This request is not signed by Twilio for this account.');
    }
    request.body = formParams(request.body);
  });
}

/** What the call decisions need to know of the configuration (who is available comes from memory per call). */
export function voiceContext(config: AppConfig): Omit<VoiceContext, 'available'> {
  return {
    teamNumber: config.account.teamNumber,
    defaultCountry: config.defaultCountry,
    allowedCountries: config.dialAllowedCountries,
    users: config.users.map((u) => u.name),
    ringGroup: config.ringGroup,
    ringTimeoutSeconds: config.ringTimeoutSeconds,
    emergencyCalling: config.emergencyCalling,
    emergencyNumbers: emergencyNumbers(config.defaultCountry),
    voicemail: config.voicemail,
  };
}

/**
 * A caller hears whatever these answer, so a request outside the contract is not refused with a 400: it is
 * logged and decided on as it is (the decisions refuse what they cannot place).
 */
function noteContractMismatch(request: FastifyRequest): void {
  if (request.validationError) {
    request.log.warn({ event: 'webhook-outside-contract', url: request.url, reason: request.validationError.message }, 'webhook parameters outside the contract');
  }
}

/** Where a browser's call went, as the history names it; null for calls from the phone network. */
function historyTarget(decision: VoiceDecision, params: Params): string | null {
  if (decision.kind === 'dial-number' || decision.kind === 'dial-emergency') return decision.number;
  if (decision.kind === 'dial-client') return `client:${decision.identity}`;
  return params.From?.startsWith('client:') ? targetOf(params.To ?? '') : null;
}

export interface VoiceRouteOptions {
  config: AppConfig;
  store: Store;
  emergency?: EmergencyCalling;
  /** The TwiML that puts a parent leg in its conference while call control moves its call there (else undefined). */
  joinRoom?: (parentSid: string) => string | undefined;
}

export const voiceRoutes: FastifyPluginAsyncTypebox<VoiceRouteOptions> = async (app, opts) => {
  const { config, store } = opts;
  const urls = webhookUrls(config.publicBaseUrl);
  const context = voiceContext(config);

  /**
   * A caller is waiting on these answers: the history write runs beside the answer, never before it, and
   * if it fails healing from Twilio's call log fills the gap later.
   */
  const recordLater = (fact: CallFact | undefined) => {
    if (fact) store.background.add(fact);
  };

  await verifyTwilioWebhooks(app, config);

  const twiml = (reply: FastifyReply, xml: string) => reply.type('text/xml; charset=utf-8').header('cache-control', 'no-store').send(xml);

  app.route({
    ...voiceWebhookRoute,
    attachValidation: true,
    handler: async (request, reply) => {
      noteContractMismatch(request);
      const params: Params = request.body;
      const decision = decideVoice(params, { ...context, available: store.team.available(), ...(opts.emergency ? { emergencyCalling: opts.emergency.on } : {}) });
      request.log.info(
        { event: 'voice-decision', callSid: params.CallSid, decision: decision.kind, ...(decision.kind === 'refuse' ? { reason: decision.reason } : {}) },
        'voice webhook',
      );
      const xml = renderVoice(decision, urls);
      // Not the team's calls: a browser that is no user, a phone calling some other number.
      const ours = decision.kind !== 'refuse' || (decision.reason !== 'unknown-caller' && decision.reason !== 'not-a-team-number');
      if (ours) recordLater(voiceFact(params, decision.kind, historyTarget(decision, params), new Date()));
      return twiml(reply, xml);
    },
  });

  app.route({
    ...afterDialWebhookRoute,
    attachValidation: true,
    handler: async (request, reply) => {
      noteContractMismatch(request);
      const params: Params = request.body;
      // The dialed leg was moved into a conference: the caller follows it there, and the call goes on.
      const join = opts.joinRoom?.(params.CallSid ?? '');
      if (join !== undefined) {
        request.log.info({ event: 'dial-moved-to-conference', callSid: params.CallSid }, 'caller follows into the conference');
        return twiml(reply, join);
      }
      const leg = parseLeg(request.query.leg) ?? 'inbound';
      const decision = decideAfterDial(params, leg, context.voicemail);
      request.log.info({ event: 'dial-ended', callSid: params.CallSid, leg, dialCallStatus: params.DialCallStatus }, 'dial ended');
      const xml = renderAfterDial(decision, urls);
      recordLater(dialFact(params, new Date()));
      return twiml(reply, xml);
    },
  });

  app.route({
    ...statusCallbackRoute,
    handler: async (request, reply) => {
      const leg: Record<string, string> = {};
      for (const field of STATUS_FIELDS) {
        const v = request.body[field];
        if (v !== undefined) leg[field] = v.slice(0, 200);
      }
      request.log.info({ event: 'call-status', leg }, 'call leg status');
      const fact = statusFact(request.body, new Date());
      if (!fact) return sendError(reply, 400, 'bad_request', 'The callback names no CallSid this server can store.');
      // Acknowledged only once committed: a 5xx tells Twilio it was not taken in (and healing covers it).
      try {
        await store.history.record([fact]);
      } catch (err) {
        store.healer?.noteFailure();
        request.log.error({ event: 'history-write-failed', callSid: fact.call, reason: (err as Error).message }, 'status callback not stored');
        return sendError(reply, 503, 'store_unavailable', 'The call history could not be stored; it heals from the call log later.');
      }
      return reply.code(204).send(null);
    },
  });

  app.route({
    ...voicemailDoneWebhookRoute,
    attachValidation: true,
    handler: async (request, reply) => {
      noteContractMismatch(request);
      const params: Params = request.body;
      request.log.info({ event: 'voicemail-left', callSid: params.CallSid, seconds: params.RecordingDuration, digits: params.Digits }, 'caller finished a message');
      return twiml(reply, renderVoicemailDone());
    },
  });

  app.route({
    ...recordingCallbackRoute,
    handler: async (request, reply) => {
      const fact = recordingFact(request.body, new Date());
      if (!fact) return sendError(reply, 400, 'bad_request', 'The callback names no CallSid and RecordingSid this server can store.');
      request.log.info({ event: 'recording-status', callSid: fact.call, recordingSid: fact.recording, status: fact.status, seconds: fact.duration }, 'recording status');
      // Acknowledged only once committed: on a 5xx Twilio retries, and the recording waits at Twilio meanwhile.
      try {
        // VOICEMAIL_STORE=database: its audio is copied now rather than at the job's next round.
        if (await store.voicemails.record(fact)) void store.voicemailCopy?.run();
      } catch (err) {
        request.log.error({ event: 'voicemail-write-failed', callSid: fact.call, recordingSid: fact.recording, reason: (err as Error).message }, 'recording callback not stored');
        return sendError(reply, 503, 'store_unavailable', 'The voicemail could not be stored; the recording stays at Twilio.');
      }
      return reply.code(204).send(null);
    },
  });
};
