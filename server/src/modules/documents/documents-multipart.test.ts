import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { databaseKinds, forEachDatabaseAndStorage, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { abortOrphanedMultipartUploads, cleanupAbandonedUploads } from './cleanup-abandoned-uploads.job.js';
import { docsClient, documentRow } from '../../test-support/document-fixtures.js';

const MiB = 1024 * 1024;
const KEY = Buffer.alloc(32, 7);

/** Part n of a deterministic pseudo-random file (AES-CTR keystream), so a resent part is identical. */
function partBytes(n: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(n, 0);
  return createCipheriv('aes-256-ctr', KEY, iv).update(Buffer.alloc(length));
}

/** A PUT whose connection is cut after `sendBytes` of the body. */
function cutPut(url: string, body: Buffer, sendBytes: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(url, { method: 'PUT', headers: { 'content-length': String(body.length) } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(body.subarray(0, sendBytes), () => setTimeout(() => req.destroy(), 200));
  });
}

async function putPart(url: string, body: Buffer) {
  const r = await fetch(url, { method: 'PUT', body: new Uint8Array(body) });
  await r.arrayBuffer();
  return { status: r.status, etag: r.headers.get('etag') };
}

const kinds = databaseKinds();
forEachDatabaseAndStorage('multipart uploads', { needsSignatureChecks: true }, (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  before(async () => {
    app = await startTestApp({ db: dbKind, storage, env: { ROLE: 'api' } });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  const openUploads = async (key: string) => {
    const found: string[] = [];
    for await (const u of app.runtime.blobs.listMultipartUploads()) if (u.key === key) found.push(u.uploadId);
    return found;
  };
  const partUrls = async (token: string, id: string, numbers: number[]) => {
    const r = await c.req('POST', `/api/documents/${id}/parts`, { token, json: { part_numbers: numbers } });
    assert.equal(r.status, 200, r.text);
    return Object.fromEntries(Object.entries(r.body.urls as Record<string, string>).map(([n, u]) => [n, c.abs(u)]));
  };

  // The large one runs once per backend: 300 MiB is a lot of bytes for a shared machine.
  it(
    'when a 300 MiB file goes up in 8 MiB parts and a connection is cut mid-part, then the client resumes from GET parts and the download has the same sha256',
    { skip: dbKind !== kinds[0] && 'once per backend' },
    async () => {
      const u = await c.user({ limitBytes: 1024 * MiB });
      const size = 300 * MiB;
      const start = await c.uploadUrl(u.token, { filename: 'big.bin', content_type: 'application/octet-stream', size_bytes: size, multipart: true });
      assert.equal(start.status, 200, start.text);
      const { document_id: id, part_size, part_count } = start.body;
      assert.equal(part_size, 8 * MiB);
      assert.equal(part_count, 38);
      const lengthOf = (n: number) => Math.min(part_size, size - (n - 1) * part_size);
      const source = createHash('sha256');
      for (let n = 1; n <= part_count; n++) source.update(partBytes(n, lengthOf(n)));

      const all = Array.from({ length: part_count }, (_, i) => i + 1);
      const urls = await partUrls(u.token, id, all);
      // Part 5 is cut half-way; the rest go up four at a time.
      await cutPut(urls['5']!, partBytes(5, lengthOf(5)), 3 * MiB);
      const rest = all.filter((n) => n !== 5);
      for (let i = 0; i < rest.length; i += 4) {
        const results = await Promise.all(rest.slice(i, i + 4).map((n) => putPart(urls[String(n)]!, partBytes(n, lengthOf(n)))));
        for (const r of results) assert.ok(r.status < 300 && r.etag, `part PUT ${r.status}`);
      }
      const listed = await c.req('GET', `/api/documents/${id}/parts`, { token: u.token });
      assert.equal(listed.status, 200);
      const have = new Set((listed.body as { part_number: number }[]).map((p) => p.part_number));
      assert.deepEqual(all.filter((n) => !have.has(n)), [5], 'only the cut part is missing');
      const early = await c.confirm(u.token, id);
      assert.equal(early.status, 422, 'complete with a missing part is refused');
      assert.deepEqual(early.body.detail.missing_parts, [5]);
      assert.equal((await c.quota(u.token)).used_bytes, 0, 'and nothing is charged');

      const again = await partUrls(u.token, id, [5]);
      assert.ok((await putPart(again['5']!, partBytes(5, lengthOf(5)))).status < 300);
      const parts = (await c.req('GET', `/api/documents/${id}/parts`, { token: u.token })).body as { part_number: number; etag: string }[];
      const conf = await c.req('POST', `/api/documents/${id}/confirm`, {
        token: u.token,
        json: { parts: parts.map((p) => ({ part_number: p.part_number, etag: p.etag })) },
      });
      assert.equal(conf.status, 200, conf.text);
      assert.equal(conf.body.size_bytes, size);
      assert.deepEqual(await c.quota(u.token), { used_bytes: size, reserved_bytes: 0, limit_bytes: 1024 * MiB });

      const dl = await c.req('GET', `/api/documents/${id}/download-url`, { token: u.token });
      const got = await fetch(c.abs(dl.body.url));
      const hash = createHash('sha256');
      for await (const chunk of got.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
      assert.equal(hash.digest('hex'), source.digest('hex'));
      const key = (await documentRow(app.runtime.db, id))!.object_key;
      assert.deepEqual(await openUploads(key), [], 'no multipart upload left');
    },
  );

  it('when a part of the wrong length is sent, then it is refused and not stored', async () => {
    const u = await c.user();
    const size = 9 * MiB; // parts of 8 MiB and 1 MiB
    const start = await c.uploadUrl(u.token, { filename: 'p.bin', content_type: 'application/octet-stream', size_bytes: size, multipart: true });
    const id = start.body.document_id as string;
    const urls = await partUrls(u.token, id, [1, 2]);
    const short = await putPart(urls['2']!, partBytes(2, MiB - 1));
    const long = await putPart(urls['2']!, partBytes(2, MiB + 1));
    assert.ok(short.status >= 400 && long.status >= 400, `${short.status} ${long.status}`);
    const listed = await c.req('GET', `/api/documents/${id}/parts`, { token: u.token });
    assert.deepEqual(listed.body, []);
    const bad = await c.req('POST', `/api/documents/${id}/parts`, { token: u.token, json: { part_numbers: [3] } });
    assert.equal(bad.status, 422, 'there is no part 3');
  });

  it('when a multipart upload is aborted (DELETE) or abandoned, then no part, upload or reservation is left', async () => {
    const u = await c.user();
    const start = await c.uploadUrl(u.token, { filename: 'a.bin', content_type: 'application/octet-stream', size_bytes: 9 * MiB, multipart: true });
    const id = start.body.document_id as string;
    const key = (await documentRow(app.runtime.db, id))!.object_key;
    const uploadIdOf = async (docId: string) =>
      (await app.runtime.db.query<{ u: string }>('SELECT multipart_upload_id AS u FROM documents WHERE id = $1', [docId])).rows[0]!.u;
    const uploadIds = [await uploadIdOf(id)];
    const urls = await partUrls(u.token, id, [2]);
    assert.ok((await putPart(urls['2']!, partBytes(2, MiB))).status < 300);
    assert.equal((await c.quota(u.token)).reserved_bytes, 9 * MiB);
    assert.equal((await c.req('DELETE', `/api/documents/${id}`, { token: u.token })).status, 204);
    assert.deepEqual(await openUploads(key), []);
    assert.equal((await c.quota(u.token)).reserved_bytes, 0);
    const late = await putPart(urls['2']!, partBytes(2, MiB));
    assert.ok(late.status >= 400, `a part URL of an aborted upload → ${late.status}`);
    assert.deepEqual(await openUploads(key), []);

    // Abandoned: swept after the TTL, with its upload; an orphaned upload (no row) too.
    const left = await c.uploadUrl(u.token, { filename: 'b.bin', content_type: 'application/octet-stream', size_bytes: 9 * MiB, multipart: true });
    const leftId = left.body.document_id as string;
    const leftKey = (await documentRow(app.runtime.db, leftId))!.object_key;
    uploadIds.push(await uploadIdOf(leftId));
    await app.runtime.db.query(`UPDATE documents SET created_at = now() - interval '2 hours' WHERE id = $1`, [leftId]);
    const orphanKey = `${u.id}/${leftId.replace(/.$/, '0')}/orphan.bin`;
    await app.runtime.blobs.createMultipart({ key: orphanKey, contentType: 'application/octet-stream', partSize: 8 * MiB });
    const deps = { db: app.runtime.db, blobs: app.runtime.blobs, settings: { pendingUploadTtlSeconds: 3600, cleanupIntervalSeconds: 1800 } };
    await cleanupAbandonedUploads(deps);
    assert.equal(await documentRow(app.runtime.db, leftId), null);
    assert.deepEqual(await openUploads(leftKey), []);
    await abortOrphanedMultipartUploads(deps, new Date(Date.now() + 2 * 3600 * 1000));
    assert.deepEqual(await openUploads(orphanKey), []);
    assert.deepEqual(await c.quota(u.token), { used_bytes: 0, reserved_bytes: 0, limit_bytes: 104857600 });
    if (storage === 'local') {
      const dir = join(app.dataDir, 'files', '.multipart');
      const left = readdirSync(dir).filter((d) => uploadIds.includes(d));
      assert.deepEqual(left, [], 'no part files left on disk');
    }
  });
});
