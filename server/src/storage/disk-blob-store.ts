import { access, constants, mkdir, open, opendir, readdir, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ListedObject, ObjectInfo } from './blob-store.js';
import { writeObjectAtomically, type ByteSource } from './disk-object-writer.js';
import { PARTIAL_DIR, assertValidObjectKey, resolveSafePath } from './safe-path.js';
import { ObjectNotFoundError, StorageRefusedError } from './storage-errors.js';
import { createUrlSigner, type SizeBound, type Verdict } from './url-signer.js';

export const DISK_UPLOAD_PATH = '/api/storage/upload/';
export const DISK_DOWNLOAD_PATH = '/api/storage/download/';

export interface DiskBlobStoreOptions {
  rootDir: string;
  /** Key for the app-signed storage URLs (the `url-signing` key of the secrets file). */
  signingKey: Buffer;
  /** The app's public origin for absolute URLs (PUBLIC_URL); relative URLs when unset. */
  publicBaseUrl?: string;
}

type Query = Record<string, unknown>;

/** The disk backend, plus what its two app-served routes need (disk-storage.routes.ts). */
export interface DiskBlobStore extends BlobStore {
  readonly backend: 'local';
  /** Verifies an upload URL, then stores the body within its bound. */
  receiveUpload(opts: {
    key: string;
    query: Query;
    contentType: string | undefined;
    contentLength: number | undefined;
    body: ByteSource;
  }): Promise<{ size: number }>;
  /** Verifies a download URL, then opens the object. */
  openDownload(opts: { key: string; query: Query }): Promise<{
    stream: Readable;
    size: number;
    filename: string;
    contentType: string;
    /** Signed for showing in the browser (a preview), not as an attachment. */
    inline: boolean;
  }>;
}

