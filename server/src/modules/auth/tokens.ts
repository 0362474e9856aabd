import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/**
 * Access tokens: HS256 JWTs signed with the jwt key from the secrets file. The algorithm,
 * issuer, audience and `typ` header are all pinned at verification, so a token with
 * `alg: none`, another algorithm, or one minted for another purpose (an MFA token) is
 * refused. Refresh tokens are opaque random strings; only their SHA-256 is stored.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
/**
 * How long after proving the password (signing in) a session counts as freshly signed in:
 * within it, turning on 2FA needs no second entry of the password (SPEC §3's
 * `POST /2fa/setup` with no body); after it, or with a token minted by a refresh, it does.
 */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;

const ALG = 'HS256';
const ISSUER = 'docuvault';
const ACCESS = { typ: 'at+jwt', audience: 'docuvault-api' } as const;
const MFA = { typ: 'mfa+jwt', audience: 'docuvault-login-2fa' } as const;

export interface AccessClaims {
  userId: string;
  /** The refresh-token family this access token was issued with (its session). */
  sessionId: string;
  /** When the password was proven for this session (seconds since the epoch): set by sign-in, not by refresh. */
  authTime?: number;
}

export interface TokenSigner {
  signAccess(claims: AccessClaims): Promise<string>;
  /** The claims of a valid access token, or null for anything else. */
  verifyAccess(token: string): Promise<AccessClaims | null>;
  signMfa(userId: string): Promise<string>;
  verifyMfa(token: string): Promise<string | null>;
}

/**
 * Access tokens already verified, until their expiry: a client sends the same token with
 * every request for its 15 minutes, and checking its HMAC through WebCrypto each time was a
 * fifth of a confirm's CPU. Only the exact string that verified is trusted again, and never
 * past its `exp`; revocation is the session check's job, as before. Bounded: the oldest go.
 */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenSigner(key: Buffer, clock: () => Date = () => new Date()): TokenSigner {
  const now = () => Math.floor(clock().getTime() / 1000);
  const verified = new Map<string, { claims: AccessClaims; exp: number }>();
  const sign = (kind: typeof ACCESS | typeof MFA, subject: string, ttl: number, extra: Record<string, string | number> = {}) =>
    new SignJWT(extra)
      .setProtectedHeader({ alg: ALG, typ: kind.typ })
      .setSubject(subject)
      .setJti(randomUUID())
      .setIssuer(ISSUER)
      .setAudience(kind.audience)
      .setIssuedAt(now())
      .setExpirationTime(now() + ttl)
      .sign(key);
  const verify = async (kind: typeof ACCESS | typeof MFA, token: string) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: ISSUER,
        audience: kind.audience,
        typ: kind.typ,
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: clock(),
      });
      return payload;
    } catch {
      return null;
    }
  };
  return {
    signAccess: ({ userId, sessionId, authTime }) =>
      sign(ACCESS, userId, ACCESS_TOKEN_TTL_SECONDS, authTime === undefined ? { sid: sessionId } : { sid: sessionId, auth_time: authTime }),
    async verifyAccess(token) {
      const known = verified.get(token);
      if (known && known.exp > now()) return { ...known.claims };
      if (known) verified.delete(token);
      const p = await verify(ACCESS, token);
      if (!p || typeof p.sub !== 'string' || typeof p.sid !== 'string' || typeof p.exp !== 'number') return null;
      const claims: AccessClaims = { userId: p.sub, sessionId: p.sid };
      if (typeof p.auth_time === 'number') claims.authTime = p.auth_time;
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { claims, exp: p.exp });
      return { ...claims };
    },
    signMfa: (userId) => sign(MFA, userId, MFA_TOKEN_TTL_SECONDS),
    async verifyMfa(token) {
      const p = await verify(MFA, token);
      return p && typeof p.sub === 'string' ? p.sub : null;
    },
  };
}

/** A new opaque refresh token: 32 random bytes, base64url. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a refresh token. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
