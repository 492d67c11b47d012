import { useEffect, useState } from 'react';
import { describePeer, type PeerDisplay } from '../core/dial-target';
import { loadPhoneLib, phoneLibIfLoaded, type PhoneLib } from '../core/phone-lib';
import type { AppConfig } from '../core/types';

/** The phone-number library, or null while its chunk is still loading (triggers the load). */
export function usePhoneLib(): PhoneLib | null {
  const [lib, setLib] = useState<PhoneLib | null>(phoneLibIfLoaded);
  useEffect(() => {
    if (lib) return;
    let live = true;
    loadPhoneLib().then(
      (loaded) => live && setLib(loaded),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [lib]);
  return lib;
}

export function defaultCountryOf(config: AppConfig | null): string {
  return config?.defaultCountry || 'US';
}

/** Caller ID as a person reads it: colleague name, or the number formatted for its country. */
export function usePeer(peer: string, config: AppConfig | null): PeerDisplay {
  const lib = usePhoneLib();
  return describePeer(peer, defaultCountryOf(config), lib);
}

export function peerText(display: PeerDisplay): string {
  return display.kind === 'colleague' ? display.name : display.text;
}
