import { useEffect, useState } from 'react';
import type { AudioDeviceOption, PhoneSnapshot } from '../core/controller';
import type { AudioPrefs } from '../core/prefs';
import { t } from '../i18n';
import { Dialog } from './Dialog';
import { HeadsetSettings } from './HeadsetSettings';
import { Meter } from './Meter';
import { MyPhoneSettings } from './MyPhoneSettings';
import { usePhone } from './phone-context';

const selectAudioVersion = (s: PhoneSnapshot) => s.audioVersion;

function DeviceSelect({
  label,
  kind,
  options,
  value,
  onChange,
}: {
  label: string;
  kind: keyof AudioPrefs;
  options: AudioDeviceOption[];
  value: string;
  onChange: (kind: keyof AudioPrefs, id: string) => void;
}) {
  const listed = options.filter((o) => o.id !== 'default');
  return (
    <label className="field">
      <span>{label}</span>
      <select value={listed.some((o) => o.id === value) ? value : ''} onChange={(e) => onChange(kind, e.target.value)}>
        <option value="">{t('settings.default')}</option>
        {listed.map((o, i) => (
          <option key={o.id} value={o.id}>
            {o.label || t('settings.unnamed', { n: i + 1 })}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Microphone, speaker and ringtone for headsets; loaded only when opened. */
export default function AudioSettings({ onClose }: { onClose: () => void }) {
  const [audioVersion, phone] = usePhone(selectAudioVersion);
  const [micError, setMicError] = useState(false);
  const devices = phone.getAudioDevices();
  void audioVersion; // re-read the device lists whenever they change

  useEffect(() => {
    phone.startInputPreview().then(
      () => setMicError(false),
      () => setMicError(true),
    );
    return () => void phone.stopInputPreview();
  }, [phone]);

  const change = (kind: keyof AudioPrefs, id: string) => void phone.setAudioPref(kind, id);

  return (
    <Dialog title={t('settings.title')} onClose={onClose} className="settings-dialog">
      <DeviceSelect label={t('settings.microphone')} kind="input" options={devices.inputs} value={devices.prefs.input} onChange={change} />
      {micError ? <p className="field-error">{t('settings.micError')}</p> : <Meter channel="input" label={t('settings.level')} />}
      {devices.outputSelectionSupported ? (
        <>
          <DeviceSelect label={t('settings.speaker')} kind="speaker" options={devices.outputs} value={devices.prefs.speaker} onChange={change} />
          <DeviceSelect label={t('settings.ringtone')} kind="ringtone" options={devices.outputs} value={devices.prefs.ringtone} onChange={change} />
        </>
      ) : (
        <p className="hint">{t('settings.noOutputSelection')}</p>
      )}
      <HeadsetSettings />
      <MyPhoneSettings />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={() => void phone.testSpeaker()}>
          {t('settings.test')}
        </button>
        <button type="button" className="btn btn-primary" onClick={onClose}>
          {t('settings.close')}
        </button>
      </div>
    </Dialog>
  );
}
