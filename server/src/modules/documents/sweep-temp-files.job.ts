import { JobNames } from '../../jobs/job-names.js';
import { defineJob } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';

export interface TempSweepDeps {
  blobs: BlobStore;
  settings: { pendingUploadTtlSeconds: number; cleanupIntervalSeconds: number };
}

/**
 * Removes the temp files of disk uploads a dead process left behind. A live upload writes
 * to its temp file as bytes arrive, so only a file untouched for PENDING_UPLOAD_TTL_SECONDS
 * goes: by then its pending document is swept too, and no URL could complete it.
 */
export function sweepTempFiles(deps: TempSweepDeps, now = new Date()): Promise<number> {
  return deps.blobs.sweepTempFiles({ olderThan: new Date(now.getTime() - deps.settings.pendingUploadTtlSeconds * 1000) });
}

export function sweepTempFilesJob(deps: TempSweepDeps) {
  return defineJob<object>({
    name: JobNames.sweepTempFiles,
    everySeconds: deps.settings.cleanupIntervalSeconds,
    retryLimit: 2,
    handler: async () => {
      await sweepTempFiles(deps);
    },
  });
}
