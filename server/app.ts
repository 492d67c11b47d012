/**
 * buildApp: the whole HTTP surface as a Fastify instance with no listening socket. The composition root
 * (main.ts) decides the mode, loads secrets and listens; tests call `app.inject()`.
 */
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { AppConfig } from './config';
import { errorHandler, HttpError } from './http-errors';
import { allowedOrigins, csrfHook } from './plugins/csrf';
import { registerOpenApi } from './plugins/openapi';
import { registerSecurityHeaders } from './plugins/security-headers';
import { registerSession } from './plugins/session';
import { RATE_LIMIT_CACHE_SIZE, RATE_LIMITS } from './rate-limits';
import type { RateLimits } from './rate-limits';
import { configRoutes } from './routes/config';
import { eventsRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { historyRoutes } from './routes/history';
import { messageMediaRoutes } from './routes/message-media';
import { messagesRoutes } from './routes/messages';
import { openApiRoutes } from './routes/openapi';
import { presenceRoutes } from './routes/presence';
import { restCallRoutes } from './routes/rest-calls';
import { sessionRoutes } from './routes/session';
import { smsRoutes } from './routes/sms';
import { soundRoutes } from './routes/sounds';
import { staticRoutes } from './routes/static';
import { tokenRoutes } from './routes/token';
import { voiceRoutes } from './routes/voice';
import { voicemailRoutes } from './routes/voicemails';
import { callControlRoutes } from './routes/call-control';
import { conferenceHookRoutes } from './routes/conference-hooks';
import { CallControl } from './calls/control';
import { conferenceUrls, renderJoinRoom, restLogin, twilioConferences } from './calls/twilio-conferences';
import type { ConferenceApi } from './calls/twilio-conferences';
import type { Store } from './store/store';
import { twilioMessageMedia } from './messages/media';
import type { MessageMedia } from './messages/media';
import type { MessageSender } from './messages/sender';
import type { CallPlacer } from './click-to-call/placer';
import { clickToCallRoutes } from './routes/click-to-call';
import { createUserDirectory } from './users';
import { EmergencyCalling } from './voice/emergency';
import { TWILIO_REST_ORIGIN, twilioRecordingMedia } from './voicemail/media';
import type { RecordingMedia } from './voicemail/media';

export interface BuildOptions {
  /** The call history, the team's presence and the live events (store/store.ts, opened by the composition root). */
  store: Store;
  /** TLS key and certificate (PEM); local mode always serves HTTPS because the Voice SDK only speaks wss://. */
  https?: { key: string; cert: string };
  /** Fastify logger options (true/false or pino options). Default: off. */
  logger?: FastifyServerOptions['logger'];
  /** An existing pino-compatible logger to use instead. */
  loggerInstance?: FastifyBaseLogger;
  /** Folder with the built web app. Default: dist/web next to this package. */
  webRoot?: string;
  /** Rate limits; load tests raise them to measure the routes' own cost. Default: RATE_LIMITS. */
  limits?: Partial<RateLimits>;
  /** Whether emergency numbers are dialed now; the composition root shares it with the start-up checks. */
  emergency?: EmergencyCalling;
  /** Sends text messages through Twilio (or the local stand-in); without it the app cannot send texts. */
  sender?: MessageSender;
  /** Places calls through Twilio's REST API ("Call via my phone"); without it that is unavailable. */
  placer?: CallPlacer;
  /** Where voicemail audio comes from. Default: Twilio's REST API (or TWILIO_TEST_ENDPOINT) with the account's API key. */
  recordings?: RecordingMedia;
  /** Conferences and participants at Twilio (or the local stand-in), for hold, transfer and add person. Default: Twilio's REST API with the account's API key. */
  conferences?: ConferenceApi;
  /** Where the pictures of inbound texts come from. Default: Twilio's REST API (or TWILIO_TEST_ENDPOINT) with the account's API key. */
  pictures?: MessageMedia;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../dist/web', import.meta.url));

/** Lets a plugin add hooks, decorators and the not-found handler to the instance it is registered on. */
function shared<T extends (...args: never[]) => unknown>(plugin: T): T {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}

/**
 * One access line per request. Fastify's default writes two at info level ("incoming request" with the
 * request serialised, then "request completed"); the completion line alone says the same at half the cost,
 * and the incoming line stays available at debug level.
 */
class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url, remoteAddress: request.ip }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

export function buildApp(config: AppConfig, opts: BuildOptions): FastifyInstance {
  const options: FastifyServerOptions & { https?: { key: string; cert: string } } = {
    // Fastify also accepts a hop count here, which its types leave out.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    // Keeps idle keep-alive sockets from delaying a graceful shutdown.
    forceCloseConnections: 'idle',
    logController: new AccessLog(),
    ...(opts.loggerInstance ? { loggerInstance: opts.loggerInstance } : { logger: opts.logger ?? false }),
    ...(opts.https ? { https: { key: opts.https.key, cert: opts.https.cert } } : {}),
  };
  const app = fastify(options) as unknown as FastifyInstance;
  app.setErrorHandler(errorHandler);
  const emergency = opts.emergency ?? new EmergencyCalling(config.emergencyCalling);
  const rooms = conferenceUrls(config.publicBaseUrl);
  const control = new CallControl({
    api: opts.conferences ?? twilioConferences(restLogin(config), rooms),
    store: opts.store.liveCalls,
    teamNumber: config.account.teamNumber,
    ringSeconds: config.transferRingSeconds ?? config.ringTimeoutSeconds,
    joinTwiml: (room) => renderJoinRoom(room, rooms),
    log: app.log,
  });
  opts.store.events.observe(control);

  app.register(shared(async (root: FastifyInstance) => registerSecurityHeaders(root, config)));
  // Before any route: it collects the route schemas the OpenAPI document is made from.
  app.register(shared(async (root: FastifyInstance) => registerOpenApi(root, config)));
  app.register(healthRoutes, { store: opts.store });
  app.register(openApiRoutes);
  app.register(soundRoutes);
  app.register(shared(staticRoutes), { webRoot: opts.webRoot ?? DEFAULT_WEB_ROOT });

  // The browser API: sessions, CSRF checks, rate limits and JSON only in this scope.
  app.register(async (api) => {
    const users = await createUserDirectory(config);
    await api.register(rateLimit, {
      global: false,
      cache: RATE_LIMIT_CACHE_SIZE,
      errorResponseBuilder: (_request, context) =>
        new HttpError(429, 'rate_limited', `Too many requests. Please wait ${context.after} and try again.`),
    });
    await registerSession(api, config);

    // An empty body with Content-Type: application/json (e.g. a DELETE sent by fetch) means "no body".
    const json = api.getDefaultJsonParser('error', 'error');
    api.removeContentTypeParser('application/json');
    api.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      if (text.trim() === '') return done(null, {});
      return json(request, text, done);
    });
    api.addHook('onRequest', csrfHook(allowedOrigins(config.publicBaseUrl, config.mode === 'local')));

    await api.register(configRoutes, { config, emergency });
    const limits: RateLimits = {
      ...RATE_LIMITS,
      signInPerAddress: { ...RATE_LIMITS.signInPerAddress, max: config.signInRateLimit },
      ...opts.limits,
    };
    await api.register(sessionRoutes, { users, limits });
    await api.register(tokenRoutes, { config, users, limits });
    await api.register(historyRoutes, { store: opts.store, users });
    await api.register(messagesRoutes, { config, store: opts.store, users, sender: opts.sender, limits });
    await api.register(clickToCallRoutes, { config, store: opts.store, users, placer: opts.placer });
    await api.register(presenceRoutes, { store: opts.store, users });
    await api.register(eventsRoutes, { store: opts.store, users });
    const media = opts.recordings ?? twilioRecordingMedia({ account: config.account, origin: config.twilioTestEndpoint ?? TWILIO_REST_ORIGIN });
    await api.register(voicemailRoutes, { store: opts.store, users, media });
    await api.register(callControlRoutes, { config, store: opts.store, users, control });
    const pictures = opts.pictures ?? twilioMessageMedia({ account: config.account, origin: config.twilioTestEndpoint ?? TWILIO_REST_ORIGIN });
    await api.register(messageMediaRoutes, { store: opts.store, users, media: pictures });
  });

  app.register(voiceRoutes, { config, store: opts.store, emergency, joinRoom: (parentSid) => { const room = control.roomForParent(parentSid); return room === undefined ? undefined : renderJoinRoom(room, rooms); } });
  app.register(conferenceHookRoutes, { config, store: opts.store, control });
  app.register(smsRoutes, { config, store: opts.store });
  app.register(restCallRoutes, { config, store: opts.store });
  return app;
}
