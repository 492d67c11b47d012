/**
 * The tables as Kysely sees them: one interface per table, the database as their union. Timestamps are
 * `timestamptz` and read as Date; bigint ids are read as strings (pg's default, exact beyond 2^53).
 * Each table's purpose and its migration live with the module that owns it (see migrations/).
 */
import type { ColumnType, Generated } from 'kysely';
import type { CallFact } from '../history/facts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** JSON columns are written as JSON text: pg would turn a JavaScript array into a PostgreSQL array. */
type Json<T> = ColumnType<T, string, string>;

/** Every callback ever received about a call, once each (history/facts.ts). */
export interface CallFactsTable {
  id: Generated<string>;
  call_sid: string;
  fact_key: string;
  received_at: Generated<Date>;
  fact: Json<CallFact>;
}

/** One row per call: the fold of its facts, plus team state (who called back). */
export interface CallsTable {
  id: Generated<string>;
  call_sid: string;
  direction: string;
  from_number: string;
  to_number: string;
  caller_user: string | null;
  callee_user: string | null;
  outcome: string | null;
  answered_by: string | null;
  started_at: Timestamp;
  answered_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  duration_seconds: number | null;
  called_back_by: string | null;
  called_back_at: NullableTimestamp;
  updated_at: Generated<Date>;
  transferred_to: string | null;
  transferred_by: string | null;
  /** text[]: pg writes a JavaScript array of strings as one. */
  parties: ColumnType<string[], string[] | undefined, string[]>;
}

/** Per user: availability, whether on a call, and up to when their missed calls are seen. */
export interface TeamMembersTable {
  user_name: string;
  availability: Generated<string>;
  on_call: Generated<boolean>;
  seen_up_to: NullableTimestamp;
  updated_at: Generated<Date>;
}

/** The outbox of the live event stream: ids in commit order (events/outbox.ts). */
export interface EventsTable {
  id: Generated<string>;
  at: Generated<Date>;
  /** The users it is for; null for everyone. */
  audience: string[] | null;
  type: string;
  payload: Json<Record<string, unknown>>;
}

/** Periodic jobs that must run once across replicas (retention, healing): when, and up to where. */
export interface MaintenanceTable {
  job: string;
  last_run: NullableTimestamp;
  watermark: NullableTimestamp;
  /** A position such as the highest event id deleted. */
  position: string | null;
}

/** One per outside number that texted or was texted (messages/repository.ts). */
export interface ConversationsTable {
  id: Generated<string>;
  peer: string;
  last_message: Generated<string>;
  last_at: Generated<Date>;
  opted_out: Generated<boolean>;
  updated_at: Generated<Date>;
}

/** Media of an inbound message as Twilio announced it; its URLs never leave the server. */
export interface StoredMedia {
  url: string;
  contentType: string;
}

export interface MessagesTable {
  id: Generated<string>;
  message_sid: string;
  conversation_id: string;
  direction: 'inbound' | 'outbound';
  body: string;
  /** An object, not a bare array: backups and restores pass arrays to PostgreSQL as arrays. */
  media: ColumnType<{ items: StoredMedia[] }, string | undefined, string>;
  status: string;
  error_code: number | null;
  sent_by: string | null;
  at: ColumnType<Date, Date | string | undefined, Date | string>;
  updated_at: Generated<Date>;
}

/** Every delivery callback of a sent message, once per status. */
export interface MessageStatusesTable {
  id: Generated<string>;
  message_sid: string;
  status: string;
  error_code: number | null;
  received_at: Generated<Date>;
}

/** Per user and conversation: the id of the newest message they have read. */
export interface ConversationReadsTable {
  id: Generated<string>;
  conversation_id: string;
  user_name: string;
  read_up_to: string;
}

/** A message left by a caller (voicemail/repository.ts); its audio is at Twilio under recording_sid, or copied into voicemail_audio. */
export interface VoicemailsTable {
  id: Generated<string>;
  recording_sid: string;
  call_sid: string;
  duration_seconds: number;
  created_at: Timestamp;
  /** The users who have heard it. */
  heard_by: ColumnType<string[], string[] | undefined, string[]>;
  deleted_at: NullableTimestamp;
  /** When its recording is due to be removed at Twilio (migration 0004). */
  purge_after: NullableTimestamp;
  purge_attempts: ColumnType<number, number | undefined, number>;
  purge_error: string | null;
  purged_at: NullableTimestamp;
  /** VOICEMAIL_STORE=database: when its audio is due to be copied into voicemail_audio (migration 0005). */
  copy_after: NullableTimestamp;
  copy_attempts: ColumnType<number, number | undefined, number>;
  copy_error: string | null;
  copied_at: NullableTimestamp;
}

/** A voicemail's audio, copied from Twilio (VOICEMAIL_STORE=database, voicemail/copy.ts). */
export interface VoicemailAudioTable {
  voicemail_id: string;
  content_type: string;
  size: number;
  audio: Buffer;
  stored_at: ColumnType<Date, Date | undefined, Date>;
}

/** The phone "Call via my phone" rings first, per user (click-to-call/repository.ts). */
export interface PersonalNumbersTable {
  user_name: string;
  number: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface Schema {
  call_facts: CallFactsTable;
  calls: CallsTable;
  team_members: TeamMembersTable;
  events: EventsTable;
  maintenance: MaintenanceTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  message_statuses: MessageStatusesTable;
  conversation_reads: ConversationReadsTable;
  voicemails: VoicemailsTable;
  personal_numbers: PersonalNumbersTable;
  voicemail_audio: VoicemailAudioTable;
}
