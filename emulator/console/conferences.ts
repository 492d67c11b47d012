/**
 * The console's Conferences section: each conference with its participants (who, status, what they
 * hear, held, muted, speaking level, the tones they hear), and the buttons a person uses on them —
 * Hold/Resume, Mute/Unmute, Remove, End — plus a form that dials a phone or a client into a conference.
 * Rows are updated in place, keyed by SID, so a focused button keeps its focus across polls.
 */
import type { AddParticipantResult, ConferenceParticipantView, ConferenceView } from '../../contracts/emulator';

export interface ConsoleKit {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  act(label: string, fn: () => Promise<unknown>): Promise<void>;
  esc(s: unknown): string;
  meter(dbfs: number): string;
  setHtml(el: HTMLElement, html: string): void;
}

const FINAL = 'completed';

function who(p: ConferenceParticipantView): string {
  const party = p.endpoint.kind === 'client' ? `client ${p.endpoint.identity}` : p.endpoint.number;
  return p.label ? `${p.label} (${party})` : party;
}

function hearingText(p: ConferenceParticipantView): string {
  switch (p.hearing) {
    case 'room': return 'in the conference';
    case 'hold': return 'on hold (hears hold music)';
    case 'wait': return 'waiting for the start (hears wait music)';
    default: return p.status;
  }
}

function participantRow(kit: ConsoleKit, conferenceSid: string, p: ConferenceParticipantView): HTMLElement {
  const row = document.createElement('tr');
  row.dataset.callSid = p.callSid;
  row.innerHTML = `<th scope="row" class="who"></th><td class="state"></td><td class="level"></td><td class="hears"></td>
    <td class="actions"><button type="button" class="do-hold"></button> <button type="button" class="do-mute"></button>
    <button type="button" class="hangup do-remove">Remove</button></td>`;
  const path = () => `/conferences/${encodeURIComponent(conferenceSid)}/participants/${encodeURIComponent(p.callSid)}`;
  const q = <T extends HTMLElement>(sel: string) => row.querySelector(sel) as T;
  q('.do-hold').addEventListener('click', () => {
    const hold = q('.do-hold').textContent === 'Hold';
    void kit.act(hold ? 'Hold' : 'Resume', () => kit.call('POST', path(), { hold }));
  });
  q('.do-mute').addEventListener('click', () => {
    const muted = q('.do-mute').textContent === 'Mute';
    void kit.act(muted ? 'Mute' : 'Unmute', () => kit.call('POST', path(), { muted }));
  });
  q('.do-remove').addEventListener('click', () => void kit.act('Remove', () => kit.call('DELETE', path())));
  return row;
}

function updateRow(kit: ConsoleKit, row: HTMLElement, p: ConferenceParticipantView): void {
  const q = <T extends HTMLElement>(sel: string) => row.querySelector(sel) as T;
  q('.who').textContent = who(p);
  row.setAttribute('aria-label', `Participant ${who(p)}`);
  kit.setHtml(q('.state'), `${kit.esc(hearingText(p))}${p.muted ? ' · <b>muted</b>' : ''}${p.coaching ? ' · coaching' : ''}${p.endConferenceOnExit ? ' · ends it on leaving' : ''}`);
  kit.setHtml(q('.level'), p.status === 'connected' ? `${p.speaking ? 'speaking ' : ''}${kit.meter(p.levelDbfs)}` : '—');
  q('.hears').textContent = p.hears.filter((t) => t.dbfs >= -40).slice(0, 4).map((t) => `${t.hz} Hz`).join(', ') || '—';
  const hold = q<HTMLButtonElement>('.do-hold');
  hold.textContent = p.hold ? 'Resume' : 'Hold';
  hold.setAttribute('aria-label', `${p.hold ? 'Resume' : 'Hold'} ${who(p)}`);
  const mute = q<HTMLButtonElement>('.do-mute');
  mute.textContent = p.muted ? 'Unmute' : 'Mute';
  mute.setAttribute('aria-label', `${p.muted ? 'Unmute' : 'Mute'} ${who(p)}`);
  q('.do-remove').setAttribute('aria-label', `Remove ${who(p)}`);
}

