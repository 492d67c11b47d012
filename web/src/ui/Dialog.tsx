import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

interface DialogProps {
  title: ReactNode;
  /** Escape (and nothing else) calls this; omit for dialogs that must not be dismissed. */
  onClose?: () => void;
  /** Element to focus first; defaults to the first focusable element. `panel` focuses the dialog itself. */
  initialFocus?: RefObject<HTMLElement | null> | 'panel';
  describedBy?: string;
  className?: string;
  /** Incoming calls announce themselves as an alert dialog. */
  role?: 'dialog' | 'alertdialog';
  children: ReactNode;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

// Open dialogs, newest last: only the newest is interactive, everything else is inert.
const stack: HTMLElement[] = [];

function applyInert(): void {
  const top = stack[stack.length - 1];
  for (const child of Array.from(document.body.children)) {
    if (!(child instanceof HTMLElement)) continue;
    const inert = !!top && child !== top;
    child.inert = inert;
    if (inert) child.setAttribute('aria-hidden', 'true');
    else child.removeAttribute('aria-hidden');
  }
}

/** A modal dialog: labelled, focus kept inside and given back on close, Escape closes when allowed. */
export function Dialog({ title, onClose, initialFocus, describedBy, className, role = 'dialog', children }: DialogProps) {
  const titleId = useId();
  const containerRef = useRef<HTMLDivElement | null>(null);
  const panelRef = useRef<HTMLDivElement | null>(null);
  if (containerRef.current === null && typeof document !== 'undefined') {
    containerRef.current = document.createElement('div');
    containerRef.current.className = 'dialog-layer';
  }
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const container = containerRef.current!;
    const previouslyFocused = document.activeElement as HTMLElement | null;
    document.body.appendChild(container);
    stack.push(container);
    applyInert();
    const target =
      initialFocus === 'panel'
        ? panelRef.current
        : (initialFocus?.current ?? panelRef.current?.querySelector<HTMLElement>(FOCUSABLE) ?? panelRef.current);
    target?.focus();
    return () => {
      stack.splice(stack.indexOf(container), 1);
      container.remove();
      applyInert();
      const next = stack[stack.length - 1];
      if (next) next.querySelector<HTMLElement>(FOCUSABLE)?.focus();
      else if (previouslyFocused && previouslyFocused.isConnected) previouslyFocused.focus();
    };
    // Mount/unmount only: focus is placed once when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  function onKeyDown(event: React.KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' && onCloseRef.current) {
      event.stopPropagation();
      onCloseRef.current();
      return;
    }
    if (event.key !== 'Tab' || !panelRef.current) return;
    const focusables = Array.from(panelRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusables.length === 0) {
      event.preventDefault();
      return;
    }
    const first = focusables[0]!;
    const last = focusables[focusables.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return createPortal(
    <div className="dialog-backdrop">
      <div
        ref={panelRef}
        className={`dialog ${className ?? ''}`}
        role={role}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={describedBy}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="dialog-title">
          {title}
        </h2>
        {children}
      </div>
    </div>,
    containerRef.current!,
  );
}
