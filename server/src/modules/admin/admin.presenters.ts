import type { AdminUserRow } from './admin.repository.js';
import type { PresentedAdminUser } from './admin.schemas.js';

export const presentAdminUser = (u: AdminUserRow): PresentedAdminUser => ({
  id: u.id,
  email: u.email,
  role: u.role,
  disabled: u.disabled,
  totp_enabled: u.totp_enabled,
  used_bytes: u.used_bytes,
  limit_bytes: u.limit_bytes,
  created_at: (u.created_at instanceof Date ? u.created_at : new Date(u.created_at)).toISOString(),
});
