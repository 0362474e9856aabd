import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/**
 * Password hashing, in one place. argon2id with OWASP's baseline parameters (19 MiB,
 * 2 passes, 1 lane): tens of milliseconds per hash on a server core.
 */
export const ARGON2_PARAMS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Accepted password lengths (characters); the upper bound keeps hashing cost bounded. */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_PARAMS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Verifies a password against a stored hash. With no hash (unknown email) it verifies
 * against a dummy hash of the same parameters, so both cases cost the same time.
 */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= argon2.hash(randomBytes(24).toString('base64'), ARGON2_PARAMS);
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash is a refusal, never a crash that reveals the difference.
    return false;
  }
}

/** Computes the dummy hash ahead of the first unknown-email login, so that one is not slower. */
export function warmUpPasswordHashing(): Promise<void> {
  return verifyPassword(null, 'warm-up').then(() => undefined);
}
