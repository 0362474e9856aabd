import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { isUuid } from '../../http/schemas.js';
import { JobNames } from '../../jobs/job-names.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { quotaRepository, type QuotaRow } from '../quotas/quota.repository.js';
import { sharesRepository } from '../shares/shares.repository.js';
import { topicsRepository } from '../topics/topics.repository.js';
import { checkContentType, displayFilename, downloadContentType, searchText } from './document-fields.js';
import type { ExtractAndClassifyPayload } from './document-jobs.js';
import { presentDocument, type PresentedDocument } from './document.presenter.js';
import { documentsRepository as documents, type DocumentRow, type DocumentStatus } from './documents.repository.js';
import { makeObjectKey } from './object-key.js';

export interface DocumentServiceDeps {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  settings: { uploadUrlTtlSeconds: number };
  log?: { warn(obj: object, msg?: string): void };
}

export interface UploadUrlAnswer {
  upload_url: string;
  document_id: string;
  expires_at: string;
  /** Headers the PUT must carry (they are part of the URL's signature). */
  upload_headers: Record<string, string>;
}

export interface ConfirmAnswer {
  id: string;
  size_bytes: number;
  used_bytes: number;
  status: DocumentStatus;
}

export interface ListQuery {
  limit?: number;
  offset?: number;
  status?: DocumentStatus;
  topic_id?: string;
  q?: string;
}

export type DocumentService = ReturnType<typeof createDocumentService>;

/**
 * The document use cases. Authorization is ownership: every read and write names the
 * caller as owner, so another user's document is indistinguishable from a missing one.
 * Quota and row change together in one transaction; objects are removed after commit,
 * and whatever a crash leaves behind is swept by the cleanup jobs.
 */
