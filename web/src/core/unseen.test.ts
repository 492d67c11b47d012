import { describe, expect, it } from 'vitest';
import { unseenPresentation, UnseenIndicator, type BadgePort, type UnseenCounts } from './unseen';

describe('unseenPresentation', () => {
  it.each([
    [{}, 'Softphone', 0],
    [{ missedCalls: 0 }, 'Softphone', 0],
    [{ missedCalls: 3 }, '(3) Softphone', 3],
    [{ missedCalls: 2, voicemails: 1, messages: 4 }, '(7) Softphone', 7],
    [{ missedCalls: 150 }, '(99+) Softphone', 150],
    [{ missedCalls: -1, voicemails: Number.NaN, messages: 2.7 }, '(2) Softphone', 2],
  ] as Array<[UnseenCounts, string, number]>)('%j → %s, badge %i', (counts, title, badge) => {
    expect(unseenPresentation(counts, 'Softphone')).toEqual({ title, badge });
  });
});

describe('UnseenIndicator', () => {
  it('sets the title and badge when what they show changes, and clears the badge at zero', () => {
    const calls: string[] = [];
    const port: BadgePort = { setTitle: (t) => calls.push(`title ${t}`), setBadge: (n) => calls.push(`badge ${n}`) };
    const indicator = new UnseenIndicator(port, () => 'Softphone');
    indicator.show({ missedCalls: 0 });
    indicator.show({ missedCalls: 2 });
    indicator.show({ missedCalls: 2 });
    indicator.show({ missedCalls: 1, messages: 1 });
    indicator.show({});
    expect(calls).toEqual(['title Softphone', 'badge 0', 'title (2) Softphone', 'badge 2', 'title Softphone', 'badge 0']);
  });
});
