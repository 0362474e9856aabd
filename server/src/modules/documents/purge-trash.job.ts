import type { Database } from '../../db/database.js';
import { defineJob } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { quotaRepository } from '../quotas/quota.repository.js';
import { JobNames } from '../../jobs/job-names.js';
import { documentSetsRepository as sets } from './document-sets.repository.js';

const BATCH = 200;

export interface PurgeTrashDeps {
  db: Database;
  blobs: BlobStore;
  settings: { trashRetentionDays: number; cleanupIntervalSeconds: number };
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * Deletes for good the documents that have been in the trash for TRASH_RETENTION_DAYS:
 * rows and their quota charges in one transaction per batch, then the objects. Idempotent:
 * a second run finds nothing; an object whose removal failed is the object sweep's.
 */
export async function purgeTrash(deps: PurgeTrashDeps): Promise<{ documents: number }> {
  let documents = 0;
  for (;;) {
    const gone = await deps.db.transaction(async (tx) => {
      const rows = await sets.lockExpiredTrash(tx, { olderThanDays: deps.settings.trashRetentionDays, limit: BATCH });
      const byUser = new Map<string, string[]>();
      for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r.id]);
      const deleted = [];
      for (const [userId, ids] of byUser) {
        const removed = await sets.deleteMany(tx, userId, ids);
        const charged = removed.filter((d) => d.status !== 'pending').reduce((n, d) => n + Number(d.size_bytes), 0);
        if (charged > 0) await quotaRepository.release(tx, userId, charged);
        deleted.push(...removed);
      }
      return deleted;
    });
    documents += gone.length;
    // The file and its thumbnail (a derived object), if it has one.
    for (const key of gone.flatMap((r) => (r.thumbnail_key ? [r.object_key, r.thumbnail_key] : [r.object_key]))) {
      try {
        await deps.blobs.delete({ key });
      } catch (err) {
        deps.log?.warn({ err, key }, 'could not remove a purged object; the object sweep will');
      }
    }
    if (gone.length < BATCH) return { documents };
  }
}

export function purgeTrashJob(deps: PurgeTrashDeps) {
  return defineJob<object>({
    name: JobNames.purgeTrash,
    everySeconds: deps.settings.cleanupIntervalSeconds,
    retryLimit: 2,
    handler: async () => {
      await purgeTrash(deps);
    },
  });
}
