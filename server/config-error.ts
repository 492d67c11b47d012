/** The one-line start-up error that names the variable, and how values are quoted back in it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    expected: string,
  ) {
    super(`${variable}: ${expected}`);
    this.name = 'ConfigError';
  }
}

/** A value as an error may quote it: printable ASCII only, at most 60 characters. */
export function printable(raw: string): string {
  return raw.replace(/[^\x20-\x7e]/g, '?').slice(0, 60);
}
