import type { PhoneSnapshot } from '../core/controller';
import { mayReloadNow } from '../core/app-update';
import { t } from '../i18n';
import { useAppServices, useStoreState } from './app-services';
import { usePhone } from './phone-context';

const selectStatus = (s: PhoneSnapshot) => s.phone.status;

/** "A new version is ready": reloading is offered between calls only. */
export function AppUpdateBanner() {
  const { updates } = useAppServices();
  const ready = useStoreState(updates, false);
  const [status] = usePhone(selectStatus);
  if (!ready || !updates) return null;
  const canReload = mayReloadNow(status);
  return (
    <div className="banner banner-info" role="status" data-testid="update-banner">
      <span>
        {t('pwa.updateReady')} {canReload ? '' : t('pwa.updateAfterCall')}
      </span>
      {canReload && (
        <button type="button" className="btn" onClick={() => updates.reload()}>
          {t('pwa.reload')}
        </button>
      )}
    </div>
  );
}
