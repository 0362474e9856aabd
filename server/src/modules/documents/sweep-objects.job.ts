import type { Database } from '../../db/database.js';
import { JobNames } from '../../jobs/job-names.js';
import { defineJob } from '../../jobs/job-registry.js';
import type { BlobStore, ListedObject } from '../../storage/blob-store.js';
import { quotaRepository } from '../quotas/quota.repository.js';
import { documentsRepository as documents, type DocumentRow } from './documents.repository.js';
import { isDerivedObjectKey, isDocumentObjectKey } from './object-key.js';

const BATCH = 500;

export interface ObjectSweepDeps {
  db: Database;
  blobs: BlobStore;
  settings: { uploadUrlTtlSeconds: number; cleanupIntervalSeconds: number };
  log?: { warn(obj: object, msg?: string): void };
}

export interface ObjectSweepResult {
  /** Document-shaped objects old enough to judge. */
  checked: number;
  /** Objects no row points to, removed (documents' objects and derived ones such as thumbnails). */
  removed: number;
  /** Confirmed documents whose object changed size since confirm, re-charged. */
  resized: number;
  /** Confirmed documents whose changed object no longer fits the quota, removed. */
  evicted: number;
}

/**
 * Walks the store and settles every document object that is older than an upload URL can
 * live (so nothing in flight is judged):
 *
 * - an object no row points to goes. Such objects are left by a crash between a commit and
 *   the object's removal, or PUT through a still-valid URL after the pending row was swept.
 *   A row is always written before its URL exists and keys are never reused, so an object
 *   with no row never gets one later.
 * - a confirmed document whose object's size differs from the size charged at confirm had
 *   its bytes PUT again through its still-valid URL. The difference is charged (or given
 *   back) so the quota keeps telling the truth; if it does not fit, the document goes.
 *
 * - a derived object (a thumbnail) that no document names goes: its document was deleted,
 *   or re-extracted and given a new one, and a crash came before the old one was removed.
 *
 * Keys that do not have the shape of a document or derived key are never touched. Idempotent.
 */
export async function sweepObjects(deps: ObjectSweepDeps, now = new Date()): Promise<ObjectSweepResult> {
  const cutoff = now.getTime() - deps.settings.uploadUrlTtlSeconds * 1000;
  const result: ObjectSweepResult = { checked: 0, removed: 0, resized: 0, evicted: 0 };
  let batch: ListedObject[] = [];
  const flush = async () => {
    const keys = batch.map((o) => o.key);
    const rows = await documents.rowsByObjectKey(deps.db, keys);
    for (const object of batch) {
      const row = rows.get(object.key);
      try {
        if (!row) {
          await deps.blobs.delete({ key: object.key });
          result.removed++;
        } else if (row.status !== 'pending' && row.size_bytes !== object.size) {
          const outcome = await settleChangedSize(deps, row);
          if (outcome === 'resized') result.resized++;
          if (outcome === 'evicted') result.evicted++;
        }
      } catch (err) {
        deps.log?.warn({ err, key: object.key }, 'could not settle an object; the next sweep retries');
      }
    }
    batch = [];
  };
  let derived: ListedObject[] = [];
  const flushDerived = async () => {
    const inUse = await documents.derivedKeysInUse(
      deps.db,
      derived.map((o) => o.key),
    );
    for (const object of derived) {
      if (inUse.has(object.key)) continue;
      try {
        await deps.blobs.delete({ key: object.key });
        result.removed++;
      } catch (err) {
        deps.log?.warn({ err, key: object.key }, 'could not remove a derived object; the next sweep retries');
      }
    }
    derived = [];
  };
  for await (const object of deps.blobs.list({})) {
    if (object.lastModified.getTime() > cutoff) continue;
    if (isDerivedObjectKey(object.key)) {
      result.checked++;
      derived.push(object);
      if (derived.length >= BATCH) await flushDerived();
      continue;
    }
    if (!isDocumentObjectKey(object.key)) continue;
    result.checked++;
    batch.push(object);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  if (derived.length > 0) await flushDerived();
  return result;
}

/** Re-reads the object's size and, under the row's lock, charges the difference or evicts. */
async function settleChangedSize(deps: ObjectSweepDeps, seen: DocumentRow): Promise<'unchanged' | 'resized' | 'evicted'> {
  const object = await deps.blobs.stat({ key: seen.object_key });
  if (!object) return 'unchanged'; // being deleted right now, or lost: nothing to charge
  const where = { id: seen.id, userId: seen.user_id };
  const outcome = await deps.db.transaction(async (tx) => {
    const row = await documents.findOwned(tx, where, { lock: true });
    if (!row || row.status === 'pending' || row.object_key !== seen.object_key || row.size_bytes === object.size)
      return 'unchanged';
    const delta = object.size - row.size_bytes;
    if (delta < 0) await quotaRepository.release(tx, row.user_id, -delta);
    else if (!(await quotaRepository.charge(tx, row.user_id, delta))) {
      await documents.deleteOwned(tx, where);
      await quotaRepository.release(tx, row.user_id, row.size_bytes);
      return 'evicted';
    }
    await documents.setSize(tx, { ...where, sizeBytes: object.size });
    return 'resized';
  });
  if (outcome === 'resized' || outcome === 'evicted') {
    deps.log?.warn(
      { documentId: seen.id, before: seen.size_bytes, after: object.size, outcome },
      'a confirmed object was replaced',
    );
  }
  if (outcome === 'evicted') await deps.blobs.delete({ key: seen.object_key });
  return outcome;
}

export function sweepObjectsJob(deps: ObjectSweepDeps) {
  return defineJob<object>({
    name: JobNames.sweepObjects,
    everySeconds: deps.settings.cleanupIntervalSeconds,
    retryLimit: 2,
    handler: async () => {
      await sweepObjects(deps);
    },
  });
}
