/** Audio device choices, remembered across reloads. `''` means the system default. */
export interface AudioPrefs {
  input: string;
  speaker: string;
  ringtone: string;
}

const KEY = 'softphone.audio';
export const DEFAULT_AUDIO_PREFS: AudioPrefs = { input: '', speaker: '', ringtone: '' };

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function loadAudioPrefs(store: KeyValueStore | undefined): AudioPrefs {
  try {
    const raw = store?.getItem(KEY);
    if (!raw) return DEFAULT_AUDIO_PREFS;
    const parsed = JSON.parse(raw) as Partial<AudioPrefs>;
    return {
      input: typeof parsed.input === 'string' ? parsed.input : '',
      speaker: typeof parsed.speaker === 'string' ? parsed.speaker : '',
      ringtone: typeof parsed.ringtone === 'string' ? parsed.ringtone : '',
    };
  } catch {
    return DEFAULT_AUDIO_PREFS;
  }
}

export function saveAudioPrefs(store: KeyValueStore | undefined, prefs: AudioPrefs): void {
  try {
    store?.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // Private mode or a full quota: the choice still applies for this session.
  }
}
