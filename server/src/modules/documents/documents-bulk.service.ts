import type { Database, Queryable } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { quotaRepository } from '../quotas/quota.repository.js';
import { isUuid } from '../../http/schemas.js';
import type { ExtractAndClassifyPayload } from './document-jobs.js';
import { JobNames } from '../../jobs/job-names.js';
import { documentSetsRepository as sets } from './document-sets.repository.js';
import type { DocumentRow } from './documents.repository.js';
import type { BulkAnswer, BulkInput } from './documents.schemas.js';

export const BULK_ACTIONS = ['trash', 'restore', 'delete', 'add_topics', 'remove_topics', 'set_topics', 'reclassify'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK_IDS = 500;

export interface DocumentSetServiceDeps {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  log?: { warn(obj: object, msg?: string): void };
}

const TOPIC_ACTIONS: ReadonlySet<BulkAction> = new Set(['add_topics', 'remove_topics', 'set_topics']);

/**
 * Actions on many documents at once (SPEC §7.3): the trash and the bulk endpoint. Every id
 * must be the caller's — one unknown or foreign id answers 404 and nothing changes — and the
 * whole action is one transaction over the locked rows. Objects of deleted documents go
 * after the commit (a failure there is the object sweep's).
 */
export function createDocumentSetService(deps: DocumentSetServiceDeps) {
  const { db, blobs, queue } = deps;

  async function lockAllOrNotFound(tx: Queryable, user: AuthUser, ids: string[]): Promise<DocumentRow[]> {
    if (!ids.every(isUuid)) throw errors.notFound('document');
    const rows = await sets.lockOwned(tx, user.id, ids);
    if (rows.length !== ids.length) throw errors.notFound('document');
    return rows;
  }

  async function topicIdsOrNotFound(tx: Queryable, user: AuthUser, topicIds: string[]): Promise<void> {
    const owned = await sets.ownedTopicIds(tx, user.id, topicIds.filter(isUuid));
    if (topicIds.some((t) => !owned.has(t))) throw errors.notFound('topic');
  }

  function queueClassification(tx: Queryable, doc: DocumentRow, requested: boolean) {
    const payload: ExtractAndClassifyPayload = { documentId: doc.id, userId: doc.user_id, ...(requested ? { requested } : {}) };
    return queue.send(JobNames.extractAndClassify, payload, { tx });
  }

  async function removeObjects(rows: DocumentRow[]): Promise<void> {
    // The file and its thumbnail (a derived object), if it has one.
    for (const key of rows.flatMap((r) => (r.thumbnail_key ? [r.object_key, r.thumbnail_key] : [r.object_key]))) {
      try {
        await blobs.delete({ key });
      } catch (err) {
        deps.log?.warn({ err, key }, 'could not remove an object; the object sweep will');
      }
    }
  }

  async function apply(tx: Queryable, user: AuthUser, rows: DocumentRow[], req: BulkInput): Promise<{ affected: number; deleted: DocumentRow[] }> {
    const ids = rows.map((r) => r.id);
    const topicIds = req.topic_ids ?? [];
    switch (req.action) {
      case 'trash':
        return { affected: await sets.trash(tx, user.id, ids), deleted: [] };
      case 'restore': {
        const affected = await sets.restore(tx, user.id, ids);
        // A document trashed before its text was read was skipped by the job: read it now.
        for (const row of rows) {
          if (row.trashed_at && row.status === 'uploaded' && !row.sha256) await queueClassification(tx, row, false);
        }
        return { affected, deleted: [] };
      }
      case 'delete': {
        const deleted = await sets.deleteMany(tx, user.id, ids);
        const charged = deleted.filter((d) => d.status !== 'pending').reduce((n, d) => n + Number(d.size_bytes), 0);
        if (charged > 0) await quotaRepository.release(tx, user.id, charged);
        return { affected: deleted.length, deleted };
      }
      case 'add_topics':
        await sets.addManualTopics(tx, user.id, ids, topicIds);
        return { affected: ids.length, deleted: [] };
      case 'remove_topics':
        await sets.removeTopics(tx, user.id, ids, { topicIds, except: false });
        return { affected: ids.length, deleted: [] };
      case 'set_topics':
        await sets.removeTopics(tx, user.id, ids, { topicIds, except: true });
        await sets.addManualTopics(tx, user.id, ids, topicIds);
        return { affected: ids.length, deleted: [] };
      case 'reclassify': {
        // Pending and trashed documents are not classified; the rest are queued again.
        const ready = rows.filter((r) => r.status !== 'pending' && !r.trashed_at);
        for (const row of ready) await queueClassification(tx, row, true);
        return { affected: ready.length, deleted: [] };
      }
    }
  }

  async function run(user: AuthUser, req: BulkInput): Promise<BulkAnswer> {
    const ids = [...new Set(req.ids.map((i) => i.toLowerCase()))];
    const topicIds = req.topic_ids === undefined ? undefined : [...new Set(req.topic_ids.map((t) => t.toLowerCase()))];
    if (ids.length > MAX_BULK_IDS) throw errors.tooManyIds(MAX_BULK_IDS);
    if (TOPIC_ACTIONS.has(req.action) && topicIds === undefined) {
      throw errors.topicIdsRequired(req.action);
    }
    const outcome = await db.transaction(async (tx) => {
      const rows = await lockAllOrNotFound(tx, user, ids);
      if (topicIds !== undefined && TOPIC_ACTIONS.has(req.action)) await topicIdsOrNotFound(tx, user, topicIds);
      return apply(tx, user, rows, { ...req, ids, topic_ids: topicIds });
    });
    await removeObjects(outcome.deleted);
    return { action: req.action, affected: outcome.affected };
  }

  return {
    bulk: run,
    async trash(user: AuthUser, id: string): Promise<void> {
      await run(user, { ids: [id], action: 'trash' });
    },
    async restore(user: AuthUser, id: string): Promise<void> {
      await run(user, { ids: [id], action: 'restore' });
    },
  };
}

export type DocumentSetService = ReturnType<typeof createDocumentSetService>;
