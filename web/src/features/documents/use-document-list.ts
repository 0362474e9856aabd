import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/api-error';
import { documentsApi } from '../../api/documents.api';
import type { DocumentItem, DocumentPage, DocumentQuery } from '../../api/types';
import { queryOf, viewOf } from './list-view';

const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 15_000;
const BACKOFF = 1.6;
/** Give up polling when nothing has changed for this long (a stuck worker); focus resumes it. */
const POLL_PATIENCE_MS = 5 * 60_000;

/**
 * A list asked for ahead of the render that shows it (a click on a page number, a sort, the
 * app's start): that render takes the request already in flight instead of making its own.
 * Only the latest is kept, and only for a few seconds.
 */
let ahead: { key: string; at: number; page: Promise<DocumentPage> } | null = null;
const AHEAD_MS = 5_000;

export function prefetchDocumentList(query: DocumentQuery): void {
  const page = documentsApi.list(query);
  page.catch(() => {}); // the render that takes it handles the error
  ahead = { key: JSON.stringify(query), at: Date.now(), page };
}

/** When the address is the documents list, its page is asked for now (the app is starting). */
export function prefetchListAt(location: { pathname: string; search: string }): void {
  if (location.pathname === '/') prefetchDocumentList(queryOf(viewOf(new URLSearchParams(location.search))));
}

function takeAhead(key: string): Promise<DocumentPage> | null {
  const a = ahead;
  ahead = null;
  return a && a.key === key && Date.now() - a.at < AHEAD_MS ? a.page : null;
}

interface ListState {
  page: DocumentPage | null;
  error: string | null;
  loading: boolean;
}

/**
 * One page of documents for a query. Keeps showing the last page while the next loads,
 * and while `needsPolling(items)` says something is still settling, fetches again with
 * backoff (1 s, 1.6 s, 2.6 s … 15 s) until it is not.
 */
export function useDocumentList(
  query: DocumentQuery,
  opts: { refreshKey: number; needsPolling: (items: DocumentItem[]) => boolean },
) {
  const [state, setState] = useState<ListState>({ page: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const delay = useRef(FIRST_POLL_MS);
  const lastChange = useRef(Date.now());
  const lastFingerprint = useRef('');
  const key = JSON.stringify(query);

  const reload = useCallback(() => {
    delay.current = FIRST_POLL_MS;
    lastChange.current = Date.now();
    setTick((t) => t + 1);
  }, []);

  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    (takeAhead(key) ?? documentsApi.list(JSON.parse(key) as DocumentQuery, abort.signal))
      .then((page) => {
        if (abort.signal.aborted) return;
        const fingerprint = JSON.stringify(page.items.map((d) => [d.id, d.status, d.classified_at, d.topics.length]));
        if (fingerprint !== lastFingerprint.current) {
          lastFingerprint.current = fingerprint;
          lastChange.current = Date.now();
        }
        setState({ page, error: null, loading: false });
      })
      .catch((e: unknown) => {
        if ((e as Error).name === 'AbortError' || abort.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, error: e instanceof ApiError ? e.message : 'Could not load your documents.' }));
      });
    return () => abort.abort();
  }, [key, tick, opts.refreshKey]);

  // A new query or a new upload starts polling from the short delay again.
  useEffect(() => {
    delay.current = FIRST_POLL_MS;
    lastChange.current = Date.now();
  }, [key, opts.refreshKey]);

  const { needsPolling } = opts;
  useEffect(() => {
    const items = state.page?.items;
    if (state.loading || !items || !needsPolling(items)) {
      if (items && !needsPolling(items)) delay.current = FIRST_POLL_MS;
      return;
    }
    if (Date.now() - lastChange.current > POLL_PATIENCE_MS) return;
    const timer = setTimeout(() => {
      delay.current = Math.min(MAX_POLL_MS, delay.current * BACKOFF);
      setTick((t) => t + 1);
    }, delay.current);
    return () => clearTimeout(timer);
  }, [state, needsPolling]);

  useEffect(() => {
    const onFocus = () => reload();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [reload]);

  return { ...state, reload };
}
