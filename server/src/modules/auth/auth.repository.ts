import { AdvisoryLocks } from '../../db/advisory-locks.js';
import type { Queryable } from '../../db/database.js';
import { forgetAuthState, type AuthState } from './auth-state-cache.js';

/** The SQL of accounts and sessions. Plain typed rows out; no rules, no HTTP. */

export interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  role: 'user' | 'admin';
  totp_secret_enc: string | null;
  totp_enabled: boolean;
  totp_last_step: number | null;
  disabled: boolean;
  must_change_password: boolean;
  created_at: Date;
}

export interface RefreshTokenRow {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  replaced_at: Date | null;
  revoked_at: Date | null;
}

const USER_COLUMNS =
  'id, email, password_hash, role, totp_secret_enc, totp_enabled, totp_last_step, disabled, must_change_password, created_at';

export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | null> {
  const { rows } = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0] ?? null;
}

export async function findUserById(q: Queryable, id: string, opts: { forUpdate?: boolean } = {}): Promise<UserRow | null> {
  const { rows } = await q.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ?? null;
}

/** Serializes account creation, so "the first account is admin" holds under concurrency. */
export async function lockRegistrations(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLocks.registration]);
}

export async function anyUserExists(q: Queryable): Promise<boolean> {
  const { rows } = await q.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS exists');
  return rows[0]?.exists ?? false;
}

export async function insertUser(
  q: Queryable,
  u: { email: string; passwordHash: string; role: 'user' | 'admin'; mustChangePassword?: boolean },
): Promise<UserRow> {
  const { rows } = await q.query<UserRow>(
    `INSERT INTO users (email, password_hash, role, must_change_password) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
    [u.email, u.passwordHash, u.role, u.mustChangePassword ?? false],
  );
  return rows[0]!;
}

export async function updatePasswordHash(q: Queryable, userId: string, hash: string): Promise<void> {
  await q.query('UPDATE users SET password_hash = $2, must_change_password = false WHERE id = $1', [userId, hash]);
  forgetAuthState(q, [userId]);
}

/** What `authenticate` needs per request (cached: auth-state-cache.ts): the user's current role and state, and whether the session lives. */
export async function findAuthState(
  q: Queryable,
  userId: string,
  familyId: string,
): Promise<AuthState | null> {
  const { rows } = await q.query<AuthState>(
    `SELECT u.id, u.role, u.disabled, u.must_change_password,
            EXISTS (SELECT 1 FROM refresh_tokens r
                     WHERE r.family_id = $2 AND r.user_id = u.id AND r.revoked_at IS NULL) AS session_live
       FROM users u WHERE u.id = $1`,
    [userId, familyId],
  );
  return rows[0] ?? null;
}

// --- TOTP ---

export async function setPendingTotpSecret(q: Queryable, userId: string, sealed: string): Promise<void> {
  await q.query('UPDATE users SET totp_secret_enc = $2 WHERE id = $1 AND NOT totp_enabled', [userId, sealed]);
}

/**
 * Turns 2FA on. The code that proved the app is set up is not a sign-in, so its step is
 * not recorded: the first sign-in right after may use the code still on the screen.
 */
export async function enableTotp(q: Queryable, userId: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE users SET totp_enabled = true, totp_last_step = NULL
      WHERE id = $1 AND NOT totp_enabled AND totp_secret_enc IS NOT NULL`,
    [userId],
  );
  return r.rowCount === 1;
}

export async function disableTotp(q: Queryable, userId: string): Promise<void> {
  await q.query(
    'UPDATE users SET totp_enabled = false, totp_secret_enc = NULL, totp_last_step = NULL WHERE id = $1',
    [userId],
  );
  await q.query('DELETE FROM backup_codes WHERE user_id = $1', [userId]);
}

/**
 * Records an accepted TOTP step; false when this step (or a later one) was already
 * accepted — by this process or any other — so a code is never accepted twice.
 */
export async function acceptTotpStep(q: Queryable, userId: string, step: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE users SET totp_last_step = $2
      WHERE id = $1 AND totp_enabled AND (totp_last_step IS NULL OR totp_last_step < $2)`,
    [userId, step],
  );
  return r.rowCount === 1;
}

// --- backup codes ---

export async function replaceBackupCodes(q: Queryable, userId: string, hashes: string[]): Promise<void> {
  await q.query('DELETE FROM backup_codes WHERE user_id = $1', [userId]);
  await q.query('INSERT INTO backup_codes (user_id, code_hash) SELECT $1, unnest($2::text[])', [userId, hashes]);
}

/** Spends one unused code atomically; false when there is none with this hash. */
export async function spendBackupCode(q: Queryable, userId: string, hash: string): Promise<boolean> {
  const r = await q.query(
    `UPDATE backup_codes SET used_at = now()
      WHERE id = (SELECT id FROM backup_codes
                   WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
                   LIMIT 1 FOR UPDATE)
        AND used_at IS NULL`,
    [userId, hash],
  );
  return r.rowCount === 1;
}

export async function countUnusedBackupCodes(q: Queryable, userId: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM backup_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

// --- refresh tokens ---

export async function insertRefreshToken(
  q: Queryable,
  t: {
    id: string;
    userId: string;
    familyId: string;
    tokenHash: string;
    expiresAt: Date;
    userAgent: string | null;
    ipAddress: string | null;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at, user_agent, ip_address)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [t.id, t.userId, t.familyId, t.tokenHash, t.expiresAt, t.userAgent, t.ipAddress],
  );
}

/** Whether the user has had a session from this address and device (user agent) before. */
export async function hasSignedInFrom(q: Queryable, userId: string, ipAddress: string, userAgent: string | null): Promise<boolean> {
  const { rows } = await q.query<{ seen: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM refresh_tokens
                     WHERE user_id = $1 AND ip_address = $2 AND user_agent IS NOT DISTINCT FROM $3) AS seen`,
    [userId, ipAddress, userAgent],
  );
  return rows[0]?.seen ?? false;
}

