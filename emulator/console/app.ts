/**
 * The emulator console (browser side): polls the control API and lets a person work the simulated
 * phones, including operating one with this page's own microphone and speaker over WebRTC.
 */
import type {
  CallSidResult, CallStatus, CallWithEvents, NewPhone, OperateOffer, PhoneView, RecordingView, SendTextResult, StateView,
} from '../../contracts/emulator';
import { renderConferences, setupAddToConference, type ConsoleKit } from './conferences';
import { phoneTexts, renderMessages, updatePhoneTexts } from './messages';
import { leaveMessageForm, renderRecordings } from './recordings';

// Types only from the contracts: the console bundle carries no schema code.
const api = '/emulator/api';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
let state: StateView | null = null;
const operated = new Map<string, RTCPeerConnection>();
/** Phones whose microphone set-up or tear-down is under way: their button waits, so one click is one action. */
const operating = new Set<string>();

function say(text: string): void {
  $('status').textContent = text;
}

async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(api + path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new Error(data?.error ?? `${res.status} ${res.statusText}`);
  return data as T;
}

async function act(label: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
    say(`${label}: done`);
    await refresh();
  } catch (e) {
    say(`${label}: ${(e as Error).message}`);
  }
}

const phonePath = (n: string) => `/phones/${encodeURIComponent(n)}`;

function setHtml(el: HTMLElement, html: string): void {
  if (el.dataset.html !== html) {
    el.dataset.html = html;
    el.innerHTML = html;
  }
}

function meter(dbfs: number): string {
  const pct = Math.max(0, Math.min(100, ((dbfs + 70) / 70) * 100));
  return `<meter min="0" max="100" value="${pct.toFixed(0)}" aria-hidden="true"></meter> ${dbfs <= -127 ? 'silence' : `${dbfs.toFixed(0)} dBFS`}`;
}

function targets(): string[] {
  if (!state) return [];
  const ids = new Set(state.clients.map((c) => c.identity).filter((x): x is string => !!x));
  return [...state.account.numbers.map((n) => n.phoneNumber), ...[...ids].map((i) => `client:${i}`), ...state.phones.map((p) => p.number)];
}

/** A DOM id from a phone number ("+1202…" → "phone-1202…"), for aria-labelledby. */
const phoneId = (n: string) => `phone-${n.replace(/[^0-9A-Za-z]/g, '')}`;

function phoneCard(p: PhoneView): HTMLElement {
  const card = document.createElement('article');
  card.className = 'card';
  card.dataset.number = p.number;
  const id = phoneId(p.number);
  // Named by its heading, so a person (or a test) can find "Manual phone · +12025550102" as a region.
  card.setAttribute('aria-labelledby', `${id}-name`);
  card.innerHTML = `
    <h3 id="${id}-name"></h3>
    <div class="row"><span class="state" data-testid="phone-state"></span><span class="muted behaviour"></span></div>
    <form class="row call-form">
      <label>Call <input class="to" name="to" list="targets" size="16" required aria-label="Number or user to call"></label>
      <button type="submit" class="do-call">Call</button>
    </form>
    <div class="row">
      <button type="button" class="answer do-answer">Answer</button>
      <button type="button" class="do-reject">Reject</button>
      <button type="button" class="hangup do-hangup">Hang up</button>
    </div>
    <div class="row">
      <label>Keys <input class="digits" size="8" aria-label="Digits to send"></label>
      <button type="button" class="do-dtmf">Send DTMF</button>
    </div>
    <div class="row">
      <button type="button" class="do-operate"></button>
    </div>
    <div class="heard" data-testid="phone-heard"><div class="level"></div><div class="said" aria-live="polite"></div></div>`;
  card.append(phoneTexts(p.number, call, act));
  const q = <T extends HTMLElement>(sel: string) => card.querySelector(sel) as T;
  const n = p.number;
  // A form, so Enter in the number field places the call as the button does.
  q<HTMLFormElement>('.call-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const to = q<HTMLInputElement>('.to').value.trim();
    void act(`Call from ${n}`, () => call<CallSidResult>('POST', `${phonePath(n)}/call`, { to }));
  });
  q('.do-answer').addEventListener('click', () => void act('Answer', () => call('POST', `${phonePath(n)}/answer`)));
  q('.do-reject').addEventListener('click', () => void act('Reject', () => call('POST', `${phonePath(n)}/reject`)));
  q('.do-hangup').addEventListener('click', () => void act('Hang up', () => call('POST', `${phonePath(n)}/hangup`)));
  q('.do-dtmf').addEventListener('click', () => {
    const digits = q<HTMLInputElement>('.digits').value.trim();
    void act('DTMF', () => call('POST', `${phonePath(n)}/dtmf`, { digits }));
  });
  q('.do-operate').addEventListener('click', () => void toggleOperate(n));
  q('.sms').before(leaveMessageForm(n, call, act));
  return card;
}

