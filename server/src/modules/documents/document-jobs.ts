/** Names of the documents module's jobs, shared by the code that queues them and their handlers. */
export const DocumentJobs = {
  /** Queued by confirm and POST /{id}/classify; payload ExtractAndClassifyPayload. */
  extractAndClassify: 'extract-and-classify',
  cleanupAbandonedUploads: 'cleanup-abandoned-uploads',
  /** Orphan objects and objects replaced after confirm; see sweep-objects.job.ts. */
  sweepObjects: 'sweep-objects',
  /** Trashed documents past TRASH_RETENTION_DAYS; see purge-trash.job.ts. */
  purgeTrash: 'purge-trash',
  /** An account an admin deleted: its rows and objects; payload DeleteUserPayload. */
  deleteUser: 'delete-user',
} as const;

export interface ExtractAndClassifyPayload {
  documentId: string;
  userId: string;
  /** Asked for with POST /{id}/classify: classify even when the user's auto_classify is off. */
  requested?: boolean;
}

export interface DeleteUserPayload {
  userId: string;
}
