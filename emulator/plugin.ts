/**
 * The emulator as an encapsulated Fastify plugin: signaling WebSocket, console, control API and
 * REST subset, all in their own scope so the host's plugins (formbody, rate limits) stay its own.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import websocket from '@fastify/websocket';
import formbody from '@fastify/formbody';
import { createMediaLeg } from './media/leg';
import { bridge } from './media/bridge';
import type { MediaFactory } from './calls/legs';
import { createEmulator, type Emulator } from './emulator';
import { SignalingSession } from './signaling/session';
import { registerControlApi } from './control/api';
import { registerRestApi } from './rest/api';
import { registerConsole } from './console/serve';
import { registerTwimlBin } from './control/twiml-bin';
import { twilioError } from './rest/shapes';
import type { EmulatorOptions } from './types';

export const emulatorPlugin: FastifyPluginAsync<EmulatorOptions> = async (app, options) => {
  const logger = options.logger ?? app.log;
  const media: MediaFactory = {
    createLeg: (id) => createMediaLeg({ id, logger, ...(options.webhookCa ? { tlsCa: options.webhookCa } : {}) }),
    bridge,
  };
  const emulator = createEmulator(options, media, logger);
  const { signaling } = emulator;
  app.decorate('emulator', emulator);

  await app.register(websocket, { options: { maxPayload: 1024 * 1024 } });
  await app.register(formbody);

  app.get('/signal', { websocket: true }, (socket) => {
    const session = new SignalingSession(
      {
        send: (text) => socket.send(text),
        close: (code, reason) => socket.close(code, reason),
        terminate: () => socket.terminate(),
      },
      {
        verifyToken: (jwt) => signaling.verifyToken(jwt),
        onCallMessage: (s, msg) => signaling.handleCallMessage(s, msg),
        onRegistrationChange: () => undefined,
        onLog: (s, level, message) => logger[level]({ session: s.id, identity: s.identity }, `signaling: ${message}`),
        onClosed: (s) => signaling.sessionClosed(s),
      },
    );
    signaling.addSession(session);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      session.receive(data.toString());
    });
    socket.on('close', () => session.handleClose());
    socket.on('error', () => session.handleClose());
  });

  await app.register(async (scope: FastifyInstance) => {
    registerControlApi(scope, emulator);
  });
  await app.register(async (scope: FastifyInstance) => {
    scope.setErrorHandler((err, _req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      if (status >= 500) logger.error({ err }, 'emulator REST request failed');
      return reply.code(status).send(twilioError(status, status === 400 ? 21100 : 20500, status >= 500 ? 'Internal Server Error' : (err as Error).message));
    });
    registerRestApi(scope, emulator);
  });
  await app.register(async (scope: FastifyInstance) => {
    registerConsole(scope);
    registerTwimlBin(scope);
  });

  app.addHook('onClose', async () => {
    emulator.shutdown();
  });
};

declare module 'fastify' {
  interface FastifyInstance {
    emulator?: Emulator;
  }
}
