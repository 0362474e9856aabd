import type { Queryable } from '../../db/database.js';
import { forgetAuthState } from '../auth/auth-state-cache.js';

/** The SQL of user administration. */

export interface AdminUserRow {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
  totp_enabled: boolean;
  used_bytes: number;
  limit_bytes: number;
  created_at: Date;
}

const SELECT_USERS = `
  SELECT u.id, u.email, u.role, u.disabled, u.totp_enabled, u.created_at,
         COALESCE(q.used_bytes, 0) AS used_bytes, COALESCE(q.limit_bytes, 0) AS limit_bytes
    FROM users u LEFT JOIN quotas q ON q.user_id = u.id`;

// Search: the email contains the text, case-insensitively (strpos: no pattern characters to escape).
const MATCHES = `($1::text IS NULL OR strpos(lower(u.email), lower($1)) > 0)`;

export async function listUsers(q: Queryable, page: { limit: number; offset: number; search?: string }): Promise<AdminUserRow[]> {
  const { rows } = await q.query<AdminUserRow>(
    `${SELECT_USERS} WHERE ${MATCHES} ORDER BY u.created_at, u.id LIMIT $2 OFFSET $3`,
    [page.search ?? null, page.limit, page.offset],
  );
  return rows;
}

export async function countUsers(q: Queryable, search?: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users u WHERE ${MATCHES}`, [search ?? null]);
  return rows[0]?.n ?? 0;
}

export async function findUser(q: Queryable, id: string): Promise<AdminUserRow | null> {
  const { rows } = await q.query<AdminUserRow>(`${SELECT_USERS} WHERE u.id = $1`, [id]);
  return rows[0] ?? null;
}

/**
 * Locks the enabled admins, always in id order (so concurrent changes queue instead of
 * deadlocking), and returns their ids.
 */
export async function lockActiveAdmins(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    "SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE",
  );
  return rows.map((r) => r.id);
}

export async function lockUser(q: Queryable, id: string): Promise<{ id: string; role: 'user' | 'admin'; disabled: boolean } | null> {
  const { rows } = await q.query<{ id: string; role: 'user' | 'admin'; disabled: boolean }>(
    'SELECT id, role, disabled FROM users WHERE id = $1 FOR UPDATE',
    [id],
  );
  return rows[0] ?? null;
}

export async function updateUserFlags(
  q: Queryable,
  id: string,
  patch: { role?: 'user' | 'admin'; disabled?: boolean },
): Promise<void> {
  await q.query('UPDATE users SET role = COALESCE($2, role), disabled = COALESCE($3, disabled) WHERE id = $1', [
    id,
    patch.role ?? null,
    patch.disabled ?? null,
  ]);
  forgetAuthState(q, [id]);
}

export async function setQuotaLimit(q: Queryable, userId: string, limitBytes: number): Promise<void> {
  await q.query(
    `INSERT INTO quotas (user_id, limit_bytes, used_bytes) VALUES ($1, $2, 0)
     ON CONFLICT (user_id) DO UPDATE SET limit_bytes = EXCLUDED.limit_bytes`,
    [userId, limitBytes],
  );
}
