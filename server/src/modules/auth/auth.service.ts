import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.js';
import { errors } from '../../http/errors.js';
import { cachedAuthState } from './auth-state-cache.js';
import { isUuid } from '../../http/schemas.js';
import { clientNetwork } from '../../http/ip-address.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import { queueSecurityAlert, type SecurityAlertJobData } from '../../mail/send-security-alert.job.js';
import { quotaRepository, type QuotaUse } from '../quotas/quota.repository.js';
import * as repo from './auth.repository.js';
import type { UserRow } from './auth.repository.js';
import { hashBackupCode, newBackupCodes, normalizeBackupCode } from './backup-codes.js';
import type { CryptoBox } from './crypto-box.js';
import { hashPassword, verifyPassword } from './password.js';
import { bucketKey, type Throttle } from './throttle.js';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS, RECENT_SIGN_IN_SECONDS,
  hashRefreshToken,
  newRefreshToken,
  type TokenSigner,
} from './tokens.js';
import { newTotpSecret, renderQrSvg, totpUri, verifyTotp } from './totp.js';
import type { LoginInput, ReauthInput, RegisterInput, TotpSetupAnswer } from './auth.schemas.js';

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
  /** An admin set a temporary password: only the password change (and sign-out) is allowed. */
  mustChangePassword?: boolean;
  /** When this session last proved the password (seconds since the epoch); absent after a refresh. */
  authTime?: number;
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
    authTime?: number,
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
      access_token: await signer.signAccess({ userId, sessionId: familyId, authTime }),
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
    // The password (and the code, with 2FA) was just proven: the session is freshly signed in.
    return issueTokens(tx, userId, randomUUID(), client, undefined, Math.floor(clock().getTime() / 1000));
  }

  async function requireUser(userId: string): Promise<UserRow> {
    const user = await repo.findUserById(db, userId);
    if (!user) throw errors.notFound('user');
    return user;
  }

  function openTotpSecret(user: UserRow): string {
    return box.open(user.totp_secret_enc!, user.id);
  }

  /**
   * Runs `action` in one transaction after the user proved it is them again: the password and
   * a current TOTP code (each step accepted once) or an unused backup code (spent). Throttled
   * per account; a wrong answer is 403 and nothing happens.
   */
  async function withReauthentication(
    userId: string,
    input: ReauthInput,
    action: (tx: Queryable, user: UserRow) => Promise<void>,
  ): Promise<void> {
    const ticket = await throttle.attempt([{ key: bucketKey('reauth', 'account', userId), limit: limits.reauthPerAccount }]);
    const user = await requireUser(userId);
    if (!user.totp_enabled || !user.totp_secret_enc) {
      throw errors.totpNotEnabled();
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
      await action(tx, user);
      return true;
    });
    if (!done) throw errors.reauthenticationFailed();
    await throttle.refund(ticket);
  }

  /** The caller's account once the current password is proved; wrong passwords count against the reauth limit. */
  /**
   * The caller's password for a sensitive step: the one given, or — when none is given — a
   * sign-in within RECENT_SIGN_IN_SECONDS on this session. An access token minted by a
   * refresh, or older than that, must bring the password.
   */
  async function reauthenticateOrRecent(who: Pick<Authenticated, 'id' | 'authTime'>, password: string | undefined): Promise<UserRow> {
    if (password !== undefined) return reauthenticate(who.id, password);
    const now = Math.floor(clock().getTime() / 1000);
    if (who.authTime === undefined || now - who.authTime > RECENT_SIGN_IN_SECONDS) throw errors.passwordRequired();
    return requireUser(who.id);
  }

  async function reauthenticate(userId: string, password: string): Promise<UserRow> {
    const ticket = await throttle.attempt([{ key: bucketKey('reauth', 'account', userId), limit: limits.reauthPerAccount }]);
    const user = await requireUser(userId);
    if (!(await verifyPassword(user.password_hash, password))) {
      throw errors.wrongPassword();
    }
    await throttle.refund(ticket);
    return user;
  }

  return {
    /** Creates an account; the very first one is the admin. Its quota row comes in the same transaction. */
    async register(input: RegisterInput, client: ClientInfo): Promise<UserRow> {
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
          await quotaRepository.create(tx, user.id, deps.defaultQuotaBytes);
          return user;
        });
      } catch (e) {
        if ((e as { code?: string }).code === '23505') throw emailTaken();
        throw e;
      }
    },

    /** Password sign-in: tokens, or an MFA challenge when 2FA is on. */
    async login(input: LoginInput, client: ClientInfo): Promise<LoginResult> {
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
      if (!userId || !isUuid(userId)) throw errors.unauthorized('The sign-in has expired; sign in again');
      if (!input.code === !input.backupCode) throw errors.oneFactorRequired();
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
      if (!claims || !isUuid(claims.userId) || !isUuid(claims.sessionId)) return null;
      const state = await cachedAuthState(db.kind, claims.userId, claims.sessionId, () =>
        repo.findAuthState(db, claims.userId, claims.sessionId),
      );
      if (!state || state.disabled || !state.session_live) return null;
      const who: Authenticated = { id: state.id, role: state.role, sessionId: claims.sessionId, mustChangePassword: state.must_change_password };
      if (claims.authTime !== undefined) who.authTime = claims.authTime;
      return who;
    },

    me: (userId: string): Promise<UserRow> => requireUser(userId),

    async quota(userId: string): Promise<QuotaUse> {
      const q = await quotaRepository.find(db, userId);
      if (!q) throw errors.notFound('quota');
      return q;
    },

    /**
     * A new pending TOTP secret (replacing any earlier pending one); 2FA stays off until
     * `enableTotp`. Both need the current password or a sign-in minutes ago, so an access
     * token stolen later in a session cannot put the account behind a second factor only
     * the thief holds.
     */
    async setupTotp(who: Pick<Authenticated, 'id' | 'authTime'>, password: string | undefined): Promise<TotpSetupAnswer> {
      const user = await reauthenticateOrRecent(who, password);
      if (user.totp_enabled) throw errors.totpAlreadyEnabled();
      const secret = newTotpSecret();
      await repo.setPendingTotpSecret(db, user.id, box.seal(secret, user.id));
      const otpauth_uri = totpUri(secret, user.email);
      return { secret, otpauth_uri, qr_svg: await renderQrSvg(otpauth_uri) };
    },

    /** Turns 2FA on with a valid code for the pending secret (and the password, unless just signed in); returns the backup codes, this once. */
    async enableTotp(
      who: Pick<Authenticated, 'id' | 'authTime'>,
      input: { password?: string; code: string },
      client: ClientInfo,
    ): Promise<string[]> {
      const user = await reauthenticateOrRecent(who, input.password);
      if (user.totp_enabled) throw errors.totpAlreadyEnabled();
      if (!user.totp_secret_enc) throw errors.totpNotSetUp();
      const step = await verifyTotp({ secret: openTotpSecret(user), code: input.code, now: clock() });
      if (step === null) throw errors.invalidCode();
      const codes = newBackupCodes();
      await db.transaction(async (tx) => {
        if (!(await repo.enableTotp(tx, user.id))) {
          throw errors.totpAlreadyEnabled();
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
    async disableTotp(userId: string, input: ReauthInput, client: ClientInfo): Promise<void> {
      await withReauthentication(userId, input, async (tx, user) => {
        await repo.disableTotp(tx, user.id);
        await alert(tx, user.id, 'totp_disabled', client);
      });
    },

    /** How many unused backup codes the user has left. */
    async backupCodesLeft(userId: string): Promise<number> {
      return repo.countUnusedBackupCodes(db, userId);
    },

    /** Ten new backup codes replacing every old one; needs the password and a code, like turning 2FA off. */
    async regenerateBackupCodes(userId: string, input: ReauthInput): Promise<string[]> {
      const codes = newBackupCodes();
      await withReauthentication(userId, input, async (tx, user) => {
        await repo.replaceBackupCodes(
          tx,
          user.id,
          codes.map((c) => hashBackupCode(deps.backupCodeKey, normalizeBackupCode(c)!)),
        );
      });
      return codes;
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
        await repo.updatePasswordHash(tx, user.id, hash); // also ends a required change
        await repo.revokeUserFamilies(tx, user.id, who.sessionId);
        await alert(tx, user.id, 'password_changed', client);
      });
    },
  };
}

const truncateUserAgent = (ua: string | null) => ua?.slice(0, 500) ?? null;
const registrationClosed = errors.registrationClosed;
const emailTaken = errors.emailTaken;
const accountDisabled = errors.accountDisabled;