function updatePhoneCard(card: HTMLElement, p: PhoneView): void {
  const q = <T extends HTMLElement>(sel: string) => card.querySelector(sel) as T;
  q('h3').textContent = `${p.name} · ${p.number}`;
  const st = q('.state');
  st.textContent = p.state;
  st.className = `state ${p.state}`;
  const mine = operated.has(p.number);
  q('.behaviour').textContent = p.operatedFromConsole
    ? (mine ? 'operated from this console' : 'operated from another console')
    : p.behaviour.kind === 'answer' ? `answers (${p.behaviour.audio === 'tone' ? `${p.behaviour.toneHz ?? 440} Hz tone` : p.behaviour.audio})` : p.behaviour.kind;
  q<HTMLButtonElement>('.do-answer').disabled = p.state !== 'ringing';
  q<HTMLButtonElement>('.do-reject').disabled = p.state !== 'ringing';
  q<HTMLButtonElement>('.do-hangup').disabled = p.state === 'idle';
  q<HTMLButtonElement>('.do-call').disabled = p.state !== 'idle';
  q<HTMLButtonElement>('.do-dtmf').disabled = p.state !== 'in-call';
  q<HTMLButtonElement>('.do-leave').disabled = p.state !== 'idle' || p.operatedFromConsole;
  const operate = q<HTMLButtonElement>('.do-operate');
  operate.textContent = mine ? 'Stop using my microphone' : 'Use my microphone and speaker';
  operate.disabled = operating.has(p.number) || (!mine && p.state !== 'idle');
  const h = p.heard;
  const idle = p.state === 'idle' && !h.says.length && !h.digits;
  // Only rewritten when it changes, so the live part is announced once per change, not every second.
  setHtml(q('.level'), idle ? '<span class="muted">Hears nothing (idle)</span>' : `Hears: ${meter(h.levelDbfs)} · ${h.packetsReceived} packets`);
  setHtml(q('.said'), idle ? '' : `Digits: <b>${esc(h.digits || '—')}</b><br>
       Said to it: ${h.says.length ? h.says.map((s) => `“${esc(s)}”`).join(' ') : '—'}`);
  updatePhoneTexts(q('.sms'), p, state?.account.numbers.map((x) => x.phoneNumber) ?? []);
}

function renderPhones(s: StateView): void {
  const box = $('phones');
  const seen = new Set<string>();
  for (const p of s.phones) {
    seen.add(p.number);
    let card = box.querySelector<HTMLElement>(`[data-number="${CSS.escape(p.number)}"]`);
    if (!card) {
      card = phoneCard(p);
      box.appendChild(card);
    }
    updatePhoneCard(card, p);
  }
  for (const card of [...box.querySelectorAll<HTMLElement>('[data-number]')]) {
    if (!seen.has(card.dataset.number!)) card.remove();
  }
  let list = document.getElementById('targets') as HTMLDataListElement | null;
  if (!list) {
    list = document.createElement('datalist');
    list.id = 'targets';
    document.body.appendChild(list);
  }
  list.innerHTML = targets().map((t) => `<option value="${esc(t)}">`).join('');
}

function renderClients(s: StateView): void {
  $('clients').innerHTML = s.clients.length
    ? `<table><thead><tr><th>Identity</th><th>Registered</th><th>Token</th><th>Connected</th></tr></thead><tbody>${s.clients.map((c) => `
      <tr><td>${esc(c.identity ?? '(no token yet)')}</td><td>${c.registered ? (c.reachable ? 'yes' : 'yes (unreachable)') : 'no'}</td>
      <td>${c.tokenExpired ? '<b>expired</b>' : c.tokenExpiresAt ? `until ${new Date(c.tokenExpiresAt).toLocaleTimeString()}` : '—'}</td>
      <td>${new Date(c.connectedAt).toLocaleTimeString()}</td></tr>`).join('')}</tbody></table>`
    : '<p class="muted">No Voice SDK device is connected. Sign in to the softphone in another tab.</p>';
}

