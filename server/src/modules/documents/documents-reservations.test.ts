import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { reconcileQuotas } from '../quotas/reconcile-quotas.js';
import { forEachDatabaseAndStorage, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { cleanupAbandonedUploads } from './cleanup-abandoned-uploads.job.js';
import { docsClient, documentRow, filesUnder } from '../../test-support/document-fixtures.js';
import { sweepObjects } from './sweep-objects.job.js';

const LIMIT = 100_000;

forEachDatabaseAndStorage('reserved quota', { needsSignatureChecks: true }, (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  // ROLE=api: no scheduled job runs; the sweeps are run by the tests themselves.
  before(async () => {
    app = await startTestApp({ db: dbKind, storage, env: { ROLE: 'api', MAX_PENDING_UPLOADS: '12' } });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  /** What the user has on storage now: files on disk, or objects in the bucket listing. */
  async function storedBytes(userId: string): Promise<number> {
    if (storage === 'local') {
      return filesUnder(join(app.dataDir, 'files', userId)).reduce((n, f) => n + statSync(f).size, 0);
    }
    let n = 0;
    for await (const o of app.runtime.blobs.list({ prefix: `${userId}/` })) n += o.size;
    return n;
  }

  async function books(userId: string) {
    const { rows } = await app.runtime.db.query<{ used_bytes: number; reserved_bytes: number; pending_uploads: number }>(
      'SELECT used_bytes, reserved_bytes, pending_uploads FROM quotas WHERE user_id = $1',
      [userId],
    );
    return rows[0]!;
  }

  it('when ten upload URLs without a size are asked for against a 100,000-byte quota, then the bytes stored never exceed 100,000', async () => {
    const u = await c.user({ limitBytes: LIMIT });
    // All ten at once, before any byte: the first takes the room, the other nine get 413.
    const asked = await Promise.all(
      Array.from({ length: 10 }, (_, i) => c.uploadUrl(u.token, { filename: `u${i}.bin`, content_type: 'application/octet-stream' })),
    );
    const granted = asked.filter((r) => r.status === 200);
    assert.equal(granted.length, 1, asked.map((r) => r.status).join(','));
    assert.ok(asked.filter((r) => r.status !== 200).every((r) => r.status === 413 && r.body.code === 'quota_exceeded'));
    assert.deepEqual(await books(u.id), { used_bytes: 0, reserved_bytes: LIMIT, pending_uploads: 1 });
    for (const r of asked.filter((x) => x.status === 200)) {
      const over = await c.put(r.body.upload_url, Buffer.alloc(LIMIT + 1, 0x61), 'application/octet-stream');
      assert.equal(over.status, 413);
      assert.equal(await storedBytes(u.id), 0);
      const put = await c.put(r.body.upload_url, Buffer.alloc(LIMIT, 0x61), 'application/octet-stream');
      assert.equal(put.status, 204, put.text);
    }
    assert.equal(await storedBytes(u.id), LIMIT);
    assert.equal((await c.req('DELETE', `/api/documents/${granted[0]!.body.document_id}`, { token: u.token })).status, 204);
    assert.deepEqual(await books(u.id), { used_bytes: 0, reserved_bytes: 0, pending_uploads: 0 });

    // One after the other, 30,000 bytes each: what arrives frees the rest of its reservation.
    const statuses: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await c.uploadUrl(u.token, { filename: `s${i}.bin`, content_type: 'application/octet-stream' });
      if (r.status !== 200) {
        statuses.push(`url ${r.status}`);
        continue;
      }
      const put = await c.put(r.body.upload_url, Buffer.alloc(30_000, 0x62), 'application/octet-stream');
      statuses.push(`put ${put.status}`);
      assert.ok((await storedBytes(u.id)) <= LIMIT);
    }
    assert.deepEqual(statuses, ['put 204', 'put 204', 'put 204', 'put 413', ...Array(6).fill('url 413')]);
    assert.equal(await storedBytes(u.id), 90_000);
    const b = await books(u.id);
    assert.equal(b.used_bytes + b.reserved_bytes, LIMIT);
  });

  it('when five 40,000-byte uploads are declared against 100,000, then two are granted while they are open; after the sweep the quota is what was confirmed and nothing is reserved', async () => {
    const u = await c.user({ limitBytes: LIMIT });
    const asked = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        c.uploadUrl(u.token, { filename: `d${i}.pdf`, content_type: 'application/pdf', size_bytes: 40_000 }),
      ),
    );
    const granted = asked.filter((r) => r.status === 200);
    assert.equal(granted.length, 2, asked.map((r) => r.status).join(','));
    for (const r of asked.filter((x) => x.status === 413)) {
      assert.deepEqual(r.body.detail, { used_bytes: 0, reserved_bytes: 80_000, limit_bytes: LIMIT, rejected_bytes: 40_000 });
    }
    const [one, two] = granted;
    assert.equal((await c.put(one!.body.upload_url, Buffer.alloc(40_000, 0x63), 'application/pdf')).status < 300, true);
    assert.equal((await c.confirm(u.token, one!.body.document_id)).status, 200);
    assert.equal((await c.put(two!.body.upload_url, Buffer.alloc(40_000, 0x64), 'application/pdf')).status < 300, true);
    assert.deepEqual(await books(u.id), { used_bytes: 40_000, reserved_bytes: 40_000, pending_uploads: 1 });

    await app.runtime.db.query(`UPDATE documents SET created_at = now() - interval '2 hours' WHERE id = $1`, [two!.body.document_id]);
    const settings = { pendingUploadTtlSeconds: 3600, cleanupIntervalSeconds: 1800 };
    const swept = await cleanupAbandonedUploads({ db: app.runtime.db, blobs: app.runtime.blobs, settings });
    assert.ok(swept.rows >= 1);
    assert.deepEqual(await books(u.id), { used_bytes: 40_000, reserved_bytes: 0, pending_uploads: 0 });
    assert.equal(await storedBytes(u.id), 40_000);
  });

  it('when an upload URL is replayed after its document was deleted, then nothing is stored (on S3: confirm refuses and the sweep removes what slipped through)', async () => {
    const u = await c.user();
    const up = await c.upload(u.token, { bytes: '0123456789', sizeBytes: 10 });
    assert.equal(up.confirm!.status, 200);
    const key = (await documentRow(app.runtime.db, up.id))!.object_key;
    assert.equal((await c.req('DELETE', `/api/documents/${up.id}`, { token: u.token })).status, 204);
    assert.equal(await app.runtime.blobs.stat({ key }), null);

    const replay = await c.put(up.uploadUrl, '0123456789', 'text/plain');
    if (storage === 'local') {
      assert.equal(replay.status, 409, replay.text);
      assert.equal(JSON.parse(replay.text).code, 'upload_closed');
      assert.equal(await app.runtime.blobs.stat({ key }), null);
    } else {
      assert.equal((await c.confirm(u.token, up.id)).status, 404, 'no document to confirm');
      const later = new Date(Date.now() + (Number(app.env.UPLOAD_URL_TTL_SECONDS ?? 900) + 60) * 1000);
      await sweepObjects(
        { db: app.runtime.db, blobs: app.runtime.blobs, settings: { uploadUrlTtlSeconds: 900, cleanupIntervalSeconds: 1800 } },
        later,
      );
      assert.equal(await app.runtime.blobs.stat({ key }), null, 'the sweep removed the replayed bytes');
    }
    assert.equal(await storedBytes(u.id), 0);
    assert.deepEqual(await books(u.id), { used_bytes: 0, reserved_bytes: 0, pending_uploads: 0 });

    // An undeclared URL goes through the app on both backends: after delete it stores nothing.
    const open = await c.uploadUrl(u.token, { filename: 'x.txt', content_type: 'text/plain' });
    assert.equal((await c.req('DELETE', `/api/documents/${open.body.document_id}`, { token: u.token })).status, 204);
    const late = await c.put(open.body.upload_url, 'late', 'text/plain');
    assert.equal(late.status, 409, late.text);
    assert.equal(await storedBytes(u.id), 0);
  });

  if (storage === 'local') {
    it('when a user has MAX_PENDING_UPLOADS open uploads, then the next upload-url answers 429 until one is finished', async () => {
      const u = await c.user();
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const r = await c.uploadUrl(u.token, { filename: `p${i}.txt`, content_type: 'text/plain', size_bytes: 5 });
        assert.equal(r.status, 200, r.text);
        ids.push(r.body.document_id);
      }
      const refused = await c.uploadUrl(u.token, { filename: 'more.txt', content_type: 'text/plain', size_bytes: 5 });
      assert.equal(refused.status, 429, refused.text);
      assert.equal(refused.body.code, 'too_many_pending_uploads');
      assert.equal((await c.req('DELETE', `/api/documents/${ids[0]}`, { token: u.token })).status, 204);
      const again = await c.uploadUrl(u.token, { filename: 'more.txt', content_type: 'text/plain', size_bytes: 5 });
      assert.equal(again.status, 200, again.text);
      assert.deepEqual(await books(u.id), { used_bytes: 0, reserved_bytes: 60, pending_uploads: 12 });
    });

    it('when reservations have drifted, then reconcile-quotas reports them on a dry run and repairs them', async () => {
      const u = await c.user();
      await c.uploadUrl(u.token, { filename: 'r.txt', content_type: 'text/plain', size_bytes: 70 });
      await app.runtime.db.query('UPDATE quotas SET reserved_bytes = 5, pending_uploads = 3 WHERE user_id = $1', [u.id]);
      const dry = await reconcileQuotas({ db: app.runtime.db, dryRun: true, defaultLimitBytes: 1 });
      const mine = dry.drifted.find((d) => d.user_id === u.id)!;
      assert.equal(mine.reserved_bytes, 5);
      assert.equal(mine.expected_reserved_bytes, 70);
      assert.equal(mine.expected_pending_uploads, 1);
      assert.deepEqual(await books(u.id), { used_bytes: 0, reserved_bytes: 5, pending_uploads: 3 }, 'a dry run changes nothing');
      await reconcileQuotas({ db: app.runtime.db, dryRun: false, defaultLimitBytes: 1 });
      assert.deepEqual(await books(u.id), { used_bytes: 0, reserved_bytes: 70, pending_uploads: 1 });
      const clean = await reconcileQuotas({ db: app.runtime.db, dryRun: true, defaultLimitBytes: 1 });
      assert.equal(clean.drifted.find((d) => d.user_id === u.id), undefined);
    });
  }
});
