/** Every migration, by name; names sort in the order they run. A new one goes at the end. */
import type { Migration } from 'kysely';
import * as history from './0001-history';
import * as messages from './0002-messages';
import * as voicemail from './0003-voicemail';
import * as voicemailPurge from './0004-voicemail-purge';
import * as voicemailAudio from './0005-voicemail-audio';
import * as personalNumbers from './0006-personal-numbers';
import * as transfers from './0007-transfers';
import * as liveCallLookup from './0008-live-call-lookup';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-history': history,
  '0002-messages': messages,
  '0003-voicemail': voicemail,
  '0004-voicemail-purge': voicemailPurge,
  '0005-voicemail-audio': voicemailAudio,
  '0006-personal-numbers': personalNumbers,
  '0007-transfers': transfers,
  '0008-live-call-lookup': liveCallLookup,
};
