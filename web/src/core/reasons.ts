/** Why something failed, as a code the UI turns into words (and advice) in the chosen language. */
export type Reason =
  | 'busy'
  | 'noAnswer'
  | 'declined'
  | 'notFound'
  | 'notAllowed'
  | 'micBlocked'
  | 'micUnavailable'
  | 'network'
  | 'tokenInvalid'
  | 'sessionExpired'
  | 'unsupported'
  | 'unknown';

const BY_CODE: ReadonlyArray<[number, Reason]> = [
  [31486, 'busy'],
  [31480, 'noAnswer'],
  [31603, 'declined'],
  [31404, 'notFound'],
  [31403, 'notAllowed'],
  [21215, 'notAllowed'],
  [31401, 'micBlocked'],
  [31208, 'micBlocked'],
  [31402, 'micUnavailable'],
  [20101, 'tokenInvalid'],
  [20104, 'tokenInvalid'],
  [31204, 'tokenInvalid'],
  [31205, 'tokenInvalid'],
  [31005, 'network'],
  [31009, 'network'],
  [53405, 'network'],
  [31003, 'network'],
];

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  originalError?: { code?: unknown } | unknown;
}

function codeOf(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as ErrorLike;
  // Without precise signaling errors the SDK wraps the gateway's code in a generic 31005.
  const inner = e.originalError as { code?: unknown } | undefined;
  if (e.code === 31005 && inner && typeof inner.code === 'number') return inner.code;
  return typeof e.code === 'number' ? e.code : undefined;
}

/** Maps an SDK TwilioError (or a DOMException from getUserMedia) to a reason. */
export function reasonFromError(error: unknown): Reason {
  const code = codeOf(error);
  if (code !== undefined) {
    const hit = BY_CODE.find(([c]) => c === code);
    if (hit) return hit[1];
  }
  const name = error && typeof error === 'object' ? (error as ErrorLike).name : undefined;
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'micBlocked';
  if (name === 'NotFoundError' || name === 'NotReadableError' || name === 'OverconstrainedError') return 'micUnavailable';
  return 'unknown';
}

/** Token errors the Device recovers from with a fresh token rather than a stop. */
export function isTokenExpiry(error: unknown): boolean {
  const code = codeOf(error);
  return code === 20104 || code === 31205;
}

export function isTokenInvalid(error: unknown): boolean {
  const code = codeOf(error);
  return code === 20101 || code === 31204;
}

export function errorCode(error: unknown): number | undefined {
  return codeOf(error);
}

/** One line for the device log: the error's message plus the SDK's explanation when it says more. */
export function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown; explanation?: unknown };
    const message = typeof e.message === 'string' ? e.message : '';
    const explanation = typeof e.explanation === 'string' && e.explanation !== message ? ` (${e.explanation})` : '';
    return `${message}${explanation}` || String(error);
  }
  return String(error);
}

/** The sentence an error carries, for a person (our server's errors are written for one). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
