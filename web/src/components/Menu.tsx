import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface MenuItem {
  label: string;
  onSelect: () => void;
  icon?: ReactNode;
  tone?: 'danger';
  disabled?: boolean;
}

/**
 * A menu button (WAI-ARIA menu pattern): Enter, Space or ArrowDown opens it on the first
 * item, arrows/Home/End move, Enter picks, Esc or Tab closes; focus returns to the button
 * before the chosen action runs, so a dialog it opens gives focus back to the button.
 */
export function Menu(props: { label: string; items: MenuItem[]; children: ReactNode; className?: string }) {
  const [open, setOpen] = useState(false);
  const [above, setAbove] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();
  const focusIndex = useRef(0);

  const items = () => [
    ...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([aria-disabled="true"])') ?? []),
  ];
  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  useLayoutEffect(() => {
    if (!open) return;
    const rect = buttonRef.current!.getBoundingClientRect();
    const height = menuRef.current!.offsetHeight;
    setAbove(rect.bottom + height + 8 > window.innerHeight && rect.top - height - 8 > 0);
    const list = items();
    list[Math.min(focusIndex.current, list.length - 1)]?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menuRef.current?.contains(t) && !buttonRef.current?.contains(t)) close(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const openAt = (index: number) => {
    focusIndex.current = index;
    setOpen(true);
  };

  return (
    <div className={`menu ${props.className ?? ''}`}>
      <button
        ref={buttonRef}
        type="button"
        className="icon-button"
        aria-label={props.label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close() : openAt(0))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            openAt(0);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            openAt(props.items.length - 1);
          }
        }}
      >
        {props.children}
      </button>
      {open ? (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={props.label}
          className={`menu-list ${above ? 'menu-above' : ''}`}
          onKeyDown={(e) => {
            const list = items();
            const at = list.indexOf(document.activeElement as HTMLElement);
            const move = (i: number) => list[(i + list.length) % list.length]?.focus();
            if (e.key === 'ArrowDown') move(at + 1);
            else if (e.key === 'ArrowUp') move(at - 1);
            else if (e.key === 'Home') move(0);
            else if (e.key === 'End') move(list.length - 1);
            else if (e.key === 'Escape') close();
            else if (e.key === 'Tab') close(false);
            else return;
            if (e.key !== 'Tab') e.preventDefault();
          }}
        >
          {props.items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              aria-disabled={item.disabled || undefined}
              className={`menu-item ${item.tone === 'danger' ? 'menu-item-danger' : ''}`}
              onClick={() => {
                if (item.disabled) return;
                close();
                item.onSelect();
              }}
            >
              {item.icon}
              <span>{item.label}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
