import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';

/** Who may administer: admins only. */
export function authorizeAdmin(user: AuthUser | undefined): asserts user is AuthUser {
  if (!user || user.role !== 'admin') throw errors.adminOnly();
}
