import type { Database } from '../../db/database.js';
import { defineJob } from '../../jobs/job-registry.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { DeleteUserPayload } from './document-jobs.js';
import { JobNames } from '../../jobs/job-names.js';

export interface DeleteUserDeps {
  db: Database;
  blobs: BlobStore;
  log?: { warn(obj: object, msg?: string): void };
}

/**
 * delete-user, queued by an admin's DELETE /api/admin/users/{id} (which disabled the account
 * and ended its sessions in the same transaction): the user row goes with everything that
 * hangs off it (documents, topics, quota, sessions, classifier statistics, by cascade), then
 * the objects its documents held. Idempotent: a second run finds no user and no keys; an
 * object whose removal failed, or a crash between the two steps, is the object sweep's
 * (objects no row owns).
 */
export async function deleteUser(deps: DeleteUserDeps, data: DeleteUserPayload): Promise<{ objects: number }> {
  const keys = await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ object_key: string; thumbnail_key: string | null }>(
      'SELECT object_key, thumbnail_key FROM documents WHERE user_id = $1',
      [data.userId],
    );
    await tx.query('DELETE FROM users WHERE id = $1', [data.userId]);
    // The files and their thumbnails (derived objects).
    return rows.flatMap((r) => (r.thumbnail_key ? [r.object_key, r.thumbnail_key] : [r.object_key]));
  });
  let objects = 0;
  for (const key of keys) {
    try {
      await deps.blobs.delete({ key });
      objects++;
    } catch (err) {
      deps.log?.warn({ err, key }, 'could not remove an object of a deleted user; the object sweep will');
    }
  }
  return { objects };
}

export function deleteUserJob(deps: DeleteUserDeps) {
  return defineJob<DeleteUserPayload>({
    name: JobNames.deleteUser,
    retryLimit: 5,
    handler: async (data) => {
      await deleteUser(deps, data);
    },
  });
}
