/** Every migration, by name; names sort in the order they run. A new one goes at the end. */
import type { Migration } from 'kysely';
import * as history from './0001-history';
import * as messages from './0002-messages';
import * as voicemail from './0003-voicemail';
import * as transfers from './0004-transfers';

export const MIGRATIONS: Record<string, Migration> = {
  '0001-history': history,
  '0002-messages': messages,
  '0003-voicemail': voicemail,
  '0004-transfers': transfers,
};
