/**
 * Healing: the history completed from Twilio's own call log (the REST Calls list) when callbacks could not
 * be written: the database was down (their 5xx is not retried by Twilio), or a best-effort write of a
 * webhook a caller was waiting on failed. It runs when the database comes back, and periodically in case
 * another replica saw failures this one did not; replicas take turns through a row in `maintenance`.
 * What it reads becomes REST facts, folded like callbacks, so a complete record never changes and a
 * missing one appears.
 */
import { sql } from 'kysely';
import twilio from 'twilio';
import type { Db, StoreHealth, StoreLogger } from '../store/database';
import { restFact } from './facts';
import type { CallFact, RestCall } from './facts';
import { healConferences } from './heal-conferences';
import type { ConferenceHealResult, RestConference } from './heal-conferences';
import { healMessages } from '../messages/heal';
import type { RestMessage } from '../messages/heal';
import type { MessagesRepository } from '../messages/repository';
import type { HistoryRepository } from './repository';
import { healVoicemails } from '../voicemail/heal';
import type { RestRecording } from '../voicemail/heal';
import type { VoicemailRepository } from '../voicemail/repository';

/** Twilio's call log as healing reads it: every leg that started at or after `since`; and the team number's texts. */
export interface CallLog {
  callsSince(since: Date): Promise<RestCall[]>;
  /** Recordings made at or after `since` (voicemails whose callback was lost); without it voicemail does not heal. */
  recordingsSince?(since: Date): Promise<RestRecording[]>;
  messagesSince?(since: Date, teamNumber: string): Promise<RestMessage[]>;
  /** One conference by its SID (undefined: unknown); without it calls in conferences do not heal. */
  conference?(sid: string): Promise<RestConference | undefined>;
}

export interface CallLogAccount {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
}

/** The call log through the `twilio` helper; `httpClient` sends it to the local stand-in in local mode. */
export function twilioCallLog(account: CallLogAccount, httpClient?: twilio.RequestClient): CallLog {
  const client = twilio(account.apiKeySid, account.apiKeySecret, { accountSid: account.accountSid, ...(httpClient ? { httpClient } : {}) });
  return {
    async callsSince(since) {
      const calls = await client.calls.list({ startTimeAfter: since, pageSize: 200, limit: MAX_CALLS_PER_HEAL });
      return calls.map((c) => ({
        sid: c.sid,
        parentCallSid: c.parentCallSid ?? null,
        from: c.from ?? '',
        to: c.to ?? '',
        status: String(c.status ?? ''),
        startTime: c.startTime ?? null,
        endTime: c.endTime ?? null,
        duration: c.duration ?? null,
      }));
    },
    async recordingsSince(since) {
      const recordings = await client.recordings.list({ dateCreatedAfter: since, pageSize: 200, limit: MAX_CALLS_PER_HEAL });
      return recordings.map((r) => ({
        sid: r.sid,
        callSid: r.callSid,
        status: String(r.status ?? ''),
        duration: r.duration === undefined || r.duration === null || Number(r.duration) < 0 ? null : Number(r.duration),
        startTime: r.startTime ?? null,
        source: String(r.source ?? ''),
      }));
    },
    async messagesSince(since, teamNumber) {
      const options = { dateSentAfter: since, pageSize: 200, limit: MAX_CALLS_PER_HEAL };
      const lists = await Promise.all([client.messages.list({ ...options, to: teamNumber }), client.messages.list({ ...options, from: teamNumber })]);
      return lists.flat().map((m) => ({
        sid: m.sid,
        direction: String(m.direction ?? ''),
        from: m.from ?? '',
        to: m.to ?? '',
        body: m.body ?? '',
        status: String(m.status ?? ''),
        errorCode: m.errorCode ?? null,
        dateCreated: m.dateCreated ?? null,
      }));
    },
    async conference(sid) {
      try {
        const c = await client.conferences(sid).fetch();
        return { sid: c.sid, friendlyName: c.friendlyName ?? '', status: String(c.status ?? ''), dateUpdated: c.dateUpdated ?? null };
      } catch (err) {
        if ((err as { status?: number }).status === 404) return undefined;
        throw err;
      }
    },
  };
}

