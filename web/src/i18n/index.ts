import { useSyncExternalStore } from 'react';
import { en, type MessageKey, type Messages } from './en';

export type { MessageKey, Messages };
export type Locale = 'en' | 'ja' | 'zh-TW' | 'ru';

/** Each language named in itself, for the switcher. */
export const LOCALES: ReadonlyArray<{ code: Locale; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'ja', name: '日本語' },
  { code: 'zh-TW', name: '繁體中文' },
  { code: 'ru', name: 'Русский' },
];

const STORAGE_KEY = 'softphone.locale';

// English ships with the app; the others are small chunks fetched when chosen.
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<Messages>> = {
  ja: () => import('./ja').then((m) => m.ja),
  'zh-TW': () => import('./zh-TW').then((m) => m.zhTW),
  ru: () => import('./ru').then((m) => m.ru),
};

let locale: Locale = 'en';
let messages: Messages = en;
const listeners = new Set<() => void>();

/** The first of the browser's languages we speak; any Chinese gets Traditional Chinese. */
export function pickLocale(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('en')) return 'en';
    if (lower.startsWith('ja')) return 'ja';
    if (lower.startsWith('ru')) return 'ru';
    if (lower.startsWith('zh')) return 'zh-TW';
  }
  return 'en';
}

export function isLocale(value: unknown): value is Locale {
  return LOCALES.some((l) => l.code === value);
}

/** Fills `{name}` placeholders; unknown keys fall back to English, then to the key itself. */
export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(messages[key] ?? en[key] ?? key, params);
}

export function getLocale(): Locale {
  return locale;
}

export async function setLocale(next: Locale, remember = true): Promise<void> {
  const dictionary = next === 'en' ? en : await loaders[next]();
  locale = next;
  messages = dictionary;
  if (typeof document !== 'undefined') document.documentElement.lang = next;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; still switched.
    }
  }
  listeners.forEach((l) => l());
}

/** Chooses the saved language, else the browser's, and loads it before the first render. */
export async function initLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Promise<void> {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  await setLocale(isLocale(saved) ? saved : pickLocale(languages), false);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders the caller when the language changes; returns the current locale. */
export function useLocale(): Locale {
  return useSyncExternalStore(subscribe, getLocale, getLocale);
}
