import type { Database } from '../../db/database.js';
import { defineJob } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { DocumentJobs } from './document-jobs.js';
import { uploadsRepository } from './uploads.repository.js';

const BATCH = 500;

export interface CleanupDeps {
  db: Database;
  blobs: BlobStore;
  settings: { pendingUploadTtlSeconds: number; cleanupIntervalSeconds: number };
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * Removes uploads that were never confirmed: pending rows older than
 * PENDING_UPLOAD_TTL_SECONDS with their reservations (one statement; none was ever
 * charged), then their objects. Idempotent: a second run finds nothing; an object whose removal failed, or
 * that is PUT after its row went, is the object sweep's (sweep-objects.job.ts).
 */
export async function cleanupAbandonedUploads(deps: CleanupDeps): Promise<{ rows: number; objects: number }> {
  let rows = 0;
  let objects = 0;
  for (;;) {
    const gone = await uploadsRepository.deleteAbandoned(deps.db, {
      olderThanSeconds: deps.settings.pendingUploadTtlSeconds,
      limit: BATCH,
    });
    rows += gone.length;
    for (const { object_key: key } of gone) {
      try {
        await deps.blobs.delete({ key });
        objects++;
      } catch (err) {
        deps.log?.warn({ err, key }, 'could not remove an abandoned upload; the object sweep will');
      }
    }
    if (gone.length < BATCH) return { rows, objects };
  }
}

export function cleanupAbandonedUploadsJob(deps: CleanupDeps) {
  return defineJob<object>({
    name: DocumentJobs.cleanupAbandonedUploads,
    everySeconds: deps.settings.cleanupIntervalSeconds,
    retryLimit: 2,
    handler: async () => {
      await cleanupAbandonedUploads(deps);
    },
  });
}
