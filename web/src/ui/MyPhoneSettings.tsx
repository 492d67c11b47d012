import { useEffect, useId, useState, type FormEvent } from 'react';
import { t } from '../i18n';
import { useClickToCall } from './use-click-to-call';

/** The personal number "Call via my phone" rings first, and the choice to dial that way (in Settings). */
export function MyPhoneSettings() {
  const [view, clickToCall] = useClickToCall();
  const [value, setValue] = useState(view.personalNumber ?? '');
  const [note, setNote] = useState<{ error: boolean; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const hintId = useId();
  const noteId = useId();

  useEffect(() => setValue(view.personalNumber ?? ''), [view.personalNumber]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    const problem = await clickToCall.savePersonalNumber(value);
    setSaving(false);
    setNote(problem === null ? { error: false, text: t('myPhone.saved') } : { error: true, text: problem });
  }

  return (
    <fieldset className="my-phone">
      <legend>{t('myPhone.heading')}</legend>
      <form onSubmit={save} className="my-phone-form">
        <label className="field">
          <span>{t('myPhone.number')}</span>
          <input
            type="tel"
            autoComplete="tel"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-describedby={`${hintId}${note ? ` ${noteId}` : ''}`}
            aria-invalid={note?.error ? true : undefined}
          />
        </label>
        <button type="submit" className="btn" disabled={saving}>
          {t('myPhone.save')}
        </button>
      </form>
      <p id={noteId} className={note?.error ? 'field-error' : 'field-hint'} aria-live="polite">
        {note?.text ?? '\u00a0'}
      </p>
      <label className="check">
        <input
          type="checkbox"
          checked={view.viaMyPhone && typeof view.personalNumber === 'string'}
          disabled={typeof view.personalNumber !== 'string'}
          onChange={(e) => clickToCall.setViaMyPhone(e.target.checked)}
        />{' '}
        {t('myPhone.use')}
      </label>
      <p id={hintId} className="hint">
        {t('myPhone.hint')}
      </p>
    </fieldset>
  );
}