const MAX_CALLS_PER_HEAL = 5000;
/** Never reaches further back than this. */
const LOOKBACK_MS = 24 * 3600_000;
/** Calls that started a little before a failure may end during it. */
const MARGIN_MS = 5 * 60_000;
export const HEAL_INTERVAL_MS = 10 * 60_000;
const HEAL_JOB = 'heal';
const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export interface HealerOptions {
  teamNumber: string;
  users: readonly string[];
  log: StoreLogger;
  /** Where healed voicemails go; without it only the history heals. */
  voicemails?: VoicemailRepository;
  /** Told when healing created voicemails (VOICEMAIL_STORE=database copies their audio then). */
  onVoicemails?: () => void;
  /** Default HEAL_INTERVAL_MS; 0 turns the periodic run off. */
  intervalMs?: number;
  /** Texts are healed too, over the same window, when given. */
  messages?: MessagesRepository;
}

export interface HealResult {
  listed: number;
  calls: number;
  changed: number;
  /** Voicemails created from recordings whose callback was lost. */
  voicemails: number;
  /** Texts listed and changed, when texts are healed. */
  messages?: { listed: number; changed: number };
  /** Open calls in conferences looked up, and closed because Twilio says their conference ended. */
  conferences?: ConferenceHealResult;
}

export class Healer {
  private failedSince: Date | undefined;
  private running: Promise<HealResult | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly history: HistoryRepository,
    private readonly callLog: CallLog,
    private readonly options: HealerOptions,
  ) {}

  /** Heals when the database comes back after failures, and every interval. */
  start(health: StoreHealth): void {
    health.onChange((status) => {
      if (status === 'degraded') this.noteFailure(health.since);
      else void this.heal('recovered');
    });
    const interval = this.options.intervalMs ?? HEAL_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.heal('periodic'), interval);
      this.timer.unref();
    }
  }

  /** A write this replica could not make: the next heal reaches back to it. */
  noteFailure(at = new Date()): void {
    if (!this.failedSince || at < this.failedSince) this.failedSince = at;
  }

  /** One heal at a time per replica; resolves to undefined when another replica has just healed. */
  heal(reason: 'recovered' | 'periodic' | 'requested'): Promise<HealResult | undefined> {
    this.running ??= this.run(reason).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(reason: string): Promise<HealResult | undefined> {
    const startedAt = new Date();
    const failedSince = this.failedSince;
    // Periodic runs take turns across replicas; a replica that saw failures heals them itself.
    const claim = await this.db
      .insertInto('maintenance')
      .values({ job: HEAL_JOB, last_run: startedAt })
      .onConflict((oc) =>
        oc.column('job').doUpdateSet({ last_run: startedAt }).where(sql<boolean>`maintenance.last_run < now() - interval '60 seconds'`),
      )
      .returning('watermark')
      .executeTakeFirst()
      .catch((err: unknown) => {
        this.options.log.warn({ event: 'heal-skipped', reason: (err as Error).message }, 'history healing waits for the database');
        return null;
      });
    if (claim === null) return undefined;
    if (claim === undefined && failedSince === undefined) return undefined;

    const watermark = claim?.watermark ?? (await this.db.selectFrom('maintenance').select('watermark').where('job', '=', HEAL_JOB).executeTakeFirst())?.watermark;
    const floor = startedAt.getTime() - LOOKBACK_MS;
    const from = Math.max(floor, Math.min(watermark?.getTime() ?? floor, (failedSince?.getTime() ?? Infinity) - MARGIN_MS));
    let listed: RestCall[];
    try {
      listed = await this.callLog.callsSince(new Date(from));
    } catch (err) {
      this.options.log.warn({ event: 'heal-failed', reason: (err as Error).message }, "could not read Twilio's call log to heal the history");
      return undefined;
    }

    const groups = new Map<string, CallFact[]>();
    for (const call of listed) {
      const fact = restFact(call, startedAt);
      if (!fact) continue;
      groups.set(fact.call, [...(groups.get(fact.call) ?? []), fact]);
    }
    let changed = 0;
    let calls = 0;
    let oldestOpen = startedAt.getTime();
    const teamCalls = new Set<string>();
    for (const [sid, facts] of groups) {
      const parent = facts.find((f) => f.kind === 'rest' && f.leg === sid);
      if (!parent || !this.isOurs(parent.from, parent.to)) continue;
      calls++;
      if (parent.to === this.options.teamNumber) teamCalls.add(sid);
      if (facts.some((f) => f.kind === 'rest' && !FINAL.has(f.status))) oldestOpen = Math.min(oldestOpen, Date.parse(parent.at));
      const result = await this.history.record(facts);
      if (result.changed) changed++;
    }
    const voicemails = await this.healVoicemails(new Date(from), teamCalls, startedAt);
    if (voicemails > 0) this.options.onVoicemails?.();
    const messages = await this.healTexts(new Date(from));
    const conferences = await this.healConferenceEnds(startedAt);
    // The next run starts before anything still going, so its end is seen too.
    const next = new Date(Math.min(oldestOpen, startedAt.getTime()) - MARGIN_MS);
    await this.db.updateTable('maintenance').set({ watermark: next }).where('job', '=', HEAL_JOB).execute();
    if (failedSince !== undefined && this.failedSince === failedSince) this.failedSince = undefined;
    const result = { listed: listed.length, calls, changed, voicemails, ...(messages ? { messages } : {}), ...(conferences ? { conferences } : {}) };
    this.options.log.info({ event: 'history-healed', reason, from: new Date(from).toISOString(), ...result }, 'history healed from the call log');
    return result;
  }

  private async healVoicemails(since: Date, teamCalls: ReadonlySet<string>, startedAt: Date): Promise<number> {
    const { voicemails } = this.options;
    if (!voicemails || !this.callLog.recordingsSince || teamCalls.size === 0) return 0;
    try {
      return await healVoicemails(this.db, voicemails, await this.callLog.recordingsSince(since), teamCalls, startedAt);
    } catch (err) {
      this.options.log.warn({ event: 'voicemail-heal-failed', reason: (err as Error).message }, "could not read Twilio's recordings to heal voicemail");
      return 0;
    }
  }

  /** Texts over the same window as the calls; failing to read them leaves the calls healed all the same. */
  private async healTexts(from: Date): Promise<{ listed: number; changed: number } | undefined> {
    const repo = this.options.messages;
    if (!repo || !this.callLog.messagesSince) return undefined;
    try {
      return await healMessages(repo, await this.callLog.messagesSince(from, this.options.teamNumber), this.options.teamNumber, from);
    } catch (err) {
      this.options.log.warn({ event: 'heal-messages-failed', reason: (err as Error).message }, "could not heal the texts from Twilio's Messages list");
      return undefined;
    }
  }

  /**
   * Calls still open in a conference, over the whole look-back: their parent leg may have ended long
   * before (a transfer), so the call log's window does not find them.
   */
  private async healConferenceEnds(startedAt: Date): Promise<ConferenceHealResult | undefined> {
    const lookup = this.callLog.conference?.bind(this.callLog);
    if (!lookup) return undefined;
    try {
      return await healConferences(this.db, this.history, lookup, new Date(startedAt.getTime() - LOOKBACK_MS), startedAt);
    } catch (err) {
      this.options.log.warn({ event: 'heal-conferences-failed', reason: (err as Error).message }, "could not read Twilio's conferences to close calls in them");
      return undefined;
    }
  }

  /** Calls of this app: to the team number, or placed by a browser of one of its users. */
  private isOurs(from: string, to: string): boolean {
    if (to === this.options.teamNumber) return true;
    return from.startsWith('client:') && this.options.users.includes(from.slice('client:'.length));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
