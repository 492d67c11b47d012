/** Control API: the conferences, their participants, and what a person does with them from the console (contracts/emulator/conferences). */
import { CONTROL_API_PREFIX } from '../../contracts/emulator/common';
import { ConferenceRoutes, type ConferenceParticipantView, type ConferenceView } from '../../contracts/emulator/conferences';
import type { Conference } from '../conferences/conference';
import { hearingOf, participantStatus, voiceReach } from '../conferences/state';
import type { Emulator } from '../emulator';
import { isE164 } from '../phones/phone';
import { apiError, type ControlScope } from './scope';
import { callView } from './views';

export function conferenceView(c: Conference): ConferenceView {
  const now = performance.now();
  const participants: ConferenceParticipantView[] = c.list().map(({ participant: p, seat }) => ({
    callSid: p.call.sid,
    label: seat.label,
    status: participantStatus(p.call.status, seat.joined),
    source: p.source,
    from: p.call.from,
    to: p.call.to,
    endpoint: callView(p.call).endpoint,
    muted: seat.muted,
    hold: seat.hold,
    coaching: seat.coaching,
    callSidToCoach: seat.callSidToCoach,
    startConferenceOnEnter: seat.startConferenceOnEnter,
    endConferenceOnExit: seat.endConferenceOnExit,
    hearing: hearingOf(c.status, seat),
    heard: voiceReach(c.status, seat).to !== 'nobody',
    speaking: p.speaking.speaking,
    levelDbfs: p.voiceLevel.level(now),
    hears: p.heardTones(),
    joinedAt: p.joinedAt?.toISOString() ?? null,
  }));
  return {
    sid: c.sid,
    friendlyName: c.friendlyName,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    endedAt: c.endedAt?.toISOString() ?? null,
    reasonEnded: c.state.ended?.reason ?? null,
    endedByCallSid: c.state.ended?.callSid ?? null,
    participants,
    mixedFrames: c.mixedFrames,
    events: c.events,
  };
}

/** Live conferences first, then the most recently completed ones. */
export function conferenceList(emulator: Pick<Emulator, 'conferences'>, completed = 20): ConferenceView[] {
  const all = [...emulator.conferences.values()].reverse();
  return [...all.filter((c) => c.status !== 'completed'), ...all.filter((c) => c.status === 'completed').slice(0, completed)].map(conferenceView);
}

export function registerConferenceRoutes(api: ControlScope, emulator: Pick<Emulator, 'account' | 'conferences' | 'conferenceDialer'>): void {
  const p = `${CONTROL_API_PREFIX}/conferences`;
  const { account, conferences, conferenceDialer } = emulator;
  const notFound = (sid: string) => apiError(404, `No conference ${sid}`);

  api.get(p, { schema: ConferenceRoutes.list }, async () => conferenceList(emulator));

  api.get(`${p}/:sid`, { schema: ConferenceRoutes.get }, async (req, reply) => {
    const c = conferences.get(req.params.sid);
    return c ? conferenceView(c) : reply.code(404).send(notFound(req.params.sid));
  });

  api.post(`${p}/:sid/end`, { schema: ConferenceRoutes.end }, async (req, reply) => {
    const c = conferences.get(req.params.sid);
    if (!c) return reply.code(404).send(notFound(req.params.sid));
    if (c.status === 'completed') return reply.code(409).send(apiError(409, `Conference ${c.friendlyName} has already ended`));
    c.end();
    return conferenceView(c);
  });

  api.post(`${p}/participants`, { schema: ConferenceRoutes.addParticipant }, async (req, reply) => {
    const b = req.body;
    const to = b.to.trim();
    if (!to.startsWith('client:') && !isE164(to)) return reply.code(400).send(apiError(400, 'to must be a phone number like +12025550199 or client:identity'));
    const from = b.from?.trim() || account.numberList()[0]?.phoneNumber;
    if (!from) return reply.code(400).send(apiError(400, 'from is required: the account has no number to call from'));
    const existing = conferences.get(b.conference) ?? conferences.liveByName(b.conference);
    if (!existing && /^CF[0-9a-f]{32}$/.test(b.conference)) return reply.code(404).send(notFound(b.conference));
    if (existing?.status === 'completed') return reply.code(409).send(apiError(409, `Conference ${existing.friendlyName} has already ended`));
    const c = existing ?? conferences.open(b.conference, { maxParticipants: 250, statusCallback: null });
    const added = conferenceDialer.add(c, {
      to, from, params: {}, timeout: 60,
      options: {
        label: b.label?.trim() || null, muted: b.muted ?? false, startConferenceOnEnter: b.startConferenceOnEnter ?? true,
        endConferenceOnExit: b.endConferenceOnExit ?? false, beep: b.beep ?? 'true', wait: { kind: 'music' },
        coaching: false, callSidToCoach: null, earlyMedia: true,
      },
    });
    if ('refused' in added) return reply.code(409).send(apiError(409, added.refused.message));
    return reply.code(201).send({ conferenceSid: c.sid, callSid: added.call.sid });
  });

  api.post(`${p}/:sid/participants/:callSid`, { schema: ConferenceRoutes.updateParticipant }, async (req, reply) => {
    const c = conferences.get(req.params.sid);
    if (!c) return reply.code(404).send(notFound(req.params.sid));
    const refused = c.update(req.params.callSid, {
      ...(req.body.hold !== undefined ? { hold: req.body.hold } : {}),
      ...(req.body.muted !== undefined ? { muted: req.body.muted } : {}),
    });
    if (refused) return reply.code(404).send(apiError(404, refused.refused.message));
    return conferenceView(c).participants.find((x) => x.callSid === req.params.callSid)!;
  });

  api.delete(`${p}/:sid/participants/:callSid`, { schema: ConferenceRoutes.removeParticipant }, async (req, reply) => {
    const c = conferences.get(req.params.sid);
    if (!c) return reply.code(404).send(notFound(req.params.sid));
    if (!c.participant(req.params.callSid)) return reply.code(404).send(apiError(404, `No participant ${req.params.callSid} in ${c.friendlyName}`));
    c.kick(req.params.callSid);
    return reply.code(204).send(null);
  });
}