export function createDocumentService(deps: DocumentServiceDeps) {
  const { db, blobs, queue } = deps;
  const ttlSeconds = deps.settings.uploadUrlTtlSeconds;

  async function ownedOrNotFound(q: Queryable, user: AuthUser, id: string, opts: { lock?: boolean } = {}): Promise<DocumentRow> {
    // A malformed id cannot name anyone's document: the same 404, and no SQL error.
    const doc = isUuid(id) ? await documents.findOwned(q, { id, userId: user.id }, opts) : null;
    if (!doc) throw errors.notFound('document');
    return doc;
  }

  async function quotaOf(q: Queryable, userId: string): Promise<QuotaRow> {
    const quota = await quotaRepository.find(q, userId);
    // Accounts get their quota row when they are created; a missing one is a bug.
    if (!quota) throw new Error(`user ${userId} has no quota row`);
    return quota;
  }

  async function withTopics(q: Queryable, userId: string, rows: DocumentRow[]): Promise<PresentedDocument[]> {
    const ids = rows.map((r) => r.id);
    const topics = await documents.topicsOf(q, userId, ids);
    const shared = await sharesRepository.sharedDocumentIds(q, userId, ids);
    const topicsOf = (id: string) => topics.filter((t) => t.document_id === id);
    return rows.map((r) => presentDocument(r, topicsOf(r.id), { shared: shared.has(r.id) }));
  }

  /** Removes an object no row points to any more; a failure is left to the object sweep. */
  async function removeObjectQuietly(key: string): Promise<void> {
    try {
      await blobs.delete({ key });
    } catch (err) {
      deps.log?.warn({ err, key }, 'could not remove an object; the object sweep will');
    }
  }

  function queueClassification(tx: Queryable, doc: DocumentRow, opts: { requested?: boolean } = {}) {
    const payload: ExtractAndClassifyPayload = {
      documentId: doc.id,
      userId: doc.user_id,
      ...(opts.requested ? { requested: true } : {}),
    };
    return queue.send(JobNames.extractAndClassify, payload, { tx });
  }

  return {
    /** Step 1: a pending row and a URL that accepts this one object's bytes. */
    async requestUploadUrl(
      user: AuthUser,
      input: { filename: string; content_type: string; size_bytes?: number | null },
    ): Promise<UploadUrlAnswer> {
      const filename = displayFilename(input.filename);
      const contentType = checkContentType(input.content_type);
      const quota = await quotaOf(db, user.id);
      const room = Math.max(0, quota.limit_bytes - quota.used_bytes);
      const declared = input.size_bytes ?? undefined;
      if (declared !== undefined && declared > room) {
        throw errors.quotaExceeded({ used_bytes: quota.used_bytes, limit_bytes: quota.limit_bytes, rejected_bytes: declared });
      }
      const id = randomUUID();
      const objectKey = makeObjectKey({ userId: user.id, documentId: id, filename });
      await documents.insertPending(db, {
        id,
        userId: user.id,
        filename,
        contentType,
        declaredBytes: declared ?? null,
        storageBackend: blobs.backend,
        objectKey,
      });
      // Without a declared size the URL is capped at the room left now (where the backend
      // can cap); confirm's conditional charge is the real guard either way.
      const presigned = await blobs.presignUpload({
        key: objectKey,
        contentType,
        ttlSeconds,
        ...(declared !== undefined ? { exactBytes: declared } : { maxBytes: room }),
      });
      return {
        upload_url: presigned.url,
        document_id: id,
        expires_at: presigned.expiresAt.toISOString(),
        upload_headers: presigned.headers,
      };
    },

    /**
     * Step 3: the stored object's size (from the backend, never the client) is charged in
     * the transaction that flips the row to uploaded and queues its classification.
     */
    async confirmUpload(user: AuthUser, id: string): Promise<ConfirmAnswer> {
      const doc = await ownedOrNotFound(db, user, id);
      if (doc.status !== 'pending') return confirmedAnswer(doc, await quotaOf(db, user.id));

      const object = await blobs.stat({ key: doc.object_key });
      if (!object) {
        throw errors.uploadMissing();
      }
      if (doc.declared_bytes !== null && object.size !== doc.declared_bytes) {
        // The backend could not hold the client to its bound (a chunked PUT to S3 can
        // exceed a signed length). The bytes go; the row stays pending for a proper PUT.
        await removeObjectQuietly(doc.object_key);
        throw errors.uploadSizeMismatch(object.size, doc.declared_bytes);
      }
      const size = object.size;

      const outcome = await db.transaction(async (tx) => {
        const uploaded = await documents.markUploaded(tx, { id: doc.id, userId: user.id, sizeBytes: size });
        if (!uploaded) {
          // A concurrent confirm won (same answer, nothing charged) or the row is gone.
          const now = await documents.findOwned(tx, { id: doc.id, userId: user.id });
          return now ? ({ kind: 'already', doc: now, quota: await quotaOf(tx, user.id) } as const) : ({ kind: 'gone' } as const);
        }
        const charged = await quotaRepository.charge(tx, user.id, size);
        if (!charged) {
          await documents.deleteOwned(tx, { id: doc.id, userId: user.id });
          return { kind: 'over', quota: await quotaOf(tx, user.id) } as const;
        }
        await queueClassification(tx, uploaded);
        return { kind: 'confirmed', doc: uploaded, quota: charged } as const;
      });

      switch (outcome.kind) {
        case 'confirmed':
        case 'already':
          return confirmedAnswer(outcome.doc, outcome.quota);
        case 'gone':
          throw errors.notFound('document');
        case 'over':
          await removeObjectQuietly(doc.object_key);
          throw errors.quotaExceeded({
            used_bytes: outcome.quota.used_bytes,
            limit_bytes: outcome.quota.limit_bytes,
            rejected_bytes: size,
          });
      }
    },

    async list(user: AuthUser, query: ListQuery): Promise<{ items: PresentedDocument[]; total: number }> {
      // A topic id that is not a uuid names nobody's topic: nothing matches.
      if (query.topic_id !== undefined && !isUuid(query.topic_id)) return { items: [], total: 0 };
      const { rows, total } = await documents.list(db, {
        userId: user.id,
        status: query.status,
        topicId: query.topic_id,
        search: searchText(query.q),
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return { items: await withTopics(db, user.id, rows), total };
    },

    async get(user: AuthUser, id: string): Promise<PresentedDocument> {
      const doc = await ownedOrNotFound(db, user, id);
      return (await withTopics(db, user.id, [doc]))[0]!;
    },

    /** Renames (display name only) and/or sets the document's manual topics; all or nothing. */
    async update(user: AuthUser, id: string, input: { filename?: string; topic_ids?: string[] }): Promise<PresentedDocument> {
      const filename = input.filename === undefined ? undefined : displayFilename(input.filename);
      const topicIds = input.topic_ids === undefined ? undefined : [...new Set(input.topic_ids.map((t) => t.toLowerCase()))];
      return db.transaction(async (tx) => {
        const doc = await ownedOrNotFound(tx, user, id, { lock: true });
        if (topicIds !== undefined) {
          const owned = await topicsRepository.ownedIds(tx, user.id, topicIds.filter(isUuid));
          // Another user's topic is as unknown as a missing one.
          if (topicIds.some((t) => !owned.has(t))) throw errors.notFound('topic');
          await documents.replaceManualTopics(tx, { documentId: doc.id, userId: user.id, topicIds });
        }
        if (filename !== undefined) await documents.updateFilename(tx, { id: doc.id, userId: user.id, filename });
        const fresh = await ownedOrNotFound(tx, user, id);
        return (await withTopics(tx, user.id, [fresh]))[0]!;
      });
    },

    async downloadUrl(user: AuthUser, id: string): Promise<{ url: string; expires_at: string }> {
      const doc = await ownedOrNotFound(db, user, id);
      if (doc.status === 'pending') throw errors.documentPending();
      const presigned = await blobs.presignDownload({
        key: doc.object_key,
        filename: doc.filename,
        contentType: downloadContentType(doc.content_type),
        ttlSeconds,
      });
      return { url: presigned.url, expires_at: presigned.expiresAt.toISOString() };
    },

    /** The row and its charge go in one transaction; the object after commit. */
    async remove(user: AuthUser, id: string): Promise<void> {
      if (!isUuid(id)) throw errors.notFound('document');
      const removed = await db.transaction(async (tx) => {
        const doc = await documents.deleteOwned(tx, { id, userId: user.id });
        // A pending document was never charged.
        if (doc && doc.status !== 'pending') await quotaRepository.release(tx, user.id, doc.size_bytes);
        return doc;
      });
      if (!removed) throw errors.notFound('document');
      await removeObjectQuietly(removed.object_key);
      if (removed.thumbnail_key) await removeObjectQuietly(removed.thumbnail_key);
    },

    /** Queues extract-and-classify again for an uploaded document. */
    async requestClassification(user: AuthUser, id: string): Promise<{ id: string; status: DocumentStatus }> {
      return db.transaction(async (tx) => {
        const doc = await ownedOrNotFound(tx, user, id, { lock: true });
        if (doc.status === 'pending') throw errors.documentPending();
        await queueClassification(tx, doc, { requested: true });
        return { id: doc.id, status: doc.status };
      });
    },
  };
}

function confirmedAnswer(doc: DocumentRow, quota: QuotaRow): ConfirmAnswer {
  return { id: doc.id, size_bytes: doc.size_bytes, used_bytes: quota.used_bytes, status: doc.status };
}
