/**
 * Texts in the console: each phone's messages (inbox and outbox, with status, error and pictures), a
 * form to text from it (optionally with a picture the emulator draws) with a live segment count, how
 * texts to it are delivered, and the list of all the account's messages.
 */
import type { MessageMedia, MessageView, PhoneView, SendTextResult, SmsDelivery } from '../../contracts/emulator';
import { segmentInfo } from '../messages/segments';

type Call = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
type Act = (label: string, fn: () => Promise<unknown>) => Promise<void>;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const phonePath = (n: string) => `/phones/${encodeURIComponent(n)}`;

const DELIVERIES: [SmsDelivery, string][] = [
  ['delivered', 'are delivered'],
  ['unreachable', 'are undelivered: unreachable handset (30003)'],
  ['landline', 'fail: landline (30006)'],
  ['unconfirmed', 'stay sent: no delivery receipt'],
  ['unregistered', 'fail: unregistered A2P 10DLC (30034)'],
];

/** "12 characters · 1 segment (GSM-7)" */
export function segmentsLabel(body: string): string {
  if (!body) return '';
  const s = segmentInfo(body);
  const chars = [...body].length;
  return `${chars} character${chars === 1 ? '' : 's'} · ${s.segments} segment${s.segments === 1 ? '' : 's'} (${s.encoding})`;
}

function mediaHtml(media: MessageMedia[], who: string): string {
  return media.map((m, i) => m.contentType.startsWith('image/')
    ? `<img src="${esc(m.url)}" alt="Picture ${i + 1} from ${esc(who)}" width="64" height="48">`
    : `<a href="${esc(m.url)}">${esc(m.contentType)}</a>`).join(' ');
}

const statusHtml = (status: string, errorCode: number | null) =>
  `<span class="state ${esc(status)}" data-testid="message-status">${esc(status)}${errorCode !== null ? ` ${errorCode}` : ''}</span>`;

/** The phone card's Text messages part: its form, its delivery setting and its messages. */
export function phoneTexts(number: string, call: Call, act: Act): HTMLElement {
  const el = document.createElement('details');
  el.className = 'sms';
  el.innerHTML = `<summary>Text messages <span class="count"></span></summary>
    <form class="sms-form">
      <div class="row"><label>To <input name="to" class="sms-to" list="targets" size="14" required aria-label="To"></label>
      <label>Picture <select name="picture" class="sms-picture" aria-label="Picture"><option value="">none</option><option value="png">PNG</option><option value="jpeg">JPEG</option></select></label></div>
      <div class="row"><label>Text <textarea name="body" class="sms-body" rows="2" cols="28" aria-label="Text"></textarea></label></div>
      <div class="row"><span class="muted segments" aria-live="polite"></span><button type="submit" class="do-sms">Send text</button></div>
    </form>
    <div class="row"><label>Texts to this phone <select class="sms-delivery" aria-label="Texts to this phone">${DELIVERIES.map(([v, t]) => `<option value="${v}">${esc(t)}</option>`).join('')}</select></label></div>
    <p class="opted-out" role="note"></p>
    <ul class="inbox" aria-label="Texts on this phone"></ul>`;
  const q = <T extends HTMLElement>(sel: string) => el.querySelector(sel) as T;
  const body = q<HTMLTextAreaElement>('.sms-body');
  body.addEventListener('input', () => { q('.segments').textContent = segmentsLabel(body.value); });
  q<HTMLFormElement>('.sms-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const to = q<HTMLInputElement>('.sms-to').value.trim();
    const picture = q<HTMLSelectElement>('.sms-picture').value;
    void act(`Text from ${number}`, async () => {
      if (!body.value && !picture) throw new Error('type a text or choose a picture');
      const r = await call<SendTextResult>('POST', `${phonePath(number)}/sms`, { to, body: body.value, ...(picture ? { picture } : {}) });
      if (r.error) throw new Error(r.error);
      body.value = '';
      q('.segments').textContent = '';
    });
  });
  q<HTMLSelectElement>('.sms-delivery').addEventListener('change', (ev) => {
    const delivery = (ev.target as HTMLSelectElement).value;
    void act('Delivery', () => call('POST', `${phonePath(number)}/sms-delivery`, { delivery }));
  });
  return el;
}

function setHtml(el: HTMLElement, html: string): void {
  if (el.dataset.html !== html) {
    el.dataset.html = html;
    el.innerHTML = html;
  }
}

export function updatePhoneTexts(el: HTMLElement, p: PhoneView, accountNumbers: string[]): void {
  const q = <T extends HTMLElement>(sel: string) => el.querySelector(sel) as T;
  q('.count').textContent = p.messages.length ? `(${p.messages.length})` : '';
  const to = q<HTMLInputElement>('.sms-to');
  if (!to.value && document.activeElement !== to && accountNumbers[0]) to.value = accountNumbers[0];
  const delivery = q<HTMLSelectElement>('.sms-delivery');
  if (document.activeElement !== delivery) delivery.value = p.sms.delivery;
  q('.opted-out').textContent = p.optedOutOf.length ? `Opted out (STOP) of ${p.optedOutOf.join(', ')}: texts from there are refused with 21610 until START.` : '';
  setHtml(q('.inbox'), p.messages.slice(-10).reverse().map((m) => {
    const received = m.direction === 'received';
    return `<li data-sid="${esc(m.sid)}">${received ? '⬇ from' : '⬆ to'} ${esc(received ? m.from : m.to)}: <span class="body">${esc(m.body)}</span>
      ${statusHtml(m.status, m.errorCode)} ${mediaHtml(m.media, received ? m.from : p.number)}</li>`;
  }).join(''));
}

export function renderMessages(el: HTMLElement, messages: MessageView[]): void {
  setHtml(el, messages.length
    ? `<table><thead><tr><th>When</th><th>From</th><th>To</th><th>Text</th><th>Media</th><th>Segments</th><th>Status</th></tr></thead><tbody>${messages.map((m) => `
      <tr data-sid="${esc(m.sid)}"><td>${new Date(m.at).toLocaleTimeString()}</td><td>${esc(m.from ?? '(choosing)')}</td><td>${esc(m.to)}</td><td>${esc(m.body)}</td>
      <td>${mediaHtml(m.media, m.from ?? '')}</td><td>${m.numSegments} (${esc(m.encoding)})</td>
      <td>${statusHtml(m.status, m.errorCode)}${m.errorMessage ? ` <span class="muted">${esc(m.errorMessage)}</span>` : ''}</td></tr>`).join('')}</tbody></table>`
    : '<p class="muted">No messages yet.</p>');
}
