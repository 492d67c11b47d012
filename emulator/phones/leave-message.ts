/**
 * A simulated phone leaves a message, as a person would: it calls, waits for the beep (a <Record>
 * starting on its call), speaks for a while (a tone, or a speech-like sound), then presses # or hangs
 * up. A call on which nothing starts recording goes on as its TwiML says, and the phone stays silent.
 */
import type { LeaveMessage } from '../../contracts/emulator/recordings';
import type { Call } from '../calls/call';
import { EmulatorError } from '../errors';
import { ToneSource } from '../media/sources';
import type { Recording, RecordingStore } from '../recordings/store';
import type { PhoneNetwork } from './network';
import type { PhoneOperator } from './operator';
import { DEFAULT_TONE_HZ } from './phone';
import { endlessSpeech, TimedVoice } from './voice';

export interface LeaveMessageDeps {
  phones: Pick<PhoneNetwork, 'require'>;
  operator: Pick<PhoneOperator, 'phoneCall' | 'pressKeys' | 'hangup'>;
  recordings: Pick<RecordingStore, 'on' | 'off'>;
}

export function leaveMessage(deps: LeaveMessageDeps, number: string, request: LeaveMessage): Call {
  const phone = deps.phones.require(number);
  if (phone.consoleLeg) {
    throw new EmulatorError(409, `${phone.spec.name} is operated from the console: call and speak into the microphone instead`);
  }
  const behaviour = phone.spec.behaviour;
  const toneHz = request.toneHz ?? (behaviour.kind === 'answer' ? behaviour.toneHz : undefined) ?? DEFAULT_TONE_HZ;
  const call = deps.operator.phoneCall(number, request.to);
  const onCall = () => phone.callSid === call.sid && !call.isOver;

  const end = (): void => {
    if (!onCall()) return;
    if ((request.end ?? 'hash') === 'hash') {
      call.log('info', `${phone.spec.name} presses # after its message`);
      deps.operator.pressKeys(phone, '#');
    } else {
      call.log('info', `${phone.spec.name} hangs up after its message`);
      void deps.operator.hangup(phone).catch(() => undefined);
    }
  };
  const onStarted = (recording: Recording): void => {
    if (recording.callSid !== call.sid || !onCall()) return;
    stopWaiting();
    const sound = request.sound ?? 'tone';
    call.log('info', `${phone.spec.name} leaves a ${request.seconds} s message (${sound === 'tone' ? `${toneHz} Hz tone` : 'speech'})`);
    const voice = sound === 'tone' ? new ToneSource({ frequencies: [toneHz] }) : endlessSpeech();
    // The end comes from the audio itself: once the last 20 ms frame has been said, not by a timer.
    phone.sayNow(new TimedVoice(voice, request.seconds * 1000, () => queueMicrotask(end)));
  };
  const stopWaiting = (): void => {
    deps.recordings.off('started', onStarted);
  };
  deps.recordings.on('started', onStarted);
  void call.ended.then(stopWaiting);
  return call;
}
