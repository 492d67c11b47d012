import { describe, expect, it } from 'vitest';
import { cacheName, pickWindow, routeRequest, staleCaches, type Route } from './rules';

const ORIGIN = 'https://phone.example.com';
const SHELL = new Set(['/', '/assets/index-abc.js', '/assets/index-abc.css', '/icons/icon-192.png', '/manifest.webmanifest']);

describe('routeRequest: only the build’s own files are cached, nothing the server answers at run time', () => {
  const table: Array<[string, string, string, Route]> = [
    ['GET', `${ORIGIN}/`, 'navigate', 'shell'],
    ['GET', `${ORIGIN}/settings/audio`, 'navigate', 'shell'],
    ['GET', `${ORIGIN}/assets/index-abc.js`, 'cors', 'precached'],
    ['GET', `${ORIGIN}/icons/icon-192.png`, 'no-cors', 'precached'],
    ['GET', `${ORIGIN}/manifest.webmanifest`, 'cors', 'precached'],
    ['GET', `${ORIGIN}/assets/index-abc.js?v=2`, 'cors', 'network'],
    ['GET', `${ORIGIN}/assets/other-def.js`, 'cors', 'network'],
    ['GET', `${ORIGIN}/api/config`, 'cors', 'network'],
    ['POST', `${ORIGIN}/api/token`, 'cors', 'network'],
    ['GET', `${ORIGIN}/api/calls`, 'navigate', 'network'],
    ['GET', `${ORIGIN}/api/recordings/RE1.mp3`, 'no-cors', 'network'],
    ['GET', `${ORIGIN}/sounds/incoming.wav`, 'cors', 'network'],
    ['GET', `${ORIGIN}/emulator`, 'navigate', 'network'],
    ['GET', `${ORIGIN}/emulator/api/clients`, 'cors', 'network'],
    ['GET', `${ORIGIN}/healthz`, 'navigate', 'network'],
    ['GET', `${ORIGIN}/sw.js`, 'same-origin', 'network'],
    ['GET', `${ORIGIN}/assets/index-abc.js.map`, 'cors', 'network'],
    ['POST', `${ORIGIN}/`, 'navigate', 'network'],
    ['GET', 'https://sdk.twilio.com/js/client/sounds/releases/1.0.0/incoming.mp3', 'cors', 'network'],
    ['GET', 'https://other.example.com/', 'navigate', 'network'],
  ];
  it.each(table)('%s %s (%s) → %s', (method, url, mode, route) => {
    expect(routeRequest({ method, url, mode }, ORIGIN, SHELL)).toBe(route);
  });
});

describe('staleCaches', () => {
  it('drops the shells of other versions and leaves caches that are not ours', () => {
    expect(staleCaches([cacheName('old1'), cacheName('new'), 'other-cache', cacheName('old2')], cacheName('new'))).toEqual([
      cacheName('old1'),
      cacheName('old2'),
    ]);
  });
});

describe('pickWindow: a notification click brings the app forward', () => {
  const w = (url: string, focused = false, visibilityState = 'hidden') => ({ url, focused, visibilityState });
  it.each([
    ['the focused app window', [w(`${ORIGIN}/`), w(`${ORIGIN}/`, true, 'visible')], 1],
    ['else a visible one', [w(`${ORIGIN}/`), w(`${ORIGIN}/x`, false, 'visible')], 1],
    ['else any app window', [w(`${ORIGIN}/emulator`, true, 'visible'), w(`${ORIGIN}/`)], 1],
    ['none: open one', [w(`${ORIGIN}/emulator`, true, 'visible')], -1],
    ['none at all', [], -1],
  ] as const)('%s', (_name, windows, index) => {
    expect(pickWindow(windows, ORIGIN)).toBe(index);
  });
});
