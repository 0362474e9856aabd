import path from 'node:path';
import { StorageRefusedError } from './storage-errors.js';

/** Directory under the root holding writes in flight; no object key may reach into it. */
export const PARTIAL_DIR = '.partial';
/** Directory under the root holding the parts of multipart uploads in flight (disk backend). */
export const MULTIPART_DIR = '.multipart';

// S3's own limit, so a key valid on one backend is valid on the other.
const MAX_KEY_BYTES = 1024;
// C0 controls, DEL, C1 controls and the backslash (a path separator on some systems).
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f-\u009f\\]/;

/**
 * Checks the shape of an object key, for every backend: both must accept and refuse the
 * same keys. Empty segments are refused because `a//b` and `a/b` are two S3 keys but one
 * file path.
 */
export function assertValidObjectKey(key: string): void {
  if (key.length === 0 || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES || FORBIDDEN_CHARS.test(key) || key.startsWith('/')) {
    throw invalidKey();
  }
  const segments = key.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..') || segments[0] === PARTIAL_DIR || segments[0] === MULTIPART_DIR) {
    throw invalidKey();
  }
}

/**
 * The one way from an object key to a file path on the disk backend: the key is checked,
 * then the resolved path must still lie strictly under the root.
 */
export function resolveSafePath(opts: { rootDir: string; key: string }): string {
  assertValidObjectKey(opts.key);
  const root = path.resolve(opts.rootDir);
  const resolved = path.resolve(root, ...opts.key.split('/'));
  if (!resolved.startsWith(root + path.sep)) throw invalidKey();
  return resolved;
}

// The key itself is not echoed: it may carry control characters or be very long.
function invalidKey() {
  return new StorageRefusedError('invalid_key');
}
