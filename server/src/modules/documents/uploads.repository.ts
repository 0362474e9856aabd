import type { Queryable } from '../../db/database.js';
import { COLUMNS, D_COLUMNS, type DocumentRow } from './documents.repository.js';

export interface QuotaState {
  used_bytes: number;
  limit_bytes: number;
  reserved_bytes: number;
  pending_uploads: number;
}

export interface NewUpload {
  id: string;
  userId: string;
  filename: string;
  contentType: string;
  storageBackend: 'local' | 's3';
  objectKey: string;
  /** The size the client declared: exactly this is reserved. null = undeclared. */
  declaredBytes: number | null;
  /** Undeclared: reserve (and let the URL accept) at most this, and never more than the room. */
  undeclaredCapBytes: number;
  maxPendingUploads: number;
  multipartUploadId?: string | null;
  partSize?: number | null;
}

export type ConfirmOutcome =
  /** Flipped, charged and (when the caller passed one) its job inserted; `jobId` null = none inserted. */
  | { kind: 'charged'; doc: DocumentRow; quota: QuotaState; jobId: string | null }
  /** Still pending, but the charge no longer fits (the limit was lowered meanwhile): nothing changed. */
  | { kind: 'over' }
  /** Nothing pending under this id any more (a concurrent confirm, a delete, the sweep). */
  | { kind: 'not_pending' };

const QUOTA_COLUMNS = 'used_bytes, limit_bytes, reserved_bytes, pending_uploads';

/**
 * The SQL of reserved uploads (SPEC §7.1). Every change to a reservation is one statement
 * that moves the document row and the quota row together, so a crash at any point leaves
 * `quotas.reserved_bytes = Σ reserved_bytes of pending rows` (and `pending_uploads` their
 * count) true, and concurrent requests serialise on the quota row's lock.
 */
