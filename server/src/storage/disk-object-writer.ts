import { randomUUID } from 'node:crypto';
import { access, link, mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { PARTIAL_DIR } from './safe-path.js';
import { StorageRefusedError } from './storage-errors.js';
import type { SizeBound } from './url-signer.js';

export type ByteSource = AsyncIterable<Buffer | string | Uint8Array> | Buffer;

/**
 * Writes bytes to `target` so that the object appears complete or not at all: they go to
 * a temp file under `<root>/.partial` (same filesystem, never listed), are fsync'd, and
 * are renamed into place only when every byte arrived within the bound. On any failure
 * the temp file is removed. Returns the number of bytes written.
 *
 * Errors reading the source become `upload_interrupted` (a client that went away is not a
 * server bug); a body over the bound `upload_too_large`; a short exact body `upload_too_short`.
 */
export async function writeObjectAtomically(opts: {
  rootDir: string;
  target: string;
  source: ByteSource;
  bound?: SizeBound;
  /** false: an existing object is never replaced (single-use upload URLs) → 409. */
  overwrite?: boolean;
}): Promise<number> {
  const overwrite = opts.overwrite ?? true;
  if (!overwrite && (await exists(opts.target))) throw alreadyUploaded();
  const partialDir = path.join(opts.rootDir, PARTIAL_DIR);
  await mkdir(partialDir, { recursive: true });
  const tempPath = path.join(partialDir, randomUUID());
  const handle = await open(tempPath, 'wx', 0o600);
  let committed = false;
  try {
    let written = 0;
    const writer = createFileWriter(handle, null);
    try {
      written = await copyBounded(opts.source, opts.bound ?? null, (chunk) => writer.write(chunk));
      await writer.end();
      await handle.sync();
    } finally {
      await writer.settle();
      await handle.close();
    }
    await moveIntoPlace(tempPath, opts.target, overwrite);
    committed = true;
    await syncDirectory(path.dirname(opts.target));
    return written;
  } finally {
    if (!committed) await rm(tempPath, { force: true });
  }
}

export async function copyBounded(
  source: ByteSource,
  bound: SizeBound,
  write: (chunk: Buffer) => Promise<void>,
): Promise<number> {
  const limit = bound === null ? Infinity : 'exactBytes' in bound ? bound.exactBytes : bound.maxBytes;
  let count = 0;
  const take = async (chunk: Buffer) => {
    count += chunk.length;
    if (count > limit) throw new StorageRefusedError('upload_too_large');
    await write(chunk);
  };

  if (Buffer.isBuffer(source)) {
    await take(source);
  } else {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        let step: IteratorResult<Buffer | string | Uint8Array>;
        try {
          step = await iterator.next();
        } catch {
          throw new StorageRefusedError('upload_interrupted');
        }
        if (step.done) break;
        const chunk = step.value;
        await take(
          typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
        );
      }
    } catch (err) {
      await iterator.return?.().catch(() => undefined);
      throw err;
    }
  }

  if (bound !== null && 'exactBytes' in bound && count !== bound.exactBytes) {
    throw new StorageRefusedError('upload_too_short');
  }
  return count;
}

const MAX_GATHERED_BYTES = 1024 * 1024;
// writev takes at most IOV_MAX (1024 on Linux) buffers.
const MAX_GATHERED_CHUNKS = 512;

/**
 * Writes chunks to a file in order with one write in flight at a time: chunks that arrive
 * meanwhile are gathered and go in the next write (one writev), so reading the request and
 * writing the disk overlap and a 64 KiB chunk does not cost a round trip of its own. At most
 * about 1 MiB waits in memory; past that `write` waits for the disk. `position` null: the
 * file's current position (appending); else from that offset on.
 */
export function createFileWriter(handle: FileHandle, position: number | null) {
  let next = position;
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  let inFlight: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;

  async function writeAll(buffers: Buffer[], bytes: number, at: number | null): Promise<void> {
    let done = 0;
    while (done < bytes) {
      const rest: Buffer[] = [];
      let skip = done;
      for (const b of buffers) {
        if (skip >= b.length) {
          skip -= b.length;
          continue;
        }
        rest.push(skip > 0 ? b.subarray(skip) : b);
        skip = 0;
      }
      const { bytesWritten } = await handle.writev(rest, at === null ? undefined : at + done);
      done += bytesWritten;
    }
  }

  function flush(): void {
    const buffers = gathered;
    const bytes = gatheredBytes;
    gathered = [];
    gatheredBytes = 0;
    const at = next;
    if (next !== null) next += bytes;
    inFlight = writeAll(buffers, bytes, at).then(
      () => {
        inFlight = null;
        if (gathered.length > 0 && !failure) flush();
      },
      (error: unknown) => {
        failure = { error };
        inFlight = null;
      },
    );
  }

  // A function, not the variable: the write callbacks set it, which flow analysis cannot see.
  const check = () => {
    if (failure) throw failure.error;
  };
  const full = () => gatheredBytes >= MAX_GATHERED_BYTES || gathered.length >= MAX_GATHERED_CHUNKS;

  return {
    async write(chunk: Buffer): Promise<void> {
      check();
      gathered.push(chunk);
      gatheredBytes += chunk.length;
      if (!inFlight) flush();
      while (inFlight && full()) await inFlight;
      check();
    },
    /** Every chunk written; throws the first write error. */
    async end(): Promise<void> {
      while (inFlight) await inFlight;
      if (gathered.length > 0 && !failure) {
        flush();
        while (inFlight) await inFlight;
      }
      check();
    },
    /** Waits for the write in flight, whatever happened (before the handle is closed). */
    async settle(): Promise<void> {
      while (inFlight) await inFlight;
    },
  };
}

// A concurrent delete may prune the (then empty) parent directory between our mkdir and
// our rename; making it again once is enough to win that race. Without overwrite, link()
// is the atomic "create only if absent": of two racing uploads exactly one wins.
async function moveIntoPlace(from: string, to: string, overwrite: boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await mkdir(path.dirname(to), { recursive: true });
    try {
      if (overwrite) {
        await rename(from, to);
      } else {
        await link(from, to);
        await rm(from, { force: true });
      }
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw alreadyUploaded();
      if (code !== 'ENOENT' || attempt > 0) throw err;
    }
  }
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(
    () => true,
    () => false,
  );
}

function alreadyUploaded() {
  return new StorageRefusedError('url_used');
}

// Makes the rename itself durable, not just the file's bytes.
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