function conferenceItem(kit: ConsoleKit, c: ConferenceView): HTMLElement {
  const item = document.createElement('div');
  item.className = 'conference';
  item.dataset.sid = c.sid;
  item.setAttribute('role', 'group');
  item.setAttribute('aria-label', `Conference ${c.friendlyName}`);
  item.innerHTML = `<div class="head"></div>
    <table><thead><tr><th scope="col">Participant</th><th scope="col">State</th><th scope="col">Speaking</th><th scope="col">Hears</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody></tbody></table>
    <button type="button" class="hangup do-end">End conference</button>
    <details><summary>Conference log (<span class="count">0</span>)</summary><ol class="events"></ol></details>`;
  (item.querySelector('.do-end') as HTMLButtonElement).addEventListener('click', () => {
    void kit.act('End conference', () => kit.call('POST', `/conferences/${encodeURIComponent(c.sid)}/end`));
  });
  return item;
}

export function renderConferences(kit: ConsoleKit, box: HTMLElement, list: ConferenceView[]): void {
  const empty = box.querySelector<HTMLElement>(':scope > p.muted') ?? box.appendChild(document.createElement('p'));
  empty.className = 'muted';
  empty.textContent = 'No conferences yet. Dial a phone or a client into one below, or let the application use <Dial><Conference>.';
  empty.hidden = list.length > 0;
  const items = new Map([...box.querySelectorAll<HTMLElement>(':scope > .conference')].map((el) => [el.dataset.sid!, el]));
  let before: Element | null = empty.nextElementSibling;
  for (const c of list) {
    let item = items.get(c.sid);
    items.delete(c.sid);
    if (!item) item = conferenceItem(kit, c);
    if (item !== before) box.insertBefore(item, before);
    before = item.nextElementSibling;
    kit.setHtml(item.querySelector('.head') as HTMLElement, `<div class="row"><b>${kit.esc(c.friendlyName)}</b>
      <span class="state ${kit.esc(c.status)}" data-testid="conference-status">${kit.esc(c.status)}</span>
      <span class="muted">${kit.esc(c.sid)} · ${c.participants.length} participant${c.participants.length === 1 ? '' : 's'}${c.reasonEnded ? ` · ${kit.esc(c.reasonEnded)}` : ''}</span></div>`);
    (item.querySelector('.do-end') as HTMLButtonElement).hidden = c.status === FINAL;
    const body = item.querySelector('tbody') as HTMLElement;
    const rows = new Map([...body.querySelectorAll<HTMLElement>('tr')].map((r) => [r.dataset.callSid!, r]));
    for (const p of c.participants) {
      let row = rows.get(p.callSid);
      rows.delete(p.callSid);
      if (!row) row = body.appendChild(participantRow(kit, c.sid, p));
      updateRow(kit, row, p);
    }
    for (const gone of rows.values()) gone.remove();
    const count = item.querySelector('.count') as HTMLElement;
    if (count.textContent !== String(c.events.length)) {
      count.textContent = String(c.events.length);
      (item.querySelector('.events') as HTMLElement).innerHTML = c.events.map((e) => `<li>${kit.esc(e.at.slice(11, 23))} ${kit.esc(e.text)}</li>`).join('');
    }
  }
  for (const stale of items.values()) stale.remove();
}

export function setupAddToConference(kit: ConsoleKit, form: HTMLFormElement): void {
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const conference = String(data.get('conference') ?? '').trim();
    const to = String(data.get('to') ?? '').trim();
    const label = String(data.get('label') ?? '').trim();
    void kit.act(`Add ${to} to ${conference}`, () => kit.call<AddParticipantResult>('POST', '/conferences/participants', {
      conference, to, ...(label ? { label } : {}),
    }));
  });
}
