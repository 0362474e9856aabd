import type { Queryable } from '../../db/database.js';

export interface QuotaRow {
  used_bytes: number;
  limit_bytes: number;
}

/** A quota as shown to its owner: what is used, the limit, and what open uploads hold. */
export interface QuotaUse extends QuotaRow {
  reserved_bytes: number;
}

export interface QuotaDrift {
  user_id: string;
  email: string;
  /** null when the user has no quota row at all. */
  used_bytes: number | null;
  expected_bytes: number;
  /** Reservations (SPEC §7.1): null when the user has no quota row. */
  reserved_bytes: number | null;
  expected_reserved_bytes: number;
  pending_uploads: number | null;
  expected_pending_uploads: number;
}

export interface QuotaBooks {
  used_bytes: number;
  reserved_bytes: number;
  pending_uploads: number;
}

/** The quota SQL. Every write is one statement, so it is atomic on its own. */
export const quotaRepository = {
  /** A new account's quota row, nothing used. */
  async create(q: Queryable, userId: string, limitBytes: number): Promise<void> {
    await q.query('INSERT INTO quotas (user_id, limit_bytes, used_bytes) VALUES ($1, $2, 0)', [userId, limitBytes]);
  },

  async find(q: Queryable, userId: string): Promise<QuotaUse | null> {
    const { rows } = await q.query<QuotaUse>('SELECT used_bytes, limit_bytes, reserved_bytes FROM quotas WHERE user_id = $1', [userId]);
    return rows[0] ?? null;
  },

  /**
   * Charges `sizeBytes` only if it fits beside what is used and reserved: the condition
   * and the increment are one UPDATE,
   * and concurrent charges queue on the row lock and re-check the condition against the
   * committed value, so no interleaving can pass the limit. null = it does not fit.
   */
  async charge(q: Queryable, userId: string, sizeBytes: number): Promise<QuotaRow | null> {
    const { rows } = await q.query<QuotaRow>(
      `UPDATE quotas SET used_bytes = used_bytes + $2
        WHERE user_id = $1 AND used_bytes + reserved_bytes + $2 <= limit_bytes
        RETURNING used_bytes, limit_bytes`,
      [userId, sizeBytes],
    );
    return rows[0] ?? null;
  },

  /** Gives bytes back; never below zero, even if the books were already wrong. */
  async release(q: Queryable, userId: string, sizeBytes: number): Promise<QuotaRow | null> {
    const { rows } = await q.query<QuotaRow>(
      `UPDATE quotas SET used_bytes = GREATEST(0, used_bytes - $2)
        WHERE user_id = $1
        RETURNING used_bytes, limit_bytes`,
      [userId, sizeBytes],
    );
    return rows[0] ?? null;
  },

  /**
   * Users whose books differ from their documents: used_bytes from Σ size_bytes of the
   * non-pending ones (SPEC §2), reserved_bytes and pending_uploads from the pending ones
   * (§7.1).
   */
  async findDrift(q: Queryable): Promise<QuotaDrift[]> {
    const { rows } = await q.query<QuotaDrift>(
      `SELECT u.id AS user_id, u.email, q.used_bytes, COALESCE(d.expected, 0) AS expected_bytes,
              q.reserved_bytes, COALESCE(d.reserved, 0) AS expected_reserved_bytes,
              q.pending_uploads, COALESCE(d.pending, 0)::int AS expected_pending_uploads
         FROM users u
         LEFT JOIN quotas q ON q.user_id = u.id
         LEFT JOIN (SELECT user_id,
                           SUM(size_bytes) FILTER (WHERE status <> 'pending') AS expected,
                           SUM(reserved_bytes) FILTER (WHERE status = 'pending') AS reserved,
                           count(*) FILTER (WHERE status = 'pending') AS pending
                      FROM documents GROUP BY user_id) d
                ON d.user_id = u.id
        WHERE q.used_bytes IS DISTINCT FROM COALESCE(d.expected, 0)
           OR q.reserved_bytes IS DISTINCT FROM COALESCE(d.reserved, 0)
           OR q.pending_uploads IS DISTINCT FROM COALESCE(d.pending, 0)
        ORDER BY u.created_at, u.id`,
    );
    return rows;
  },

  async countUsers(q: Queryable): Promise<number> {
    const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return rows[0]?.n ?? 0;
  },

  /**
   * Sets one user's books to what the documents say, inside the caller's transaction.
   * The quota row is locked first and the sums read by a later statement: a request that
   * already changed the quota has committed by then and is counted; one that has not yet
   * reached the quota row is not counted and applies its delta afterwards (every change to
   * a document's bytes or reservation moves its quota row in the same statement).
   * Returns the books before and after, or null when nothing needed changing.
   */
  async repairOne(
    tx: Queryable,
    userId: string,
    defaultLimitBytes: number,
  ): Promise<{ before: QuotaBooks | null; after: QuotaBooks } | null> {
    const locked = await tx.query<QuotaBooks>(
      'SELECT used_bytes, reserved_bytes, pending_uploads FROM quotas WHERE user_id = $1 FOR UPDATE',
      [userId],
    );
    const before = locked.rows[0] ?? null;
    const { rows } = await tx.query<QuotaBooks>(
      `SELECT COALESCE(SUM(size_bytes) FILTER (WHERE status <> 'pending'), 0) AS used_bytes,
              COALESCE(SUM(reserved_bytes) FILTER (WHERE status = 'pending'), 0) AS reserved_bytes,
              (count(*) FILTER (WHERE status = 'pending'))::int AS pending_uploads
         FROM documents WHERE user_id = $1`,
      [userId],
    );
    const after = rows[0]!;
    if (
      before &&
      before.used_bytes === after.used_bytes &&
      before.reserved_bytes === after.reserved_bytes &&
      before.pending_uploads === after.pending_uploads
    ) {
      return null;
    }
    await tx.query(
      `INSERT INTO quotas (user_id, limit_bytes, used_bytes, reserved_bytes, pending_uploads) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id) DO UPDATE SET used_bytes = $3, reserved_bytes = $4, pending_uploads = $5`,
      [userId, defaultLimitBytes, after.used_bytes, after.reserved_bytes, after.pending_uploads],
    );
    return { before, after };
  },
};
