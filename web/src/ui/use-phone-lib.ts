import { useEffect, useState } from 'react';
import { describePeer, type PeerDisplay } from '../core/dial-target';
import { loadPhoneLib, phoneLibIfLoaded, type PhoneLib } from '../core/phone-lib';
import type { AppConfig } from '../core/types';

/**
 * The phone-number library, or null while its chunk is still loading (triggers the load unless `load` is
 * false: what is on screen before the phone is registered must not pull the chunk into the first load).
 */
export function usePhoneLib(load = true): PhoneLib | null {
  const [lib, setLib] = useState<PhoneLib | null>(phoneLibIfLoaded);
  useEffect(() => {
    if (lib || !load) return;
    let live = true;
    loadPhoneLib().then(
      (loaded) => live && setLib(loaded),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [lib, load]);
  return lib;
}

export function defaultCountryOf(config: AppConfig | null): string {
  return config?.defaultCountry || 'US';
}

/** Caller ID as a person reads it: colleague name, or the number formatted for its country. */
export function usePeer(peer: string, config: AppConfig | null, load = true): PeerDisplay {
  const lib = usePhoneLib(load);
  return describePeer(peer, defaultCountryOf(config), lib);
}

export function peerText(display: PeerDisplay): string {
  return display.kind === 'colleague' ? display.name : display.text;
}
