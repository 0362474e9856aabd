import type { Database, Queryable } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import type { BlobStore, StoredPart } from '../../storage/blob-store.js';
import type { DocumentRow } from './documents.repository.js';
import { uploadsRepository as uploads } from './uploads.repository.js';
import type { MultipartTicket } from './documents.schemas.js';

const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 8 * MiB;
export const MAX_PART_SIZE = 64 * MiB;
/** S3's limit on the parts of one upload. */
export const MAX_PARTS = 10_000;

/**
 * The part size for a file: 8 MiB, grown in whole MiB only as far as 10,000 parts need —
 * within 8–64 MiB for files up to 625 GiB; beyond that (up to 5 TiB on S3) the parts grow
 * past 64 MiB, since S3 allows no more than 10,000.
 */
export function partSizeFor(sizeBytes: number): number {
  return Math.max(MIN_PART_SIZE, Math.ceil(sizeBytes / MAX_PARTS / MiB) * MiB);
}

export function partCount(sizeBytes: number, partSize: number): number {
  return Math.ceil(sizeBytes / partSize);
}

/** The exact length of part n (1-based): every part is part_size but the last. */
export function partLength(doc: { declared_bytes: number | null; part_size: number | null }, n: number): number {
  const size = doc.declared_bytes!;
  const partSize = doc.part_size!;
  return Math.min(partSize, size - (n - 1) * partSize);
}

export interface MultipartDeps {
  db: Database;
  blobs: BlobStore;
  settings: { uploadUrlTtlSeconds: number; pendingUploadTtlSeconds: number; maxUploadBytes: number };
  ownedOrNotFound(q: Queryable, user: AuthUser, id: string): Promise<DocumentRow>;
  reserveUpload(
    user: AuthUser,
    u: { filename: string; contentType: string; declared: number | null; partSize?: number },
  ): Promise<DocumentRow>;
  dropPending(user: AuthUser, doc: DocumentRow): Promise<void>;
}

/**
 * Large files in parts, straight to storage (SPEC §7.1): the whole declared size is
 * reserved up front; each part URL takes exactly its part's length; completion checks every
 * part against the declared size before anything is charged. On S3 these are S3 multipart
 * uploads; on disk the app writes each part in place (disk-multipart.ts).
 */
export function createMultipartUploads(deps: MultipartDeps) {
  const { db, blobs } = deps;

  async function openMultipart(user: AuthUser, id: string): Promise<DocumentRow & { multipart_upload_id: string }> {
    const doc = await deps.ownedOrNotFound(db, user, id);
    if (doc.multipart_upload_id === null) throw errors.notMultipart();
    if (doc.status !== 'pending') throw errors.uploadComplete();
    return doc as DocumentRow & { multipart_upload_id: string };
  }

  return {
    async start(user: AuthUser, input: { filename: string; contentType: string; sizeBytes: number | null }): Promise<MultipartTicket> {
      const size = input.sizeBytes;
      if (size === null || size < 1) {
        throw errors.sizeRequired();
      }
      const partSize = partSizeFor(size);
      const doc = await deps.reserveUpload(user, {
        filename: input.filename,
        contentType: input.contentType,
        declared: size,
        partSize,
      });
      let uploadId: string;
      try {
        ({ uploadId } = await blobs.createMultipart({ key: doc.object_key, contentType: input.contentType, partSize }));
      } catch (err) {
        await deps.dropPending(user, doc);
        throw err;
      }
      if (!(await uploads.setMultipartUploadId(db, { id: doc.id, userId: user.id, uploadId }))) {
        await blobs.abortMultipart({ key: doc.object_key, uploadId });
        throw errors.notFound('document');
      }
      return {
        document_id: doc.id,
        part_size: partSize,
        part_count: partCount(size, partSize),
        expires_at: new Date(doc.created_at.getTime() + deps.settings.pendingUploadTtlSeconds * 1000).toISOString(),
      };
    },

    async partUrls(user: AuthUser, id: string, partNumbers: number[]): Promise<{ urls: Record<string, string> }> {
      const doc = await openMultipart(user, id);
      const count = partCount(doc.declared_bytes!, doc.part_size!);
      const wanted = [...new Set(partNumbers)];
      const bad = wanted.find((n) => !(Number.isInteger(n) && n >= 1 && n <= count));
      if (bad !== undefined) throw errors.badPartNumber(`Part numbers run from 1 to ${count}; ${bad} is not one`);
      await uploads.touch(db, { id: doc.id, userId: user.id });
      const urls: Record<string, string> = {};
      for (const n of wanted) {
        const presigned = await blobs.presignPart({
          key: doc.object_key,
          uploadId: doc.multipart_upload_id,
          partNumber: n,
          exactBytes: partLength(doc, n),
          ttlSeconds: deps.settings.uploadUrlTtlSeconds,
        });
        urls[String(n)] = presigned.url;
      }
      return { urls };
    },

    async storedParts(user: AuthUser, id: string): Promise<{ part_number: number; size: number; etag: string }[]> {
      const doc = await openMultipart(user, id);
      await uploads.touch(db, { id: doc.id, userId: user.id });
      const parts = (await blobs.listParts({ key: doc.object_key, uploadId: doc.multipart_upload_id })) ?? [];
      return parts.map((p) => ({ part_number: p.partNumber, size: p.size, etag: p.etag }));
    },

    /**
     * Joins the parts into the object after checking them against the declared size: every
     * part present with its exact length (and, when the client lists them, the ETags it
     * got). A missing or wrong part → 422 and the upload stays open to be fixed; nothing is
     * charged. Returns the object's size for the charge.
     */
    async complete(user: AuthUser, doc: DocumentRow, given?: { part_number: number; etag: string }[]): Promise<number> {
      const uploadId = doc.multipart_upload_id!;
      const declared = doc.declared_bytes!;
      const stored = await blobs.listParts({ key: doc.object_key, uploadId });
      if (stored === null) {
        // Completed by an earlier confirm that did not get to charge (a crash, a race).
        const object = await blobs.stat({ key: doc.object_key });
        if (object && object.size === declared) return object.size;
        throw errors.uploadClosed('This multipart upload is gone; start a new upload');
      }
      const count = partCount(declared, doc.part_size!);
      const byNumber = new Map(stored.map((p) => [p.partNumber, p]));
      const missing: number[] = [];
      const wrong: number[] = [];
      const parts: StoredPart[] = [];
      for (let n = 1; n <= count; n++) {
        const p = byNumber.get(n);
        if (!p) missing.push(n);
        else if (p.size !== partLength(doc, n)) wrong.push(n);
        else parts.push(p);
      }
      if (missing.length > 0 || wrong.length > 0) {
        throw errors.partsIncomplete(
          { message: 'Not every part is stored with its exact length', missing_parts: missing.slice(0, 100), wrong_size_parts: wrong },
        );
      }
      if (given) {
        const etagOf = new Map(given.map((g) => [g.part_number, g.etag]));
        const mismatch = parts.filter((p) => etagOf.has(p.partNumber) && etagOf.get(p.partNumber) !== p.etag).map((p) => p.partNumber);
        if (mismatch.length > 0 || given.length !== count) {
          throw errors.partMismatch(
            { message: 'The parts listed do not match the parts stored', mismatched_parts: mismatch },
          );
        }
      }
      await blobs.completeMultipart({ key: doc.object_key, uploadId, parts });
      const object = await blobs.stat({ key: doc.object_key });
      if (!object || object.size !== declared) {
        await deps.dropPending(user, doc);
        throw errors.joinedSizeMismatch();
      }
      return object.size;
    },
  };
}
