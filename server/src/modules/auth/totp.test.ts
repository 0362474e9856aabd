import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newTotpSecret, renderQrSvg, totpCodeAt, totpUri, verifyTotp } from './totp.js';

const secret = newTotpSecret();
const now = new Date('2026-01-01T00:00:10Z'); // 10 s into a step
const stepOf = (d: Date) => Math.floor(d.getTime() / 1000 / 30);
const shift = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

describe('TOTP', () => {
  it('when the current code is given, then its step is returned', async () => {
    assert.equal(await verifyTotp({ secret, code: await totpCodeAt(secret, now), now }), stepOf(now));
  });

  it('when the code is one step old or one step ahead, then it is accepted; two steps, refused', async () => {
    assert.equal(await verifyTotp({ secret, code: await totpCodeAt(secret, shift(now, -30)), now }), stepOf(now) - 1);
    assert.equal(await verifyTotp({ secret, code: await totpCodeAt(secret, shift(now, 30)), now }), stepOf(now) + 1);
    assert.equal(await verifyTotp({ secret, code: await totpCodeAt(secret, shift(now, -60)), now }), null);
    assert.equal(await verifyTotp({ secret, code: await totpCodeAt(secret, shift(now, 60)), now }), null);
  });

  it('when the step was already accepted (or a later one was), then the code is refused', async () => {
    const code = await totpCodeAt(secret, now);
    assert.equal(await verifyTotp({ secret, code, now, lastStep: stepOf(now) }), null);
    assert.equal(await verifyTotp({ secret, code, now, lastStep: stepOf(now) + 1 }), null);
    assert.equal(await verifyTotp({ secret, code, now, lastStep: stepOf(now) - 1 }), stepOf(now));
  });

  it('when the last step lies far in the future (clock moved back), then codes are refused, not thrown', async () => {
    assert.equal(await verifyTotp({ secret, code: await totpCodeAt(secret, now), now, lastStep: stepOf(now) + 1000 }), null);
  });

  it('when the code is not six digits, then it is refused', async () => {
    for (const code of ['', '12345', '1234567', 'abcdef', ' 123456']) assert.equal(await verifyTotp({ secret, code, now }), null);
  });

  it('when set up, then the secret is base32 of 20 bytes and the URI and QR code name it', async () => {
    assert.match(secret, /^[A-Z2-7]{32}$/);
    const uri = totpUri(secret, 'someone@example.com');
    assert.match(uri, /^otpauth:\/\/totp\/DocuVault:someone%40example\.com\?/);
    assert.equal(new URL(uri).searchParams.get('secret'), secret);
    const svg = await renderQrSvg(uri);
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });
});
