import { LOCALES, isLocale, setLocale, t, useLocale } from '../i18n';

/** `compact` keeps the label for screen readers only (the header has little room). */
export function LanguageSelect({ compact = false }: { compact?: boolean }) {
  const locale = useLocale();
  return (
    <label className="language">
      <span className={compact ? 'visually-hidden' : undefined}>{t('header.language')}</span>
      <select
        value={locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) void setLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
