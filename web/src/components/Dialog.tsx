import { useEffect, useId, useRef, type ReactNode } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native <dialog> element: the page behind is inert, Tab and
 * Shift+Tab cycle inside, Esc closes, and focus goes back where it was (or to
 * `fallbackFocus` when that element is gone, e.g. the row that was just deleted).
 * Render it only while open.
 */
export function Dialog(props: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  description?: ReactNode;
  size?: 'small' | 'medium';
  fallbackFocus?: () => HTMLElement | null;
  /** A CSS selector inside the dialog to focus first; default: the first field or button. */
  initialFocus?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const onCloseRef = useRef(props.onClose);
  onCloseRef.current = props.onClose;
  const fallbackRef = useRef(props.fallbackFocus);
  fallbackRef.current = props.fallbackFocus;

  useEffect(() => {
    const dialog = ref.current!;
    const returnTo = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const first =
      (props.initialFocus ? dialog.querySelector<HTMLElement>(props.initialFocus) : null) ??
      dialog.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), select, textarea') ??
      dialog.querySelector<HTMLElement>('.dialog-body ' + FOCUSABLE) ??
      dialog.querySelector<HTMLElement>(FOCUSABLE);
    first?.focus();

    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key !== 'Tab') return;
      const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.offsetParent !== null);
      if (items.length === 0) return;
      const firstItem = items[0]!;
      const lastItem = items[items.length - 1]!;
      if (e.shiftKey && (document.activeElement === firstItem || !dialog.contains(document.activeElement))) {
        e.preventDefault();
        lastItem.focus();
      } else if (!e.shiftKey && (document.activeElement === lastItem || !dialog.contains(document.activeElement))) {
        e.preventDefault();
        firstItem.focus();
      }
    };
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('keydown', onKeyDown);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('keydown', onKeyDown);
      if (dialog.open) dialog.close();
      const target = returnTo && returnTo.isConnected && returnTo !== document.body ? returnTo : fallbackRef.current?.();
      // After React has removed the dialog, so the focus lands on a live element.
      queueMicrotask(() => target?.focus());
    };
    // Mount-only on purpose: a dialog is rendered only while open.
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${props.size ?? 'small'}`}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descriptionId : undefined}
      onMouseDown={(e) => {
        // A press on the backdrop (the dialog element itself, outside its content box) closes.
        if (e.target === ref.current) props.onClose();
      }}
    >
      <div className="dialog-content">
        <header className="dialog-header">
          <h2 id={titleId}>{props.title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={props.onClose}>
            <svg
              width="18"
              height="18"
              viewBox="0 0 24 24"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.8"
              strokeLinecap="round"
              aria-hidden="true"
            >
              <path d="M6 6l12 12M18 6L6 18" />
            </svg>
          </button>
        </header>
        {props.description ? (
          <div id={descriptionId} className="dialog-description">
            {props.description}
          </div>
        ) : null}
        <div className="dialog-body">{props.children}</div>
      </div>
    </dialog>
  );
}
