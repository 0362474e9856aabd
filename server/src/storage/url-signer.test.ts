import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createUrlSigner, type SignedRequest } from './url-signer.js';

const signer = createUrlSigner({ secret: randomBytes(32) });
const now = new Date('2026-01-01T00:00:00Z');
const inTenMinutes = now.getTime() / 1000 + 600;

const upload: SignedRequest = {
  method: 'PUT',
  key: 'u1/d1/f1.pdf',
  contentType: 'application/pdf',
  expires: inTenMinutes,
  bound: { exactBytes: 1234 },
};
const download: SignedRequest = {
  method: 'GET',
  key: 'u1/d1/f1.pdf',
  filename: 'Rechnung März.pdf',
  contentType: 'application/pdf',
  expires: inTenMinutes,
};

function verdict(request: SignedRequest, signature: string, at = now) {
  return signer.verify({ request, signature, now: at });
}

describe('url signer', () => {
  it('when nothing was changed, then the signature verifies', () => {
    assert.deepEqual(verdict(upload, signer.sign(upload)), { ok: true });
    assert.deepEqual(verdict(download, signer.sign(download)), { ok: true });
  });

  it('when the signature is tampered with, then it is refused', () => {
    const sig = signer.sign(upload);
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    for (const bad of [flipped, sig.slice(1), `${sig}A`, `${sig}=`, '', sig.toUpperCase()]) {
      assert.deepEqual(verdict(upload, bad), { ok: false, reason: 'bad_signature' }, bad);
    }
  });

  it('when the URL is used for another key, then it is refused', () => {
    const sig = signer.sign(upload);
    assert.deepEqual(verdict({ ...upload, key: 'u2/d1/f1.pdf' }, sig), { ok: false, reason: 'bad_signature' });
  });

  it('when the URL is used with another method, then it is refused', () => {
    const sig = signer.sign(download);
    const asUpload: SignedRequest = {
      method: 'PUT',
      key: download.key,
      contentType: 'application/pdf',
      expires: download.expires,
      bound: null,
    };
    assert.deepEqual(verdict(asUpload, sig), { ok: false, reason: 'bad_signature' });
  });

  it('when the upload is sent with another content type, then it is refused', () => {
    const sig = signer.sign(upload);
    assert.deepEqual(verdict({ ...upload, contentType: 'text/html' }, sig), { ok: false, reason: 'bad_signature' });
  });

  it('when the size bound is changed or swapped between exact and max, then it is refused', () => {
    const sig = signer.sign(upload);
    for (const bound of [{ exactBytes: 1235 }, { maxBytes: 1234 }, null]) {
      assert.deepEqual(verdict({ ...upload, bound }, sig), { ok: false, reason: 'bad_signature' });
    }
  });

  it('when the expiry is pushed later, then it is refused', () => {
    const sig = signer.sign(upload);
    assert.deepEqual(verdict({ ...upload, expires: upload.expires + 3600 }, sig), { ok: false, reason: 'bad_signature' });
  });

  it('when the download filename or content type is changed, then it is refused', () => {
    const sig = signer.sign(download);
    assert.deepEqual(verdict({ ...download, filename: 'evil.html' }, sig), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verdict({ ...download, contentType: 'text/html' }, sig), { ok: false, reason: 'bad_signature' });
  });

  it('when the URL has expired, then it is refused, and it is valid up to the second before', () => {
    const sig = signer.sign(upload);
    const expiry = new Date(upload.expires * 1000);
    assert.deepEqual(verdict(upload, sig, new Date(expiry.getTime() - 1)), { ok: true });
    assert.deepEqual(verdict(upload, sig, expiry), { ok: false, reason: 'expired' });
  });

  it('when another secret signed the URL, then it is refused', () => {
    const other = createUrlSigner({ secret: randomBytes(32) });
    assert.deepEqual(verdict(upload, other.sign(upload)), { ok: false, reason: 'bad_signature' });
  });

  it('when the secret is shorter than 32 bytes, then no signer is made', () => {
    assert.throws(() => createUrlSigner({ secret: randomBytes(16) }), /at least 32 bytes/);
  });
});
