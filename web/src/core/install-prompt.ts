/**
 * The browser's offer to install the app (`beforeinstallprompt`, Chromium-based browsers). The event
 * comes once, early, and only while the app is not installed, so it is caught at start-up and kept
 * until the person presses **Install app**. Browsers without it (Firefox, Safari) never show the button.
 */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export class InstallPrompt {
  private offer: BeforeInstallPromptEvent | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(target: Pick<EventTarget, 'addEventListener'>) {
    target.addEventListener('beforeinstallprompt', (event) => {
      // Keep the browser's own mini-infobar away; the app offers the button instead.
      event.preventDefault();
      this.offer = event as BeforeInstallPromptEvent;
      this.notify();
    });
    target.addEventListener('appinstalled', () => {
      this.offer = null;
      this.notify();
    });
  }

  /** Whether the browser offers installation right now. */
  getState = (): boolean => this.offer !== null;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Shows the browser's install dialog; must run from a click. */
  async install(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
    const offer = this.offer;
    if (!offer) return 'unavailable';
    // The event can prompt only once.
    this.offer = null;
    this.notify();
    await offer.prompt();
    return (await offer.userChoice).outcome;
  }

  private notify(): void {
    this.listeners.forEach((l) => l());
  }
}
