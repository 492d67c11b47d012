import { useEffect, useRef, useState } from 'react';
import { formatLogEntry } from '../core/log';
import { t } from '../i18n';
import { usePhoneLog } from './phone-context';

function timeOf(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Timestamped device events, newest at the bottom, copyable for a support ticket. Loaded on demand. */
export default function DeviceLog({ onClose }: { onClose: () => void }) {
  const [{ entries, dropped, limit }, phone] = usePhoneLog();
  const [copied, setCopied] = useState(false);
  const listRef = useRef<HTMLOListElement | null>(null);

  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [entries]);

  async function copy() {
    const lines = entries.map(formatLogEntry);
    if (dropped > 0) lines.unshift(t('log.dropped', { count: dropped }));
    const text = lines.join('\n');
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Clipboard API refused (no permission or insecure context): fall back to a selection copy.
      const area = document.createElement('textarea');
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand('copy');
      area.remove();
    }
    setCopied(true);
  }

  return (
    <section id="device-log" className="card device-log" aria-labelledby="device-log-title">
      <div className="device-log-head">
        <h2 id="device-log-title">{t('log.title')}</h2>
        <div className="device-log-actions">
          <span role="status" className="hint">
            {copied ? t('log.copied') : ''}
          </span>
          <button type="button" className="btn" onClick={() => void copy()}>
            {t('log.copy')}
          </button>
          <button type="button" className="btn" onClick={() => phone.log.clear()}>
            {t('log.clear')}
          </button>
          <button type="button" className="btn" onClick={onClose}>
            {t('log.close')}
          </button>
        </div>
      </div>
      {/* A tab open for days logs every call: say that the log is capped, and when it has dropped lines. */}
      <p className="hint log-cap" data-testid="log-cap">
        {t('log.cap', { limit })}
        {dropped > 0 && ` ${t('log.dropped', { count: dropped })}`}
      </p>
      {entries.length === 0 ? (
        <p className="hint">{t('log.empty')}</p>
      ) : (
        <ol ref={listRef} className="log-list" tabIndex={0} aria-label={t('log.title')}>
          {entries.map((e) => (
            <li key={e.id}>
              <time dateTime={new Date(e.at).toISOString()}>{timeOf(e.at)}</time> {e.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
