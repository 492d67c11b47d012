import { describe, expect, it } from 'vitest';
import { PhoneNetwork } from './network';

describe('PhoneNetwork', () => {
  it('keeps a bounded number of unowned numbers\' phones, forgetting the oldest idle ones', () => {
    const network = new PhoneNetwork([{ number: '+12025550101', name: 'Echo', behaviour: { kind: 'answer', audio: 'echo' } }], 3);
    const busy = network.phoneFor('+14155550100');
    busy.startCall('CA1', 'in-call');
    for (let i = 1; i <= 6; i++) network.phoneFor(`+1415555010${i}`);
    const numbers = [...network.values()].map((p) => p.number);
    // The owned phone and the one in a call stay; of the idle unowned ones, the latest two.
    expect(numbers).toEqual(['+12025550101', '+14155550100', '+14155550105', '+14155550106']);
    expect(network.get('+14155550101')).toBeUndefined();
    // A forgotten number still answers: it gets a fresh phone.
    expect(network.phoneFor('+14155550101').ephemeral).toBe(true);
  });
});
