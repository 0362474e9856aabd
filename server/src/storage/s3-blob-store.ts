import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OPEN_GATE, createAppUploadUrls, uploadClosed } from './app-upload-url.js';
import type { BlobStore } from './blob-store.js';
import type { ReceiveUploadOptions } from './disk-blob-store.js';
import { writeObjectAtomically } from './disk-object-writer.js';
import { attachmentDisposition, inlineDisposition } from './content-disposition.js';
import { assertValidObjectKey } from './safe-path.js';
import { ObjectNotFoundError, StorageRefusedError } from './storage-errors.js';

export interface S3BlobStoreOptions {
  /** Endpoint the server talks to. */
  endpoint: string;
  /** Browser-reachable endpoint, used only to presign URLs; defaults to `endpoint`. */
  publicEndpoint?: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /**
   * For uploads without a declared size, which a presigned S3 PUT cannot cap: the app
   * signs its own URL (the same as the disk backend's) and streams the bytes on to S3
   * within the cap. Without it, such uploads are refused.
   */
  signingKey?: Buffer;
  /** The app's public origin for those URLs (PUBLIC_URL); relative URLs when unset. */
  publicBaseUrl?: string;
}

export interface S3BlobStore extends BlobStore {
  readonly backend: 's3';
  /** Receives an upload through an app-signed URL and stores it in the bucket. */
  receiveUpload(opts: ReceiveUploadOptions): Promise<{ size: number; etag: string }>;
}

// SigV4 presigned URLs cannot live longer than a week.
const MAX_PRESIGN_TTL_SECONDS = 7 * 24 * 3600;
const PING_TIMEOUT_MS = 5000;
/** S3's limit for one PutObject. */
export const S3_MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;