export const uploadsRepository = {
  async quota(q: Queryable, userId: string): Promise<QuotaState | null> {
    const { rows } = await q.query<QuotaState>(`SELECT ${QUOTA_COLUMNS} FROM quotas WHERE user_id = $1`, [userId]);
    return rows[0] ?? null;
  },

  /**
   * Reserves and inserts the pending row in one statement, only if
   * `used + reserved + n <= limit` and the user has fewer than the maximum open uploads.
   * The quota row is locked first, so the room is read after any concurrent reservation
   * committed. null = refused (read the quota to say why).
   */
  async reserve(q: Queryable, u: NewUpload): Promise<DocumentRow | null> {
    const { rows } = await q.query<DocumentRow>(
      `WITH room AS (
         SELECT user_id,
                COALESCE($7::bigint, LEAST($8::bigint, limit_bytes - used_bytes - reserved_bytes)) AS n
           FROM quotas WHERE user_id = $2 FOR UPDATE),
       held AS (
         UPDATE quotas q SET reserved_bytes = q.reserved_bytes + r.n, pending_uploads = q.pending_uploads + 1
           FROM room r
          WHERE q.user_id = r.user_id
            AND (r.n > 0 OR ($7::bigint IS NOT NULL AND r.n = 0))
            AND q.used_bytes + q.reserved_bytes + r.n <= q.limit_bytes
            AND q.pending_uploads < $9
         RETURNING r.n)
       INSERT INTO documents (id, user_id, filename, content_type, declared_bytes, storage_backend, object_key, status,
                              reserved_bytes, multipart_upload_id, part_size)
       SELECT $1, $2, $3, $4, $7, $5, $6, 'pending', held.n, $10, $11 FROM held
       RETURNING ${COLUMNS}`,
      [
        u.id,
        u.userId,
        u.filename,
        u.contentType,
        u.storageBackend,
        u.objectKey,
        u.declaredBytes,
        u.undeclaredCapBytes,
        u.maxPendingUploads,
        u.multipartUploadId ?? null,
        u.partSize ?? null,
      ],
    );
    return rows[0] ?? null;
  },

  /** Records the backend's multipart upload id on a pending row (created after the row). */
  async setMultipartUploadId(q: Queryable, where: { id: string; userId: string; uploadId: string }): Promise<boolean> {
    const { rowCount } = await q.query(
      `UPDATE documents SET multipart_upload_id = $3 WHERE id = $1 AND user_id = $2 AND status = 'pending'`,
      [where.id, where.userId, where.uploadId],
    );
    return rowCount === 1;
  },

  /**
   * Confirm in one statement, with no transaction around it: pending → uploaded with the
   * stored size, the reservation turned into a charge of that size, and (`job`) the job that
   * follows, e.g. the document's classification. The document row is locked first (as every
   * statement that moves a document and its quota together does), so concurrent confirms of
   * one document meet: one goes on, the others match nothing. The charge is conditional on
   * the limit (only a limit lowered since the reservation can fail it), and the flip and the
   * job are made from the charge: over the limit, the statement writes nothing.
   *
   * `job(params, when)` returns an `INSERT … RETURNING id` to run when the CTE `when` has a
   * row (JobQueue.insertSql), its values appended to `params`.
   */
  async confirmAndCharge(
    q: Queryable,
    where: { id: string; userId: string; sizeBytes: number },
    job?: (params: unknown[], when: string) => string,
  ): Promise<ConfirmOutcome> {
    const params: unknown[] = [where.id, where.userId, where.sizeBytes];
    const queued = job ? `, queued AS (${job(params, 'flipped')})` : '';
    const { rows } = await q.query<
      DocumentRow & {
        q_used: number | null;
        q_limit: number | null;
        q_reserved: number | null;
        q_pending: number | null;
        job_id: string | null;
      }
    >(
      `WITH doc AS (
         SELECT id, user_id, reserved_bytes FROM documents
          WHERE id = $1 AND user_id = $2 AND status = 'pending' FOR UPDATE),
       charged AS (
         UPDATE quotas q
            SET used_bytes = q.used_bytes + $3,
                reserved_bytes = GREATEST(0, q.reserved_bytes - d.reserved_bytes),
                pending_uploads = GREATEST(0, q.pending_uploads - 1)
           FROM doc d
          WHERE q.user_id = d.user_id
            AND q.used_bytes + $3 + GREATEST(0, q.reserved_bytes - d.reserved_bytes) <= q.limit_bytes
         RETURNING q.used_bytes, q.limit_bytes, q.reserved_bytes, q.pending_uploads),
       flipped AS (
         UPDATE documents d SET status = 'uploaded', size_bytes = $3, confirmed_at = now()
           FROM doc, charged
          WHERE d.id = doc.id AND d.user_id = doc.user_id
         RETURNING ${D_COLUMNS})${queued}
       SELECT f.*, c.used_bytes AS q_used, c.limit_bytes AS q_limit, c.reserved_bytes AS q_reserved,
              c.pending_uploads AS q_pending, ${job ? '(SELECT id FROM queued LIMIT 1)' : 'NULL'} AS job_id
         FROM doc LEFT JOIN flipped f ON true LEFT JOIN charged c ON true`,
      params,
      // Sent on every confirm; its text is fixed by the job's name (the job's values are parameters).
      { prepare: true },
    );
    const row = rows[0];
    if (!row) return { kind: 'not_pending' };
    const { q_used, q_limit, q_reserved, q_pending, job_id, ...doc } = row;
    if (q_used === null) return { kind: 'over' };
    // The flip is made from the charge on a row this statement holds locked: one without the other cannot be.
    if (doc.id === null) throw new Error(`document ${where.id} was charged but not flipped`);
    return {
      kind: 'charged',
      doc: doc as DocumentRow,
      quota: { used_bytes: q_used, limit_bytes: q_limit!, reserved_bytes: q_reserved!, pending_uploads: q_pending! },
      jobId: job_id,
    };
  },

  /**
   * Deletes the row and gives back what it held, in one statement: its reservation while
   * pending, its charge once confirmed. Returns the row as it was, or null when gone.
   */
  async deleteAndRelease(q: Queryable, where: { id: string; userId: string }): Promise<DocumentRow | null> {
    const { rows } = await q.query<DocumentRow>(
      `WITH gone AS (
         DELETE FROM documents WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}),
       released AS (
         UPDATE quotas q
            SET used_bytes = CASE WHEN g.status = 'pending' THEN q.used_bytes ELSE GREATEST(0, q.used_bytes - g.size_bytes) END,
                reserved_bytes = CASE WHEN g.status = 'pending' THEN GREATEST(0, q.reserved_bytes - g.reserved_bytes) ELSE q.reserved_bytes END,
                pending_uploads = CASE WHEN g.status = 'pending' THEN GREATEST(0, q.pending_uploads - 1) ELSE q.pending_uploads END
           FROM gone g WHERE q.user_id = g.user_id
         RETURNING q.user_id)
       SELECT * FROM gone`,
      [where.id, where.userId],
    );
    return rows[0] ?? null;
  },

  /**
   * Removes up to `limit` pending rows created more than `olderThanSeconds` ago (database
   * clock) and releases their reservations, in one statement; returns what went. SKIP
   * LOCKED: a row being confirmed right now is left to its confirm.
   */
  async deleteAbandoned(
    q: Queryable,
    opts: { olderThanSeconds: number; limit: number },
  ): Promise<{ object_key: string; multipart_upload_id: string | null }[]> {
    const { rows } = await q.query<{ object_key: string; multipart_upload_id: string | null }>(
      `WITH gone AS (
         DELETE FROM documents WHERE id IN (
           SELECT id FROM documents
            WHERE status = 'pending' AND COALESCE(upload_touched_at, created_at) < now() - make_interval(secs => $1)
            ORDER BY created_at
            LIMIT $2
            FOR UPDATE SKIP LOCKED)
         RETURNING user_id, object_key, multipart_upload_id, reserved_bytes),
       per_user AS (SELECT user_id, SUM(reserved_bytes) AS bytes, count(*) AS n FROM gone GROUP BY user_id),
       released AS (
         UPDATE quotas q SET reserved_bytes = GREATEST(0, q.reserved_bytes - p.bytes),
                             pending_uploads = GREATEST(0, q.pending_uploads - p.n::int)
           FROM per_user p WHERE q.user_id = p.user_id
         RETURNING q.user_id)
       SELECT object_key, multipart_upload_id FROM gone`,
      [opts.olderThanSeconds, opts.limit],
    );
    return rows;
  },

  /** A multipart upload is being worked on: the sweep leaves it alone for another TTL. */
  async touch(q: Queryable, where: { id: string; userId: string }): Promise<void> {
    await q.query(`UPDATE documents SET upload_touched_at = now() WHERE id = $1 AND user_id = $2 AND status = 'pending'`, [
      where.id,
      where.userId,
    ]);
  },

  /** Multipart upload ids that still belong to a pending document, of these. */
  async openMultipartIds(q: Queryable, uploadIds: string[]): Promise<Set<string>> {
    if (uploadIds.length === 0) return new Set();
    const { rows } = await q.query<{ id: string }>(
      `SELECT multipart_upload_id AS id FROM documents WHERE status = 'pending' AND multipart_upload_id = ANY($1::text[])`,
      [uploadIds],
    );
    return new Set(rows.map((r) => r.id));
  },

  /** Whether bytes may still arrive for this key: its document exists and is pending. */
  async isPendingKey(q: Queryable, objectKey: string): Promise<boolean> {
    const { rows } = await q.query(`SELECT 1 FROM documents WHERE object_key = $1 AND status = 'pending'`, [objectKey]);
    return rows.length > 0;
  },

  /**
   * After bytes for `objectKey` landed: whether its document is still pending (if not, the
   * caller removes them). An undeclared upload's reservation shrinks to what arrived, in
   * the same statement, so the rest of the room is free again at once.
   */
  async settleArrival(q: Queryable, objectKey: string, sizeBytes: number): Promise<boolean> {
    const { rows } = await q.query<{ pending: boolean }>(
      `WITH doc AS (
         SELECT id, user_id, reserved_bytes, declared_bytes, multipart_upload_id FROM documents
          WHERE object_key = $1 AND status = 'pending' FOR UPDATE),
       shrunk AS (
         UPDATE documents d SET reserved_bytes = $2 FROM doc
          WHERE d.id = doc.id AND doc.declared_bytes IS NULL AND doc.multipart_upload_id IS NULL AND doc.reserved_bytes > $2
         RETURNING doc.user_id, doc.reserved_bytes - $2 AS freed),
       released AS (
         UPDATE quotas q SET reserved_bytes = GREATEST(0, q.reserved_bytes - s.freed)
           FROM shrunk s WHERE q.user_id = s.user_id
         RETURNING q.user_id)
       SELECT true AS pending FROM doc`,
      [objectKey, sizeBytes],
    );
    return rows.length > 0;
  },
};
