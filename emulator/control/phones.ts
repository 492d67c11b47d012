/** Control API: the simulated phones, and what a person does with one (contracts/emulator/phones). */
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import { PhoneRoutes } from '../../contracts/emulator/phones';
import type { Emulator } from '../emulator';
import { MAX_MEDIA_PER_MESSAGE } from '../messages/media';
import { picture as drawPicture } from '../messages/pictures';
import { phoneSpec, type SimulatedPhone } from '../phones/phone';
import { apiError, type ControlScope } from './scope';
import { callView, phoneView } from './views';

export function registerPhoneRoutes(api: ControlScope, emulator: Pick<Emulator, 'phones' | 'operator' | 'messages'>): void {
  const p = `${CONTROL_API_PREFIX}/phones`;
  const { phones, operator, messages } = emulator;
  // Fastify has decoded the path already; decoding again keeps an encoded "+" ("%252B") working as before.
  const phoneAt = (number: string) => phones.require(decodeURIComponent(number));

  const view = (phone: SimulatedPhone) => phoneView(phone, messages.optedOutOf(phone.number));

  api.get(p, { schema: PhoneRoutes.list }, async () => [...phones.values()].map(view));

  api.post(p, { schema: PhoneRoutes.add }, async (req, reply) => reply.code(201).send(view(phones.add(phoneSpec(req.body)))));

  api.get(`${p}/:number`, { schema: PhoneRoutes.get }, async (req) => {
    const phone = phoneAt(req.params.number);
    const call = operator.currentCallOf(phone);
    return { ...view(phone), call: call ? callView(call) : null };
  });

  api.post(`${p}/:number/call`, { schema: PhoneRoutes.call }, async (req, reply) => {
    const phone = phoneAt(req.params.number);
    const call = operator.phoneCall(phone.number, req.body.to, req.body.toneHz ?? null);
    return reply.code(201).send({ callSid: call.sid });
  });

  api.post(`${p}/:number/answer`, { schema: PhoneRoutes.answer }, async (req) => ({ callSid: operator.answer(phoneAt(req.params.number)) }));
  api.post(`${p}/:number/reject`, { schema: PhoneRoutes.reject }, async (req) => ({ callSid: operator.reject(phoneAt(req.params.number)) }));
  api.post(`${p}/:number/hangup`, { schema: PhoneRoutes.hangup }, async (req) => ({ callSid: await operator.hangup(phoneAt(req.params.number)) }));

  api.post(`${p}/:number/dtmf`, { schema: PhoneRoutes.dtmf }, async (req) => {
    operator.pressKeys(phoneAt(req.params.number), req.body.digits);
    return { sent: req.body.digits };
  });

  api.post(`${p}/:number/sms`, { schema: PhoneRoutes.sms, bodyLimit: 10 * 1024 * 1024 }, async (req, reply) => {
    const phone = phoneAt(req.params.number);
    const to = req.body.to.trim();
    const { body, picture } = req.body;
    const media: { contentType: string; bytes: Buffer }[] = (req.body.media ?? [])
      .map((m) => ({ contentType: m.contentType, bytes: Buffer.from(m.base64, 'base64') }));
    if (picture) media.unshift(drawPicture(picture, phone.number));
    if (!to || (!body && media.length === 0)) return reply.code(400).send(apiError(400, 'to and body are required'));
    if (media.length > MAX_MEDIA_PER_MESSAGE) return reply.code(400).send(apiError(400, `A message carries at most ${MAX_MEDIA_PER_MESSAGE} media`));
    const result = await messages.fromPhone(phone.number, to, { body, media });
    return reply.code(201).send({
      messageSid: result.sid, replies: result.replies, error: result.error, autoReply: result.autoReply,
      numSegments: result.numSegments, numMedia: result.numMedia,
    });
  });

  api.post(`${p}/:number/sms-delivery`, { schema: PhoneRoutes.smsDelivery }, async (req) => {
    const phone = phoneAt(req.params.number);
    const spec = { ...phone.spec, sms: { delivery: req.body.delivery } };
    return view(phone.ephemeral ? phones.add(spec) : Object.assign(phone, { spec }));
  });

  api.post(`${p}/:number/operate`, { schema: PhoneRoutes.operate }, async (req) => ({ sdp: await operator.operate(phoneAt(req.params.number)) }));

  api.post(`${p}/:number/operate/answer`, { schema: PhoneRoutes.operateAnswer }, async (req) => {
    await operator.acceptConsoleAnswer(phoneAt(req.params.number), req.body.sdp);
    return { ok: true as const };
  });

  api.delete(`${p}/:number/operate`, { schema: PhoneRoutes.stopOperating }, async (req, reply) => {
    await operator.stopOperating(phoneAt(req.params.number));
    return reply.code(204).send(null);
  });
}