/** Whether the account with this (normalised) email ever signed in from this address. */
export async function hasSignedInFromAddress(q: Queryable, email: string, ipAddress: string): Promise<boolean> {
  const { rows } = await q.query<{ seen: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM refresh_tokens r JOIN users u ON u.id = r.user_id
                     WHERE u.email = $1 AND r.ip_address = $2) AS seen`,
    [email, ipAddress],
  );
  return rows[0]?.seen ?? false;
}

/** The token row, locked, so two refreshes of one token are decided one after the other. */
export async function findRefreshTokenForUpdate(q: Queryable, tokenHash: string): Promise<RefreshTokenRow | null> {
  const { rows } = await q.query<RefreshTokenRow>(
    `SELECT id, user_id, family_id, expires_at, replaced_at, revoked_at
       FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
    [tokenHash],
  );
  return rows[0] ?? null;
}

export async function findRefreshToken(q: Queryable, tokenHash: string): Promise<RefreshTokenRow | null> {
  const { rows } = await q.query<RefreshTokenRow>(
    'SELECT id, user_id, family_id, expires_at, replaced_at, revoked_at FROM refresh_tokens WHERE token_hash = $1',
    [tokenHash],
  );
  return rows[0] ?? null;
}

export async function markRefreshTokenReplaced(q: Queryable, id: string, replacedBy: string): Promise<void> {
  await q.query('UPDATE refresh_tokens SET replaced_at = now(), replaced_by = $2 WHERE id = $1', [id, replacedBy]);
}

/** Revokes every live token of a family; returns how many were live. */
export async function revokeFamily(q: Queryable, familyId: string): Promise<number> {
  const r = await q.query<{ user_id: string }>(
    'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL RETURNING user_id',
    [familyId],
  );
  forgetAuthState(q, r.rows.map((x) => x.user_id));
  return r.rowCount;
}

/** Revokes every live token of a user, except those of one family (the caller's own session). */
export async function revokeUserFamilies(q: Queryable, userId: string, exceptFamilyId?: string): Promise<number> {
  const r = await q.query(
    `UPDATE refresh_tokens SET revoked_at = now()
      WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR family_id <> $2::uuid)`,
    [userId, exceptFamilyId ?? null],
  );
  if (r.rowCount > 0) forgetAuthState(q, [userId]);
  return r.rowCount;
}

/** Deletes refresh tokens that expired more than `graceSeconds` ago (they can no longer be used or reused). */
export async function deleteExpiredRefreshTokens(q: Queryable, graceSeconds: number): Promise<number> {
  const r = await q.query('DELETE FROM refresh_tokens WHERE expires_at < now() - make_interval(secs => $1::float8)', [
    graceSeconds,
  ]);
  return r.rowCount;
}

// --- sessions (a session is a refresh-token family) ---

export interface SessionRow {
  id: string;
  user_agent: string | null;
  ip_address: string | null;
  created_at: Date;
  last_used_at: Date;
}

/**
 * The user's live sessions, most recently used first. Each refresh adds a token to its
 * family, so the family's first token is when it was signed in and its newest when it was
 * last used (refreshed); device and address are the newest token's.
 */
export async function listSessions(q: Queryable, userId: string): Promise<SessionRow[]> {
  const { rows } = await q.query<SessionRow>(
    `SELECT family_id AS id, min(created_at) AS created_at, max(created_at) AS last_used_at,
            (array_agg(user_agent ORDER BY created_at DESC))[1] AS user_agent,
            (array_agg(ip_address ORDER BY created_at DESC))[1] AS ip_address
       FROM refresh_tokens
      WHERE user_id = $1
      GROUP BY family_id
     HAVING bool_or(revoked_at IS NULL AND replaced_at IS NULL AND expires_at > now())
      ORDER BY max(created_at) DESC, family_id`,
    [userId],
  );
  return rows;
}

/** Revokes one of the user's sessions; false when it is not theirs or not live. */
export async function revokeUserSession(q: Queryable, userId: string, familyId: string): Promise<boolean> {
  const r = await q.query(
    'UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND family_id = $2 AND revoked_at IS NULL',
    [userId, familyId],
  );
  if (r.rowCount > 0) forgetAuthState(q, [userId]);
  return r.rowCount > 0;
}