export function createDiskBlobStore(opts: DiskBlobStoreOptions): DiskBlobStore {
  const rootDir = path.resolve(opts.rootDir);
  const signer = createUrlSigner({ secret: opts.signingKey });
  const base = (opts.publicBaseUrl ?? '').replace(/\/+$/, '');
  const pathOf = (key: string) => resolveSafePath({ rootDir, key });

  return {
    backend: 'local',

    async put({ key, body }) {
      // Content type is not kept on disk: the documents table holds it.
      await writeObjectAtomically({ rootDir, target: pathOf(key), source: body });
    },

    async stat({ key }) {
      return statFile(pathOf(key));
    },

    async get({ key }) {
      return (await openObject(pathOf(key))).stream;
    },

    async delete({ key }) {
      const file = pathOf(key);
      try {
        await unlink(file);
      } catch (err) {
        if (!isMissing(err) && code(err) !== 'EISDIR') throw err;
      }
      await pruneEmptyParents(path.dirname(file), rootDir);
    },

    list({ prefix = '' }) {
      return listObjects(rootDir, prefix);
    },

    async presignUpload({ key, contentType, ttlSeconds, exactBytes, maxBytes }) {
      assertValidObjectKey(key);
      const bound = sizeBound(exactBytes, maxBytes);
      const expires = expiryFor(ttlSeconds);
      const sig = signer.sign({ method: 'PUT', key, contentType, expires, bound });
      const query = new URLSearchParams({ expires: String(expires) });
      if (bound && 'exactBytes' in bound) query.set('exact', String(bound.exactBytes));
      if (bound && 'maxBytes' in bound) query.set('max', String(bound.maxBytes));
      query.set('sig', sig);
      return {
        url: `${base}${DISK_UPLOAD_PATH}${encodeKey(key)}?${query}`,
        expiresAt: new Date(expires * 1000),
        headers: { 'Content-Type': contentType },
      };
    },

    async presignDownload({ key, filename, contentType, ttlSeconds, inline }) {
      assertValidObjectKey(key);
      const expires = expiryFor(ttlSeconds);
      const sig = signer.sign({ method: 'GET', key, filename, contentType, expires, inline: inline === true });
      const query = new URLSearchParams({ expires: String(expires), filename });
      if (contentType !== undefined) query.set('type', contentType);
      if (inline) query.set('disposition', 'inline');
      query.set('sig', sig);
      return { url: `${base}${DISK_DOWNLOAD_PATH}${encodeKey(key)}?${query}`, expiresAt: new Date(expires * 1000) };
    },

    async ping() {
      await mkdir(rootDir, { recursive: true });
      await access(rootDir, constants.R_OK | constants.W_OK);
    },

    async receiveUpload({ key, query, contentType, contentLength, body }) {
      const expires = integerParam(query, 'expires');
      const exact = optionalIntegerParam(query, 'exact');
      const max = optionalIntegerParam(query, 'max');
      if (exact !== undefined && max !== undefined) throw invalidUrl();
      const bound: SizeBound = exact !== undefined ? { exactBytes: exact } : max !== undefined ? { maxBytes: max } : null;
      const signature = stringParam(query, 'sig');
      const request = { method: 'PUT' as const, key, contentType: contentType ?? '', expires, bound };
      assertVerified(signer.verify({ request, signature }));
      // Refused before a single byte is read when the client announces its length.
      if (contentLength !== undefined && bound !== null) {
        const limit = 'exactBytes' in bound ? bound.exactBytes : bound.maxBytes;
        if (contentLength > limit) throw new StorageRefusedError('upload_too_large');
        if ('exactBytes' in bound && contentLength < limit) {
          throw new StorageRefusedError('upload_too_short');
        }
      }
      // Single use: once bytes are in place, the URL cannot replace them (a confirmed
      // document's charge would otherwise no longer match its object).
      const size = await writeObjectAtomically({ rootDir, target: pathOf(key), source: body, bound, overwrite: false });
      return { size };
    },

    async openDownload({ key, query }) {
      const expires = integerParam(query, 'expires');
      const filename = stringParam(query, 'filename');
      const type = query['type'];
      if (type !== undefined && typeof type !== 'string') throw invalidUrl();
      const disposition = query['disposition'];
      if (disposition !== undefined && disposition !== 'inline') throw invalidUrl();
      const inline = disposition === 'inline';
      const signature = stringParam(query, 'sig');
      assertVerified(signer.verify({ request: { method: 'GET', key, filename, contentType: type, expires, inline }, signature }));
      const { stream, size } = await openObject(pathOf(key));
      return { stream, size, filename, contentType: type ?? 'application/octet-stream', inline };
    },

    async sweepTempFiles({ olderThan }) {
      const partialDir = path.join(rootDir, PARTIAL_DIR);
      let removed = 0;
      for (const name of await readdir(partialDir).catch(() => [] as string[])) {
        const file = path.join(partialDir, name);
        const info = await stat(file).catch(() => null);
        if (info && info.mtime < olderThan) {
          await rm(file, { force: true, recursive: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

async function statFile(file: string): Promise<ObjectInfo | null> {
  try {
    const s = await stat(file);
    return s.isFile() ? { size: s.size, lastModified: s.mtime } : null;
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

// Opening first and then stat'ing the handle: the object cannot vanish in between.
async function openObject(file: string): Promise<{ stream: Readable; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if (isMissing(err)) throw new ObjectNotFoundError();
    throw err;
  }
  const s = await handle.stat();
  if (!s.isFile()) {
    await handle.close();
    throw new ObjectNotFoundError();
  }
  return { stream: handle.createReadStream(), size: s.size };
}

async function* listObjects(rootDir: string, prefix: string): AsyncGenerator<ListedObject> {
  // Walk only the deepest directory the prefix names in full; filter the rest by name.
  const dirPart = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const startKey = dirPart.replace(/\/$/, '');
  const startDir = startKey === '' ? rootDir : resolveSafePath({ rootDir, key: startKey });
  for await (const key of walk(startDir, startKey)) {
    if (!key.startsWith(prefix)) continue;
    const info = await statFile(path.join(rootDir, ...key.split('/')));
    if (info) yield { key, size: info.size, lastModified: info.lastModified ?? new Date(0) };
  }
}

async function* walk(dir: string, keyPrefix: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await opendir(dir);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  for await (const entry of entries) {
    const key = keyPrefix === '' ? entry.name : `${keyPrefix}/${entry.name}`;
    // Writes in flight are never objects; symlinks and other oddities are not ours.
    if (keyPrefix === '' && entry.name === PARTIAL_DIR) continue;
    if (entry.isDirectory()) yield* walk(path.join(dir, entry.name), key);
    else if (entry.isFile()) yield key;
  }
}

// Keeps the tree from filling with the empty `{user}/{document}/` directories of deleted objects.
async function pruneEmptyParents(dir: string, rootDir: string): Promise<void> {
  while (dir.startsWith(rootDir + path.sep)) {
    try {
      await rmdir(dir);
    } catch {
      return;
    }
    dir = path.dirname(dir);
  }
}

function sizeBound(exactBytes: number | undefined, maxBytes: number | undefined): SizeBound {
  if (exactBytes !== undefined && maxBytes !== undefined) throw new Error('Give exactBytes or maxBytes, not both');
  for (const n of [exactBytes, maxBytes]) {
    if (n !== undefined && !(Number.isSafeInteger(n) && n >= 0)) throw new Error('Size bounds must be non-negative integers');
  }
  if (exactBytes !== undefined) return { exactBytes };
  if (maxBytes !== undefined) return { maxBytes };
  return null;
}

// Rounded up to whole seconds, so a URL lives at least its TTL.
function expiryFor(ttlSeconds: number): number {
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new Error('ttlSeconds must be a positive integer');
  return Math.ceil(Date.now() / 1000) + ttlSeconds;
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function stringParam(query: Query, name: string): string {
  const value = query[name];
  if (typeof value !== 'string') throw invalidUrl();
  return value;
}

function integerParam(query: Query, name: string): number {
  const value = stringParam(query, name);
  if (!/^\d{1,15}$/.test(value)) throw invalidUrl();
  return Number(value);
}

function optionalIntegerParam(query: Query, name: string): number | undefined {
  return query[name] === undefined ? undefined : integerParam(query, name);
}

function assertVerified(verdict: Verdict): void {
  if (verdict.ok) return;
  if (verdict.reason === 'expired') throw new StorageRefusedError('url_expired');
  throw invalidUrl();
}

function invalidUrl() {
  return new StorageRefusedError('url_invalid');
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(err: unknown): boolean {
  return code(err) === 'ENOENT' || code(err) === 'ENOTDIR';
}
