import { access, constants, mkdir, open, opendir, readdir, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ListedObject, ObjectInfo } from './blob-store.js';
import { writeObjectAtomically, type ByteSource } from './disk-object-writer.js';
import { createDiskMultipart } from './disk-multipart.js';
import { MULTIPART_DIR, PARTIAL_DIR, assertValidObjectKey, resolveSafePath } from './safe-path.js';
import { ObjectNotFoundError } from './storage-errors.js';
import {
  APP_UPLOAD_PATH,
  OPEN_GATE,
  assertVerified,
  createAppUploadUrls,
  encodeKey,
  expiryFor,
  integerParam,
  stringParam,
  uploadClosed,
  invalidUrl,
  type UploadGate,
} from './app-upload-url.js';

export const DISK_UPLOAD_PATH = APP_UPLOAD_PATH;
export const DISK_DOWNLOAD_PATH = '/api/storage/download/';

export interface DiskBlobStoreOptions {
  rootDir: string;
  /** Key for the app-signed storage URLs (the `url-signing` key of the secrets file). */
  signingKey: Buffer;
  /** The app's public origin for absolute URLs (PUBLIC_URL); relative URLs when unset. */
  publicBaseUrl?: string;
}

type Query = Record<string, unknown>;

export interface ReceiveUploadOptions {
  key: string;
  query: Query;
  contentType: string | undefined;
  contentLength: number | undefined;
  body: ByteSource;
  gate?: UploadGate;
}

/** The disk backend, plus what its two app-served routes need (disk-storage.routes.ts). */
export interface DiskBlobStore extends BlobStore {
  readonly backend: 'local';
  /**
   * Verifies an upload URL, asks the gate whether the upload is still open, then stores
   * the body within its bound; bytes that land after the upload closed are removed (409).
   */
  receiveUpload(opts: ReceiveUploadOptions): Promise<{ size: number; etag: string }>;
  /** Verifies a part URL, asks the gate, then writes the part in place; returns its ETag. */
  receivePart(opts: {
    key: string;
    query: Query;
    contentLength: number | undefined;
    body: ByteSource;
    gate?: UploadGate;
  }): Promise<{ size: number; etag: string }>;
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
  const uploads = createAppUploadUrls({ signingKey: opts.signingKey, publicBaseUrl: opts.publicBaseUrl });
  const signer = uploads.signer;
  const base = (opts.publicBaseUrl ?? '').replace(/\/+$/, '');
  const pathOf = (key: string) => resolveSafePath({ rootDir, key });
  const multipart = createDiskMultipart(rootDir);

  return {
    backend: 'local',
    maxSinglePutBytes: Number.MAX_SAFE_INTEGER,

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

    async presignUpload(o) {
      return uploads.sign(o);
    },

    async createMultipart({ key, partSize }) {
      assertValidObjectKey(key);
      return multipart.create({ key, partSize });
    },

    async presignPart({ key, uploadId, partNumber, exactBytes, ttlSeconds }) {
      return uploads.signPart({ key, uploadId, partNumber, exactBytes, ttlSeconds });
    },

    async listParts({ key, uploadId }) {
      return multipart.listParts({ key, uploadId });
    },

    async completeMultipart({ key, uploadId, parts }) {
      await multipart.complete({ key, uploadId, parts, target: pathOf(key) });
      await syncDir(path.dirname(pathOf(key)));
    },

    async abortMultipart({ uploadId }) {
      await multipart.abort({ uploadId });
    },

    listMultipartUploads() {
      return multipart.list();
    },

    async receivePart({ key, query, contentLength, body, gate = OPEN_GATE }) {
      const { uploadId, partNumber, exactBytes } = uploads.verifyPart({ key, query, contentLength });
      pathOf(key);
      if (!(await gate.admits(key))) throw uploadClosed();
      const stored = await multipart.receivePart({ key, uploadId, partNumber, exactBytes, body });
      if (!(await gate.admits(key))) {
        await multipart.abort({ uploadId });
        throw uploadClosed();
      }
      return stored;
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

    async receiveUpload({ key, query, contentType, contentLength, body, gate = OPEN_GATE }) {
      const { bound } = uploads.verify({ key, query, contentType, contentLength });
      const target = pathOf(key);
      if (!(await gate.admits(key))) throw uploadClosed();
      // Single use: once bytes are in place, the URL cannot replace them (a confirmed
      // document's charge would otherwise no longer match its object).
      const size = await writeObjectAtomically({ rootDir, target, source: body, bound, overwrite: false });
      if (!(await gate.arrived(key, size))) {
        // Deleted or swept while the bytes streamed: they go, as if never stored.
        await unlink(target).catch(() => undefined);
        await pruneEmptyParents(path.dirname(target), rootDir);
        throw uploadClosed();
      }
      return { size, etag: etagOf(await stat(target)) };
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
    if (keyPrefix === '' && (entry.name === PARTIAL_DIR || entry.name === MULTIPART_DIR)) continue;
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

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A validator for the stored bytes, the way web servers make one: inode, size and mtime. */
export function etagOf(s: { ino: number; size: number; mtimeMs: number }): string {
  return `"${s.ino.toString(16)}-${s.size.toString(16)}-${Math.round(s.mtimeMs * 1000).toString(16)}"`;
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function isMissing(err: unknown): boolean {
  return code(err) === 'ENOENT' || code(err) === 'ENOTDIR';
}
