import type { Database } from '../../db/database.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import type { DeleteUserPayload } from '../documents/document-jobs.js';
import { JobNames } from '../../jobs/job-names.js';
import { findUserByEmail, insertUser } from '../auth/auth.repository.js';
import { quotaRepository } from '../quotas/quota.repository.js';
import { hashPassword } from '../auth/password.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { PAGE_LIMIT_DEFAULT, isUuid } from '../../http/schemas.js';
import { queueSecurityAlert } from '../../mail/send-security-alert.job.js';
import { disableTotp, revokeUserFamilies } from '../auth/auth.repository.js';
import { authorizeAdmin } from './admin.policy.js';
import * as repo from './admin.repository.js';
import type { AdminUserRow } from './admin.repository.js';
import type { NewUser, UserPageInput, UserPatch } from './admin.schemas.js';

export type AdminService = ReturnType<typeof createAdminService>;

export function createAdminService(deps: { db: Database; queue: JobQueue; defaultQuotaBytes: number; clock?: () => Date }) {
  const { db, queue } = deps;
  const clock = deps.clock ?? (() => new Date());
  return {
    async listUsers(
      actor: AuthUser,
      page: UserPageInput,
    ): Promise<{ items: AdminUserRow[]; total: number }> {
      authorizeAdmin(actor);
      const search = page.q?.trim() || undefined;
      const bounds = { limit: page.limit ?? PAGE_LIMIT_DEFAULT, offset: page.offset ?? 0, search };
      const [items, total] = [await repo.listUsers(db, bounds), await repo.countUsers(db, search)];
      return { items, total };
    },

    /** An account with a temporary password its owner must change at the first sign-in. */
    async createUser(actor: AuthUser, input: NewUser): Promise<AdminUserRow> {
      authorizeAdmin(actor);
      const email = input.email.normalize('NFC').trim().toLowerCase();
      const passwordHash = await hashPassword(input.temporary_password);
      try {
        return await db.transaction(async (tx) => {
          if (await findUserByEmail(tx, email)) throw emailTaken();
          const user = await insertUser(tx, { email, passwordHash, role: input.role ?? 'user', mustChangePassword: true });
          await quotaRepository.create(tx, user.id, input.limit_bytes ?? deps.defaultQuotaBytes);
          return (await repo.findUser(tx, user.id))!;
        });
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw emailTaken();
        throw e;
      }
    },

    /**
     * Deletes an account: at once it is disabled and signed out everywhere; its documents,
     * objects and the row itself go by the delete-user job queued in the same transaction.
     * An admin cannot delete their own account here.
     */
    async deleteUser(actor: AuthUser, userId: string): Promise<void> {
      authorizeAdmin(actor);
      if (!isUuid(userId)) throw errors.notFound('user');
      if (userId.toLowerCase() === actor.id.toLowerCase()) {
        throw errors.cannotDeleteSelf();
      }
      await db.transaction(async (tx) => {
        await repo.lockActiveAdmins(tx);
        const target = await repo.lockUser(tx, userId);
        if (!target) throw errors.notFound('user');
        await repo.updateUserFlags(tx, target.id, { disabled: true });
        await revokeUserFamilies(tx, target.id);
        const payload: DeleteUserPayload = { userId: target.id };
        await deps.queue.send(JobNames.deleteUser, payload, { tx, singletonKey: target.id });
      });
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

    /**
     * Turns a user's 2FA off for them (a lost phone, or a second factor someone else set
     * up): secret and backup codes go. The user is mailed in the same transaction, so the
     * reset never happens unseen. An admin's own 2FA is turned off on the Security page,
     * with password and code, like anyone's.
     */
    async resetTwoFactor(actor: AuthUser, userId: string, client: { ip: string; userAgent: string | null }): Promise<AdminUserRow> {
      authorizeAdmin(actor);
      if (!isUuid(userId)) throw errors.notFound('user');
      if (userId.toLowerCase() === actor.id.toLowerCase()) {
        throw errors.ownAccount();
      }
      return db.transaction(async (tx) => {
        const target = await repo.lockUser(tx, userId);
        if (!target) throw errors.notFound('user');
        const before = (await repo.findUser(tx, target.id))!;
        if (!before.totp_enabled) throw errors.totpNotEnabled();
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

const emailTaken = errors.emailTaken;