const FINAL_CALL_STATUSES: CallStatus[] = ['completed', 'busy', 'failed', 'no-answer', 'canceled'];

/** One call's summary lines; its event log is a separate element so an open log keeps its scroll. */
function callHead(c: CallWithEvents): string {
  // A finished call has no socket any more; only a live one can have lost it.
  const lost = c.endpoint.kind === 'client' && !c.endpoint.signalingConnected && !FINAL_CALL_STATUSES.includes(c.status);
  const who = c.endpoint.kind === 'client' ? `client ${esc(c.endpoint.identity)}${lost ? ' (signaling lost)' : ''}` : `phone ${esc(c.endpoint.number)}`;
  const media = c.media
    ? `${esc(c.media.codec ?? '?')} · ICE ${esc(c.media.iceState)} · in ${c.media.packetsReceived} / out ${c.media.packetsSent} packets · ${meter(c.media.levelDbfs)}${c.media.digits ? ` · digits ${esc(c.media.digits)}` : ''}`
    : 'no media leg';
  return `<div class="row"><b>${esc(c.from)} → ${esc(c.to)}</b><span class="state ${esc(c.status)}" data-testid="call-status">${esc(c.status)}</span>
      <span class="muted">${esc(c.direction)} · ${esc(c.sid)}${c.parentCallSid ? ` · child of ${esc(c.parentCallSid)}` : ''}${c.duration !== null ? ` · ${c.duration} s` : ''}${c.setupMs !== null ? ` · set-up ${c.setupMs} ms` : ''}</span></div>
    <div class="muted">Leg: ${who}${c.bridged ? ` · bridged to ${esc(c.peerCallSid)}` : c.peerCallSid ? ` · with ${esc(c.peerCallSid)}` : ''} · ${media}</div>`;
}

function callItem(c: CallWithEvents): HTMLElement {
  const item = document.createElement('div');
  item.className = 'call';
  item.dataset.sid = c.sid;
  item.setAttribute('role', 'group');
  item.setAttribute('aria-label', `Call ${c.from} to ${c.to}`);
  item.innerHTML = `<div class="head"></div>
    <button type="button" class="hangup do-hangup-call">Hang up</button>
    <details><summary>Event log (<span class="count">0</span>)</summary><ol class="events"></ol></details>`;
  (item.querySelector('.do-hangup-call') as HTMLButtonElement).addEventListener('click', () => {
    void act('Hang up', () => call('POST', `/calls/${encodeURIComponent(c.sid)}/hangup`));
  });
  return item;
}

/**
 * Calls are updated in place, keyed by CallSid: rebuilding the list every second took focus off a
 * Hang up button a keyboard user had reached and closed the event log being read.
 */
function renderCalls(s: StateView): void {
  const box = $('calls');
  const empty = box.querySelector<HTMLElement>(':scope > p.muted') ?? box.appendChild(document.createElement('p'));
  empty.className = 'muted';
  empty.textContent = 'No calls yet.';
  empty.hidden = s.calls.length > 0;
  const items = new Map([...box.querySelectorAll<HTMLElement>(':scope > .call')].map((el) => [el.dataset.sid!, el]));
  let before: Element | null = box.firstElementChild === empty ? empty.nextElementSibling : box.firstElementChild;
  for (const c of s.calls) {
    let item = items.get(c.sid);
    items.delete(c.sid);
    if (!item) item = callItem(c);
    if (item !== before) box.insertBefore(item, before);
    before = item.nextElementSibling;
    setHtml(item.querySelector('.head') as HTMLElement, callHead(c));
    (item.querySelector('.do-hangup-call') as HTMLButtonElement).hidden = FINAL_CALL_STATUSES.includes(c.status);
    const count = item.querySelector('.count') as HTMLElement;
    if (count.textContent !== String(c.events.length)) {
      count.textContent = String(c.events.length);
      (item.querySelector('.events') as HTMLElement).innerHTML = c.events
        .map((e) => `<li class="${esc(e.kind)}">${esc(e.at.slice(11, 23))} [${esc(e.kind)}] ${esc(e.text)}</li>`).join('');
    }
  }
  for (const stale of items.values()) stale.remove();
  const { atMost, forgotten } = s.callStore;
  $('calls-kept').textContent = `Shows live calls and the 30 latest finished ones; keeps the latest ${atMost} for the REST API.`
    + (forgotten > 0 ? ` Older calls forgotten: ${forgotten}.` : '');
}

