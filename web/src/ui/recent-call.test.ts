import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../contracts/api';
import { callRecord } from '../core/testing/fake-env';
import { LOCALES, setLocale } from '../i18n';
import { conferenceNotes, describeCall } from './recent-call';

const CALLER = '+12025550199';
const inbound = (change: Partial<CallRecord>) =>
  callRecord('1', { direction: 'inbound', from: CALLER, to: '+12025550100', outcome: 'answered', answeredBy: 'alice', durationSeconds: 42, ...change });

describe('Recents: what happened in a call', () => {
  beforeAll(() => setLocale('en', false));
  afterAll(() => setLocale('en', false));

  it.each([
    ['a plain call', {}, []],
    ['held only: two parties', { parties: [CALLER, 'client:alice'] }, []],
    ['transferred by me to a colleague', { transferredTo: 'client:bob', transferredBy: 'alice', answeredBy: 'bob' }, ['Transferred to bob']],
    ['transferred by a colleague to a number', { transferredTo: '+12025550111', transferredBy: 'bob' }, ['Transferred to +12025550111 by bob']],
    ['a person added', { parties: [CALLER, 'client:alice', 'client:bob'] }, ['3-way call with bob']],
    ['four people, one joining twice', { parties: [CALLER, 'client:alice', 'client:bob', 'client:bob', '+12025550111'] }, ['4-way call with bob, +12025550111']],
  ] satisfies [string, Partial<CallRecord>, string[]][])('%s', (_name, change, expected) => {
    expect(conferenceNotes(inbound(change), 'alice', CALLER)).toEqual(expected);
  });

  it('says a transfer once, not also who answered', () => {
    expect(describeCall(inbound({ transferredTo: 'client:bob', transferredBy: 'carol', answeredBy: 'bob' }), 'alice').notes).toEqual([
      'Transferred to bob by carol',
    ]);
  });

  it.each(LOCALES.map((l) => l.code))('has the words in %s', async (code) => {
    await setLocale(code, false);
    const [transfer] = conferenceNotes(inbound({ transferredTo: 'client:bob', transferredBy: 'carol' }), 'alice', CALLER);
    const [three] = conferenceNotes(inbound({ parties: [CALLER, 'client:alice', 'client:bob'] }), 'alice', CALLER);
    expect(transfer).toContain('bob');
    expect(transfer).toContain('carol');
    expect(three).toContain('3');
    expect(three).not.toContain('{');
  });
});
