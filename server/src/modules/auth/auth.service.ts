import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.js';
import { errors } from '../../http/errors.js';
import { clientNetwork } from '../../http/ip-address.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import { queueSecurityAlert, type SecurityAlertJobData } from '../../mail/send-security-alert.job.js';
import * as repo from './auth.repository.js';
import type { QuotaRow, UserRow } from './auth.repository.js';
import { hashBackupCode, newBackupCodes, normalizeBackupCode } from './backup-codes.js';
import type { CryptoBox } from './crypto-box.js';
import { hashPassword, verifyPassword } from './password.js';
import { bucketKey, type Throttle } from './throttle.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  hashRefreshToken,
  newRefreshToken,
  type TokenSigner,
} from './tokens.js';
import { newTotpSecret, renderQrSvg, totpUri, verifyTotp } from './totp.js';

/** Who is asking, as far as the network tells: used for throttling and in alert mails. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface SessionTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export type LoginResult = { kind: 'tokens'; tokens: SessionTokens } | { kind: 'mfa'; mfaToken: string };

export interface Authenticated {
  id: string;
  role: 'user' | 'admin';
  /** The refresh-token family of this access token. */
  sessionId: string;
}

export interface AuthServiceDeps {
  db: Database;
  queue: JobQueue;
  signer: TokenSigner;
  box: CryptoBox;
  backupCodeKey: Buffer;
  throttle: Throttle;
  registration: 'open' | 'closed';
  defaultQuotaBytes: number;
  clock?: () => Date;
}

