/**
 * Messaging Services: a pool of the account's numbers a message can be sent from. A message sent
 * through a service goes out from the same number to the same recipient every time (Twilio's sticky
 * sender), and numbers in a service share its opt-outs.
 */
import type { EmulatorMessagingService } from '../types';

export class MessagingServices {
  private readonly services = new Map<string, EmulatorMessagingService>();

  constructor(services: EmulatorMessagingService[] = []) {
    for (const s of services) this.services.set(s.sid, { ...s, numbers: [...s.numbers] });
  }

  get(sid: string): EmulatorMessagingService | undefined {
    return this.services.get(sid);
  }

  /** The service whose sender pool holds this number. */
  serviceOf(number: string): EmulatorMessagingService | undefined {
    return [...this.services.values()].find((s) => s.numbers.includes(number));
  }

  /** The sender for this recipient: always the same one of the pool. */
  senderFor(service: EmulatorMessagingService, to: string): string | undefined {
    if (service.numbers.length === 0) return undefined;
    let h = 0;
    for (const ch of to) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return service.numbers[h % service.numbers.length];
  }

  /** Who a recipient opts out of by texting this number: its service, or the number itself. */
  optOutScope(number: string): string {
    return this.serviceOf(number)?.sid ?? number;
  }
}