export function createS3BlobStore(opts: S3BlobStoreOptions): S3BlobStore {
  const client = makeClient(opts, opts.endpoint);
  // Signing for the browser's host: the Host header is part of every signature.
  const presigner = makeClient(opts, opts.publicEndpoint ?? opts.endpoint);
  const Bucket = opts.bucket;
  const appUploads = opts.signingKey ? createAppUploadUrls({ signingKey: opts.signingKey, publicBaseUrl: opts.publicBaseUrl }) : null;

  return {
    backend: 's3',
    maxSinglePutBytes: S3_MAX_SINGLE_PUT_BYTES,

    async put({ key, body, contentType }) {
      assertValidObjectKey(key);
      if (Buffer.isBuffer(body)) {
        await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
        return;
      }
      // A single PutObject needs the length up front; a temp file gives it without holding
      // the whole body in memory or needing multipart (lib-storage). Only tests and tools
      // put through here: clients upload through presigned URLs.
      const dir = await mkdtemp(path.join(tmpdir(), 'docuvault-s3-put-'));
      try {
        const file = path.join(dir, 'body');
        await pipeline(body, createWriteStream(file, { mode: 0o600 }));
        const { size } = await stat(file);
        await client.send(
          new PutObjectCommand({ Bucket, Key: key, Body: createReadStream(file), ContentLength: size, ContentType: contentType }),
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async stat({ key }) {
      assertValidObjectKey(key);
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return { size: head.ContentLength ?? 0, contentType: head.ContentType, lastModified: head.LastModified };
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },

    async get({ key }) {
      assertValidObjectKey(key);
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!(object.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream');
        return object.Body;
      } catch (err) {
        if (isNotFound(err)) throw new ObjectNotFoundError(key);
        throw err;
      }
    },

    async sweepTempFiles() {
      return 0; // a PutObject is all or nothing; its local spool file is removed by put itself
    },

    async delete({ key }) {
      assertValidObjectKey(key);
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async *list({ prefix }) {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix || undefined, ContinuationToken }));
        for (const o of page.Contents ?? []) {
          if (o.Key === undefined) continue;
          yield { key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) };
        }
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async presignUpload({ key, contentType, ttlSeconds, exactBytes, maxBytes }) {
      assertValidObjectKey(key);
      assertTtl(ttlSeconds);
      if (exactBytes !== undefined && maxBytes !== undefined) throw new Error('Give exactBytes or maxBytes, not both');
      if (exactBytes !== undefined && !(Number.isSafeInteger(exactBytes) && exactBytes >= 0)) {
        throw new Error('exactBytes must be a non-negative integer');
      }
      if (maxBytes !== undefined) {
        // A presigned PUT cannot carry a cap (only a POST policy could): such uploads come
        // through the app, which streams them on to the bucket within the cap.
        if (!appUploads) throw new Error('an upload capped by maxBytes needs signingKey on S3');
        return appUploads.sign({ key, contentType, ttlSeconds, maxBytes });
      }
      const command = new PutObjectCommand({ Bucket, Key: key, ContentType: contentType, ContentLength: exactBytes });
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const url = await getSignedUrl(presigner, command, {
        expiresIn: ttlSeconds,
        // The presigner leaves Content-Type unsigned by default; signed, the server refuses
        // any other type, and a signed Content-Length any other (non-chunked) length.
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      return { url, expiresAt, headers: { 'Content-Type': contentType } };
    },

    async presignDownload({ key, filename, contentType, ttlSeconds, inline }) {
      assertValidObjectKey(key);
      assertTtl(ttlSeconds);
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ResponseContentDisposition: inline ? inlineDisposition(filename) : attachmentDisposition(filename),
        ResponseContentType: contentType,
        ResponseCacheControl: 'private, no-store',
      });
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      return { url: await getSignedUrl(presigner, command, { expiresIn: ttlSeconds }), expiresAt };
    },

    async createMultipart({ key, contentType }) {
      assertValidObjectKey(key);
      const r = await client.send(new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: contentType }));
      if (!r.UploadId) throw new Error('S3 CreateMultipartUpload returned no UploadId');
      return { uploadId: r.UploadId };
    },

    async presignPart({ key, uploadId, partNumber, exactBytes, ttlSeconds }) {
      assertValidObjectKey(key);
      assertTtl(ttlSeconds);
      const command = new UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, ContentLength: exactBytes });
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      // The length is signed: S3 refuses a part of any other (non-chunked) length.
      const url = await getSignedUrl(presigner, command, { expiresIn: ttlSeconds, signableHeaders: new Set(['content-length']) });
      return { url, expiresAt, headers: {} };
    },

    async listParts({ key, uploadId }) {
      assertValidObjectKey(key);
      const parts: { partNumber: number; size: number; etag: string }[] = [];
      let PartNumberMarker: string | undefined;
      try {
        do {
          const page = await client.send(new ListPartsCommand({ Bucket, Key: key, UploadId: uploadId, PartNumberMarker }));
          for (const p of page.Parts ?? []) {
            if (p.PartNumber === undefined) continue;
            parts.push({ partNumber: p.PartNumber, size: p.Size ?? 0, etag: p.ETag ?? '' });
          }
          PartNumberMarker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
        } while (PartNumberMarker);
      } catch (err) {
        if (isNoSuchUpload(err)) return null;
        throw err;
      }
      return parts.sort((a, b) => a.partNumber - b.partNumber);
    },

    async completeMultipart({ key, uploadId, parts }) {
      assertValidObjectKey(key);
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
        }),
      );
    },

    async abortMultipart({ key, uploadId }) {
      assertValidObjectKey(key);
      try {
        await client.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }));
      } catch (err) {
        if (!isNoSuchUpload(err)) throw err;
      }
    },

    async *listMultipartUploads() {
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      do {
        const page = await client.send(new ListMultipartUploadsCommand({ Bucket, KeyMarker, UploadIdMarker }));
        for (const u of page.Uploads ?? []) {
          if (u.Key === undefined || u.UploadId === undefined) continue;
          yield { key: u.Key, uploadId: u.UploadId, initiated: u.Initiated ?? new Date(0) };
        }
        KeyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        UploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
      } while (KeyMarker);
    },

    async receiveUpload({ key, query, contentType, contentLength, body, gate = OPEN_GATE }) {
      if (!appUploads) throw new Error('app-signed uploads need signingKey on S3');
      const { bound } = appUploads.verify({ key, query, contentType, contentLength });
      if (!(await gate.admits(key))) throw uploadClosed();
      const existing = await client.send(new HeadObjectCommand({ Bucket, Key: key })).catch((err) => {
        if (isNotFound(err)) return null;
        throw err;
      });
      if (existing) {
        throw new StorageRefusedError('url_used');
      }
      // Spooled to a private temp file within the bound (a PutObject needs its length up
      // front), then sent on; the bucket never sees more than the URL allows.
      const dir = await mkdtemp(path.join(tmpdir(), 'docuvault-s3-upload-'));
      let size: number;
      let etag: string;
      try {
        const file = path.join(dir, 'body');
        size = await writeObjectAtomically({ rootDir: dir, target: file, source: body, bound });
        const put = await client.send(
          new PutObjectCommand({ Bucket, Key: key, Body: createReadStream(file), ContentLength: size, ContentType: contentType }),
        );
        etag = put.ETag ?? '""';
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      if (!(await gate.arrived(key, size))) {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
        throw uploadClosed();
      }
      return { size, etag };
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket }), { abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS) });
    },
  };
}

function makeClient(opts: S3BlobStoreOptions, endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: opts.region,
    forcePathStyle: opts.forcePathStyle,
    credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    // Newer SDKs otherwise add CRC32 checksums: to presigned PUTs a checksum of the empty
    // body (a real S3 would refuse the upload) and aws-chunked encoding to streamed puts,
    // which S3-compatible servers do not all speak.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function assertTtl(ttlSeconds: number): void {
  if (!(Number.isInteger(ttlSeconds) && ttlSeconds > 0 && ttlSeconds <= MAX_PRESIGN_TTL_SECONDS)) {
    throw new Error(`ttlSeconds must be an integer from 1 to ${MAX_PRESIGN_TTL_SECONDS}`);
  }
}

function isNoSuchUpload(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchUpload' || e?.Code === 'NoSuchUpload' || e?.$metadata?.httpStatusCode === 404;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
