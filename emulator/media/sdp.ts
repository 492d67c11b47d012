/** SDP adjustments for peers that, like the Voice SDK, signal no ICE candidates. */

/**
 * A remote description without candidates means "find me by my connectivity checks"
 * (peer-reflexive). If it also says end-of-candidates, an ICE agent concludes at once that there
 * is nothing to check and fails, so that marker is dropped and the agent waits for the checks.
 */
export function expectPeerReflexive(sdp: string): string {
  if (/^a=candidate:/m.test(sdp)) return sdp;
  return sdp.replace(/^a=end-of-candidates\r?\n/gm, '');
}

/** Removes every candidate line, as the Voice SDK does to the SDP it sends. */
export function stripCandidates(sdp: string): string {
  return sdp.replace(/^a=(candidate:.*|end-of-candidates)\r?\n/gm, '');
}
