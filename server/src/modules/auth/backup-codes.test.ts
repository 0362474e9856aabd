import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashBackupCode, newBackupCodes, normalizeBackupCode } from './backup-codes.js';

describe('backup codes', () => {
  it('when made, then there are 10 distinct codes shaped XXXX-XXXX-XXXX', () => {
    const codes = newBackupCodes();
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const c of codes) assert.match(c, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  });

  it('when typed in lower case, without dashes or with spaces, then it normalizes to the same code', () => {
    const [c] = newBackupCodes(1);
    const n = normalizeBackupCode(c!);
    assert.ok(n);
    assert.equal(normalizeBackupCode(c!.toLowerCase()), n);
    assert.equal(normalizeBackupCode(c!.replaceAll('-', '')), n);
    assert.equal(normalizeBackupCode(c!.replaceAll('-', ' ')), n);
  });

  it('when it cannot be a code, then normalization says null', () => {
    for (const s of ['', '123456', 'AAAA-AAAA-AAA', 'AAAA-AAAA-AAAA-A', 'AAAA-AAAA-AAA0']) assert.equal(normalizeBackupCode(s), null);
  });

  it('when hashed, then the hash depends on the server key and is not the code', () => {
    const k1 = randomBytes(32);
    const n = normalizeBackupCode(newBackupCodes(1)[0]!)!;
    assert.equal(hashBackupCode(k1, n), hashBackupCode(k1, n));
    assert.notEqual(hashBackupCode(k1, n), hashBackupCode(randomBytes(32), n));
    assert.ok(!hashBackupCode(k1, n).includes(n));
  });
});
