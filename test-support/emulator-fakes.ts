/**
 * Stand-ins for the emulator's unit tests: a media leg that answers at once and keeps what it was
 * asked to play (the test speaks into it with `emit('audio', samples)` and `emit('dtmf', digit)`), and
 * a signaling session wired to an emulator as the Voice SDK's socket would be.
 */
import { EventEmitter } from 'node:events';
import type { Emulator } from '../emulator/emulator';
import type { AudioSource, LegMediaStats, MediaLeg, MediaLegEvents } from '../emulator/media/types';
import { SignalingSession } from '../emulator/signaling/session';

export class FakeLeg extends EventEmitter<MediaLegEvents> implements MediaLeg {
  played: AudioSource[] = [];
  closed = false;
  constructor(readonly id: string) { super(); }
  async answerOffer(): Promise<string> { return `v=0 answer ${this.id}`; }
  async createOffer(): Promise<string> { return `v=0 offer ${this.id}`; }
  async applyAnswer(): Promise<void> {}
  async play(source: AudioSource): Promise<void> { this.played.push(source); }
  stopPlayback(): void {}
  async sendDtmf(): Promise<void> {}
  noteDigit(): void {}
  blockMedia(): void {}
  stats(): LegMediaStats { return { packetsReceived: 0, packetsSent: 0, levelDbfs: -127, peakLevelDbfs: -127, codec: 'PCMU', iceState: 'connected', digits: '' }; }
  async close(): Promise<void> { this.closed = true; this.emit('closed'); }
}

/** A signaling session on `emulator`, as an SDK's socket; what the emulator sends it (heartbeats aside) lands in `sent`. */
export function sdkSession(emulator: Pick<Emulator, 'signaling'>, sent: { type: string; payload: any }[]): SignalingSession {
  const session = new SignalingSession(
    { send: (t) => { if (t !== '\n') sent.push(JSON.parse(t)); }, close() {}, terminate() {} },
    {
      verifyToken: (jwt) => emulator.signaling.verifyToken(jwt),
      onCallMessage: (s, m) => emulator.signaling.handleCallMessage(s, m),
      onRegistrationChange() {}, onLog() {}, onClosed: (s) => emulator.signaling.sessionClosed(s),
    },
  );
  emulator.signaling.addSession(session);
  return session;
}
