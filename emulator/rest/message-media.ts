/**
 * REST Media of a message (Messages/{MM}/Media): list, fetch (`.json`), delete, and the media itself
 * (no extension), as Twilio serves it: behind the API's Basic auth, answered with a redirect to a
 * short-lived signed URL that needs no credentials (Twilio's storage; here /emulator/media-content).
 */
import type { FastifyInstance } from 'fastify';
import type { Emulator } from '../emulator';
import type { StoredMedia } from '../messages/media';
import type { MessageRecord } from '../messages/store';
import { notFound, pageOf, type Query } from './form';
import { pageJson, rfc2822 } from './shapes';

const MEDIA = '/2010-04-01/Accounts/:AccountSid/Messages/:MessageSid/Media';
type MediaParams = { AccountSid: string; MessageSid: string; Sid?: string };

export function mediaJson(message: Pick<MessageRecord, 'accountSid' | 'sid'>, m: StoredMedia): Record<string, unknown> {
  return {
    account_sid: message.accountSid,
    content_type: m.contentType,
    date_created: rfc2822(m.dateCreated),
    date_updated: rfc2822(m.dateCreated),
    parent_sid: message.sid,
    sid: m.sid,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}/Media/${m.sid}.json`,
  };
}

export function registerMessageMediaResources(app: FastifyInstance, emulator: Pick<Emulator, 'messages'>): void {
  const { messages } = emulator;
  /** The message and, when a SID is named (with or without .json), its media. */
  const find = (params: MediaParams) => {
    const message = messages.get(params.MessageSid);
    const sid = params.Sid?.replace(/\.json$/, '');
    return { message, item: sid === undefined ? undefined : message?.media.find((m) => m.sid === sid) };
  };

  app.get<{ Params: MediaParams; Querystring: Query }>(`${MEDIA}.json`, async (req, reply) => {
    const { message } = find(req.params);
    if (!message) return notFound(req, reply);
    const { page, pageSize } = pageOf(req.query);
    const slice = message.media.slice(page * pageSize, (page + 1) * pageSize);
    const listUri = `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json`;
    return pageJson('media_list', slice.map((m) => mediaJson(message, m)), listUri, page, pageSize, message.media.length > (page + 1) * pageSize);
  });

  app.get<{ Params: MediaParams }>(`${MEDIA}/:Sid`, async (req, reply) => {
    const { message, item } = find(req.params);
    if (!message || !item) return notFound(req, reply);
    if (req.params.Sid!.endsWith('.json')) return mediaJson(message, item);
    return reply.code(307).header('Location', messages.media.signedPath(item.sid)).send();
  });

  app.delete<{ Params: MediaParams }>(`${MEDIA}/:Sid`, async (req, reply) => {
    const { message, item } = find(req.params);
    if (!message || !item) return notFound(req, reply);
    message.media = message.media.filter((m) => m !== item);
    messages.media.remove(item.sid);
    return reply.code(204).send();
  });

  app.get<{ Params: { sid: string }; Querystring: Query }>('/emulator/media-content/:sid', async (req, reply) => {
    const item = messages.media.verifySigned(req.params.sid, req.query.Expires, req.query.Signature);
    if (!item) return reply.code(403).type('text/plain').send('This media link is not valid or has expired.');
    return reply.type(item.contentType).header('Cache-Control', 'private, max-age=3600').send(item.bytes);
  });
}
