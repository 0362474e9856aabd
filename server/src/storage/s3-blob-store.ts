import {
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
import type { BlobStore } from './blob-store.js';
import { attachmentDisposition, inlineDisposition } from './content-disposition.js';
import { assertValidObjectKey } from './safe-path.js';
import { ObjectNotFoundError } from './storage-errors.js';

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
}

export interface S3BlobStore extends BlobStore {
  readonly backend: 's3';
}

// SigV4 presigned URLs cannot live longer than a week.
const MAX_PRESIGN_TTL_SECONDS = 7 * 24 * 3600;
const PING_TIMEOUT_MS = 5000;

export function createS3BlobStore(opts: S3BlobStoreOptions): S3BlobStore {
  const client = makeClient(opts, opts.endpoint);
  // Signing for the browser's host: the Host header is part of every signature.
  const presigner = makeClient(opts, opts.publicEndpoint ?? opts.endpoint);
  const Bucket = opts.bucket;

  return {
    backend: 's3',

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
      // maxBytes cannot be expressed in a presigned PUT (only a POST policy could); the
      // size check at confirm is the guard for it on S3.
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

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}
