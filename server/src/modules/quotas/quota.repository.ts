import type { Queryable } from '../../db/database.js';

export interface QuotaRow {
  used_bytes: number;
  limit_bytes: number;
}

export interface QuotaDrift {
  user_id: string;
  email: string;
  /** null when the user has no quota row at all. */
  used_bytes: number | null;
  expected_bytes: number;
}

/** The quota SQL. Every write is one statement, so it is atomic on its own. */
export const quotaRepository = {
  /** A new account's quota row, nothing used. */
  async create(q: Queryable, userId: string, limitBytes: number): Promise<void> {
    await q.query('INSERT INTO quotas (user_id, limit_bytes, used_bytes) VALUES ($1, $2, 0)', [userId, limitBytes]);
  },

  async find(q: Queryable, userId: string): Promise<QuotaRow | null> {
    const { rows } = await q.query<QuotaRow>('SELECT used_bytes, limit_bytes FROM quotas WHERE user_id = $1', [userId]);
    return rows[0] ?? null;
  },

  /**
   * Charges `sizeBytes` only if it fits: the condition and the increment are one UPDATE,
   * and concurrent charges queue on the row lock and re-check the condition against the
   * committed value, so no interleaving can pass the limit. null = it does not fit.
   */
  async charge(q: Queryable, userId: string, sizeBytes: number): Promise<QuotaRow | null> {
    const { rows } = await q.query<QuotaRow>(
      `UPDATE quotas SET used_bytes = used_bytes + $2
        WHERE user_id = $1 AND used_bytes + $2 <= limit_bytes
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

  /** Users whose used_bytes differs from Σ size_bytes of their non-pending documents (SPEC §2). */
  async findDrift(q: Queryable): Promise<QuotaDrift[]> {
    const { rows } = await q.query<QuotaDrift>(
      `SELECT u.id AS user_id, u.email, q.used_bytes, COALESCE(d.expected, 0) AS expected_bytes
         FROM users u
         LEFT JOIN quotas q ON q.user_id = u.id
         LEFT JOIN (SELECT user_id, SUM(size_bytes) AS expected FROM documents WHERE status <> 'pending' GROUP BY user_id) d
                ON d.user_id = u.id
        WHERE q.used_bytes IS DISTINCT FROM COALESCE(d.expected, 0)
        ORDER BY u.created_at, u.id`,
    );
    return rows;
  },

  async countUsers(q: Queryable): Promise<number> {
    const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    return rows[0]?.n ?? 0;
  },

  /**
   * Sets one user's used_bytes to what the invariant says, inside the caller's transaction.
   * The quota row is locked first and the sum read by a later statement: a confirm or a
   * delete that already changed the quota has committed by then and is counted; one that
   * has not yet reached the quota row is not counted and applies its delta afterwards.
   * Returns the value before and after, or null when nothing needed changing.
   */
  async repairOne(
    tx: Queryable,
    userId: string,
    defaultLimitBytes: number,
  ): Promise<{ before: number | null; after: number } | null> {
    const locked = await tx.query<{ used_bytes: number }>('SELECT used_bytes FROM quotas WHERE user_id = $1 FOR UPDATE', [
      userId,
    ]);
    const before = locked.rows[0]?.used_bytes ?? null;
    const { rows } = await tx.query<{ expected: number }>(
      `SELECT COALESCE(SUM(size_bytes), 0) AS expected FROM documents WHERE user_id = $1 AND status <> 'pending'`,
      [userId],
    );
    const after = rows[0]?.expected ?? 0;
    if (before === after) return null;
    if (before === null) {
      await tx.query(
        'INSERT INTO quotas (user_id, limit_bytes, used_bytes) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET used_bytes = $3',
        [userId, defaultLimitBytes, after],
      );
    } else {
      await tx.query('UPDATE quotas SET used_bytes = $2 WHERE user_id = $1', [userId, after]);
    }
    return { before, after };
  },
};
