import { documentsApi } from './documents.api';
import { putFile, TransferError } from './upload-transfer';

/** Files above this go up in parts (SPEC §7.1); below it one PUT is simpler and as fast. */
export const MULTIPART_THRESHOLD = 64 * 1024 * 1024;
export const PARALLEL_PARTS = 4;
const ATTEMPTS = 6;
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
 * each time. Progress counts finished parts plus the bytes of those in flight.
 */
export async function uploadParts(opts: {
  documentId: string;
  file: Blob;
  partSize: number;
  partCount: number;
  signal: AbortSignal;
  onProgress(loaded: number): void;
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

  async function sendPart(n: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) throw new TransferError('aborted', 0, 'Cancelled');
      try {
        const transfer = putFile({
          url: await urlFor(n, attempt > 1),
          file: file.slice((n - 1) * partSize, (n - 1) * partSize + lengthOf(n)),
          headers: {},
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
        inFlight.delete(n);
        finished += lengthOf(n);
        report();
        return;
      } catch (e) {
        inFlight.delete(n);
        report();
        if (e instanceof TransferError && e.kind === 'aborted') throw e;
        if (attempt >= ATTEMPTS) throw e;
        await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)), signal);
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
