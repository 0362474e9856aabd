import type { Database } from '../../db/database.js';
import { JobNames } from '../../jobs/job-names.js';
import { defineJob } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
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
export async function cleanupAbandonedUploads(deps: CleanupDeps): Promise<{ rows: number; objects: number; multipart?: number }> {
  let rows = 0;
  let objects = 0;
  for (;;) {
    const gone = await uploadsRepository.deleteAbandoned(deps.db, {
      olderThanSeconds: deps.settings.pendingUploadTtlSeconds,
      limit: BATCH,
    });
    rows += gone.length;
    for (const { object_key: key, multipart_upload_id: uploadId } of gone) {
      try {
        if (uploadId !== null) await deps.blobs.abortMultipart({ key, uploadId });
        await deps.blobs.delete({ key });
        objects++;
      } catch (err) {
        deps.log?.warn({ err, key }, 'could not remove an abandoned upload; the object sweep will');
      }
    }
    if (gone.length < BATCH) break;
  }
  const multipart = await abortOrphanedMultipartUploads(deps);
  return { rows, objects, ...(multipart > 0 ? { multipart } : {}) };
}

/**
 * Aborts multipart uploads older than the pending TTL that no pending document holds: left
 * by a crash between starting one and recording it, or by a delete whose abort failed (S3
 * ListMultipartUploads; on disk the `.multipart` directory). Their parts go with them.
 */
export async function abortOrphanedMultipartUploads(deps: CleanupDeps, now = new Date()): Promise<number> {
  const cutoff = now.getTime() - deps.settings.pendingUploadTtlSeconds * 1000;
  const old: { key: string; uploadId: string }[] = [];
  for await (const u of deps.blobs.listMultipartUploads()) if (u.initiated.getTime() < cutoff) old.push(u);
  let aborted = 0;
  for (let i = 0; i < old.length; i += BATCH) {
    const batch = old.slice(i, i + BATCH);
    const open = await uploadsRepository.openMultipartIds(deps.db, batch.map((u) => u.uploadId));
    for (const u of batch) {
      if (open.has(u.uploadId)) continue;
      try {
        await deps.blobs.abortMultipart(u);
        aborted++;
      } catch (err) {
        deps.log?.warn({ err, key: u.key }, 'could not abort a multipart upload; the next sweep retries');
      }
    }
  }
  return aborted;
}

export function cleanupAbandonedUploadsJob(deps: CleanupDeps) {
  return defineJob<object>({
    name: JobNames.cleanupAbandonedUploads,
    everySeconds: deps.settings.cleanupIntervalSeconds,
    retryLimit: 2,
    handler: async () => {
      await cleanupAbandonedUploads(deps);
    },
  });
}
