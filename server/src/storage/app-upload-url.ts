import { assertValidObjectKey } from './safe-path.js';
import { StorageRefusedError } from './storage-errors.js';
import { createUrlSigner, type SizeBound, type Verdict } from './url-signer.js';

export const APP_UPLOAD_PATH = '/api/storage/upload/';
export const APP_PART_PATH = '/api/storage/part/';

type Query = Record<string, unknown>;

/**
 * Whether bytes may still land under a key. The storage routes ask before reading a body
 * and again once it is in place; the documents module answers from the pending rows, so a
 * URL whose document was deleted, swept or confirmed stores nothing (SPEC §7.1).
 */
export interface UploadGate {
  admits(key: string): Promise<boolean>;
  /** false = the upload closed while the bytes streamed: the caller removes them. */
  arrived(key: string, sizeBytes: number): Promise<boolean>;
}

export const OPEN_GATE: UploadGate = { admits: async () => true, arrived: async () => true };

/** What an app-served upload URL allows, once its signature checked out. */
export interface VerifiedUpload {
  key: string;
  contentType: string;
  bound: SizeBound;
}

/**
 * Upload URLs the app signs and serves itself: every upload on the disk backend, and on S3
 * the undeclared ones, whose size cap a presigned S3 PUT cannot carry. HMAC over method,
 * key, Content-Type, expiry and size bound.
 */
export function createAppUploadUrls(opts: { signingKey: Buffer; publicBaseUrl?: string }) {
  const signer = createUrlSigner({ secret: opts.signingKey });
  const base = (opts.publicBaseUrl ?? '').replace(/\/+$/, '');

  return {
    sign(o: { key: string; contentType: string; ttlSeconds: number; exactBytes?: number; maxBytes?: number }) {
      assertValidObjectKey(o.key);
      const bound = sizeBound(o.exactBytes, o.maxBytes);
      const expires = expiryFor(o.ttlSeconds);
      const sig = signer.sign({ method: 'PUT', key: o.key, contentType: o.contentType, expires, bound });
      const query = new URLSearchParams({ expires: String(expires) });
      if (bound && 'exactBytes' in bound) query.set('exact', String(bound.exactBytes));
      if (bound && 'maxBytes' in bound) query.set('max', String(bound.maxBytes));
      query.set('sig', sig);
      return {
        url: `${base}${APP_UPLOAD_PATH}${encodeKey(o.key)}?${query}`,
        expiresAt: new Date(expires * 1000),
        headers: { 'Content-Type': o.contentType },
      };
    },

    /**
     * Checks the URL and the announced length against it: 403 for a bad or expired URL,
     * 413/400 for a Content-Length outside the bound (before a byte is read).
     */
    verify(o: { key: string; query: Query; contentType: string | undefined; contentLength: number | undefined }): VerifiedUpload {
      const expires = integerParam(o.query, 'expires');
      const exact = optionalIntegerParam(o.query, 'exact');
      const max = optionalIntegerParam(o.query, 'max');
      if (exact !== undefined && max !== undefined) throw invalidUrl();
      const bound: SizeBound = exact !== undefined ? { exactBytes: exact } : max !== undefined ? { maxBytes: max } : null;
      const signature = stringParam(o.query, 'sig');
      const contentType = o.contentType ?? '';
      assertVerified(signer.verify({ request: { method: 'PUT', key: o.key, contentType, expires, bound }, signature }));
      if (o.contentLength !== undefined && bound !== null) {
        const limit = 'exactBytes' in bound ? bound.exactBytes : bound.maxBytes;
        if (o.contentLength > limit) throw new StorageRefusedError('upload_too_large');
        if ('exactBytes' in bound && o.contentLength < limit) {
          throw new StorageRefusedError('upload_too_short');
        }
      }
      return { key: o.key, contentType, bound };
    },

    /** A URL for one part of a multipart upload (disk backend): exactly `exactBytes`, no Content-Type. */
    signPart(o: { key: string; uploadId: string; partNumber: number; exactBytes: number; ttlSeconds: number }) {
      assertValidObjectKey(o.key);
      const expires = expiryFor(o.ttlSeconds);
      const part = { uploadId: o.uploadId, partNumber: o.partNumber };
      const bound = { exactBytes: o.exactBytes };
      const sig = signer.sign({ method: 'PUT', key: o.key, contentType: '', expires, bound, part });
      const query = new URLSearchParams({
        upload: o.uploadId,
        part: String(o.partNumber),
        exact: String(o.exactBytes),
        expires: String(expires),
        sig,
      });
      return { url: `${base}${APP_PART_PATH}${encodeKey(o.key)}?${query}`, expiresAt: new Date(expires * 1000), headers: {} };
    },

    /** Checks a part URL; the Content-Type a browser may add to a part is not part of it. */
    verifyPart(o: { key: string; query: Query; contentLength: number | undefined }) {
      const expires = integerParam(o.query, 'expires');
      const exactBytes = integerParam(o.query, 'exact');
      const partNumber = integerParam(o.query, 'part');
      const uploadId = stringParam(o.query, 'upload');
      const signature = stringParam(o.query, 'sig');
      const part = { uploadId, partNumber };
      const request = { method: 'PUT' as const, key: o.key, contentType: '', expires, bound: { exactBytes }, part };
      assertVerified(signer.verify({ request, signature }));
      if (o.contentLength !== undefined && o.contentLength > exactBytes) {
        throw new StorageRefusedError('upload_too_large');
      }
      if (o.contentLength !== undefined && o.contentLength < exactBytes) {
        throw new StorageRefusedError('upload_too_short');
      }
      return { uploadId, partNumber, exactBytes };
    },

    signer,
  };
}

export type AppUploadUrls = ReturnType<typeof createAppUploadUrls>;

export function uploadClosed() {
  return new StorageRefusedError('upload_closed');
}

export function sizeBound(exactBytes: number | undefined, maxBytes: number | undefined): SizeBound {
  if (exactBytes !== undefined && maxBytes !== undefined) throw new Error('Give exactBytes or maxBytes, not both');
  for (const n of [exactBytes, maxBytes]) {
    if (n !== undefined && !(Number.isSafeInteger(n) && n >= 0)) throw new Error('Size bounds must be non-negative integers');
  }
  if (exactBytes !== undefined) return { exactBytes };
  if (maxBytes !== undefined) return { maxBytes };
  return null;
}

// Rounded up to whole seconds, so a URL lives at least its TTL.
export function expiryFor(ttlSeconds: number): number {
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0)) throw new Error('ttlSeconds must be a positive integer');
  return Math.ceil(Date.now() / 1000) + ttlSeconds;
}

export function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

export function stringParam(query: Query, name: string): string {
  const value = query[name];
  if (typeof value !== 'string') throw invalidUrl();
  return value;
}

export function integerParam(query: Query, name: string): number {
  const value = stringParam(query, name);
  if (!/^\d{1,15}$/.test(value)) throw invalidUrl();
  return Number(value);
}

export function optionalIntegerParam(query: Query, name: string): number | undefined {
  return query[name] === undefined ? undefined : integerParam(query, name);
}

export function assertVerified(verdict: Verdict): void {
  if (verdict.ok) return;
  if (verdict.reason === 'expired') throw new StorageRefusedError('url_expired');
  throw invalidUrl();
}

export function invalidUrl() {
  return new StorageRefusedError('url_invalid');
}
