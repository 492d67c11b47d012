/**
 * Fault injection below WebRTC: a gate on every UDP socket a peer connection's ICE agent owns,
 * below STUN, DTLS and SRTP, so a blocked leg loses its consent checks as well as its media,
 * exactly as a broken network path would.
 */
import type { RTCPeerConnection } from 'werift';

type Datagrams = {
  send: (data: Buffer, addr: unknown, ...rest: unknown[]) => Promise<void>;
  onData: (data: Buffer, addr: unknown) => void;
};

/**
 * Drops every datagram sent or received while `blocked()` holds. Idempotent (`gated` remembers the
 * sockets already wrapped): call it again after each negotiation in case ICE opened new sockets.
 */
export function gateDatagrams(pc: RTCPeerConnection, blocked: () => boolean, gated: WeakSet<object>): void {
  for (const dtls of pc.dtlsTransports) {
    const protocols = (dtls.iceTransport.connection as unknown as { protocols?: { transport?: Datagrams }[] }).protocols ?? [];
    for (const protocol of protocols) {
      const transport = protocol.transport;
      if (!transport || gated.has(transport)) continue;
      gated.add(transport);
      const send = transport.send.bind(transport);
      transport.send = (data, addr, ...rest) => (blocked() ? Promise.resolve() : send(data, addr, ...rest));
      const onData = transport.onData;
      transport.onData = (data, addr) => {
        if (!blocked()) onData.call(transport, data, addr);
      };
    }
  }
}