/** The one message for an unknown email and a wrong password, so neither is told apart. */
export const INVALID_CREDENTIALS = 'Invalid email or password';
const INVALID_SECOND_FACTOR = 'Invalid or already used code';
const INVALID_REFRESH = 'Invalid or expired refresh token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normalizeEmail(email: string): string {
  return email.normalize('NFC').trim().toLowerCase();
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthServiceDeps) {
  const { db, queue, signer, box, throttle } = deps;
  const clock = deps.clock ?? (() => new Date());
  const limits = throttle.limits;

  const alert = (tx: Queryable, userId: string, kind: SecurityAlertJobData['kind'], client?: ClientInfo, extra = {}) =>
    queueSecurityAlert(queue, tx, {
      user_id: userId,
      kind,
      occurred_at: clock().toISOString(),
      ip_address: client?.ip ?? null,
      user_agent: client?.userAgent ?? null,
      ...extra,
    });

  /** A new refresh token in `familyId` (replacing `replacesId` when rotating) and its access token. */
  async function issueTokens(
    tx: Queryable,
    userId: string,
    familyId: string,
    client: ClientInfo,
    replacesId?: string,
  ): Promise<SessionTokens> {
    const id = randomUUID();
    const refresh = newRefreshToken();
    await repo.insertRefreshToken(tx, {
      id,
      userId,
      familyId,
      tokenHash: hashRefreshToken(refresh),
      expiresAt: new Date(clock().getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000),
      userAgent: truncateUserAgent(client.userAgent),
      ipAddress: client.ip,
    });
    if (replacesId) await repo.markRefreshTokenReplaced(tx, replacesId, id);
    return {
      access_token: await signer.signAccess({ userId, sessionId: familyId }),
      refresh_token: refresh,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
    };
  }

  /**
   * A new session (refresh family) for a user who just proved who they are. A sign-in
   * from an address and device this account has not used before is mailed to its owner.
   */
  async function startSession(tx: Queryable, userId: string, client: ClientInfo, opts: { alert: boolean }): Promise<SessionTokens> {
    const userAgent = truncateUserAgent(client.userAgent);
    if (opts.alert && !(await repo.hasSignedInFrom(tx, userId, client.ip, userAgent))) {
      await alert(tx, userId, 'new_sign_in', client);
    }
    return issueTokens(tx, userId, randomUUID(), client);
  }

  async function requireUser(userId: string): Promise<UserRow> {
    const user = await repo.findUserById(db, userId);
    if (!user) throw errors.notFound('user');
    return user;
  }

  function openTotpSecret(user: UserRow): string {
    return box.open(user.totp_secret_enc!, user.id);
  }

  /** The caller's account once the current password is proved; wrong passwords count against the reauth limit. */
  async function reauthenticate(userId: string, password: string): Promise<UserRow> {
    const ticket = await throttle.attempt([{ key: bucketKey('reauth', 'account', userId), limit: limits.reauthPerAccount }]);
    const user = await requireUser(userId);
    if (!(await verifyPassword(user.password_hash, password))) {
      throw errors.forbidden('The current password is wrong', 'wrong_password');
    }
    await throttle.refund(ticket);
    return user;
  }

  return {
    /** Creates an account; the very first one is the admin. Its quota row comes in the same transaction. */
    async register(input: { email: string; password: string }, client: ClientInfo): Promise<UserRow> {
      const email = normalizeEmail(input.email);
      await throttle.attempt([{ key: bucketKey('register', 'address', clientNetwork(client.ip)), limit: limits.registerPerAddress }]);
      // Cheap refusal before the costly hash; the transaction below decides for real.
      if (deps.registration === 'closed' && (await repo.anyUserExists(db))) throw registrationClosed();
      const passwordHash = await hashPassword(input.password);
      try {
        return await db.transaction(async (tx) => {
          await repo.lockRegistrations(tx);
          const first = !(await repo.anyUserExists(tx));
          if (!first && deps.registration === 'closed') throw registrationClosed();
          if (await repo.findUserByEmail(tx, email)) throw emailTaken();
          const user = await repo.insertUser(tx, { email, passwordHash, role: first ? 'admin' : 'user' });
          await repo.insertQuota(tx, user.id, deps.defaultQuotaBytes);
          return user;
        });
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw emailTaken();
        throw e;
      }
    },

    /** Password sign-in: tokens, or an MFA challenge when 2FA is on. */
    async login(input: { email: string; password: string }, client: ClientInfo): Promise<LoginResult> {
      const email = normalizeEmail(input.email);
      const network = clientNetwork(client.ip);
      const ticket = await throttle.attempt([
        { key: bucketKey('login', 'address', network), limit: limits.loginPerAddress },
        { key: bucketKey('login', 'account-address', `${email}\0${network}`), limit: limits.loginPerAccountAndAddress },
        {
          key: bucketKey('login', 'account', email),
          limit: limits.loginPerAccount,
          exemptWhen: () => repo.hasSignedInFromAddress(db, email, client.ip),
        },
      ]);
      const user = await repo.findUserByEmail(db, email);
      // Always one argon2 verification, against a dummy hash for an unknown email.
      const ok = await verifyPassword(user?.password_hash, input.password);
      if (!user || !ok) throw errors.unauthorized(INVALID_CREDENTIALS);
      await throttle.refund(ticket);
      if (user.disabled) throw accountDisabled();
      if (user.totp_enabled) return { kind: 'mfa', mfaToken: await signer.signMfa(user.id) };
      const tokens = await db.transaction((tx) => startSession(tx, user.id, client, { alert: true }));
      return { kind: 'tokens', tokens };
    },

    /** The second step of a 2FA sign-in: a TOTP code (each step accepted once) or a backup code (each used once). */
    async loginSecondFactor(
      input: { mfaToken: string; code?: string; backupCode?: string },
      client: ClientInfo,
    ): Promise<SessionTokens> {
      const userId = await signer.verifyMfa(input.mfaToken);
      if (!userId || !UUID.test(userId)) throw errors.unauthorized('The sign-in has expired; sign in again');
      if (!input.code === !input.backupCode) throw errors.unprocessable('Give either code or backup_code', 'one_factor_required');
      const ticket = await throttle.attempt([
        { key: bucketKey('second-factor', 'address', clientNetwork(client.ip)), limit: limits.secondFactorPerAddress },
        { key: bucketKey('second-factor', 'account', userId), limit: limits.secondFactorPerAccount },
      ]);
      const user = await repo.findUserById(db, userId);
      if (!user || user.disabled || !user.totp_enabled || !user.totp_secret_enc) throw errors.unauthorized(INVALID_SECOND_FACTOR);
      const step = input.code
        ? await verifyTotp({ secret: openTotpSecret(user), code: input.code, lastStep: user.totp_last_step, now: clock() })
        : null;
      const backupCode = input.backupCode ? normalizeBackupCode(input.backupCode) : null;

      const tokens = await db.transaction(async (tx) => {
        if (input.code) {
          if (step === null || !(await repo.acceptTotpStep(tx, user.id, step))) return null;
          return startSession(tx, user.id, client, { alert: true });
        } else {
          if (!backupCode || !(await repo.spendBackupCode(tx, user.id, hashBackupCode(deps.backupCodeKey, backupCode)))) {
            return null;
          }
          const remaining = await repo.countUnusedBackupCodes(tx, user.id);
          // This alert says it all (when, from where, codes left); no second one for the sign-in.
          await alert(tx, user.id, 'backup_code_used', client, { remaining_backup_codes: remaining });
          return startSession(tx, user.id, client, { alert: false });
        }
      });
      if (!tokens) throw errors.unauthorized(INVALID_SECOND_FACTOR);
      await throttle.refund(ticket);
      return tokens;
    },

    /**
     * Spends a refresh token for a new pair in the same family. A token that was already
     * spent means someone else holds a copy: the whole family is revoked and the owner
     * alerted, and that revocation is committed even though the answer is 401.
     */
    async refresh(token: string | undefined, client: ClientInfo): Promise<SessionTokens> {
      if (!token) throw errors.unauthorized(INVALID_REFRESH);
      const outcome = await db.transaction(async (tx) => {
        const row = await repo.findRefreshTokenForUpdate(tx, hashRefreshToken(token));
        if (!row) return null;
        if (row.replaced_at) {
          const revoked = await repo.revokeFamily(tx, row.family_id);
          if (revoked > 0) await alert(tx, row.user_id, 'refresh_token_reuse', client);
          return null;
        }
        if (row.revoked_at || row.expires_at.getTime() <= clock().getTime()) return null;
        const user = await repo.findUserById(tx, row.user_id);
        if (!user || user.disabled) {
          await repo.revokeFamily(tx, row.family_id);
          return null;
        }
        return issueTokens(tx, user.id, row.family_id, client, row.id);
      });
      if (!outcome) throw errors.unauthorized(INVALID_REFRESH);
      return outcome;
    },

    /** Ends the caller's session, and the family of the presented refresh token when it is theirs. */
    async logout(who: Authenticated, refreshToken: string | undefined): Promise<void> {
      await db.transaction(async (tx) => {
        await repo.revokeFamily(tx, who.sessionId);
        if (!refreshToken) return;
        const row = await repo.findRefreshToken(tx, hashRefreshToken(refreshToken));
        if (row && row.user_id === who.id) await repo.revokeFamily(tx, row.family_id);
      });
    },

    /** Bearer access token → the caller, or null. Disabled users and ended sessions are refused at once. */
    async authenticate(accessToken: string): Promise<Authenticated | null> {
      const claims = await signer.verifyAccess(accessToken);
      if (!claims || !UUID.test(claims.userId) || !UUID.test(claims.sessionId)) return null;
      const state = await repo.findAuthState(db, claims.userId, claims.sessionId);
      if (!state || state.disabled || !state.session_live) return null;
      return { id: state.id, role: state.role, sessionId: claims.sessionId };
    },

    me: (userId: string): Promise<UserRow> => requireUser(userId),

    async quota(userId: string): Promise<QuotaRow> {
      const q = await repo.findQuota(db, userId);
      if (!q) throw errors.notFound('quota');
      return q;
    },

    /**
     * A new pending TOTP secret (replacing any earlier pending one); 2FA stays off until
     * `enableTotp`. Both need the current password, so a stolen access token alone cannot
     * put the account behind a second factor only the thief holds.
     */
    async setupTotp(userId: string, password: string): Promise<{ secret: string; otpauth_uri: string; qr_svg: string }> {
      const user = await reauthenticate(userId, password);
      if (user.totp_enabled) throw errors.conflict('Two-factor authentication is already on', 'totp_already_enabled');
      const secret = newTotpSecret();
      await repo.setPendingTotpSecret(db, user.id, box.seal(secret, user.id));
      const otpauth_uri = totpUri(secret, user.email);
      return { secret, otpauth_uri, qr_svg: await renderQrSvg(otpauth_uri) };
    },

    /** Turns 2FA on with the current password and a valid code for the pending secret; returns the backup codes, this once. */
    async enableTotp(userId: string, input: { password: string; code: string }, client: ClientInfo): Promise<string[]> {
      const user = await reauthenticate(userId, input.password);
      if (user.totp_enabled) throw errors.conflict('Two-factor authentication is already on', 'totp_already_enabled');
      if (!user.totp_secret_enc) throw errors.conflict('Start with POST /api/auth/2fa/setup', 'totp_not_set_up');
      const step = await verifyTotp({ secret: openTotpSecret(user), code: input.code, now: clock() });
      if (step === null) throw errors.badRequest('Invalid code', 'invalid_code');
      const codes = newBackupCodes();
      await db.transaction(async (tx) => {
        if (!(await repo.enableTotp(tx, user.id))) {
          throw errors.conflict('Two-factor authentication is already on', 'totp_already_enabled');
        }
        await repo.replaceBackupCodes(
          tx,
          user.id,
          codes.map((c) => hashBackupCode(deps.backupCodeKey, normalizeBackupCode(c)!)),
        );
        await alert(tx, user.id, 'totp_enabled', client);
      });
      return codes;
    },

    /** Turns 2FA off; needs the password and a current TOTP code (or an unused backup code). */
    async disableTotp(userId: string, input: { password: string; code: string }, client: ClientInfo): Promise<void> {
      const ticket = await throttle.attempt([
        { key: bucketKey('reauth', 'account', userId), limit: limits.reauthPerAccount },
      ]);
      const user = await requireUser(userId);
      if (!user.totp_enabled || !user.totp_secret_enc) {
        throw errors.conflict('Two-factor authentication is not on', 'totp_not_enabled');
      }
      const passwordOk = await verifyPassword(user.password_hash, input.password);
      const isTotp = /^\d{6}$/.test(input.code);
      const step =
        passwordOk && isTotp
          ? await verifyTotp({ secret: openTotpSecret(user), code: input.code, lastStep: user.totp_last_step, now: clock() })
          : null;
      const backup = !isTotp ? normalizeBackupCode(input.code) : null;
      const done = await db.transaction(async (tx) => {
        if (!passwordOk) return false;
        const codeOk = isTotp
          ? step !== null && (await repo.acceptTotpStep(tx, user.id, step))
          : backup !== null && (await repo.spendBackupCode(tx, user.id, hashBackupCode(deps.backupCodeKey, backup)));
        if (!codeOk) return false;
        await repo.disableTotp(tx, user.id);
        await alert(tx, user.id, 'totp_disabled', client);
        return true;
      });
      if (!done) throw errors.forbidden('Wrong password or code', 'reauthentication_failed');
      await throttle.refund(ticket);
    },

    /** Changes the password; every other session of the user is revoked. */
    async changePassword(
      who: Authenticated,
      input: { currentPassword: string; newPassword: string },
      client: ClientInfo,
    ): Promise<void> {
      const user = await reauthenticate(who.id, input.currentPassword);
      const hash = await hashPassword(input.newPassword);
      await db.transaction(async (tx) => {
        await repo.updatePasswordHash(tx, user.id, hash);
        await repo.revokeUserFamilies(tx, user.id, who.sessionId);
        await alert(tx, user.id, 'password_changed', client);
      });
    },
  };
}

const truncateUserAgent = (ua: string | null) => ua?.slice(0, 500) ?? null;
const registrationClosed = () => errors.forbidden('Registration is closed', 'registration_closed');
const emailTaken = () => errors.conflict('An account with this email already exists', 'email_taken');
const accountDisabled = () => errors.forbidden('This account is disabled', 'account_disabled');
