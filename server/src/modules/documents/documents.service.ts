import { randomUUID } from 'node:crypto';
import { independently, type Database, type Queryable } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { AppError, errors } from '../../http/errors.js';
import { isUuid } from '../../http/schemas.js';
import { JobNames } from '../../jobs/job-names.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { sharesRepository } from '../shares/shares.repository.js';
import { topicsRepository } from '../topics/topics.repository.js';
import { SearchTimeoutError } from './document-search.js';
import { checkContentType, displayFilename, downloadContentType, searchText } from './document-fields.js';
import type { ExtractAndClassifyPayload } from './document-jobs.js';
import { presentDocument, snippetSegments } from './document.presenter.js';
import type {
  ClassifyAnswer,
  ConfirmAnswer,
  ConfirmInput,
  DocumentPage,
  DocumentPatch,
  DownloadLink,
  ListQuery,
  MultipartTicket,
  PresentedDocument,
  UploadUrlAnswer,
  UploadUrlInput,
} from './documents.schemas.js';
import { documentsRepository as documents, type DocumentRow } from './documents.repository.js';
import { makeObjectKey } from './object-key.js';
import { createMultipartUploads } from './multipart-uploads.js';
import { uploadsRepository as uploads, type QuotaState } from './uploads.repository.js';
import { dateBound, type TypeFamily } from './document-list-filter.js';
import { documentSetsRepository as sets } from './document-sets.repository.js';
import { keysWithJobInFlight } from '../../jobs/job-state.repository.js';

export interface DocumentServiceDeps {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  settings: {
    uploadUrlTtlSeconds: number;
    pendingUploadTtlSeconds: number;
    maxPendingUploads: number;
    maxUploadBytes: number;
    undeclaredUploadMaxBytes: number;
  };
  log?: { warn(obj: object, msg?: string): void };
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
  const limits = deps.settings;

  async function ownedOrNotFound(q: Queryable, user: AuthUser, id: string, opts: { lock?: boolean } = {}): Promise<DocumentRow> {
    // A malformed id cannot name anyone's document: the same 404, and no SQL error.
    const doc = isUuid(id) ? await documents.findOwned(q, { id, userId: user.id }, opts) : null;
    if (!doc) throw errors.notFound('document');
    return doc;
  }

  async function quotaOf(q: Queryable, userId: string): Promise<QuotaState> {
    const quota = await uploads.quota(q, userId);
    // Accounts get their quota row when they are created; a missing one is a bug.
    if (!quota) throw new Error(`user ${userId} has no quota row`);
    return quota;
  }

  /** The rows as clients see them: with topics, duplicate flag and whether a job is at work on them. */
  async function withTopics<R extends DocumentRow>(
    q: Queryable,
    userId: string,
    rows: R[],
    reread = true,
  ): Promise<PresentedDocument[]> {
    const ids = rows.map((r) => r.id);
    // (A transaction's one client runs them in turn whatever the database.)
    const [topics, flags, inFlight, shared] = await independently(db, [
      () => documents.topicsOf(q, userId, ids),
      () => sets.flagsOf(q, userId, ids),
      () => keysWithJobInFlight(q, { name: JobNames.extractAndClassify, field: 'documentId', values: ids }),
      () => sharesRepository.sharedDocumentIds(q, userId, ids),
    ] as const);
    // The rows were read before the jobs: a job that finished in between left its row
    // "uploaded" here but is no longer in flight, and a page told "uploaded, not processing"
    // stops polling for good. Such rows are read again, now that their job is over.
    const unsettled = rows.filter((r) => r.status === 'uploaded' && !inFlight.has(r.id)).map((r) => r.id);
    if (reread && unsettled.length > 0) {
      const fresh = await documents.findOwnedMany(q, userId, unsettled);
      if ([...fresh.values()].some((f) => f.status !== 'uploaded')) {
        return withTopics(
          q,
          userId,
          rows.map((r) => ({ ...r, ...fresh.get(r.id) })),
          false,
        );
      }
    }
    const topicsOf = (id: string) => topics.filter((t) => t.document_id === id);
    return rows.map((r) =>
      presentDocument(r, topicsOf(r.id), {
        duplicateOf: flags.get(r.id)?.duplicate_of ?? null,
        processing: inFlight.has(r.id),
        shared: shared.has(r.id),
      }),
    );
  }

