import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Queryable } from '../../db/database.js';
import { createPostgresDatabase } from '../../db/postgres-database.js';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from '../../test-support/spawn-server.js';
import { forEachDatabase, type JsonResponse, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { docsClient, documentRow, usedBytes } from '../../test-support/document-fixtures.js';

/**
 * SPEC §2 and §7.1: used_bytes = Σ size_bytes of the user's documents whose status ≠
 * pending; reserved_bytes = Σ reserved_bytes of the pending ones, pending_uploads their count.
 */
async function invariantHolds(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT q.used_bytes = COALESCE((SELECT SUM(size_bytes) FROM documents WHERE user_id = $1 AND status <> 'pending'), 0)
        AND q.reserved_bytes = COALESCE((SELECT SUM(reserved_bytes) FROM documents WHERE user_id = $1 AND status = 'pending'), 0)
        AND q.pending_uploads = (SELECT count(*) FROM documents WHERE user_id = $1 AND status = 'pending')
        AND q.used_bytes + q.reserved_bytes <= q.limit_bytes AS ok
       FROM quotas q WHERE q.user_id = $1`,
    [userId],
  );
  return rows[0]!.ok;
}

/**
 * Twenty 300-byte upload-url requests at a 1000-byte limit, all at once (each through the
 * client `via(i)` picks): exactly three reserve, and all three confirm.
 */
async function raceTwentyAtTheLimit(opts: { db: Queryable; clients: ReturnType<typeof docsClient>[] }) {
  const [c] = opts.clients;
  const u = await c!.user();
  await opts.db.query('UPDATE quotas SET limit_bytes = 1000 WHERE user_id = $1', [u.id]);
  const results: JsonResponse[] = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      opts.clients[i % opts.clients.length]!.uploadUrl(u.token, { filename: `f${i}.txt`, content_type: 'text/plain', size_bytes: 300 }),
    ),
  );
  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 3, `statuses ${statuses.join(',')}`);
  assert.equal(statuses.filter((s) => s === 413).length, 17, `statuses ${statuses.join(',')}`);
  for (const r of results.filter((x) => x.status === 413)) {
    assert.deepEqual(Object.keys(r.body.detail).sort(), ['limit_bytes', 'rejected_bytes', 'reserved_bytes', 'used_bytes']);
    assert.deepEqual(r.body.detail, { used_bytes: 0, reserved_bytes: 900, limit_bytes: 1000, rejected_bytes: 300 });
  }
  const { rows } = await opts.db.query<{ reserved_bytes: number; pending_uploads: number }>(
    'SELECT reserved_bytes, pending_uploads FROM quotas WHERE user_id = $1',
    [u.id],
  );
  assert.deepEqual(rows[0], { reserved_bytes: 900, pending_uploads: 3 });
  assert.ok(await invariantHolds(opts.db, u.id));

  const granted = results.filter((r) => r.status === 200);
  for (const [i, g] of granted.entries()) {
    const put = await opts.clients[i % opts.clients.length]!.put(g.body.upload_url, Buffer.alloc(300, 0x61), 'text/plain');
    assert.ok(put.status < 300, put.text);
  }
  const confirms = await Promise.all(granted.map((g, i) => opts.clients[i % opts.clients.length]!.confirm(u.token, g.body.document_id)));
  assert.deepEqual(confirms.map((r) => r.status), [200, 200, 200]);
  assert.deepEqual(confirms.map((r) => r.body.used_bytes as number).sort(), [300, 600, 900], 'each confirm saw its own charge');
  assert.equal(await usedBytes(opts.db, u.id), 900);
  assert.equal((await c!.quota(u.token)).reserved_bytes, 0);
  const jobs = await opts.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'extract-and-classify' AND data->>'userId' = $1`,
    [u.id],
  );
  assert.equal(jobs.rows[0]!.n, 3, 'classification queued for the three confirmed');
  assert.ok(await invariantHolds(opts.db, u.id));
}

