import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { documentsApi } from '../../api/documents.api';
import { multipartThreshold, uploadParts } from '../../api/upload-parts';
import { putFile, TransferError, type Transfer } from '../../api/upload-transfer';
import { useQuota } from '../quota/quota-context';
import { isQuotaExceeded, noRoomMessage, uploadFailureMessage } from './upload-messages';

export type UploadStep = 'queued' | 'preparing' | 'uploading' | 'confirming' | 'done' | 'failed' | 'cancelled';

export interface UploadItem {
  id: number;
  name: string;
  size: number;
  step: UploadStep;
  /** Bytes sent while uploading. */
  loaded: number;
  error: string | null;
  /** The pending document this upload created, until it is confirmed or given up. */
  documentId: string | null;
  /** A part failed (connection lost?) and is sent again at this time (ms since epoch). */
  retryAt: number | null;
}

interface Runtime {
  file: File;
  cancelled: boolean;
  abort?: AbortController;
  transfer?: Transfer;
  /** A pending document this run created and has not confirmed: ours to delete on failure. */
  pendingDocumentId?: string;
  /** A multipart upload kept across failures, so Retry resumes it; deleted on cancel. */
  multipart?: { documentId: string; partSize: number; partCount: number };
  /** Abort functions of the part PUTs in flight. */
  parts?: Set<() => void>;
}

interface UploadValue {
  items: UploadItem[];
  /** Increments whenever an upload is confirmed: lists refetch on it. */
  confirmedCount: number;
  add(files: File[]): void;
  cancel(id: number): void;
  retry(id: number): void;
  dismiss(id: number): void;
  clearFinished(): void;
}

export const MAX_PARALLEL_UPLOADS = 3;
const ACTIVE: UploadStep[] = ['preparing', 'uploading', 'confirming'];
const FINISHED: UploadStep[] = ['done', 'failed', 'cancelled'];

const UploadContext = createContext<UploadValue | null>(null);

/**
 * The upload queue, above the pages so uploads carry on while the person browses:
 * at most three files move at once, each through upload-url (with its size, so a file
 * that cannot fit is refused before any byte is sent) → PUT with progress → confirm.
 * Files above the server's multipart threshold (64 MiB unless configured) go in parts
 * (upload-parts.ts), retried with backoff and resumable after a failure.
 */
