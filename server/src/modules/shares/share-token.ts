import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Share-link secrets. The token is 256 random bits, base64url (43 characters), handed out
 * once; the database keeps only its SHA-256, which is enough for a random secret of that
 * size (no dictionary to try) and lets a lookup be one index probe.
 */
const TOKEN_BYTES = 32;
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newShareToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The stored form of a token; null for anything that cannot be a token (no lookup needed). */
export function shareTokenHash(token: string): Buffer | null {
  if (!TOKEN_PATTERN.test(token)) return null;
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The proof that a password was given for one link: `<expires>.<mac>`, the MAC over the
 * link id and the expiry with a key of its own. The id is inside the MAC, so a cookie
 * earned on link A opens nothing else; the browser also only sends it to A's own path.
 */
export function createUnlockProof(key: Buffer) {
  if (key.length < 32) throw new Error('share cookie key must be at least 32 bytes');
  const mac = (linkId: string, expires: number) =>
    createHmac('sha256', key)
      .update(JSON.stringify(['docuvault-share-unlock-v1', linkId, expires]))
      .digest('base64url');
  return {
    issue(linkId: string, now: Date, ttlSeconds: number): { value: string; expires: Date } {
      const expires = Math.floor(now.getTime() / 1000) + ttlSeconds;
      return { value: `${expires}.${mac(linkId, expires)}`, expires: new Date(expires * 1000) };
    },
    verify(linkId: string, value: string | undefined, now: Date): boolean {
      const m = value ? /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
      if (!m) return false;
      const expires = Number(m[1]);
      const expected = Buffer.from(mac(linkId, expires), 'utf8');
      const given = Buffer.from(m[2]!, 'utf8');
      if (!timingSafeEqual(given, expected)) return false;
      return now.getTime() < expires * 1000;
    },
  };
}

export type UnlockProof = ReturnType<typeof createUnlockProof>;
