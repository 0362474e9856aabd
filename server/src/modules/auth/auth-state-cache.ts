import type { Queryable } from '../../db/database.js';

/**
 * The session check of every request, cached in this process (issue 12): whether the
 * caller's session (refresh-token family) is live and the user's role, disabled flag and
 * must-change-password flag, keyed by user and session.
 *
 * Revocation is honoured at once in this process: every statement that changes what the
 * check reads (sign-out, revoking a session, a password change, an admin disabling a user or
 * changing a role) calls `forgetAuthState`, which drops the user's entries at once and again
 * when the statement's transaction has ended; a check that read the database before that
 * second drop stores nothing (the generation below).
 *
 * Other processes cannot tell this one: a revocation made elsewhere takes effect here when
 * the entry expires. On PostgreSQL (where API processes may be many) entries live
 * `POSTGRES_TTL_MS`; on the embedded database every request is served by this one process
 * (PGlite is one process's), so entries live longer. The trade-off: with several API
 * processes, a session revoked through one may still be accepted by another for up to
 * POSTGRES_TTL_MS; a request there costs no database round trip for its session check.
 */
export const POSTGRES_TTL_MS = 5_000;
export const PGLITE_TTL_MS = 60_000;
const MAX_ENTRIES = 10_000;

export interface AuthState {
  id: string;
  role: 'user' | 'admin';
  disabled: boolean;
  must_change_password: boolean;
  session_live: boolean;
}

const entries = new Map<string, { state: AuthState; expires: number }>();
/** Bumped by every forget; a check that began before one does not store what it read. */
let generation = 0;

const keyOf = (userId: string, sessionId: string) => `${userId.toLowerCase()} ${sessionId.toLowerCase()}`;

/** The session check of `userId`'s session `sessionId`: cached when fresh, else `read` (and cached). */
export async function cachedAuthState(
  kind: 'pglite' | 'postgres',
  userId: string,
  sessionId: string,
  read: () => Promise<AuthState | null>,
): Promise<AuthState | null> {
  const key = keyOf(userId, sessionId);
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && hit.expires > now) {
    // Most recently used last: the first entries are the ones to evict.
    entries.delete(key);
    entries.set(key, hit);
    return hit.state;
  }
  if (hit) entries.delete(key);
  const before = generation;
  const state = await read();
  if (state && generation === before) {
    entries.set(key, { state, expires: now + (kind === 'pglite' ? PGLITE_TTL_MS : POSTGRES_TTL_MS) });
    while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  }
  return state;
}

function forgetUser(userId: string): void {
  generation++;
  const prefix = `${userId.toLowerCase()} `;
  for (const key of entries.keys()) if (key.startsWith(prefix)) entries.delete(key);
}

/**
 * Drops the cached session checks of these users, now and when `q`'s transaction (if it is
 * one) has ended. Call it after a statement that changed their sessions or flags.
 */
export function forgetAuthState(q: Queryable, userIds: Iterable<string>): void {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return;
  for (const id of ids) forgetUser(id);
  q.afterEnd?.(() => ids.forEach(forgetUser));
}
