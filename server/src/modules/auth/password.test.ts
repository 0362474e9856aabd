import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARGON2_PARAMS, hashPassword, verifyPassword, warmUpPasswordHashing } from './password.js';

describe('password hashing', () => {
  it('when hashed, then it is argon2id with the stated parameters and verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    assert.match(hash, new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_PARAMS.memoryCost},p=${ARGON2_PARAMS.parallelism},t=${ARGON2_PARAMS.timeCost}\\$`));
    assert.equal(await verifyPassword(hash, 'correct horse battery staple'), true);
    assert.equal(await verifyPassword(hash, 'correct horse battery stapl'), false);
  });

  it('when there is no hash (unknown email), then it is false after about the cost of a real verification', async () => {
    await warmUpPasswordHashing();
    const hash = await hashPassword('some password');
    const time = async (h: string | null) => {
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) await verifyPassword(h, 'wrong password');
      return performance.now() - t0;
    };
    const real = await time(hash);
    const dummy = await time(null);
    assert.ok(dummy > real / 3 && dummy < real * 3, `dummy ${dummy.toFixed(0)} ms vs real ${real.toFixed(0)} ms`);
  });

  it('when the stored hash is malformed, then it is false, not an error', async () => {
    assert.equal(await verifyPassword('not-a-hash', 'x'), false);
  });
});
