import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDatabaseAndStorage, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { cleanupAbandonedUploads } from './cleanup-abandoned-uploads.job.js';
import { allKeys, docsClient, documentRow, eventually, usedBytes } from '../../test-support/document-fixtures.js';
import { sweepObjects } from './sweep-objects.job.js';

forEachDatabaseAndStorage('clean-up of abandoned uploads and orphan objects', (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  before(async () => {
    app = await startTestApp({
      db: dbKind,
      storage,
      // A TTL long enough for a confirm on a loaded 2-core machine, short enough to wait out
      // (a PUT whose document was already swept stores nothing, SPEC §7.1).
      env: { PENDING_UPLOAD_TTL_SECONDS: '6', CLEANUP_INTERVAL_SECONDS: '1', UPLOAD_URL_TTL_SECONDS: '6' },
    });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  it('when uploads stay pending past their TTL (with and without bytes), then the scheduled job removes rows and objects; confirmed ones and the quota stay', async () => {
    const u = await c.user();
    const kept = await c.upload(u.token, { filename: 'kept.txt', bytes: 'keep me' });
    assert.equal(kept.confirm!.status, 200);
    const keptKey = (await documentRow(app.runtime.db, kept.id))!.object_key;
    const withBytes = await c.upload(u.token, { filename: 'abandoned.txt', bytes: 'abandoned bytes here', confirm: false });
    const withBytesKey = (await documentRow(app.runtime.db, withBytes.id))!.object_key;
    const noBytes = (await c.uploadUrl(u.token, { filename: 'never-sent.txt', content_type: 'text/plain' })).body.document_id;
    assert.ok(await app.runtime.blobs.stat({ key: withBytesKey }));

    const gone = await eventually(async () => {
      const a = await c.req('GET', `/api/documents/${withBytes.id}`, { token: u.token });
      const b = await c.req('GET', `/api/documents/${noBytes}`, { token: u.token });
      return a.status === 404 && b.status === 404 && (await app.runtime.blobs.stat({ key: withBytesKey })) === null;
    }, 40_000);
    assert.ok(gone, 'abandoned uploads and their objects are removed');
    assert.equal((await c.req('GET', `/api/documents/${kept.id}`, { token: u.token })).status, 200);
    assert.ok(await app.runtime.blobs.stat({ key: keptKey }), 'the confirmed object stays');
    assert.equal(await usedBytes(app.runtime.db, u.id), 7, 'the quota is untouched');
    assert.equal((await c.quota(u.token)).reserved_bytes, 0, 'and nothing is reserved any more');
  });

  it('when an object has no row, then the scheduled orphan sweep removes it and leaves objects with rows', async () => {
    const u = await c.user();
    const kept = await c.upload(u.token, { filename: 'kept.txt', bytes: 'keep' });
    const keptKey = (await documentRow(app.runtime.db, kept.id))!.object_key;
    const orphan = `${u.id}/${randomUUID()}/${randomUUID()}.pdf`;
    await app.runtime.blobs.put({ key: orphan, body: Buffer.from('orphan'), contentType: 'application/pdf' });
    const gone = await eventually(async () => (await app.runtime.blobs.stat({ key: orphan })) === null, 40_000);
    assert.ok(gone, 'the scheduled sweep removed the orphan');
    assert.ok(await app.runtime.blobs.stat({ key: keptKey }), 'an object with a row stays');
    assert.equal((await c.req('GET', `/api/documents/${kept.id}`, { token: u.token })).status, 200);
  });

  it('when a pending row was swept but its URL is still used, then nothing is stored (disk), or what slips through is swept as an orphan (S3)', async () => {
    const u = await c.user();
    const url = await c.uploadUrl(u.token, { filename: 'late.txt', content_type: 'text/plain', size_bytes: 10 });
    const key = (await documentRow(app.runtime.db, url.body.document_id))!.object_key;
    await app.runtime.db.query('DELETE FROM documents WHERE id = $1', [url.body.document_id]); // as the clean-up would
    const put = await c.put(url.body.upload_url, 'late bytes', 'text/plain');
    if (storage === 'local') {
      assert.equal(put.status, 409, put.text);
      assert.equal(JSON.parse(put.text).code, 'upload_closed');
      assert.equal(await app.runtime.blobs.stat({ key }), null);
    } else {
      // A presigned S3 PUT cannot ask the app; the bytes land and the orphan sweep takes them.
      assert.ok(put.status < 300);
      const gone = await eventually(async () => (await app.runtime.blobs.stat({ key })) === null, 40_000);
      assert.ok(gone);
    }
    assert.ok(!(await allKeys(app.runtime.blobs)).includes(key));
  });
});

// ROLE=api runs no scheduled jobs, so these direct runs see exactly what they set up.
forEachDatabaseAndStorage('clean-up runs, one at a time', (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  const settings = { pendingUploadTtlSeconds: 600, cleanupIntervalSeconds: 1800, uploadUrlTtlSeconds: 900 };

  before(async () => {
    app = await startTestApp({ db: dbKind, storage, env: { ROLE: 'api' } });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  it('when the clean-up runs twice, then the second run finds nothing, and a fresh pending upload is left alone', async () => {
    const u = await c.user();
    const fresh = await c.upload(u.token, { filename: 'fresh.txt', bytes: 'fresh', confirm: false });
    const old = await c.upload(u.token, { filename: 'old.txt', bytes: 'old', confirm: false });
    const oldKey = (await documentRow(app.runtime.db, old.id))!.object_key;
    await app.runtime.db.query(`UPDATE documents SET created_at = now() - interval '1 hour' WHERE id = $1`, [old.id]);
    const deps = { db: app.runtime.db, blobs: app.runtime.blobs, settings };
    assert.deepEqual(await cleanupAbandonedUploads(deps), { rows: 1, objects: 1 });
    assert.deepEqual(await cleanupAbandonedUploads(deps), { rows: 0, objects: 0 });
    assert.equal(await documentRow(app.runtime.db, old.id), null);
    assert.equal(await app.runtime.blobs.stat({ key: oldKey }), null);
    assert.equal((await documentRow(app.runtime.db, fresh.id))?.status, 'pending');
  });

  it('when the orphan sweep runs, then only document-shaped keys older than an upload URL lives and with no row go, once', async () => {
    const u = await c.user();
    const kept = await c.upload(u.token, { filename: 'kept.txt', bytes: 'keep' });
    const keptKey = (await documentRow(app.runtime.db, kept.id))!.object_key;
    const orphan = `${u.id}/${randomUUID()}/${randomUUID()}.pdf`;
    const foreign = `backups/${randomUUID()}.tar`;
    await app.runtime.blobs.put({ key: orphan, body: Buffer.from('orphan'), contentType: 'application/pdf' });
    await app.runtime.blobs.put({ key: foreign, body: Buffer.from('not ours'), contentType: 'application/x-tar' });
    const deps = { db: app.runtime.db, blobs: app.runtime.blobs, settings };

    const young = await sweepObjects(deps);
    assert.equal(young.removed, 0, 'an object younger than an upload URL may still be in flight');
    assert.ok(await app.runtime.blobs.stat({ key: orphan }));

    const later = new Date(Date.now() + 1000 * 1000);
    assert.deepEqual({ ...(await sweepObjects(deps, later)), checked: 0 }, { checked: 0, removed: 1, resized: 0, evicted: 0 });
    assert.equal(await app.runtime.blobs.stat({ key: orphan }), null);
    assert.ok(await app.runtime.blobs.stat({ key: keptKey }), 'an object with a row stays');
    assert.ok(await app.runtime.blobs.stat({ key: foreign }), 'a key of another shape is never touched');
    assert.equal((await sweepObjects(deps, later)).removed, 0, 'a second sweep finds nothing');
    await app.runtime.blobs.delete({ key: foreign });
  });
  it('when a confirmed object changes size (a second PUT on S3, a hand edit), then the sweep charges the new size, or evicts the document when it no longer fits', async () => {
    const u = await c.user({ limitBytes: 10_000 });
    // Declared, so that on S3 the URL is a presigned one (undeclared uploads go through the app).
    const grown = await c.upload(u.token, { filename: 'grown.txt', bytes: 'x', sizeBytes: 1 });
    const evicted = await c.upload(u.token, { filename: 'evicted.txt', bytes: 'y' });
    const shrunk = await c.upload(u.token, { filename: 'shrunk.txt', bytes: 'z'.repeat(500) });
    assert.equal((await c.quota(u.token)).used_bytes, 502);
    // The URLs still live: a buggy or hostile client PUTs again after confirm. Disk URLs
    // are single-use (409); a presigned S3 PUT cannot be, so the bytes change there.
    const again = await c.put(grown.uploadUrl, 'w', 'text/plain');
    if (storage === 'local') assert.equal(again.status, 409);
    else assert.ok(again.status < 300);
    // Either way the sweep must cope with bytes that changed behind the row.
    const keyOf = async (id: string) => (await documentRow(app.runtime.db, id))!.object_key;
    await app.runtime.blobs.put({ key: await keyOf(grown.id), body: Buffer.alloc(3000, 0x61), contentType: 'text/plain' });
    await app.runtime.blobs.put({ key: await keyOf(shrunk.id), body: Buffer.alloc(100, 0x61), contentType: 'text/plain' });
    const evictedKey = await keyOf(evicted.id);
    await app.runtime.blobs.put({ key: evictedKey, body: Buffer.alloc(20_000, 0x62), contentType: 'text/plain' });

    const deps = { db: app.runtime.db, blobs: app.runtime.blobs, settings };
    const later = new Date(Date.now() + 1000 * 1000);
    const swept = await sweepObjects(deps, later);
    assert.equal(swept.resized, 2);
    assert.equal(swept.evicted, 1);
    assert.equal((await documentRow(app.runtime.db, grown.id))!.size_bytes, 3000);
    assert.equal((await documentRow(app.runtime.db, shrunk.id))!.size_bytes, 100);
    assert.equal(await documentRow(app.runtime.db, evicted.id), null, 'what no longer fits is removed');
    assert.equal(await app.runtime.blobs.stat({ key: evictedKey }), null);
    assert.equal((await c.quota(u.token)).used_bytes, 3100, 'the quota tells the truth again');
    assert.deepEqual(
      { ...(await sweepObjects(deps, later)), checked: 0 },
      { checked: 0, removed: 0, resized: 0, evicted: 0 },
      'idempotent',
    );
  });
});