forEachDatabase('quota under concurrency', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  it('when twenty 300-byte upload-url requests race at a 1000-byte limit, then exactly 3 reserve (17 × 413), and the three confirm to used_bytes 900', async () => {
    await raceTwentyAtTheLimit({ db: app.runtime.db, clients: [c] });
  });

  it('when the limit was lowered below a reservation before confirm, then 413, the row, object and reservation are gone, nothing charged', async () => {
    const u = await c.user({ limitBytes: 1000 });
    const { id } = await c.upload(u.token, { bytes: Buffer.alloc(600, 0x61), sizeBytes: 600, confirm: false });
    const key = (await documentRow(app.runtime.db, id))!.object_key;
    await app.runtime.db.query('UPDATE quotas SET limit_bytes = 500 WHERE user_id = $1', [u.id]);
    const r = await c.confirm(u.token, id);
    assert.equal(r.status, 413, r.text);
    assert.deepEqual(r.body.detail, { used_bytes: 0, reserved_bytes: 0, limit_bytes: 500, rejected_bytes: 600 });
    assert.equal(await documentRow(app.runtime.db, id), null);
    assert.equal(await app.runtime.blobs.stat({ key }), null);
    assert.ok(await invariantHolds(app.runtime.db, u.id));
    const { rows } = await app.runtime.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'extract-and-classify' AND data->>'documentId' = $1`,
      [id],
    );
    assert.equal(rows[0]!.n, 0, 'nothing queued');
  });

  it('when one document is confirmed 20 times at once, then it is charged once and every answer is the same', async () => {
    const u = await c.user();
    const { id } = await c.upload(u.token, { bytes: Buffer.alloc(777, 0x62), confirm: false });
    const results = await Promise.all(Array.from({ length: 20 }, () => c.confirm(u.token, id)));
    for (const r of results) {
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body, { id, size_bytes: 777, used_bytes: 777, status: 'uploaded' });
    }
    assert.equal(await usedBytes(app.runtime.db, u.id), 777);
    const { rows } = await app.runtime.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'extract-and-classify' AND data->>'documentId' = $1`,
      [id],
    );
    assert.equal(rows[0]!.n, 1, 'classification queued once');
  });

  it('when confirms and deletes of the same documents race, then the quota still equals what remains', async () => {
    const u = await c.user();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await c.upload(u.token, { bytes: Buffer.alloc(100 + i, 0x63), confirm: false })).id);
    await Promise.all(
      ids.flatMap((id, i) => [
        c.confirm(u.token, id),
        i % 2 === 0 ? c.req('DELETE', `/api/documents/${id}`, { token: u.token }) : c.confirm(u.token, id),
      ]),
    );
    assert.ok(await invariantHolds(app.runtime.db, u.id));
    const left = await app.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [
      u.id,
    ]);
    assert.equal(left.rows[0]!.n, 6, 'every deleted document is gone, confirmed first or not');
    assert.equal((await c.quota(u.token)).reserved_bytes, 0, 'no reservation outlives its upload');
  });
});

describe('reservation race across two API processes on one PostgreSQL', () => {
  let servers: ServerProcess[] = [];
  let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let dataDir: string;
  let url = '';

  before(async () => {
    buildOnce();
    url = await createTestDatabaseUrl();
    dataDir = mkdtempSync(join(tmpdir(), 'dv-race-'));
    // One deployment: same database, same files root, same secret on both processes.
    const env = { DATABASE_URL: url, DATA_DIR: dataDir, SECRET_KEY: randomBytes(32).toString('hex') };
    const first = await spawnServer(env);
    await waitHealthy(first); // migrates first; the second then finds nothing to do
    const second = await spawnServer(env);
    await waitHealthy(second);
    servers = [first, second];
    db = await createPostgresDatabase({ url, max: 2 });
  });
  after(async () => {
    await db?.close();
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dataDir, { recursive: true, force: true });
    if (url) await dropTestDatabase(url);
  });

  it('when the twenty upload-url requests are split across both processes, then still exactly 3 reserve, and reservations and charges stay exact', async () => {
    await raceTwentyAtTheLimit({ db, clients: servers.map((s) => docsClient({ baseUrl: s.baseUrl })) });
  });
});
