import { useId, useState, type FormEvent } from 'react';
import { otherParties, type Party } from '../core/call-control';
import type { PhoneSnapshot } from '../core/controller';
import type { CallInfo } from '../core/state';
import { t } from '../i18n';
import { usePhone } from './phone-context';
import { peerText, usePeer } from './use-phone-lib';

const selectUser = (s: PhoneSnapshot) => s.user;
const selectConfig = (s: PhoneSnapshot) => s.config;

/** A party as the person reads them: colleague name, or the number formatted for its country. */
export function PartyName({ party }: { party: Pick<Party, 'kind' | 'name'> }) {
  const [config] = usePhone(selectConfig);
  return <>{peerText(usePeer(party.kind === 'user' ? `client:${party.name}` : party.name, config))}</>;
}

/** Who else is in the call, and whether each is ringing, talking or on hold. */
function Parties({ parties }: { parties: Party[] }) {
  return (
    <section className="parties" aria-label={t('control.parties')}>
      <ul data-testid="call-parties">
        {parties.map((p) => (
          <li key={p.id} data-state={p.state}>
            <PartyName party={p} /> <span className="party-state">{t(`control.party.${p.state === 'left' ? 'connected' : p.state}`)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Form = 'transfer' | 'add';

/**
 * Hold, transfer and add a person for the call in focus, the parties list, and a transfer under way
 * (Complete transfer / Cancel). Every action is a request to the server; a refusal is shown here in
 * its words, and the buttons wait for the answer so a double press sends one request.
 */
export function CallControls({ call, live }: { call: CallInfo; live: boolean }) {
  const [user, phone] = usePhone(selectUser);
  const [form, setForm] = useState<Form | null>(null);
  const [target, setTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const listId = useId();
  const me = user?.identity ?? '';
  const control = call.control;
  const transfer = control?.transfer ?? null;
  const parties = otherParties(control, me);

  async function run(action: () => Promise<string | null>, after?: () => void) {
    setBusy(true);
    setError(null);
    const failed = await action();
    setBusy(false);
    setError(failed);
    if (!failed) after?.();
  }

  function submit(event: FormEvent, mode: 'blind' | 'consult' | 'add') {
    event.preventDefault();
    const to = target.trim();
    if (!to) return;
    const close = () => {
      setForm(null);
      setTarget('');
    };
    void run(() => (mode === 'add' ? phone.control.addPerson(to) : phone.control.transfer(to, mode)), close);
  }

  const toggle = (which: Form) => {
    setError(null);
    setForm((open) => (open === which ? null : which));
  };

  return (
    <div className="call-control">
      {parties.length > 0 && <Parties parties={parties} />}

      {transfer && (
        <div className="transfer-status">
          <p role="status" data-testid="transfer-status" data-state={transfer.state}>
            {transfer.state === 'consulting'
              ? t('control.consulting', { name: transfer.to })
              : t('control.transferRinging', { name: transfer.to })}
          </p>
          <div className="call-controls">
            {transfer.mode === 'consult' && (
              <button type="button" className="btn btn-round btn-accept" disabled={busy || transfer.state !== 'consulting'} onClick={() => void run(phone.control.completeTransfer)}>
                {t('control.completeTransfer')}
              </button>
            )}
            <button type="button" className="btn btn-round" disabled={busy} onClick={() => void run(phone.control.cancelTransfer)}>
              {t('control.cancel')}
            </button>
          </div>
        </div>
      )}

      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}

      {form && !transfer && (
        <form className="control-form" onSubmit={(e) => submit(e, form === 'add' ? 'add' : 'blind')}>
          <label htmlFor={inputId}>{t('control.target')}</label>
          <input id={inputId} list={listId} value={target} onChange={(e) => setTarget(e.target.value)} autoComplete="off" autoFocus required />
          <datalist id={listId} aria-label={t('control.colleagues')}>
            {(user?.colleagues ?? []).map((name) => (
              <option key={name} value={name} />
            ))}
          </datalist>
          <div className="call-controls">
            {form === 'transfer' ? (
              <>
                <button type="submit" className="btn btn-primary" disabled={busy}>
                  {t('control.transferNow')}
                </button>
                <button type="button" className="btn" disabled={busy} onClick={(e) => submit(e, 'consult')}>
                  {t('control.consult')}
                </button>
              </>
            ) : (
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {t('control.add')}
              </button>
            )}
            <button type="button" className="btn" onClick={() => setForm(null)}>
              {t('control.cancel')}
            </button>
          </div>
        </form>
      )}

      <div className="call-controls">
        {control?.held ? (
          <button type="button" className="btn btn-round btn-on" disabled={!live || busy} onClick={() => void run(phone.control.resume)}>
            {t('control.resume')}
          </button>
        ) : (
          <button type="button" className="btn btn-round" disabled={!live || busy || !!transfer || control?.onHold} onClick={() => void run(phone.control.hold)}>
            {t('control.hold')}
          </button>
        )}
        {!transfer && (
          <>
            <button type="button" className={`btn btn-round ${form === 'transfer' ? 'btn-on' : ''}`} aria-expanded={form === 'transfer'} disabled={!live} onClick={() => toggle('transfer')}>
              {t('control.transfer')}
            </button>
            <button type="button" className={`btn btn-round ${form === 'add' ? 'btn-on' : ''}`} aria-expanded={form === 'add'} disabled={!live} onClick={() => toggle('add')}>
              {t('control.addPerson')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
