import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { ACCESS_TOKEN_TTL_SECONDS, createTokenSigner, hashRefreshToken, newRefreshToken } from './tokens.js';

const key = randomBytes(32);
const claims = { userId: '6f1c1c54-6a6c-4b8e-9a34-3c7e1b0a2f11', sessionId: '0b9d4a0e-2f4b-4f3a-8b1a-5a4f0c7e9d21' };

describe('access and MFA tokens', () => {
  const signer = createTokenSigner(key);

  it('when an access token is signed, then it verifies to the same claims and lives 15 minutes', async () => {
    const token = await signer.signAccess(claims);
    assert.deepEqual(await signer.verifyAccess(token), claims);
    const p = decodeJwt(token);
    assert.equal(p.exp! - p.iat!, ACCESS_TOKEN_TTL_SECONDS);
    assert.equal(ACCESS_TOKEN_TTL_SECONDS, 900);
  });

  it('when a sign-in time is given, then it travels as auth_time and verifies back; without one, none is claimed', async () => {
    const withTime = await signer.verifyAccess(await signer.signAccess({ ...claims, authTime: 1_800_000_000 }));
    assert.equal(withTime?.authTime, 1_800_000_000);
    const refreshed = await signer.verifyAccess(await signer.signAccess(claims));
    assert.equal(refreshed?.authTime, undefined);
  });

  it('when a token says alg "none", then it is refused', async () => {
    const token = new UnsecuredJWT({ sid: claims.sessionId })
      .setSubject(claims.userId)
      .setIssuer('docuvault')
      .setAudience('docuvault-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    assert.equal(await signer.verifyAccess(token), null);
    // Also with the expected typ header grafted on.
    const [, payload] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    assert.equal(await signer.verifyAccess(`${header}.${payload}.`), null);
  });

  it('when one character of the signature changes, then it is refused', async () => {
    const token = await signer.signAccess(claims);
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    assert.equal(await signer.verifyAccess(token.slice(0, -2) + last + token.at(-1)), null);
  });

  it('when the payload is changed under the original signature, then it is refused', async () => {
    const [h, , s] = (await signer.signAccess(claims)).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: claims.userId, sid: claims.sessionId, role: 'admin' })).toString('base64url');
    assert.equal(await signer.verifyAccess(`${h}.${forged}.${s}`), null);
  });

  it('when a token verified once expires, then it is refused from then on (what was verified is not kept past exp)', async () => {
    let at = Date.now();
    const clocked = createTokenSigner(key, () => new Date(at));
    const token = await clocked.signAccess(claims);
    assert.deepEqual(await clocked.verifyAccess(token), claims);
    assert.deepEqual(await clocked.verifyAccess(token), claims, 'verified again, within its life');
    at += (ACCESS_TOKEN_TTL_SECONDS - 1) * 1000;
    assert.deepEqual(await clocked.verifyAccess(token), claims, 'a second before exp');
    at += 1000;
    assert.equal(await clocked.verifyAccess(token), null, 'at exp');
    assert.equal(await clocked.verifyAccess(token), null);
  });

  it('when a verified token is altered, or the claims handed out are changed, then nothing else is trusted', async () => {
    const token = await signer.signAccess(claims);
    const first = await signer.verifyAccess(token);
    first!.userId = 'someone-else';
    assert.deepEqual(await signer.verifyAccess(token), claims, 'the caller got a copy');
    const last = token.at(-2) === 'A' ? 'B' : 'A';
    assert.equal(await signer.verifyAccess(token.slice(0, -2) + last + token.at(-1)), null);
    assert.equal(await createTokenSigner(randomBytes(32)).verifyAccess(token), null, 'another key trusts none of it');
  });

  it('when the token has expired, then it is refused', async () => {
    const past = createTokenSigner(key, () => new Date(Date.now() - (ACCESS_TOKEN_TTL_SECONDS + 60) * 1000));
    const token = await past.signAccess(claims);
    assert.equal(await signer.verifyAccess(token), null);
  });

  it('when signed with another key or another HMAC algorithm, then it is refused', async () => {
    const other = createTokenSigner(randomBytes(32));
    assert.equal(await signer.verifyAccess(await other.signAccess(claims)), null);
    const hs512 = await new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: 'HS512', typ: 'at+jwt' })
      .setSubject(claims.userId)
      .setIssuer('docuvault')
      .setAudience('docuvault-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(Buffer.concat([key, key]));
    assert.equal(await signer.verifyAccess(hs512), null);
  });

  it('when an MFA token is used as an access token (or the reverse), then it is refused', async () => {
    const mfa = await signer.signMfa(claims.userId);
    assert.equal(await signer.verifyAccess(mfa), null);
    assert.equal(await signer.verifyMfa(mfa), claims.userId);
    assert.equal(await signer.verifyMfa(await signer.signAccess(claims)), null);
  });

  it('when the issuer or the typ header differ, then it is refused', async () => {
    const base = () =>
      new SignJWT({ sid: claims.sessionId }).setSubject(claims.userId).setAudience('docuvault-api').setIssuedAt().setExpirationTime('10m');
    const wrongIssuer = await base().setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' }).setIssuer('someone-else').sign(key);
    const noTyp = await base().setProtectedHeader({ alg: 'HS256' }).setIssuer('docuvault').sign(key);
    assert.equal(await signer.verifyAccess(wrongIssuer), null);
    assert.equal(await signer.verifyAccess(noTyp), null);
  });

  it('when garbage is presented, then it is refused without throwing', async () => {
    for (const t of ['', 'a.b.c', 'not a token', '...']) assert.equal(await signer.verifyAccess(t), null);
  });
});

describe('refresh tokens', () => {
  it('when made, then they are 32 random bytes in base64url and hashed with SHA-256 hex', () => {
    const a = newRefreshToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newRefreshToken());
    assert.match(hashRefreshToken(a), /^[0-9a-f]{64}$/);
    assert.equal(hashRefreshToken(a), hashRefreshToken(a));
  });
});
