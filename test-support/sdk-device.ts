/**
 * A Voice SDK device as the emulator sees one, for Node-side tests against a running server: a token from
 * the server's /api/token, a signaling socket to /signal (the local origin's self-signed TLS trusted), and a
 * werift media leg that plays a tone of its own and measures what it hears. It answers invites, hangs up,
 * and keeps every frame the gateway sent.
 */
import WebSocket from 'ws';
import { createMediaLeg } from '../emulator/media/leg';
import { stripCandidates } from '../emulator/media/sdp';
import type { MediaLeg } from '../emulator/media/types';
import { eventually } from './wait';

export interface Frame {
  type: string;
  payload: Record<string, any>;
}

export interface SdkDevice {
  identity: string;
  frames: Frame[];
  /** The invites received, newest last. */
  invites(): Record<string, any>[];
  /** Answers the invite for `callSid` with a leg that plays `toneHz`. */
  answer(callSid: string, toneHz: number): Promise<MediaLeg>;
  hangup(callSid: string): void;
  close(): Promise<void>;
}

export async function connectDevice(origin: string, token: string, identity: string): Promise<SdkDevice> {
  const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/signal`, { rejectUnauthorized: false });
  const frames: Frame[] = [];
  const legs: MediaLeg[] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '\n') return ws.send('\n');
    frames.push(JSON.parse(text) as Frame);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const send = (type: string, payload: object) => ws.send(JSON.stringify({ type, version: '1.6', payload }));
  send('listen', { token, reconnectTimeout: 30 });
  send('register', { media: { audio: true } });
  await eventually(() => frames.some((f) => f.type === 'ready'), `${identity} registered`, 10_000);
  return {
    identity,
    frames,
    invites: () => frames.filter((f) => f.type === 'invite').map((f) => f.payload),
    async answer(callSid, toneHz) {
      const invite = frames.find((f) => f.type === 'invite' && f.payload.callsid === callSid)!.payload;
      const leg = createMediaLeg({ id: `${identity}-${callSid}` });
      legs.push(leg);
      const sdp = stripCandidates(await leg.answerOffer(invite.sdp as string));
      send('answer', { callsid: callSid, sdp });
      void leg.play({ kind: 'tone', frequencies: [toneHz] });
      return leg;
    },
    hangup: (callSid) => send('hangup', { callsid: callSid }),
    async close() {
      ws.close();
      await Promise.all(legs.map((l) => l.close()));
    },
  };
}