  /** Removes an object no row points to any more; a failure is left to the object sweep. */
  async function removeObjectQuietly(key: string): Promise<void> {
    try {
      await blobs.delete({ key });
    } catch (err) {
      deps.log?.warn({ err, key }, 'could not remove an object; the object sweep will');
    }
  }

  /** The bytes of an upload that is gone: an unfinished multipart upload is aborted too. */
  async function discardBytes(doc: DocumentRow): Promise<void> {
    if (doc.multipart_upload_id !== null && doc.status === 'pending') {
      try {
        await blobs.abortMultipart({ key: doc.object_key, uploadId: doc.multipart_upload_id });
      } catch (err) {
        deps.log?.warn({ err, key: doc.object_key }, 'could not abort a multipart upload; the sweep will');
      }
    }
    await removeObjectQuietly(doc.object_key);
    if (doc.thumbnail_key) await removeObjectQuietly(doc.thumbnail_key);
  }

  /** A pending upload that failed: its row and reservation go in one statement, then its bytes. */
  async function dropPending(user: AuthUser, doc: DocumentRow): Promise<void> {
    const gone = await uploads.deleteAndRelease(db, { id: doc.id, userId: user.id });
    if (gone) await discardBytes(gone);
  }

  /**
   * The pending row and its reservation (one statement). Refused: 429 when the user has
   * MAX_PENDING_UPLOADS open, else 413 with the quota as it stands.
   */
  async function reserveUpload(
    user: AuthUser,
    u: { filename: string; contentType: string; declared: number | null; partSize?: number },
  ): Promise<DocumentRow> {
    const id = randomUUID();
    const doc = await uploads.reserve(db, {
      id,
      userId: user.id,
      filename: u.filename,
      contentType: u.contentType,
      storageBackend: blobs.backend,
      objectKey: makeObjectKey({ userId: user.id, documentId: id, filename: u.filename }),
      declaredBytes: u.declared,
      undeclaredCapBytes: Math.min(limits.undeclaredUploadMaxBytes, limits.maxUploadBytes),
      maxPendingUploads: limits.maxPendingUploads,
      partSize: u.partSize ?? null,
    });
    if (doc) return doc;
    const quota = await quotaOf(db, user.id);
    if (quota.pending_uploads >= limits.maxPendingUploads) {
      throw errors.tooManyPendingUploads(
        `You have ${quota.pending_uploads} unfinished uploads (at most ${limits.maxPendingUploads}): confirm or delete some first`,
      );
    }
    throw errors.quotaExceeded({ ...quotaDetail(quota), rejected_bytes: u.declared ?? 0 });
  }

  /**
   * Flip + charge + the classification job, in one statement (atomic on its own: no
   * transaction, one round trip). Over the limit it writes nothing.
   */
  async function chargeAndQueue(user: AuthUser, doc: DocumentRow, size: number): Promise<ConfirmAnswer> {
    const payload: ExtractAndClassifyPayload = { documentId: doc.id, userId: user.id };
    const result = await uploads.confirmAndCharge(db, { id: doc.id, userId: user.id, sizeBytes: size }, (params, when) =>
      queue.insertSql(JobNames.extractAndClassify, payload, params, when),
    );
    if (result.kind === 'over') {
      // A failed confirm: the upload, its reservation and its bytes go.
      await dropPending(user, doc);
      throw errors.quotaExceeded({ ...quotaDetail(await quotaOf(db, user.id)), rejected_bytes: size });
    }
    if (result.kind === 'not_pending') {
      // A concurrent confirm won (same answer, nothing charged) or the row is gone.
      const now = await documents.findOwned(db, { id: doc.id, userId: user.id });
      if (!now) throw errors.notFound('document');
      return confirmedAnswer(now, await quotaOf(db, user.id));
    }
    // Pending until this statement, so no job of this document can have been waiting; should
    // one have been (the insert met the queue's one-waiting-job index), join it instead.
    if (result.jobId === null) await queueClassification(db, result.doc);
    return confirmedAnswer(result.doc, result.quota);
  }

