/**
 * What a row of Recents says about one call, decided without React: which way it went, who the other
 * party is, what can be dialled to call them back, the outcome in words, and when it started.
 */
import type { CallRecord } from '../../../contracts/api';
import { isMissed } from '../core/history-store';
import { t, type MessageKey } from '../i18n';
import { formatDuration } from './CallInProgress';

export type CallWay = 'incoming' | 'outgoing' | 'missed';

export interface RecentCall {
  way: CallWay;
  /** The other party as stored: E.164, client:<name>, or whatever the network gave (anonymous callers). */
  peer: string;
  /** What Call back dials, or null when the other party cannot be dialled. */
  callBack: string | null;
  /** The outcome or talk time, in words. */
  summary: string;
  /** Who answered / called back, when someone did. */
  notes: string[];
  unseen: boolean;
}

const DIALLABLE = /^(\+[1-9]\d{5,14}|client:[\w.@-]+)$/;

export function describeCall(call: CallRecord, identity: string): RecentCall {
  const me = `client:${identity}`;
  const incoming = call.direction === 'inbound' || (call.direction === 'internal' && call.to === me);
  const peer = incoming ? call.from : call.to;
  const missed = isMissed(call);
  const notes: string[] = [];
  // A colleague who took a transfer is also answeredBy: the transfer says it better.
  const tookTransfer = call.transferredTo === `client:${call.answeredBy}`;
  if (call.outcome === 'answered' && call.answeredBy && call.direction !== 'outbound' && call.answeredBy !== identity && !tookTransfer) {
    notes.push(t('recents.answeredBy', { name: call.answeredBy }));
  }
  notes.push(...conferenceNotes(call, identity, peer));
  if (call.calledBackBy) notes.push(t('recents.calledBackBy', { name: call.calledBackBy }));
  return {
    way: missed ? 'missed' : incoming ? 'incoming' : 'outgoing',
    peer,
    callBack: DIALLABLE.test(peer) && peer !== me ? peer : null,
    summary: summaryOf(call),
    notes,
    unseen: missed && !call.seen,
  };
}

/** A colleague by name, a number as stored. */
const partyName = (party: string) => party.replace(/^client:/, '');

/** What happened in the call beyond two people talking: who it was handed to, who else took part. */
export function conferenceNotes(call: Pick<CallRecord, 'transferredTo' | 'transferredBy' | 'parties'>, identity: string, peer: string): string[] {
  if (call.transferredTo) {
    const name = partyName(call.transferredTo);
    const by = call.transferredBy;
    return [by && by !== identity ? t('recents.transferredToBy', { name, by }) : t('recents.transferredTo', { name })];
  }
  const parties = [...new Set(call.parties ?? [])];
  if (parties.length < 3) return [];
  const others = parties.filter((p) => p !== `client:${identity}` && p !== peer).map(partyName);
  return [t('recents.multiParty', { count: String(parties.length), names: others.join(', ') })];
}

function summaryOf(call: CallRecord): string {
  if (call.outcome === null) return t('outcome.ongoing');
  if (call.outcome === 'answered') {
    return call.durationSeconds === null ? t('outcome.answered') : formatDuration(call.durationSeconds * 1000);
  }
  return t(`outcome.${call.outcome}` satisfies MessageKey);
}

const DAY_MS = 24 * 60 * 60 * 1000;
const TIME: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
const FORMATS = {
  today: TIME,
  week: { weekday: 'short', ...TIME },
  year: { month: 'short', day: 'numeric' },
  older: { month: 'short', day: 'numeric', year: 'numeric' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

/** Formatters are costly to make and rows are many: one per locale and kind. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: string, kind: keyof typeof FORMATS): Intl.DateTimeFormat {
  const key = `${locale} ${kind}`;
  let found = formatters.get(key);
  if (!found) formatters.set(key, (found = new Intl.DateTimeFormat(locale, FORMATS[kind])));
  return found;
}

/** When a call started, as short as is clear: the time today, the weekday this week, else the date. */
export function formatCallTime(iso: string, now: Date, locale: string): string {
  const at = new Date(iso);
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  if (at.getTime() >= startOfToday) return formatter(locale, 'today').format(at);
  if (at.getTime() >= startOfToday - 6 * DAY_MS) return formatter(locale, 'week').format(at);
  return formatter(locale, at.getFullYear() === now.getFullYear() ? 'year' : 'older').format(at);
}
