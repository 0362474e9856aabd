import { createHash } from 'node:crypto';
import type { BlobStore } from '../../../storage/blob-store.js';
import { ExtractionError } from './extraction-limits.js';

/** The hex SHA-256 of a stored object, read as a stream (any size, constant memory). */
export async function hashObject(blobs: BlobStore, key: string): Promise<string> {
  const hash = createHash('sha256');
  const stream = await blobs.get({ key });
  for await (const chunk of stream as AsyncIterable<Buffer | string>) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Reads a stream into memory, at most `maxBytes`. With `truncate` the rest is left unread
 * (text: the beginning is enough); otherwise a longer stream is refused.
 */
export async function readCapped(
  stream: NodeJS.ReadableStream,
  opts: { maxBytes: number; truncate: boolean; tooLarge: string },
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (total + buf.length > opts.maxBytes) {
        if (!opts.truncate) throw new ExtractionError(opts.tooLarge);
        chunks.push(buf.subarray(0, opts.maxBytes - total));
        total = opts.maxBytes;
        break;
      }
      chunks.push(buf);
      total += buf.length;
    }
  } finally {
    // Stop the download of whatever was not read.
    (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
  return Buffer.concat(chunks, total);
}
