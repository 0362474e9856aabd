import type { QuotaUse } from '../quotas/quota.repository.js';
import type { SessionRow, UserRow } from './auth.repository.js';
import type { PresentedMe, PresentedQuota, PresentedSession, RegisteredAnswer } from './auth.schemas.js';

/** Response shapes of the accounts API; a database row never goes out as is. */

export const presentRegistered = (u: UserRow): RegisteredAnswer => ({ id: u.id, email: u.email, role: u.role });

export const presentMe = (u: UserRow): PresentedMe => ({
  id: u.id,
  email: u.email,
  role: u.role,
  totp_enabled: u.totp_enabled,
  must_change_password: u.must_change_password,
  created_at: toIso(u.created_at),
});

export const presentQuota = (q: QuotaUse): PresentedQuota => ({
  used_bytes: q.used_bytes,
  limit_bytes: q.limit_bytes,
  reserved_bytes: q.reserved_bytes,
});

export const presentSession = (s: SessionRow, currentId: string): PresentedSession => ({
  id: s.id,
  device: s.user_agent,
  ip_address: s.ip_address,
  created_at: toIso(s.created_at),
  last_used_at: toIso(s.last_used_at),
  current: s.id === currentId,
});

export function toIso(d: Date | string): string {
  return (d instanceof Date ? d : new Date(d)).toISOString();
}
