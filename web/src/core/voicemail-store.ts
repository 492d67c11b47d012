/**
 * The team's voicemails as this tab shows them: loaded with the other lists, kept current by `voicemail`
 * events (a new message, someone heard one, one deleted or restored). Newest first.
 */
import type { Voicemail } from '../../../contracts/api';

export class VoicemailStore {
  private items: readonly Voicemail[] = [];
  private status: 'idle' | 'ready' | 'error' = 'idle';
  private readonly listeners = new Set<() => void>();

  getItems = (): readonly Voicemail[] => this.items;

  getStatus = (): 'idle' | 'ready' | 'error' => this.status;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  replaceAll(items: readonly Voicemail[]): void {
    this.items = [...items].sort(newerFirst);
    this.status = 'ready';
    this.notify();
  }

  failed(): void {
    if (this.status === 'ready') return;
    this.status = 'error';
    this.notify();
  }

  /** A new or changed voicemail (a live event, or the answer to "heard"). */
  upsert(voicemail: Voicemail): void {
    const rest = this.items.filter((v) => v.id !== voicemail.id);
    this.items = [...rest, voicemail].sort(newerFirst);
    this.notify();
  }

  /** Deleted, here or by someone else (a live event). */
  remove(id: string): void {
    if (!this.items.some((v) => v.id === id)) return;
    this.items = this.items.filter((v) => v.id !== id);
    this.notify();
  }

  clear(): void {
    this.items = [];
    this.status = 'idle';
    this.notify();
  }

  private notify(): void {
    this.listeners.forEach((l) => l());
  }
}

function newerFirst(a: Voicemail, b: Voicemail): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return Number(b.id) - Number(a.id);
}