export function UploadProvider({ children }: { children: ReactNode }) {
  const { setUsed, setQuota } = useQuota();
  const [items, setItems] = useState<UploadItem[]>([]);
  const [confirmedCount, setConfirmedCount] = useState(0);
  const runtimes = useRef(new Map<number, Runtime>());
  const waiting = useRef<number[]>([]);
  const active = useRef(0);
  const nextId = useRef(1);

  const update = useCallback((id: number, patch: Partial<UploadItem>) => {
    setItems((list) => list.map((item) => (item.id === id ? { ...item, ...patch } : item)));
  }, []);

  /**
   * A large file in parts, four at a time, resumable: a failure keeps the pending upload so
   * Retry picks up from the parts already stored; Cancel aborts it (DELETE releases the
   * reservation and drops the parts).
   */
  const runMultipart = useCallback(
    async (id: number, rt: Runtime, contentType: string) => {
      const { file } = rt;
      let step: 'preparing' | 'uploading' | 'confirming' = 'preparing';
      rt.parts = new Set();
      try {
        if (!rt.multipart) {
          const t = await documentsApi.startMultipart(
            { filename: file.name, content_type: contentType, size_bytes: file.size },
            rt.abort!.signal,
          );
          rt.multipart = { documentId: t.document_id, partSize: t.part_size, partCount: t.part_count };
        }
        const mp = rt.multipart;
        if (rt.cancelled) throw new TransferError('aborted', 0, 'Cancelled');
        step = 'uploading';
        update(id, { step, documentId: mp.documentId });
        const parts = await uploadParts({
          documentId: mp.documentId,
          file,
          partSize: mp.partSize,
          partCount: mp.partCount,
          signal: rt.abort!.signal,
          onProgress: (loaded) => update(id, { loaded }),
          onRetry: (waitMs) => update(id, { retryAt: waitMs === null ? null : Date.now() + waitMs }),
          track: (abort) => {
            rt.parts!.add(abort);
            return () => rt.parts!.delete(abort);
          },
        });
        if (rt.cancelled) throw new TransferError('aborted', 0, 'Cancelled');
        step = 'confirming';
        update(id, { step, loaded: file.size, retryAt: null });
        const confirmed = await documentsApi.confirm(mp.documentId, undefined, parts);
        rt.multipart = undefined;
        setUsed(confirmed.used_bytes);
        update(id, { step: 'done', documentId: null });
        setConfirmedCount((n) => n + 1);
      } catch (e) {
        const cancelled =
          rt.cancelled || (e instanceof TransferError && e.kind === 'aborted') || (e as Error).name === 'AbortError';
        if (cancelled || isQuotaExceeded(e)) {
          if (rt.multipart) void documentsApi.remove(rt.multipart.documentId).catch(() => {});
          rt.multipart = undefined;
          update(id, { documentId: null });
        }
        if (cancelled) update(id, { step: 'cancelled', error: null });
        else if (isQuotaExceeded(e)) {
          setQuota({
            used_bytes: e.detail.used_bytes,
            limit_bytes: e.detail.limit_bytes,
            reserved_bytes: e.detail.reserved_bytes ?? 0,
          });
          update(id, { step: 'failed', error: noRoomMessage(file, e.detail) });
        } else update(id, { step: 'failed', error: uploadFailureMessage(e, step) });
      } finally {
        rt.parts = undefined;
        rt.abort = undefined;
        update(id, { retryAt: null });
      }
    },
    [update, setUsed, setQuota],
  );

  const run = useCallback(
    async (id: number) => {
      const rt = runtimes.current.get(id);
      if (!rt) return;
      const { file } = rt;
      const contentType = file.type || 'application/octet-stream';
      let step: 'preparing' | 'uploading' | 'confirming' = 'preparing';
      rt.abort = new AbortController();
      update(id, { step, loaded: 0, error: null });
      if (file.size > (await multipartThreshold())) {
        await runMultipart(id, rt, contentType);
        return;
      }
      try {
        const ticket = await documentsApi.uploadUrl(
          { filename: file.name, content_type: contentType, size_bytes: file.size },
          rt.abort.signal,
        );
        rt.pendingDocumentId = ticket.document_id;
        if (rt.cancelled) throw new TransferError('aborted', 0, 'Cancelled');

        step = 'uploading';
        update(id, { step, loaded: 0, documentId: ticket.document_id });
        rt.transfer = putFile({
          url: ticket.upload_url,
          file,
          headers: ticket.upload_headers,
          onProgress: (loaded) => update(id, { loaded }),
        });
        await rt.transfer.done;
        rt.transfer = undefined;
        if (rt.cancelled) throw new TransferError('aborted', 0, 'Cancelled');

        step = 'confirming';
        update(id, { step, loaded: file.size });
        const confirmed = await documentsApi.confirm(ticket.document_id);
        rt.pendingDocumentId = undefined;
        setUsed(confirmed.used_bytes);
        update(id, { step: 'done', documentId: null });
        setConfirmedCount((n) => n + 1);
      } catch (e) {
        const pending = rt.pendingDocumentId;
        rt.pendingDocumentId = undefined;
        update(id, { documentId: null });
        // Best effort: the abandoned-upload sweep removes it otherwise.
        if (pending) void documentsApi.remove(pending).catch(() => {});
        if (rt.cancelled || (e instanceof TransferError && e.kind === 'aborted') || (e as Error).name === 'AbortError') {
          update(id, { step: 'cancelled', error: null });
        } else if (isQuotaExceeded(e)) {
          setQuota({
            used_bytes: e.detail.used_bytes,
            limit_bytes: e.detail.limit_bytes,
            reserved_bytes: e.detail.reserved_bytes ?? 0,
          });
          update(id, { step: 'failed', error: noRoomMessage(file, e.detail) });
        } else {
          update(id, { step: 'failed', error: uploadFailureMessage(e, step) });
        }
      } finally {
        rt.transfer = undefined;
        rt.abort = undefined;
      }
    },
    [update, setUsed, setQuota, runMultipart],
  );

  const pump = useCallback(() => {
    while (active.current < MAX_PARALLEL_UPLOADS && waiting.current.length > 0) {
      const id = waiting.current.shift()!;
      active.current++;
      void run(id).finally(() => {
        active.current--;
        pump();
      });
    }
  }, [run]);

  const enqueue = useCallback(
    (id: number) => {
      waiting.current.push(id);
      pump();
    },
    [pump],
  );

  const add = useCallback(
    (files: File[]) => {
      const fresh: UploadItem[] = files.map((file) => {
        const id = nextId.current++;
        runtimes.current.set(id, { file, cancelled: false });
        return { id, name: file.name, size: file.size, step: 'queued', loaded: 0, error: null, documentId: null, retryAt: null };
      });
      setItems((list) => [...list, ...fresh]);
      // After the rows exist, so "preparing" is a change a person (and a test) can see.
      queueMicrotask(() => fresh.forEach((item) => enqueue(item.id)));
    },
    [enqueue],
  );

  const cancel = useCallback(
    (id: number) => {
      const rt = runtimes.current.get(id);
      if (!rt) return;
      const queuedAt = waiting.current.indexOf(id);
      if (queuedAt >= 0) {
        waiting.current.splice(queuedAt, 1);
        update(id, { step: 'cancelled' });
        return;
      }
      rt.cancelled = true;
      rt.abort?.abort();
      rt.transfer?.abort();
      for (const abort of rt.parts ?? []) abort();
      // A failed multipart upload waiting for Retry: cancelling it gives its room back.
      if (rt.multipart && !rt.abort) {
        void documentsApi.remove(rt.multipart.documentId).catch(() => {});
        rt.multipart = undefined;
        update(id, { step: 'cancelled', documentId: null });
      }
    },
    [update],
  );

  const retry = useCallback(
    (id: number) => {
      const rt = runtimes.current.get(id);
      if (!rt) return;
      rt.cancelled = false;
      update(id, { step: 'queued', loaded: 0, error: null });
      enqueue(id);
    },
    [enqueue, update],
  );

  const dismiss = useCallback((id: number) => {
    const rt = runtimes.current.get(id);
    if (rt?.multipart) void documentsApi.remove(rt.multipart.documentId).catch(() => {});
    runtimes.current.delete(id);
    setItems((list) => list.filter((i) => i.id !== id));
  }, []);

  const clearFinished = useCallback(() => {
    setItems((list) => {
      const keep = list.filter((i) => !FINISHED.includes(i.step));
      for (const gone of list) if (!keep.includes(gone)) runtimes.current.delete(gone.id);
      return keep;
    });
  }, []);

  const busy = items.some((i) => ACTIVE.includes(i.step) || i.step === 'queued');
  useEffect(() => {
    if (!busy) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [busy]);

  const value = useMemo(
    () => ({ items, confirmedCount, add, cancel, retry, dismiss, clearFinished }),
    [items, confirmedCount, add, cancel, retry, dismiss, clearFinished],
  );
  return <UploadContext.Provider value={value}>{children}</UploadContext.Provider>;
}

export function useUploads(): UploadValue {
  const v = useContext(UploadContext);
  if (!v) throw new Error('useUploads outside UploadProvider');
  return v;
}

export const isActiveStep = (s: UploadStep) => ACTIVE.includes(s);
export const isFinishedStep = (s: UploadStep) => FINISHED.includes(s);
