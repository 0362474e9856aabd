import { ApiError } from './api-error';
import { documentsApi } from './documents.api';
import { putFile, TransferError } from './upload-transfer';

/** Files above this go up in parts (SPEC §7.1) unless the server says otherwise. */
export const DEFAULT_MULTIPART_THRESHOLD = 64 * 1024 * 1024;
export const PARALLEL_PARTS = 4;

let threshold: Promise<number> | null = null;

/**
 * The size above which a file goes up in parts, as the server is configured
 * (UPLOAD_MULTIPART_THRESHOLD_BYTES via GET /api/documents/upload-options), asked once per
 * page; the default when the server cannot be asked (asked again next time).
 */
export function multipartThreshold(): Promise<number> {
  threshold ??= documentsApi.uploadOptions().then(
    (o) => o.multipart_threshold_bytes,
    () => {
      threshold = null;
      return DEFAULT_MULTIPART_THRESHOLD;
    },
  );
  return threshold;
}
const ATTEMPTS = 6;
/** A part PUT with no progress for this long is given up and retried (a silently dead connection). */
const STALL_MS = 60_000;
const URL_BATCH = 8;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new TransferError('aborted', 0, 'Cancelled'));
    });
  });

/**
 * Sends a file's parts straight to storage, four at a time, and returns the parts as
 * stored (for confirm). Resumable: it starts from what GET /{id}/parts says is stored, so
 * no finished part is sent again; a failed part is retried with backoff, with a fresh URL
 * each time, after asking GET /{id}/parts again (a part whose answer was lost with the
 * connection may be stored already: it is not sent twice). A part the server refuses
 * because the upload is gone (404/409) is not retried. Progress counts finished parts plus
 * the bytes of those in flight.
 */
export async function uploadParts(opts: {
  documentId: string;
  file: Blob;
  partSize: number;
  partCount: number;
  signal: AbortSignal;
  onProgress(loaded: number): void;
  /** A part failed and is retried in `waitMs` (null: parts are going through again). */
  onRetry(waitMs: number | null): void;
  /** Called with an abort function for every part PUT in flight. */
  track(abort: () => void): () => void;
}): Promise<{ part_number: number; etag: string }[]> {
  const { documentId, file, partSize, partCount, signal } = opts;
  const lengthOf = (n: number) => Math.min(partSize, file.size - (n - 1) * partSize);
  const stored = await documentsApi.storedParts(documentId, signal);
  const done = new Set(stored.filter((p) => p.size === lengthOf(p.part_number)).map((p) => p.part_number));
  let finished = [...done].reduce((sum, n) => sum + lengthOf(n), 0);
  const inFlight = new Map<number, number>();
  const report = () => opts.onProgress(finished + [...inFlight.values()].reduce((a, b) => a + b, 0));
  report();

  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !done.has(n));
  const urls = new Map<number, string>();
  async function urlFor(n: number, fresh: boolean): Promise<string> {
    if (fresh || !urls.has(n)) {
      // Ask for this part and the next few still to do, so most parts need no request of their own.
      const batch = [n, ...todo.filter((m) => m > n && !urls.has(m)).slice(0, URL_BATCH - 1)];
      const r = await documentsApi.partUrls(documentId, batch, signal);
      for (const [k, v] of Object.entries(r.urls)) urls.set(Number(k), v);
    }
    return urls.get(n)!;
  }

  let failing = 0;
  const partDone = (n: number) => {
    inFlight.delete(n);
    finished += lengthOf(n);
    report();
  };
  /** After a failure: is part n stored after all? Unknown (false) when the server cannot be asked. */
  async function storedNow(n: number): Promise<boolean> {
    try {
      const now = await documentsApi.storedParts(documentId, signal);
      return now.some((p) => p.part_number === n && p.size === lengthOf(n));
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw new TransferError('aborted', 0, 'Cancelled');
      return false;
    }
  }

  async function sendPart(n: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new TransferError('aborted', 0, 'Cancelled');
      if (attempt > 1 && (await storedNow(n))) {
        if (--failing === 0) opts.onRetry(null);
        return partDone(n);
      }
      try {
        const transfer = putFile({
          url: await urlFor(n, attempt > 1),
          file: file.slice((n - 1) * partSize, (n - 1) * partSize + lengthOf(n)),
          headers: {},
          stallMs: STALL_MS,
          onProgress: (loaded) => {
            inFlight.set(n, loaded);
            report();
          },
        });
        const untrack = opts.track(transfer.abort);
        try {
          await transfer.done;
        } finally {
          untrack();
        }
        if (attempt > 1 && --failing === 0) opts.onRetry(null);
        return partDone(n);
      } catch (e) {
        inFlight.delete(n);
        report();
        if (e instanceof TransferError && e.kind === 'aborted') throw e;
        const gone = (status: number) => status === 404 || status === 409;
        if (e instanceof TransferError && e.kind === 'http' && gone(e.status)) throw e;
        if (e instanceof ApiError && gone(e.status)) throw e;
        if ((e as Error).name === 'AbortError') throw new TransferError('aborted', 0, 'Cancelled');
        if (attempt >= ATTEMPTS) throw e;
        if (attempt === 1) failing++;
        const wait = Math.min(30_000, 1000 * 2 ** (attempt - 1));
        opts.onRetry(wait);
        await sleep(wait, signal);
      }
    }
  }

  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_PARTS, todo.length) }, async () => {
      while (next < todo.length) await sendPart(todo[next++]!);
    }),
  );
  const final = await documentsApi.storedParts(documentId, signal);
  return final.map((p) => ({ part_number: p.part_number, etag: p.etag }));
}
