/**
 * Unseen missed calls, voicemails and messages on the app icon (`navigator.setAppBadge`, installed
 * Chromium apps) and in the tab title ("(3) Softphone"), which is the fallback everywhere else. The
 * counts come from the server's unseen counts (`Unseen` in contracts/api/history.ts); voicemails and
 * messages join when those features exist.
 */
export interface UnseenCounts {
  missedCalls?: number;
  voicemails?: number;
  messages?: number;
}

export function unseenTotal(counts: UnseenCounts): number {
  const n = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
  return n(counts.missedCalls) + n(counts.voicemails) + n(counts.messages);
}

/** What to show for the counts: the title (with the total up front) and the badge number (0 = none). */
export function unseenPresentation(counts: UnseenCounts, baseTitle: string): { title: string; badge: number } {
  const total = unseenTotal(counts);
  return { title: total > 0 ? `(${total > 99 ? '99+' : total}) ${baseTitle}` : baseTitle, badge: total };
}

export interface BadgePort {
  setTitle(title: string): void;
  /** Sets (n > 0) or clears (0) the app icon badge; a no-op where there is none. */
  setBadge(count: number): void;
}

export function browserBadge(): BadgePort {
  const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
  return {
    setTitle: (title) => {
      document.title = title;
    },
    setBadge: (count) => {
      // Rejects when the app is not installed or badges are off: the title still shows the count.
      const done = count > 0 ? nav.setAppBadge?.(count) : nav.clearAppBadge?.();
      done?.catch(() => undefined);
    },
  };
}

/** Applies counts through the port, touching the title and badge only when what they show changes. */
export class UnseenIndicator {
  private shown: { title: string; badge: number } | null = null;

  constructor(
    private readonly port: BadgePort,
    private readonly baseTitle: () => string,
  ) {}

  show(counts: UnseenCounts): void {
    const next = unseenPresentation(counts, this.baseTitle());
    if (this.shown?.title !== next.title) this.port.setTitle(next.title);
    if (this.shown?.badge !== next.badge) this.port.setBadge(next.badge);
    this.shown = next;
  }
}
