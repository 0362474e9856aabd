import type { Database } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import { queueSecurityAlert } from '../../mail/send-security-alert.job.js';
import { disableTotp, revokeUserFamilies } from '../auth/auth.repository.js';
import { authorizeAdmin } from './admin.policy.js';
import * as repo from './admin.repository.js';
import type { AdminUserRow } from './admin.repository.js';

export interface UserPatch {
  limit_bytes?: number;
  role?: 'user' | 'admin';
  disabled?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type AdminService = ReturnType<typeof createAdminService>;

export function createAdminService(deps: { db: Database; queue: JobQueue; clock?: () => Date }) {
  const { db, queue } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async listUsers(actor: AuthUser, page: { limit: number; offset: number }): Promise<{ items: AdminUserRow[]; total: number }> {
      authorizeAdmin(actor);
      const [items, total] = [await repo.listUsers(db, page), await repo.countUsers(db)];
      return { items, total };
    },

    /**
     * Changes a user's limit, role or disabled flag. There is always at least one enabled
     * admin: demoting or disabling the last one is refused. Disabling signs the user out
     * everywhere.
     */
    async updateUser(actor: AuthUser, userId: string, patch: UserPatch): Promise<AdminUserRow> {
      authorizeAdmin(actor);
      if (!UUID.test(userId)) throw errors.notFound('user');
      return db.transaction(async (tx) => {
        const touchesAdmins = patch.role !== undefined || patch.disabled !== undefined;
        // Admins first, in id order, then the target: the same lock order in every transaction.
        const admins = touchesAdmins ? await repo.lockActiveAdmins(tx) : [];
        const target = await repo.lockUser(tx, userId);
        if (!target) throw errors.notFound('user');
        const isActiveAdmin = target.role === 'admin' && !target.disabled;
        const losesAdmin = isActiveAdmin && (patch.role === 'user' || patch.disabled === true);
        if (losesAdmin && admins.every((id) => id === target.id)) {
          throw errors.conflict('The last admin cannot be demoted or disabled', 'last_admin');
        }
        if (touchesAdmins) await repo.updateUserFlags(tx, target.id, { role: patch.role, disabled: patch.disabled });
        if (patch.limit_bytes !== undefined) await repo.setQuotaLimit(tx, target.id, patch.limit_bytes);
        if (patch.disabled === true) await revokeUserFamilies(tx, target.id);
        return (await repo.findUser(tx, target.id))!;
      });
    },

    /**
     * Turns a user's 2FA off for them (a lost phone, or a second factor someone else set
     * up): secret and backup codes go. The user is mailed in the same transaction, so the
     * reset never happens unseen. An admin's own 2FA is turned off on the Security page,
     * with password and code, like anyone's.
     */
    async resetTwoFactor(actor: AuthUser, userId: string, client: { ip: string; userAgent: string | null }): Promise<AdminUserRow> {
      authorizeAdmin(actor);
      if (!UUID.test(userId)) throw errors.notFound('user');
      if (userId.toLowerCase() === actor.id.toLowerCase()) {
        throw errors.forbidden('Turn off your own two-step verification on the Security page', 'own_account');
      }
      return db.transaction(async (tx) => {
        const target = await repo.lockUser(tx, userId);
        if (!target) throw errors.notFound('user');
        const before = (await repo.findUser(tx, target.id))!;
        if (!before.totp_enabled) throw errors.conflict('Two-factor authentication is not on for this user', 'totp_not_enabled');
        await disableTotp(tx, target.id);
        await queueSecurityAlert(queue, tx, {
          user_id: target.id,
          kind: 'totp_reset',
          occurred_at: clock().toISOString(),
          ip_address: client.ip,
          user_agent: client.userAgent,
        });
        return (await repo.findUser(tx, target.id))!;
      });
    },
  };
}
