const KEYS: ReadonlyArray<[string, string]> = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

/** The twelve phone keys; each is a real button so it works with Tab, Enter and Space. */
export function Keypad({ onKey, label }: { onKey: (key: string) => void; label: string }) {
  return (
    <div className="keypad" role="group" aria-label={label}>
      {KEYS.map(([digit, letters]) => (
        <button key={digit} type="button" className="key" onClick={() => onKey(digit)} aria-label={digit}>
          <span className="key-digit">{digit}</span>
          <span className="key-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </div>
  );
}

export const DIAL_KEYS = new Set(KEYS.map(([d]) => d));
