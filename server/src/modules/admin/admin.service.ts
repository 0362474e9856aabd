import type { Database } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { PAGE_LIMIT_DEFAULT, isUuid } from '../../http/schemas.js';
import { revokeUserFamilies } from '../auth/auth.repository.js';
import { authorizeAdmin } from './admin.policy.js';
import * as repo from './admin.repository.js';
import type { AdminUserRow } from './admin.repository.js';

export interface UserPatch {
  limit_bytes?: number;
  role?: 'user' | 'admin';
  disabled?: boolean;
}

export type AdminService = ReturnType<typeof createAdminService>;

export function createAdminService(deps: { db: Database }) {
  const { db } = deps;
  return {
    async listUsers(
      actor: AuthUser,
      page: { limit?: number; offset?: number },
    ): Promise<{ items: AdminUserRow[]; total: number }> {
      authorizeAdmin(actor);
      const bounds = { limit: page.limit ?? PAGE_LIMIT_DEFAULT, offset: page.offset ?? 0 };
      const [items, total] = [await repo.listUsers(db, bounds), await repo.countUsers(db)];
      return { items, total };
    },

    /**
     * Changes a user's limit, role or disabled flag. There is always at least one enabled
     * admin: demoting or disabling the last one is refused. Disabling signs the user out
     * everywhere.
     */
    async updateUser(actor: AuthUser, userId: string, patch: UserPatch): Promise<AdminUserRow> {
      authorizeAdmin(actor);
      if (!isUuid(userId)) throw errors.notFound('user');
      return db.transaction(async (tx) => {
        const touchesAdmins = patch.role !== undefined || patch.disabled !== undefined;
        // Admins first, in id order, then the target: the same lock order in every transaction.
        const admins = touchesAdmins ? await repo.lockActiveAdmins(tx) : [];
        const target = await repo.lockUser(tx, userId);
        if (!target) throw errors.notFound('user');
        const isActiveAdmin = target.role === 'admin' && !target.disabled;
        const losesAdmin = isActiveAdmin && (patch.role === 'user' || patch.disabled === true);
        if (losesAdmin && admins.every((id) => id === target.id)) {
          throw errors.lastAdmin();
        }
        if (touchesAdmins) await repo.updateUserFlags(tx, target.id, { role: patch.role, disabled: patch.disabled });
        if (patch.limit_bytes !== undefined) await repo.setQuotaLimit(tx, target.id, patch.limit_bytes);
        if (patch.disabled === true) await revokeUserFamilies(tx, target.id);
        return (await repo.findUser(tx, target.id))!;
      });
    },
  };
}
