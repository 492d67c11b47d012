/**
 * libphonenumber-js with the small ("min") metadata, fetched on first use so it stays out of the
 * first-load bundle. The UI asks for it when a dial pad opens or a call arrives.
 */
export type PhoneLib = typeof import('libphonenumber-js/min');

let loaded: PhoneLib | null = null;
let loading: Promise<PhoneLib> | null = null;

export function loadPhoneLib(): Promise<PhoneLib> {
  loading ??= import('libphonenumber-js/min').then((lib) => (loaded = lib));
  return loading;
}

export function phoneLibIfLoaded(): PhoneLib | null {
  return loaded;
}
