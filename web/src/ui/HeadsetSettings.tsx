import { useEffect, useState } from 'react';
import type { HeadsetManager, HeadsetState } from '../core/headset-manager';
import { t } from '../i18n';
import { useAppServices, useStoreState } from './app-services';

const NONE: HeadsetState = { kind: 'none' };

function stateText(state: HeadsetState): string {
  switch (state.kind) {
    case 'none':
      return t('headset.none');
    case 'connecting':
      return t('headset.connecting');
    case 'connected':
      return t('headset.connected', { name: state.name });
    case 'notHeadset':
      return t('headset.notHeadset', { name: state.name });
    case 'failed':
      return t('headset.failed', { detail: state.detail });
  }
}

/** Audio settings' headset part: connect a headset's call buttons and lights through WebHID, or say why not. */
export function HeadsetSettings() {
  const { headset } = useAppServices();
  const [manager, setManager] = useState<HeadsetManager | null>(null);
  const state = useStoreState(manager ? { subscribe: manager.subscribe, getState: manager.getState } : null, NONE);

  useEffect(() => {
    if (!headset.supported) return;
    let live = true;
    headset.load().then(
      (m) => live && setManager(m),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [headset]);

  return (
    <section className="headset-settings" aria-labelledby="headset-heading">
      <h3 id="headset-heading">{t('headset.title')}</h3>
      {!headset.supported ? (
        <p className="hint">{t('headset.unsupported')}</p>
      ) : (
        <>
          <p className="hint">{t('headset.intro')}</p>
          <p role="status" data-testid="headset-state" data-state={state.kind}>
            {stateText(state)}
          </p>
          <div className="headset-actions">
            {state.kind === 'connected' ? (
              <button type="button" className="btn" onClick={() => void manager?.disconnect()}>
                {t('headset.disconnect')}
              </button>
            ) : (
              <button
                type="button"
                className="btn"
                disabled={state.kind === 'connecting'}
                // requestDevice needs this click's user activation; the code is usually loaded by now.
                onClick={() => void (manager ? manager.connect() : headset.load().then((m) => m.connect()))}
              >
                {t('headset.connect')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
