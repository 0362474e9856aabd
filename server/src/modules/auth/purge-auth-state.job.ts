import type { Database } from '../../db/database.js';
import { JobNames } from '../../jobs/job-names.js';
import { defineJob } from '../../jobs/job-registry.js';
import { deleteExpiredRefreshTokens } from './auth.repository.js';
import { THROTTLE_WINDOW_SECONDS } from './throttle.js';
import { purgeExpiredBuckets } from './throttle.repository.js';

const DAY_SECONDS = 24 * 3600;

/**
 * Hourly: forgets throttle windows that ended more than a day ago and refresh tokens
 * that expired more than a day ago. Both deletions are idempotent.
 */
export function purgeAuthStateJob(db: Database) {
  return defineJob<Record<string, never>>({
    name: JobNames.purgeAuthState,
    everySeconds: 3600,
    retryLimit: 2,
    handler: async () => {
      await purgeExpiredBuckets(db, THROTTLE_WINDOW_SECONDS + DAY_SECONDS);
      await deleteExpiredRefreshTokens(db, DAY_SECONDS);
    },
  });
}
