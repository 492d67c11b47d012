/**
 * The simulated phone network: the phones, by number. The only place that adds phones; a number
 * nobody owns gets a phone of its own the first time it is called or texted.
 */
import type { Call } from '../calls/call';
import { EmulatorError } from '../errors';
import type { SimulatedPhoneSpec } from '../types';
import { DEFAULT_PHONES } from './defaults';
import { SimulatedPhone, UNOWNED_NUMBER_BEHAVIOUR } from './phone';

export class PhoneNetwork {
  private readonly phones = new Map<string, SimulatedPhone>();

  constructor(specs: SimulatedPhoneSpec[] = DEFAULT_PHONES) {
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
      this.phones.set(number, phone);
    }
    return phone;
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
