/**
 * Every PostgreSQL advisory lock key the application takes, in one place so no two
 * unrelated critical sections ever share a key (and so wait on each other).
 */
export const AdvisoryLocks = {
  /** Applying migrations at start (migrate.ts). */
  migrations: 7_251_940_318_004_112,
  /** Creating a new account: the first one becomes admin (auth.repository.ts). */
  registration: 7_251_940_318_004_113,
  /** pg-boss's first-time install and queue creation (job-runner.ts). */
  jobSetup: 7_251_940_318_004_114,
} as const;
