import { t } from '../i18n';

/** The app's mark and name, as on the sign-in card and in the header. */
export function Brand() {
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        ☎
      </span>
      <span>{t('app.name')}</span>
    </div>
  );
}
