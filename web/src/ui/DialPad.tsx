import { useId, useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { PhoneSnapshot } from '../core/controller';
import { checkDialInput, DEFAULT_EMERGENCY, formatAsTyped, isNameInput, matchColleagues, sanitizeDialInput, type DialCheck } from '../core/dial-target';
import { loadPhoneLib, type PhoneLib } from '../core/phone-lib';
import { t } from '../i18n';
import { Dialog } from './Dialog';
import { DIAL_KEYS, Keypad } from './Keypad';
import { usePhone } from './phone-context';
import { defaultCountryOf, usePhoneLib } from './use-phone-lib';

const selectUser = (s: PhoneSnapshot) => s.user;
const selectConfig = (s: PhoneSnapshot) => s.config;

const digitsOf = (value: string) => value.replace(/[^\d+*#]/g, '');

function problemText(check: DialCheck, input: string, countryName: (code: string) => string): string | null {
  switch (check.kind) {
    case 'empty':
      return t('dial.problem.empty');
    case 'invalid':
      return check.problem === 'unknownName'
        ? t('dial.problem.unknownName', { name: sanitizeDialInput(input) })
        : t(`dial.problem.${check.problem}`);
    case 'notAllowed':
      return t('dial.problem.notAllowed', { country: countryName(check.country) });
    case 'emergency':
      return check.calling ? null : t('dial.problem.emergency', { number: check.number });
    default:
      return null;
  }
}

function regionNames(): (code: string) => string {
  try {
    const names = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'region' });
    return (code) => (/^[A-Z]{2}$/.test(code) ? (names.of(code) ?? code) : code);
  } catch {
    return (code) => code;
  }
}

/** A check is worth showing while typing only when more typing cannot fix it. */
function showWhileTyping(check: DialCheck, matches: string[]): boolean {
  if (check.kind === 'notAllowed' || check.kind === 'emergency') return true;
  if (check.kind === 'invalid' && check.problem === 'tooLong') return true;
  return check.kind === 'invalid' && check.problem === 'unknownName' && matches.length === 0;
}

export function DialPad({ onClose, initial = '' }: { onClose: () => void; initial?: string }) {
  const [user, phone] = usePhone(selectUser);
  const [config] = usePhone(selectConfig);
  const lib = usePhoneLib();
  const [value, setValue] = useState(initial);
  const [attempted, setAttempted] = useState(false);
  const inputRef = useRef<HTMLInputElement | null>(null);
  const messageId = useId();
  const colleagues = user?.colleagues ?? [];
  const country = defaultCountryOf(config);
  const rules = useMemo(
    () => ({ colleagues, defaultCountry: country, allowedCountries: config?.dialAllowedCountries ?? [country], emergency: config?.emergency ?? DEFAULT_EMERGENCY }),
    [colleagues, country, config],
  );

  const display = lib ? formatAsTyped(value, country, lib) : value;
  const check = lib ? checkDialInput(value, rules, lib) : null;
  const matches = matchColleagues(value, colleagues);
  const showProblem = !!check && (attempted || showWhileTyping(check, matches)) && check.kind !== 'number' && check.kind !== 'colleague';
  const message = showProblem && check ? problemText(check, value, regionNames()) : null;

  function update(next: string) {
    setValue(next);
    setAttempted(false);
  }

  function onChange(event: ChangeEvent<HTMLInputElement>) {
    const next = event.target.value;
    // Deleting only a formatting character would be re-added at once: delete the digit before it.
    if (!isNameInput(next) && next.length < display.length && digitsOf(next) === digitsOf(display)) {
      update(digitsOf(next).slice(0, -1));
      return;
    }
    update(isNameInput(next) ? next.replace(/\s+/g, '') : sanitizeDialInput(next));
  }

  function press(key: string) {
    update(sanitizeDialInput(value + key));
    inputRef.current?.focus();
  }

  function backspace() {
    update(isNameInput(value) ? value.slice(0, -1) : digitsOf(value).slice(0, -1));
    inputRef.current?.focus();
  }

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    const loaded: PhoneLib = lib ?? (await loadPhoneLib());
    const result = checkDialInput(value, rules, loaded);
    if (result.kind === 'number' && phone.live.clickToCall.active) {
      // "Call via my phone": the server rings the user's own phone, which then calls the number.
      onClose();
      void phone.live.clickToCall.call(result.target);
      return;
    }
    if (result.kind === 'number' || result.kind === 'colleague') {
      onClose();
      void phone.dial(result.target);
      return;
    }
    if (result.kind === 'emergency' && result.calling) {
      onClose();
      void phone.dial(result.number);
      return;
    }
    // A unique partial name is as good as the whole name.
    if (result.kind === 'invalid' && result.problem === 'unknownName' && matches.length === 1) {
      onClose();
      void phone.dial(`client:${matches[0]}`);
      return;
    }
    setAttempted(true);
    inputRef.current?.focus();
  }

  return (
    <Dialog title={t('dial.title')} onClose={onClose} initialFocus={inputRef} className="dialpad">
      <form
        onSubmit={submit}
        noValidate
        onKeyDown={(event) => {
          // Typing works wherever focus is in the dial pad, not only in the field.
          if (event.target === inputRef.current || event.ctrlKey || event.metaKey || event.altKey) return;
          if (DIAL_KEYS.has(event.key) || event.key === '+') {
            event.preventDefault();
            press(event.key);
          } else if (event.key === 'Backspace') {
            event.preventDefault();
            backspace();
          }
        }}
      >
        <label className="field field-number">
          <span>{t('dial.input')}</span>
          <span className="number-row">
            <input
              ref={inputRef}
              name="number"
              className="number-input"
              inputMode="tel"
              autoComplete="off"
              spellCheck={false}
              value={display}
              onChange={onChange}
              aria-invalid={message ? true : undefined}
              aria-describedby={messageId}
            />
            <button type="button" className="btn btn-icon" onClick={backspace} aria-label={t('dial.backspace')} disabled={!value}>
              <span aria-hidden="true">⌫</span>
            </button>
          </span>
        </label>
        <p id={messageId} className={message ? 'field-error' : 'field-hint'} aria-live="polite">
          {message ??
            (check && (check.kind === 'number' || check.kind === 'colleague')
              ? t('dial.callTarget', { target: check.kind === 'colleague' ? check.name : display })
              : check?.kind === 'emergency' && check.calling
                ? t('dial.emergencyCall', { number: check.number })
                : '\u00a0')}
        </p>
        {matches.length > 0 && (
          <ul className="suggestions" aria-label={t('dial.suggestions')}>
            {matches.map((name) => (
              <li key={name}>
                <button
                  type="button"
                  className="btn btn-suggestion"
                  onClick={() => {
                    onClose();
                    void phone.dial(`client:${name}`);
                  }}
                >
                  <span className="avatar" aria-hidden="true">
                    {name.slice(0, 1).toUpperCase()}
                  </span>
                  {t('home.callColleague', { name })}
                </button>
              </li>
            ))}
          </ul>
        )}
        <Keypad onKey={press} label={t('call.keypad')} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            {t('dial.close')}
          </button>
          <button type="button" className="btn" onClick={() => press('+')} aria-label={t('dial.plus')}>
            +
          </button>
          <button type="submit" className="btn btn-call">
            {t('dial.call')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
