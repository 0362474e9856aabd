import assert from 'node:assert/strict';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachDatabaseAndStorage, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { allKeys, docsClient, documentRow, filesUnder, sleep } from '../../test-support/document-fixtures.js';

/** A PUT that announces one length and streams a chunked body of another (what a signed length alone cannot stop). */
function chunkedPut(url: string, body: Buffer, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(body.subarray(0, 5));
    req.end(body.subarray(5));
  });
}

forEachDatabaseAndStorage('upload URLs', { needsSignatureChecks: true }, (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  const nothingPartial = () => storage === 's3' || filesUnder(join(app.dataDir, 'files', '.partial')).length === 0;

  before(async () => {
    // A short URL lifetime makes "expired" testable; every other test PUTs within it.
    app = await startTestApp({ db: dbKind, storage, env: { UPLOAD_URL_TTL_SECONDS: '5' } });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  async function freshUrl(token: string, json: Record<string, unknown> = {}) {
    const r = await c.uploadUrl(token, { filename: 'a.txt', content_type: 'text/plain', ...json });
    assert.equal(r.status, 200, r.text);
    return { id: r.body.document_id as string, url: c.abs(r.body.upload_url as string) };
  }

  it('when the signature, the expiry or the bound in the URL is altered, then 403 and nothing is stored', async () => {
    const u = await c.user();
    const { url } = await freshUrl(u.token, { size_bytes: 5 });
    const keys = await allKeys(app.runtime.blobs);
    const parsed = new URL(url);
    const variants: string[] = [];
    // On S3 the fields that carry meaning; a malformed algorithm name is a 400 there, fairly.
    const meaningful = storage === 's3' ? ['X-Amz-Signature', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Credential'] : null;
    for (const [name, value] of parsed.searchParams) {
      if (meaningful && !meaningful.includes(name)) continue;
      const v = new URL(url);
      const last = value.slice(-1);
      const altered =
        name === 'X-Amz-Credential'
          ? value.replace(/^[^/]+/, 'intruder') // another access key
          : value.slice(0, -1) + (last === '0' ? '1' : last === 'A' ? 'B' : '0');
      v.searchParams.set(name, altered);
      variants.push(v.toString());
    }
    assert.ok(variants.length >= 3);
    for (const v of variants) {
      const r = await c.put(v, 'hello', 'text/plain');
      assert.equal(r.status, 403, `${r.status} for an altered URL ${v.replace(/.*\?/, '')}`);
    }
    // No signature at all: an anonymous PUT (Swift's s3api answers those 400).
    const noQuery = new URL(url);
    noQuery.search = '';
    const anonymous = await c.put(noQuery.toString(), 'hello', 'text/plain');
    assert.ok(anonymous.status === 403 || (storage === 's3' && anonymous.status === 400), `anonymous PUT → ${anonymous.status}`);
    assert.deepEqual(await allKeys(app.runtime.blobs), keys);
    assert.ok(nothingPartial());
  });

  it('when a URL is used for another key, then 403 and neither object exists', async () => {
    const u = await c.user();
    const a = await freshUrl(u.token);
    const b = await freshUrl(u.token);
    const keyA = (await documentRow(app.runtime.db, a.id))!.object_key;
    const keyB = (await documentRow(app.runtime.db, b.id))!.object_key;
    const swapped = a.url.replace(
      keyA.split('/').map(encodeURIComponent).join('/'),
      keyB.split('/').map(encodeURIComponent).join('/'),
    );
    assert.notEqual(swapped, a.url);
    const r = await c.put(swapped, 'hello', 'text/plain');
    assert.equal(r.status, 403);
    assert.equal(await app.runtime.blobs.stat({ key: keyA }), null);
    assert.equal(await app.runtime.blobs.stat({ key: keyB }), null);
  });

  it('when the Content-Type differs from the signed one, then 403 and nothing is stored', async () => {
    const u = await c.user();
    const { id, url } = await freshUrl(u.token);
    const r = await c.put(url, '<script>alert(1)</script>', 'text/html');
    assert.equal(r.status, 403);
    assert.equal(await app.runtime.blobs.stat({ key: (await documentRow(app.runtime.db, id))!.object_key }), null);
  });

  it('when the URL has expired, then 403 and nothing is stored', async () => {
    const u = await c.user();
    const { id, url } = await freshUrl(u.token);
    await sleep(6100);
    const r = await c.put(url, 'hello', 'text/plain');
    assert.equal(r.status, 403);
    assert.equal(await app.runtime.blobs.stat({ key: (await documentRow(app.runtime.db, id))!.object_key }), null);
    assert.equal((await c.confirm(u.token, id)).status, 422, 'and confirm finds nothing to confirm');
  });

  it('when the body is larger than the declared size_bytes, then it is refused and nothing is kept or charged', async () => {
    const u = await c.user();
    const { id, url } = await freshUrl(u.token, { size_bytes: 10 });
    const key = (await documentRow(app.runtime.db, id))!.object_key;
    const plain = await c.put(url, Buffer.alloc(50, 0x61), 'text/plain');
    assert.ok(plain.status === 403 || plain.status === 413, `plain PUT over the bound → ${plain.status}`);
    assert.equal(await app.runtime.blobs.stat({ key }), null);

    // Announcing the signed length but streaming more, chunked: the disk route cuts it off;
    // an S3 server may keep it, and then confirm refuses it by its real size.
    const status = await chunkedPut(url, Buffer.alloc(50, 0x62), {
      'content-type': 'text/plain',
      'content-length': '10',
    }).catch(() => 0);
    const stored = await app.runtime.blobs.stat({ key });
    if (storage === 'local') {
      assert.ok(status === 0 || status >= 400, `chunked PUT over the bound → ${status}`);
      assert.equal(stored, null);
    }
    if (stored) {
      const conf = await c.confirm(u.token, id);
      assert.equal(conf.status, 422, conf.text);
      assert.equal(conf.body.code, 'upload_size_mismatch');
      assert.equal(await app.runtime.blobs.stat({ key }), null, 'the oversized object is removed');
    }
    assert.equal((await c.quota(u.token)).used_bytes, 0);
    assert.ok(nothingPartial());
  });

  it('when the stored object is not the declared size (a backend that could not hold the bound), then confirm answers 422, removes it and its reservation, and charges nothing', async () => {
    const u = await c.user();
    const { id } = await freshUrl(u.token, { size_bytes: 10 });
    const key = (await documentRow(app.runtime.db, id))!.object_key;
    await app.runtime.blobs.put({ key, body: Buffer.alloc(4000, 0x63), contentType: 'text/plain' });
    const conf = await c.confirm(u.token, id);
    assert.equal(conf.status, 422);
    assert.equal(conf.body.code, 'upload_size_mismatch');
    assert.equal(await app.runtime.blobs.stat({ key }), null);
    assert.equal(await documentRow(app.runtime.db, id), null, 'the failed upload is over');
    assert.deepEqual(await c.quota(u.token), { used_bytes: 0, reserved_bytes: 0, limit_bytes: 104857600 });
  });

  it('when no size is declared and the body is larger than the room reserved, then 413 at the PUT and nothing is kept or charged', async () => {
    const u = await c.user({ limitBytes: 100 });
    const { id, url } = await freshUrl(u.token);
    assert.equal((await documentRow(app.runtime.db, id))!.object_key.length > 0, true);
    assert.equal((await c.quota(u.token)).reserved_bytes, 100, 'the whole room is reserved for the undeclared upload');
    const key = (await documentRow(app.runtime.db, id))!.object_key;
    // Both backends: on S3 an undeclared upload comes through the app, which caps it.
    const r = await c.put(url, Buffer.alloc(200, 0x61), 'text/plain');
    assert.equal(r.status, 413);
    assert.equal(await app.runtime.blobs.stat({ key }), null);
    const conf = await c.confirm(u.token, id);
    assert.equal(conf.status, 422);
    assert.equal((await c.quota(u.token)).used_bytes, 0);
    assert.ok(nothingPartial());
  });

  it('when no size is declared and fewer bytes arrive than reserved, then the reservation shrinks to them at once and confirm charges them', async () => {
    const u = await c.user({ limitBytes: 1000 });
    const first = await freshUrl(u.token);
    assert.equal((await c.quota(u.token)).reserved_bytes, 1000);
    const put = await c.put(first.url, Buffer.alloc(300, 0x61), 'text/plain');
    assert.equal(put.status, 204, put.text);
    assert.ok(put.headers.get('etag'), 'the PUT answers an ETag');
    assert.equal((await c.quota(u.token)).reserved_bytes, 300);
    const second = await freshUrl(u.token);
    assert.equal((await c.quota(u.token)).reserved_bytes, 1000, 'the rest of the room went to the next upload');
    assert.equal((await c.confirm(u.token, first.id)).status, 200);
    assert.deepEqual(await c.quota(u.token), { used_bytes: 300, reserved_bytes: 700, limit_bytes: 1000 });
    assert.equal((await c.req('DELETE', `/api/documents/${second.id}`, { token: u.token })).status, 204);
    assert.deepEqual(await c.quota(u.token), { used_bytes: 300, reserved_bytes: 0, limit_bytes: 1000 });
  });
});
