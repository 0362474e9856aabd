/**
 * Where document bytes live. The database stores only opaque object keys; the backend
 * (local disk or any S3 API) is picked once at start by `createBlobStore` in index.ts.
 * Clients move bytes through presigned URLs, never through the JSON API.
 */
export interface ObjectInfo {
  size: number;
  contentType?: string;
  lastModified?: Date;
}

export interface PresignedUpload {
  url: string;
  expiresAt: Date;
  /** Headers the client must send with its PUT (Content-Type); they are part of the signature. */
  headers: Record<string, string>;
}

export interface PresignedDownload {
  url: string;
  expiresAt: Date;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

/** A part of a multipart upload, as stored. */
export interface StoredPart {
  partNumber: number;
  size: number;
  etag: string;
}

export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated: Date;
}

export interface BlobStore {
  readonly backend: 'local' | 's3';
  /** The largest object one presigned PUT may carry (S3: 5 GiB); larger ones go in parts. */
  readonly maxSinglePutBytes: number;
  put(opts: { key: string; body: NodeJS.ReadableStream | Buffer; contentType?: string }): Promise<void>;
  /** null when the object does not exist. */
  stat(opts: { key: string }): Promise<ObjectInfo | null>;
  /** Throws ObjectNotFoundError (storage-errors.ts) when the object does not exist. */
  get(opts: { key: string }): Promise<NodeJS.ReadableStream>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(opts: { key: string }): Promise<void>;
  /** Every object under the prefix, in no promised order; for the orphan sweep. */
  list(opts: { prefix?: string }): AsyncIterable<ListedObject>;
  /**
   * A URL accepting one PUT of this key with exactly this Content-Type until the TTL runs
   * out. `exactBytes` binds the body length; `maxBytes` caps it where the backend can
   * (local disk; S3 presigned PUTs cannot carry a cap, so the size check at confirm is the
   * guard there). Give at most one of the two.
   */
  presignUpload(opts: {
    key: string;
    contentType: string;
    ttlSeconds: number;
    exactBytes?: number;
    maxBytes?: number;
  }): Promise<PresignedUpload>;
  /**
   * A URL serving the object as an attachment named `filename`, or with `inline` shown in
   * the browser (previews: the caller allows only types that are safe to show).
   */
  presignDownload(opts: {
    key: string;
    filename: string;
    contentType?: string;
    ttlSeconds: number;
    inline?: boolean;
  }): Promise<PresignedDownload>;
  /** Starts a multipart upload of `key` (S3: CreateMultipartUpload). */
  createMultipart(opts: { key: string; contentType: string; partSize: number }): Promise<{ uploadId: string }>;
  /** A URL accepting one PUT of one part, of exactly `exactBytes`. */
  presignPart(opts: {
    key: string;
    uploadId: string;
    partNumber: number;
    exactBytes: number;
    ttlSeconds: number;
  }): Promise<PresignedUpload>;
  /** The parts stored so far, by part number; null when there is no such upload (any more). */
  listParts(opts: { key: string; uploadId: string }): Promise<StoredPart[] | null>;
  /** Joins the parts, in order, into the object; the upload is gone afterwards. */
  completeMultipart(opts: { key: string; uploadId: string; parts: StoredPart[] }): Promise<void>;
  /** Drops the upload and its parts; idempotent. */
  abortMultipart(opts: { key: string; uploadId: string }): Promise<void>;
  /** Every multipart upload not completed or aborted, for the sweep. */
  listMultipartUploads(): AsyncIterable<MultipartUploadInfo>;
  /** Throws when the backend cannot be reached or written; used by the health check. */
  ping(): Promise<void>;
  /**
   * Removes temp files of writes that never finished (the process died mid-upload) and that
   * nothing has written to since `olderThan`; `list` never shows them, so the orphan sweep
   * cannot. Returns how many were removed. S3 keeps no partial objects: always 0 there.
   */
  sweepTempFiles(opts: { olderThan: Date }): Promise<number>;
}
