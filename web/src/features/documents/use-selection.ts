import { useCallback, useState } from 'react';

export interface Selection {
  ids: Set<string>;
  /** Every document matching the filter (not only this page) is selected. */
  allMatching: boolean;
}

/**
 * The list's selection model: ticked ids, a shift-click range from the last ticked row, and
 * "all matching the filter" (resolved to ids only when an action runs). A new query clears it.
 */
export function useSelection(pageIds: string[]) {
  const [sel, setSel] = useState<Selection>({ ids: new Set(), allMatching: false });
  const [anchor, setAnchor] = useState<string | null>(null);

  const toggle = useCallback(
    (id: string, opts: { range?: boolean } = {}) => {
      setSel((s) => {
        const ids = new Set(s.ids);
        const on = !ids.has(id);
        const from = anchor ? pageIds.indexOf(anchor) : -1;
        const to = pageIds.indexOf(id);
        if (opts.range && from >= 0 && to >= 0) {
          const [a, b] = from < to ? [from, to] : [to, from];
          for (const x of pageIds.slice(a, b + 1)) {
            if (on) ids.add(x);
            else ids.delete(x);
          }
        } else if (on) ids.add(id);
        else ids.delete(id);
        return { ids, allMatching: false };
      });
      setAnchor(id);
    },
    [anchor, pageIds],
  );

  const setPage = useCallback(
    (on: boolean) =>
      setSel((s) => {
        const ids = new Set(s.ids);
        for (const id of pageIds) {
          if (on) ids.add(id);
          else ids.delete(id);
        }
        return { ids, allMatching: false };
      }),
    [pageIds],
  );

  const clear = useCallback(() => {
    setSel({ ids: new Set(), allMatching: false });
    setAnchor(null);
  }, []);
  const selectAllMatching = useCallback(() => setSel((s) => ({ ids: new Set([...s.ids, ...pageIds]), allMatching: true })), [pageIds]);

  const pageState: 'none' | 'some' | 'all' =
    pageIds.length > 0 && pageIds.every((id) => sel.ids.has(id)) ? 'all' : pageIds.some((id) => sel.ids.has(id)) ? 'some' : 'none';

  return { ...sel, toggle, setPage, clear, selectAllMatching, pageState };
}
