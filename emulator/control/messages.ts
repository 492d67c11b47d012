/** Control API: the account's messages, one with its status callbacks, and a media's bytes for the console (contracts/emulator/messages). */
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import { MessageRoutes, type MessageDetail, type MessageView } from '../../contracts/emulator/messages';
import type { Emulator } from '../emulator';
import { mediaView } from '../messages/messaging';
import { numSegments, type MessageRecord } from '../messages/store';
import { apiError, type ControlScope } from './scope';

export function messageView(m: MessageRecord): MessageView {
  return {
    sid: m.sid,
    from: m.from,
    to: m.to,
    body: m.body,
    status: m.status,
    direction: m.direction,
    at: m.dateCreated.toISOString(),
    encoding: m.segments.encoding,
    numSegments: numSegments(m),
    media: m.media.map(mediaView),
    errorCode: m.errorCode,
    errorMessage: m.errorMessage,
    messagingServiceSid: m.messagingServiceSid,
    statusCallback: m.statusCallback,
  };
}

export function messageDetail(m: MessageRecord): MessageDetail {
  return { ...messageView(m), callbacks: m.callbacks };
}

export function registerMessageRoutes(api: ControlScope, emulator: Pick<Emulator, 'messages'>): void {
  const p = CONTROL_API_PREFIX;
  const { messages } = emulator;

  api.get(`${p}/messages`, { schema: MessageRoutes.list }, async () => messages.store.list().map(messageView));

  api.get(`${p}/messages/:sid`, { schema: MessageRoutes.get }, async (req, reply) => {
    const m = messages.get(req.params.sid);
    return m ? messageDetail(m) : reply.code(404).send(apiError(404, `No message ${req.params.sid}`));
  });

  api.get(`${p}/media/:sid`, { schema: MessageRoutes.media }, async (req, reply) => {
    const item = messages.media.get(req.params.sid);
    if (!item) return reply.code(404).send(apiError(404, `No media ${req.params.sid}`));
    // A Buffer is sent as it is, past the scope's JSON serializer.
    return reply.type(item.contentType).send(item.bytes);
  });
}
