import { describe, expect, it } from 'vitest';
import { expectPeerReflexive, stripCandidates } from './sdp';

const withCandidates = [
  'v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 0', 'a=candidate:1 1 udp 2116026367 127.0.0.1 5000 typ host',
  'a=end-of-candidates', 'a=ice-ufrag:abcd', '',
].join('\r\n');

describe('SDP for candidate-less peers', () => {
  it.each([
    ['keeps a description that has candidates', withCandidates, withCandidates],
    ['drops end-of-candidates when there are none', 'v=0\r\na=end-of-candidates\r\na=mid:0\r\n', 'v=0\r\na=mid:0\r\n'],
    ['leaves a plain candidate-less description alone', 'v=0\r\na=mid:0\r\n', 'v=0\r\na=mid:0\r\n'],
    ['handles LF-only line ends', 'v=0\na=end-of-candidates\na=mid:0\n', 'v=0\na=mid:0\n'],
  ])('%s', (_name, input, output) => {
    expect(expectPeerReflexive(input)).toBe(output);
  });

  it('strips candidates like the Voice SDK', () => {
    expect(stripCandidates(withCandidates)).toBe('v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=ice-ufrag:abcd\r\n');
  });
});
