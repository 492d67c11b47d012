import { useCallback, useEffect, useRef, type ReactNode, type RefObject } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import type { HistoryFilter } from '../core/history-store';
import { t, useLocale } from '../i18n';
import { MissedBadge } from './MissedBadge';
import { RecentRow } from './RecentRow';
import { usePhone } from './phone-context';
import { useHistoryView } from './use-live';
import { defaultCountryOf, usePhoneLib } from './use-phone-lib';

const selectIdentity = (s: PhoneSnapshot) => s.user?.identity ?? '';
const selectConfig = (s: PhoneSnapshot) => s.config;
const selectRegistered = (s: PhoneSnapshot) => s.phone.registration === 'registered';

const FILTERS: ReadonlyArray<{ value: HistoryFilter; label: 'recents.filterAll' | 'recents.filterMissed' }> = [
  { value: 'all', label: 'recents.filterAll' },
  { value: 'missed', label: 'recents.filterMissed' },
];

/**
 * The team's recent calls on the home screen: filter, rows, and older pages loaded as the end of the
 * list scrolls into view. Any use of the list (pointer, keys, focus, scrolling) counts as having seen
 * it, which clears the missed-calls badge on every device; a call arriving in an unattended tab does not.
 */
export function Recents() {
  const locale = useLocale();
  const [identity, phone] = usePhone(selectIdentity);
  const [config] = usePhone(selectConfig);
  const [registered] = usePhone(selectRegistered);
  // The number formatting chunk is fetched once the phone is up, as for the header.
  const lib = usePhoneLib(registered);
  const view = useHistoryView();
  const { live } = phone;
  const scrollRef = useRef<HTMLDivElement>(null);

  const seen = useCallback(() => void live.markSeen(), [live]);
  const callBack = useCallback((target: string) => void phone.dial(target), [phone]);
  const text = useCallback(
    (number: string) => {
      void live.messages.startWith(number);
      // Messages is further down the home screen: bring the opened conversation into view.
      document.getElementById('messages-heading')?.scrollIntoView?.({ block: 'start' });
    },
    [live],
  );

  let body: ReactNode;
  if (view.status === 'error' && view.ids.length === 0) {
    body = (
      <div className="banner banner-error" role="alert">
        <span>{t('recents.loadError', { detail: view.error ?? '' })}</span>
        <button type="button" className="btn" onClick={() => void live.history.load()}>
          {t('recents.retry')}
        </button>
      </div>
    );
  } else if (view.ids.length === 0) {
    body = <p className="hint">{view.status === 'ready' ? t(view.filter === 'missed' ? 'recents.emptyMissed' : 'recents.empty') : t('recents.loading')}</p>;
  } else {
    body = (
      <div className="recents-scroll" ref={scrollRef} onScroll={seen}>
        <ul className="recents-list" aria-labelledby="recents-heading">
          {view.ids.map((id) => (
            <RecentRow
              key={id}
              id={id}
              identity={identity}
              country={defaultCountryOf(config)}
              lib={lib}
              locale={locale}
              onCallBack={callBack}
              onText={text}
            />
          ))}
        </ul>
        {view.error && (
          <p className="form-error" role="alert">
            {t('recents.loadError', { detail: view.error })}
          </p>
        )}
        {view.hasMore && <MoreCalls root={scrollRef} loading={view.loadingMore} onMore={() => void live.history.loadMore()} />}
      </div>
    );
  }

  return (
    <section
      className="card recents"
      aria-labelledby="recents-heading"
      onPointerDown={seen}
      onKeyDown={seen}
      onFocus={seen}
      onWheel={seen}
    >
      <div className="recents-head">
        <h2 id="recents-heading">{t('recents.title')}</h2>
        <MissedBadge />
        <div className="segmented" role="group" aria-label={t('recents.filter')}>
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              className="segment"
              aria-pressed={view.filter === f.value}
              onClick={() => void live.setFilter(f.value)}
            >
              {t(f.label)}
            </button>
          ))}
        </div>
      </div>
      {body}
    </section>
  );
}

/** The end of the list: loads the next page when it scrolls into view in `root`, or when pressed. */
function MoreCalls({ root, loading, onMore }: { root: RefObject<HTMLElement | null>; loading: boolean; onMore: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    const button = ref.current;
    if (!button || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) more.current();
      },
      { root: root.current, rootMargin: '0px 0px 200px 0px' },
    );
    observer.observe(button);
    return () => observer.disconnect();
  }, [loading, root]);
  return (
    <button ref={ref} type="button" className="btn btn-ghost btn-wide" onClick={onMore} disabled={loading} aria-busy={loading}>
      {loading ? t('recents.loadingMore') : t('recents.more')}
    </button>
  );
}
