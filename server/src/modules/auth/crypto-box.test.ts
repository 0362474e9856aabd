import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createCryptoBox } from './crypto-box.js';

describe('crypto box (AES-256-GCM)', () => {
  const box = createCryptoBox(randomBytes(32));

  it('when sealed and opened with the same owner, then the plaintext returns, and the sealed form hides it', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'user-1');
    assert.ok(!sealed.includes('JBSWY3DP'));
    assert.equal(box.open(sealed, 'user-1'), 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('when the same value is sealed twice, then the two sealed forms differ', () => {
    assert.notEqual(box.seal('x', 'u'), box.seal('x', 'u'));
  });

  it("when opened as another owner's value, with another key, or tampered, then it throws", () => {
    const sealed = box.seal('secret', 'user-1');
    assert.throws(() => box.open(sealed, 'user-2'));
    assert.throws(() => createCryptoBox(randomBytes(32)).open(sealed, 'user-1'));
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1]! ^= 1;
    assert.throws(() => box.open(`v1.${raw.toString('base64url')}`, 'user-1'));
    assert.throws(() => box.open('v0.abc', 'user-1'));
  });

  it('when the key is not 32 bytes, then the box refuses to exist', () => {
    assert.throws(() => createCryptoBox(randomBytes(16)));
  });
});
