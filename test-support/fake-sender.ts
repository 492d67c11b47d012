/**
 * A stand-in for Twilio's Messages API behind the MessageSender port, for route tests: it records what
 * was sent and refuses numbers the test names, with Twilio's code.
 */
import { refusalMessage, SendRefusedError } from '../server/messages/sender';
import type { MessageSender, SendRequest, SendResult } from '../server/messages/sender';

export interface FakeSender extends MessageSender {
  sent: SendRequest[];
  /** Numbers Twilio refuses, with the code it gives. */
  refuse: Map<string, number>;
}

export function fakeSender(): FakeSender {
  let n = 0;
  const sent: SendRequest[] = [];
  const refuse = new Map<string, number>();
  return {
    sent,
    refuse,
    async send(request): Promise<SendResult> {
      const code = refuse.get(request.to);
      if (code !== undefined) throw new SendRefusedError(refusalMessage(code, 'refused'), code);
      sent.push(request);
      n += 1;
      return { sid: `SM${n.toString(16).padStart(32, '0')}`, status: 'queued', errorCode: null };
    },
  };
}
