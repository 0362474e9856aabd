import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createUnlockProof, newShareToken, shareTokenHash, TOKEN_PATTERN } from './share-token.js';

describe('share tokens', () => {
  it('when tokens are made, then each is 43 base64url characters (256 bits) and no two are alike', () => {
    const tokens = Array.from({ length: 2000 }, newShareToken);
    for (const t of tokens) {
      assert.match(t, TOKEN_PATTERN);
      assert.equal(Buffer.from(t, 'base64url').length, 32);
    }
    assert.equal(new Set(tokens).size, tokens.length);
    // Every base64url character turns up: the alphabet is not narrowed (as hex would be).
    assert.equal(new Set(tokens.join('')).size, 64);
  });

  it('when a token is hashed, then the hash is 32 bytes and the same each time; text that is no token has none', () => {
    const t = newShareToken();
    assert.equal(shareTokenHash(t)!.length, 32);
    assert.deepEqual(shareTokenHash(t), shareTokenHash(t));
    assert.notDeepEqual(shareTokenHash(t), shareTokenHash(newShareToken()));
    for (const bad of ['', 'short', t + 'x', t.slice(1), t.slice(0, 42) + '/', t.slice(0, 42) + '=', "'; DROP TABLE x; --"]) {
      assert.equal(shareTokenHash(bad), null, bad);
    }
  });
});

describe('unlock proof (the password cookie)', () => {
  const proof = createUnlockProof(randomBytes(32));
  const now = new Date('2026-06-01T12:00:00Z');

  it('when issued for a link, then it opens that link until it expires and no other link', () => {
    const a = randomUUID();
    const b = randomUUID();
    const { value, expires } = proof.issue(a, now, 900);
    assert.equal(expires.getTime(), now.getTime() + 900_000);
    assert.equal(proof.verify(a, value, now), true);
    assert.equal(proof.verify(a, value, new Date(now.getTime() + 899_000)), true);
    assert.equal(proof.verify(a, value, new Date(now.getTime() + 900_000)), false);
    assert.equal(proof.verify(b, value, now), false);
  });

  it('when the expiry or the MAC is altered, or the key differs, then it opens nothing', () => {
    const id = randomUUID();
    const { value } = proof.issue(id, now, 900);
    const [exp, mac] = value.split('.') as [string, string];
    assert.equal(proof.verify(id, `${Number(exp) + 3600}.${mac}`, now), false);
    assert.equal(proof.verify(id, `${exp}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, now), false);
    assert.equal(proof.verify(id, undefined, now), false);
    assert.equal(proof.verify(id, '', now), false);
    assert.equal(proof.verify(id, 'x'.repeat(5000), now), false);
    assert.equal(createUnlockProof(randomBytes(32)).verify(id, value, now), false);
  });
});