function release(pc: RTCPeerConnection): void {
  pc.getSenders().forEach((s) => s.track?.stop());
  pc.close();
}

async function toggleOperate(number: string): Promise<void> {
  if (operating.has(number)) return;
  operating.add(number);
  try {
    const existing = operated.get(number);
    if (existing) {
      release(existing);
      operated.delete(number);
      await act('Stop operating', () => call('DELETE', `${phonePath(number)}/operate`));
    } else {
      await act(`Operate ${number} with this microphone`, () => startOperating(number));
    }
  } finally {
    operating.delete(number);
    await refresh();
  }
}

async function startOperating(number: string): Promise<void> {
  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection();
  try {
    const { sdp } = await call<OperateOffer>('POST', `${phonePath(number)}/operate`);
    mic.getTracks().forEach((t) => pc.addTrack(t, mic));
    pc.ontrack = (ev) => {
      const audio = $<HTMLAudioElement>('phone-audio');
      audio.srcObject = ev.streams[0] ?? new MediaStream([ev.track]);
      void audio.play().catch(() => say('Click anywhere to let the page play the phone audio'));
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const t = setTimeout(resolve, 3000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
      });
    });
    await call('POST', `${phonePath(number)}/operate/answer`, { sdp: pc.localDescription!.sdp });
    operated.set(number, pc);
  } catch (e) {
    // Half set up: give the microphone back and let the phone behave on its own again.
    mic.getTracks().forEach((t) => t.stop());
    release(pc);
    await call('DELETE', `${phonePath(number)}/operate`).catch(() => undefined);
    throw e;
  }
}

async function load(): Promise<void> {
  try {
    const [res, recordings] = await Promise.all([fetch(`${api}/state`), fetch(`${api}/recordings`)]);
    if (!res.ok || !recordings.ok) throw new Error(`${res.ok ? recordings.status : res.status}`);
    state = (await res.json()) as StateView;
    renderRecordings($('recordings'), (await recordings.json()) as RecordingView[], call, act);
    $('account').textContent = `Account ${state.account.accountSid} · numbers ${state.account.numbers.map((n) => n.phoneNumber).join(', ')}`;
    renderClients(state);
    renderPhones(state);
    renderCalls(state);
    renderConferences(kit, $('conferences'), state.conferences);
    renderMessages($('messages'), state.messages);
  } catch (e) {
    say(`Cannot reach the emulator (${(e as Error).message}); retrying…`);
  }
}

let loading: Promise<void> | null = null;
let next: Promise<void> | null = null;

/**
 * Loads the state once more, starting after this call. Loads never overlap: a slow poll answered after
 * a newer one would otherwise paint an old state (a phone ringing again just after Answer).
 */
function refresh(): Promise<void> {
  if (!loading) {
    loading = load().finally(() => { loading = null; });
    return loading;
  }
  next ??= loading.then(() => {
    next = null;
    return refresh();
  });
  return next;
}

function setupAddPhone(): void {
  const form = $<HTMLFormElement>('add-phone');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const kind = String(data.get('kind'));
    // The form's options are the contract's kinds and audios.
    const hz = String(data.get('toneHz') ?? '');
    const behaviour = (kind.startsWith('answer-')
      ? { kind: 'answer', audio: kind.slice(7), ...(kind === 'answer-tone' && hz ? { toneHz: Number(hz) } : {}) }
      : { kind }) as NewPhone['behaviour'];
    const phone: NewPhone = { number: String(data.get('number')), name: String(data.get('name') ?? ''), ...(behaviour ? { behaviour } : {}) };
    void act('Add phone', () => call<PhoneView>('POST', '/phones', phone));
  });
}

const kit: ConsoleKit = { call, act, esc, meter, setHtml };

document.addEventListener('DOMContentLoaded', () => {
  setupAddPhone();
  setupAddToConference(kit, $<HTMLFormElement>('add-to-conference'));
  void refresh();
  setInterval(() => void refresh(), 1000);
});
