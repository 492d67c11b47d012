import { t } from '../i18n';
import { useAppServices, useStoreState } from './app-services';

/** Shown only while the browser offers to install the app. */
export function InstallAppButton() {
  const { install } = useAppServices();
  const offered = useStoreState(install, false);
  if (!offered || !install) return null;
  return (
    <button type="button" className="btn btn-ghost" onClick={() => void install.install()}>
      {t('pwa.install')}
    </button>
  );
}
