/**
 * The console's recordings (what <Record> kept: caller, call, length, status, a player, Delete) and
 * each phone's "Leave a message" form. Recordings are updated in place by RecordingSid, so a player
 * that is playing is never rebuilt by the next poll.
 */
import type { CallSidResult, LeaveMessage, RecordingView } from '../../contracts/emulator';

type Call = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
type Act = (label: string, fn: () => Promise<unknown>) => Promise<void>;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function seconds(r: RecordingView): string {
  if (r.durationMs === null) return 'recording…';
  return `${(r.durationMs / 1000).toFixed(1)} s`;
}

function status(r: RecordingView): string {
  if (r.status !== 'absent') return r.status;
  return `absent (${r.errorCode === 16101 ? 'too short' : 'silent'}, ${r.errorCode})`;
}

function recordingItem(r: RecordingView, call: Call, act: Act): HTMLElement {
  const item = document.createElement('div');
  item.className = 'call recording';
  item.dataset.sid = r.sid;
  item.setAttribute('role', 'group');
  item.setAttribute('aria-label', `Recording from ${r.from}`);
  item.innerHTML = `<div class="row"><b class="who"></b><span class="state" data-testid="recording-status"></span>
      <span class="muted info"></span></div>
    <div class="row player"></div>
    <button type="button" class="hangup do-delete-recording">Delete</button>`;
  item.querySelector('.do-delete-recording')!.addEventListener('click', () => {
    void act('Delete recording', () => call('DELETE', `/recordings/${encodeURIComponent(r.sid)}`));
  });
  return item;
}

function updateRecording(item: HTMLElement, r: RecordingView): void {
  const q = <T extends HTMLElement>(sel: string) => item.querySelector(sel) as T;
  q('.who').textContent = `${r.from} → ${r.to}`;
  const st = q('.state');
  st.textContent = status(r);
  st.className = `state ${r.status === 'completed' ? 'in-call' : r.status === 'in-progress' ? 'ringing' : ''}`;
  q('.info').textContent = `${new Date(r.startTime).toLocaleTimeString()} · ${seconds(r)} · call ${r.callSid} · ${r.sid}`;
  const player = q('.player');
  // The player appears once there is audio, and is then left alone (it may be playing).
  if (r.audioUrl && !player.querySelector('audio')) {
    const audio = document.createElement('audio');
    audio.controls = true;
    audio.preload = 'metadata';
    audio.src = r.audioUrl;
    audio.setAttribute('aria-label', `Play the recording from ${r.from}`);
    player.appendChild(audio);
  }
  if (!r.audioUrl) player.textContent = r.status === 'in-progress' ? 'Recording…' : 'No audio kept.';
}

export function renderRecordings(box: HTMLElement, list: RecordingView[], call: Call, act: Act): void {
  const empty = box.querySelector<HTMLElement>(':scope > p.muted') ?? box.appendChild(document.createElement('p'));
  empty.className = 'muted';
  empty.textContent = 'No recordings yet. A <Record> in your TwiML, or a phone that leaves a message, makes one.';
  empty.hidden = list.length > 0;
  const items = new Map([...box.querySelectorAll<HTMLElement>(':scope > .recording')].map((el) => [el.dataset.sid!, el]));
  let before: Element | null = box.firstElementChild === empty ? empty.nextElementSibling : box.firstElementChild;
  for (const r of list) {
    let item = items.get(r.sid);
    items.delete(r.sid);
    if (!item) item = recordingItem(r, call, act);
    if (item !== before) box.insertBefore(item, before);
    before = item.nextElementSibling;
    updateRecording(item, r);
  }
  for (const stale of items.values()) stale.remove();
}

/** "Leave a message" on a phone card: call a number and speak for a while once the beep has gone. */
export function leaveMessageForm(number: string, call: Call, act: Act): HTMLElement {
  const box = document.createElement('details');
  box.className = 'leave-message';
  box.innerHTML = `<summary>Leave a message</summary>
    <form class="row">
      <label>Message to <input class="lm-to" name="to" list="targets" size="14" required></label>
      <label>Seconds <input class="lm-seconds" name="seconds" type="number" min="0.1" max="600" step="0.1" value="3" required></label>
      <label>Sound <select class="lm-sound" name="sound"><option value="tone">tone</option><option value="speech">speech</option></select></label>
      <label>Hz <input class="lm-hz" name="toneHz" type="number" min="50" max="4000" placeholder="440" size="5"></label>
      <label>Then <select class="lm-end" name="end"><option value="hash">press #</option><option value="hangup">hang up</option></select></label>
      <button type="submit" class="do-leave">Leave message</button>
    </form>`;
  box.querySelector('form')!.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const q = <T extends HTMLInputElement | HTMLSelectElement>(sel: string) => box.querySelector(sel) as T;
    const hz = q<HTMLInputElement>('.lm-hz').value;
    const body: LeaveMessage = {
      to: q<HTMLInputElement>('.lm-to').value.trim(),
      seconds: Number(q<HTMLInputElement>('.lm-seconds').value),
      sound: q<HTMLSelectElement>('.lm-sound').value as NonNullable<LeaveMessage['sound']>,
      end: q<HTMLSelectElement>('.lm-end').value as NonNullable<LeaveMessage['end']>,
      ...(hz ? { toneHz: Number(hz) } : {}),
    };
    void act(`Message from ${number}`, () => call<CallSidResult>('POST', `/phones/${encodeURIComponent(number)}/leave-message`, body));
  });
  return box;
}
