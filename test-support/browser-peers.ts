/**
 * A Chromium page that behaves like the Voice SDK's media side (fake microphone, SDP without candidates),
 * driven from Node. Used by the emulator's media-leg tests and the media benchmark.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from '@playwright/test';
import { launchChromium } from './chromium';
import { listenOnTestPort } from './test-port';

export interface BrowserRtpStats {
  iceState: string;
  packetsReceived: number;
  audioLevel: number;
  packetsSent: number;
}

/**
 * Runs in the page (served as-is, so no build step can rewrite it): named peer connections on
 * window, each with the fake microphone, signalling SDP without candidates as the SDK does.
 */
const PAGE_SCRIPT = String.raw`
const peers = new Map();
const stripCandidates = (sdp) => sdp.replace(/^a=(candidate:.*|end-of-candidates)\r?\n/gm, '');
const gathered = (pc) => new Promise((resolve) => {
  if (pc.iceGatheringState === 'complete') return resolve();
  pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
});
const peer = (name) => {
  const p = peers.get(name);
  if (!p) throw new Error('no peer ' + name);
  return p;
};
window.rtcCreate = async (name) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection();
  // addTrack (not addTransceiver), as the SDK does: a remote offer then reuses this sender.
  const sender = pc.addTrack(stream.getAudioTracks()[0], stream);
  const audio = new Audio();
  audio.autoplay = true;
  pc.addEventListener('track', (e) => {
    audio.srcObject = e.streams[0] || new MediaStream([e.track]);
    audio.play().catch(() => {});
  });
  peers.set(name, { pc, sender, audio });
};
window.rtcOffer = async (name, iceRestart) => {
  const { pc } = peer(name);
  await pc.setLocalDescription(await pc.createOffer({ iceRestart }));
  await gathered(pc);
  return stripCandidates(pc.localDescription.sdp);
};
window.rtcAnswer = async (name, offer) => {
  const { pc } = peer(name);
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return stripCandidates(pc.localDescription.sdp);
};
window.rtcApplyAnswer = async (name, answer) => {
  await peer(name).pc.setRemoteDescription({ type: 'answer', sdp: answer });
};
window.rtcDtmf = (name, tones) => {
  const dtmf = peer(name).sender.dtmf;
  if (!dtmf) throw new Error('no DTMF sender');
  dtmf.insertDTMF(tones, 100, 70);
};
window.rtcStats = async (name) => {
  const { pc } = peer(name);
  const out = { iceState: pc.iceConnectionState, packetsReceived: 0, audioLevel: 0, packetsSent: 0 };
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      out.packetsReceived = Number(s.packetsReceived || 0);
      out.audioLevel = Number(s.audioLevel || 0);
    }
    if (s.type === 'outbound-rtp' && s.kind === 'audio') out.packetsSent = Number(s.packetsSent || 0);
  });
  return out;
};
window.rtcClose = (name) => {
  const p = peers.get(name);
  if (p) p.pc.close();
  peers.delete(name);
};
`;

function servePage(): Promise<http.Server> {
  return listenOnTestPort((req, res) => {
    if (req.url === '/peers.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(PAGE_SCRIPT);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>media peers</title><script src="/peers.js"></script>');
  });
}

export class BrowserPeers {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
    private readonly server: http.Server,
  ) {}

  static async launch(): Promise<BrowserPeers> {
    const server = await servePage();
    const browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'rtcCreate' in window);
    return new BrowserPeers(browser, page, server);
  }

  create(name: string): Promise<void> {
    return this.page.evaluate((n) => (window as any).rtcCreate(n), name);
  }
  offer(name: string, iceRestart = false): Promise<string> {
    return this.page.evaluate(([n, r]) => (window as any).rtcOffer(n, r), [name, iceRestart] as const);
  }
  answer(name: string, offer: string): Promise<string> {
    return this.page.evaluate(([n, o]) => (window as any).rtcAnswer(n, o), [name, offer] as const);
  }
  applyAnswer(name: string, answer: string): Promise<void> {
    return this.page.evaluate(([n, a]) => (window as any).rtcApplyAnswer(n, a), [name, answer] as const);
  }
  dtmf(name: string, tones: string): Promise<void> {
    return this.page.evaluate(([n, t]) => (window as any).rtcDtmf(n, t), [name, tones] as const);
  }
  stats(name: string): Promise<BrowserRtpStats> {
    return this.page.evaluate((n) => (window as any).rtcStats(n), name);
  }
  closePeer(name: string): Promise<void> {
    return this.page.evaluate((n) => (window as any).rtcClose(n), name);
  }
  async close(): Promise<void> {
    await this.browser.close();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
