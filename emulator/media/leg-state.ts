/** The options a media leg is made with, and the shapes of its own running state (./leg.ts). */
import type { FastifyBaseLogger } from 'fastify';
import type { DigitStep } from './rfc4733';
import type { FrameSource } from './sources';

export type MediaLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface MediaLegOptions {
  id: string;
  logger?: MediaLogger;
  /**
   * Extra host addresses to advertise besides the machine's interfaces. Loopback is always
   * included: browsers on the same machine reach the leg there even when they have no other route.
   */
  hostAddresses?: string[];
  /** PEM to trust when a <Play> URL is served over HTTPS with a self-signed certificate. */
  tlsCa?: string;
}

export type DtmfStep = DigitStep | { kind: 'done'; resolve: () => void };

export interface Playback {
  source: FrameSource;
  finish: () => void;
  fail: (err: Error) => void;
}

export interface RelayRun {
  ssrc: number;
  offset: number;
  lastAt: number;
}
