/**
 * Every job this deployment can queue or schedule, in one style: camelCase keys, kebab-case
 * names. The runner refuses to start unless the registry has a handler for each.
 */
export const JobNames = {
  /** Queued by confirm and POST /documents/{id}/classify; handled by the classification module. */
  extractAndClassify: 'extract-and-classify',
  /** Scheduled: pending uploads past PENDING_UPLOAD_TTL_SECONDS. */
  cleanupAbandonedUploads: 'cleanup-abandoned-uploads',
  /** Scheduled: objects no row owns, and objects replaced after confirm. */
  sweepObjects: 'sweep-objects',
  /** Scheduled: temp files of disk writes that never finished (the process died mid-upload). */
  sweepTempFiles: 'sweep-temp-files',
  /** Scheduled: trashed documents past TRASH_RETENTION_DAYS; see purge-trash.job.ts. */
  purgeTrash: 'purge-trash',
  /** Queued when an admin deletes an account: its rows and objects; payload DeleteUserPayload. */
  deleteUser: 'delete-user',
  /** Queued inside the transaction that records a security event. */
  sendSecurityAlert: 'send-security-alert',
  /** Scheduled: expired throttle windows and refresh tokens. */
  purgeAuthState: 'purge-auth-state',
} as const;

export type JobName = (typeof JobNames)[keyof typeof JobNames];

export const JOB_NAMES: readonly JobName[] = Object.values(JobNames);
