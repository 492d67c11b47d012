/**
 * The simulated phone network: the phones, by number. The only place that adds phones; a number
 * nobody owns gets a phone of its own the first time it is called or texted, and the oldest idle ones
 * of those are forgotten beyond MAX_UNOWNED_PHONES (a team calling customers all day must not grow the
 * network by one phone per number dialled).
 */
import type { Call } from '../calls/call';
import { EmulatorError } from '../errors';
import type { SimulatedPhoneSpec } from '../types';
import { DEFAULT_PHONES } from './defaults';
import { SimulatedPhone, UNOWNED_NUMBER_BEHAVIOUR } from './phone';

/** Phones made for unowned numbers, kept while idle up to this many (a new one forgets the oldest idle one). */
export const MAX_UNOWNED_PHONES = 200;

export class PhoneNetwork {
  private readonly phones = new Map<string, SimulatedPhone>();

  constructor(specs: SimulatedPhoneSpec[] = DEFAULT_PHONES, private readonly maxUnowned = MAX_UNOWNED_PHONES) {
    for (const spec of specs) this.phones.set(spec.number, new SimulatedPhone(spec));
  }

  get(number: string): SimulatedPhone | undefined {
    return this.phones.get(number);
  }

  /** The phone with this number, or a 404 for the control API. */
  require(number: string): SimulatedPhone {
    const phone = this.phones.get(number);
    if (!phone) throw new EmulatorError(404, `No simulated phone has number ${number}`);
    return phone;
  }

  values(): IterableIterator<SimulatedPhone> {
    return this.phones.values();
  }

  /** The phone at this number; one that answers and echoes if nobody has it. */
  phoneFor(number: string): SimulatedPhone {
    let phone = this.phones.get(number);
    if (!phone) {
      phone = new SimulatedPhone({ number, name: `Unowned number ${number}`, behaviour: UNOWNED_NUMBER_BEHAVIOUR }, true);
      this.forgetUnowned();
      this.phones.set(number, phone);
    }
    return phone;
  }

  /** Makes room for one more unowned number's phone: the oldest idle ones go (never one in a call or operated). */
  private forgetUnowned(): void {
    let unowned = 0;
    for (const p of this.phones.values()) if (p.ephemeral) unowned++;
    for (const [number, p] of this.phones) {
      if (unowned < this.maxUnowned) return;
      if (p.ephemeral && p.state === 'idle' && p.callSid === null && p.consoleLeg === null) {
        this.phones.delete(number);
        unowned--;
      }
    }
  }

  /** Adds a phone, or changes how an added one behaves; takes over an unowned number's call in progress. */
  add(spec: SimulatedPhoneSpec): SimulatedPhone {
    const existing = this.phones.get(spec.number);
    if (existing && !existing.ephemeral) {
      existing.spec = spec;
      return existing;
    }
    const phone = new SimulatedPhone(spec);
    if (existing) {
      phone.state = existing.state;
      phone.callSid = existing.callSid;
    }
    this.phones.set(spec.number, phone);
    return phone;
  }

  /** The phone at the far end of this leg (whatever call it is on now). */
  at(call: Call): SimulatedPhone | undefined {
    return call.endpoint.kind === 'phone' ? this.phones.get(call.endpoint.number) : undefined;
  }

  /** The phone at the far end of this leg, if this leg is still the call it is on. */
  on(call: Call): SimulatedPhone | undefined {
    const phone = this.at(call);
    return phone && phone.callSid === call.sid ? phone : undefined;
  }
}