  function queueClassification(tx: Queryable, doc: DocumentRow, opts: { requested?: boolean } = {}) {
    const payload: ExtractAndClassifyPayload = {
      documentId: doc.id,
      userId: doc.user_id,
      ...(opts.requested ? { requested: true } : {}),
    };
    return queue.send(JobNames.extractAndClassify, payload, { tx });
  }

  const multipart = createMultipartUploads({
    db,
    blobs,
    settings: limits,
    ownedOrNotFound,
    reserveUpload,
    dropPending,
  });

  return {
    /**
     * Step 1: a pending row holding its reservation, and a URL that accepts exactly what
     * was reserved: the declared size, or (undeclared) up to the room reserved for it.
     */
    async requestUploadUrl(user: AuthUser, input: UploadUrlInput): Promise<UploadUrlAnswer | MultipartTicket> {
      const filename = displayFilename(input.filename);
      const contentType = checkContentType(input.content_type);
      const declared = input.size_bytes ?? null;
      if (declared !== null && declared > limits.maxUploadBytes) throw tooLargeForUpload(declared, limits.maxUploadBytes);
      if (input.multipart) return multipart.start(user, { filename, contentType, sizeBytes: declared });
      if (declared !== null && declared > blobs.maxSinglePutBytes) {
        throw errors.multipartRequired(declared);
      }
      const doc = await reserveUpload(user, { filename, contentType, declared });
      const presigned = await blobs.presignUpload({
        key: doc.object_key,
        contentType,
        ttlSeconds,
        ...(declared !== null ? { exactBytes: declared } : { maxBytes: doc.reserved_bytes }),
      });
      return {
        upload_url: presigned.url,
        document_id: doc.id,
        expires_at: presigned.expiresAt.toISOString(),
        upload_headers: presigned.headers,
      };
    },

    /**
     * Step 3: the stored object's size (from the backend, never the client) becomes the
     * charge in the statement that flips the row to uploaded, inside the transaction that
     * queues its classification. An object that breaks its URL's bound is refused and the
     * reservation released.
     */
    async confirmUpload(user: AuthUser, id: string, input: ConfirmInput = {}): Promise<ConfirmAnswer> {
      const doc = await ownedOrNotFound(db, user, id);
      if (doc.status !== 'pending') return confirmedAnswer(doc, await quotaOf(db, user.id));
      if (doc.multipart_upload_id !== null) return chargeAndQueue(user, doc, await multipart.complete(user, doc, input.parts));

      const object = await blobs.stat({ key: doc.object_key });
      if (!object) {
        throw errors.uploadMissing();
      }
      if (doc.declared_bytes !== null && object.size !== doc.declared_bytes) {
        // The backend could not hold the client to its bound (a chunked PUT to S3 can
        // exceed a signed length): the bytes and the upload go, the reservation with them.
        await dropPending(user, doc);
        throw errors.uploadSizeMismatch(object.size, doc.declared_bytes);
      }
      if (object.size > doc.reserved_bytes) {
        await dropPending(user, doc);
        const quota = await quotaOf(db, user.id);
        throw errors.quotaExceeded({ ...quotaDetail(quota), rejected_bytes: object.size });
      }
      return chargeAndQueue(user, doc, object.size);
    },
    /** Multipart: URLs for these parts, each bound to its part's exact length. */
    partUrls: multipart.partUrls,
    /** Multipart: the parts stored so far (resume). */
    storedParts: multipart.storedParts,

    async list(user: AuthUser, query: ListQuery): Promise<DocumentPage> {
      // A topic id that is not a uuid names nobody's topic: nothing matches.
      if (query.topic_id !== undefined && !isUuid(query.topic_id)) return { items: [], total: 0 };
      const placement = {
        inTrash: query.in === 'trash',
        family: query.content_type,
        from: dateBound(query.from, 'from'),
        before: dateBound(query.to, 'to'),
      };
      const filter = {
        userId: user.id,
        status: query.status,
        topicId: query.topic_id,
        placement,
        sort: query.sort,
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      };
      const search = searchText(query.q);
      if (!search) {
        const { rows, total } = await documents.list(db, filter);
        return { items: await withTopics(db, user.id, rows), total };
      }
      try {
        // On PostgreSQL the hits' topics are read while their snippets are made (and while
        // they are counted).
        const found = await documents.search(db, { ...filter, search });
        const [snippets, items, total] = await independently(db, [
          found.snippets,
          () => withTopics(db, user.id, found.rows),
          () => found.total,
        ] as const);
        for (const item of items) item.snippet = snippetSegments(snippets.get(item.id)!);
        return { items, total };
      } catch (e) {
        if (e instanceof SearchTimeoutError) throw errors.unavailable('The search took too long; try more specific words');
        throw e;
      }
    },

    async get(user: AuthUser, id: string): Promise<PresentedDocument> {
      const doc = await ownedOrNotFound(db, user, id);
      return (await withTopics(db, user.id, [doc]))[0]!;
    },

    /** Renames (display name only) and/or sets the document's manual topics; all or nothing. */
    async update(user: AuthUser, id: string, input: DocumentPatch): Promise<PresentedDocument> {
      const filename = input.filename === undefined ? undefined : displayFilename(input.filename);
      const topicIds = input.topic_ids === undefined ? undefined : [...new Set(input.topic_ids.map((t) => t.toLowerCase()))];
      return db.transaction(async (tx) => {
        const doc = await ownedOrNotFound(tx, user, id, { lock: true });
        if (topicIds !== undefined) {
          const owned = await topicsRepository.ownedIds(tx, user.id, topicIds.filter(isUuid));
          // Another user's topic is as unknown as a missing one.
          if (topicIds.some((t) => !owned.has(t))) throw errors.notFound('topic');
          // The user's choice overrides the classifier's: the topics become exactly these,
          // all manual; an automatic one left out is rejected for good (it sticks).
          await sets.removeTopics(tx, user.id, [doc.id], { topicIds, except: true });
          await sets.addManualTopics(tx, user.id, [doc.id], topicIds);
        }
        if (filename !== undefined) await documents.updateFilename(tx, { id: doc.id, userId: user.id, filename });
        const fresh = await ownedOrNotFound(tx, user, id);
        return (await withTopics(tx, user.id, [fresh]))[0]!;
      });
    },

    async downloadUrl(user: AuthUser, id: string): Promise<DownloadLink> {
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

    /** The row and what it held on the quota go in one statement; the bytes after it. */
    async remove(user: AuthUser, id: string): Promise<void> {
      if (!isUuid(id)) throw errors.notFound('document');
      // A pending document gives back its reservation, a confirmed one its charge.
      const removed = await uploads.deleteAndRelease(db, { id, userId: user.id });
      if (!removed) throw errors.notFound('document');
      await discardBytes(removed);
    },

    /** Queues extract-and-classify again for an uploaded document. */
    async requestClassification(user: AuthUser, id: string): Promise<ClassifyAnswer> {
      return db.transaction(async (tx) => {
        const doc = await ownedOrNotFound(tx, user, id, { lock: true });
        if (doc.status === 'pending') throw errors.documentPending();
        if (doc.trashed_at) throw errors.documentTrashed();
        await queueClassification(tx, doc, { requested: true });
        return { id: doc.id, status: doc.status };
      });
    },
  };
}

/** What a 413 tells about the quota: used and reserved bytes, the limit. */
function quotaDetail(quota: QuotaState) {
  return { used_bytes: quota.used_bytes, reserved_bytes: quota.reserved_bytes, limit_bytes: quota.limit_bytes };
}

function tooLargeForUpload(size: number, max: number) {
  return errors.fileTooLarge(`Files may have at most ${max} bytes; this one has ${size}`);
}

function confirmedAnswer(doc: DocumentRow, quota: QuotaState): ConfirmAnswer {
  return { id: doc.id, size_bytes: doc.size_bytes, used_bytes: quota.used_bytes, status: doc.status };
}
