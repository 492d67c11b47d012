/**
 * The team's availability as colleagues see it (Available, Do not disturb, On a call), by user:
 * loaded from GET /api/presence and kept current by live `presence` events.
 */
import type { Availability, Presence } from '../../../contracts/api';
import { ValueStore } from './value-store';

export type PresenceByUser = Readonly<Record<string, Presence>>;

/** What colleagues see next to a name: a call in progress says more than the switch. */
export type PresenceState = 'available' | 'dnd' | 'onCall';

export function presenceState(presence: Presence | undefined): PresenceState | null {
  if (!presence) return null;
  return presence.onCall ? 'onCall' : presence.availability;
}

export class PresenceStore extends ValueStore<PresenceByUser> {
  constructor() {
    super({});
  }

  replaceAll(list: readonly Presence[]): void {
    this.set(Object.fromEntries(list.map((p) => [p.user, p])));
  }

  upsert(presence: Presence): void {
    const known = this.get()[presence.user];
    if (known && known.availability === presence.availability && known.onCall === presence.onCall) return;
    this.set({ ...this.get(), [presence.user]: presence });
  }

  /** Sets one user's availability, keeping what else is known (an optimistic change). */
  setAvailability(user: string, availability: Availability): void {
    this.upsert({ onCall: false, ...this.get()[user], user, availability });
  }

  clear(): void {
    this.set({});
  }
}
