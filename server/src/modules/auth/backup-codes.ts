import { createHmac, randomInt } from 'node:crypto';

/**
 * One-time backup codes: 10 per enablement, 12 characters of an unambiguous alphabet
 * (~60 bits), shown once as XXXX-XXXX-XXXX. Stored as an HMAC under a server key, so a
 * database dump alone does not allow an offline search of the code space.
 */
export const BACKUP_CODE_COUNT = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 12;

export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let s = '';
    for (let i = 0; i < LENGTH; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
  });
}

/** Upper-case, dashes and spaces removed; null when it cannot be a backup code. */
export function normalizeBackupCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '');
  return s.length === LENGTH && [...s].every((c) => ALPHABET.includes(c)) ? s : null;
}

export function hashBackupCode(key: Buffer, normalized: string): string {
  return createHmac('sha256', key).update(normalized, 'utf8').digest('hex');
}
