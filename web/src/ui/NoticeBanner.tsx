import type { Notice } from '../core/controller';
import { t } from '../i18n';
import { usePhone } from './phone-context';

function noticeText(notice: Notice): string {
  switch (notice.kind) {
    case 'deviceLost':
      return t('notice.deviceLost', { label: notice.label });
    case 'handledElsewhere':
      return t(`notice.${notice.decision}`);
    case 'tokenRefreshFailed':
      return t('notice.tokenRefreshFailed');
    case 'connectionTrouble':
      return t('notice.connectionTrouble');
  }
}

const selectNotice = (s: { notice: Notice | null }) => s.notice;

export function NoticeBanner() {
  const [notice, phone] = usePhone(selectNotice);
  return (
    <div className="notice-region" role="status">
      {notice && (
        <div className="banner banner-info">
          <span>{noticeText(notice)}</span>
          <button type="button" className="btn" onClick={() => phone.dismissNotice()}>
            {t('problem.dismiss')}
          </button>
        </div>
      )}
    </div>
  );
}
