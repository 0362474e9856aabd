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
import { databaseKinds, startTestApp, type JsonResponse, type TestApp } from '../../test-support/test-app.js';
import { docsClient, documentRow, usedBytes } from '../../test-support/document-fixtures.js';

/** SPEC §2: used_bytes = Σ size_bytes of the user's documents whose status ≠ pending. */
async function invariantHolds(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(
    `SELECT q.used_bytes = COALESCE((SELECT SUM(size_bytes) FROM documents WHERE user_id = $1 AND status <> 'pending'), 0) AS ok
       FROM quotas q WHERE q.user_id = $1`,
    [userId],
  );
  return rows[0]!.ok;
}

/**
 * Ten 300-byte uploads at a 1000-byte limit, all confirmed at once (each through the
 * client `confirmVia(i)` picks): exactly three fit.
 */
async function raceTenAtTheLimit(opts: {
  db: Queryable;
  clients: ReturnType<typeof docsClient>[];
  objectExists: (key: string) => Promise<boolean>;
}) {
  const [c] = opts.clients;
  const u = await c!.user();
  await opts.db.query('UPDATE quotas SET limit_bytes = 1000 WHERE user_id = $1', [u.id]);
  const ids: string[] = [];
  for (let i = 0; i < 10; i++)
    ids.push((await c!.upload(u.token, { filename: `f${i}.txt`, bytes: Buffer.alloc(300, 0x61), confirm: false })).id);
  const keys = new Map<string, string>();
  for (const id of ids) keys.set(id, (await documentRow(opts.db, id))!.object_key);

  const results: JsonResponse[] = await Promise.all(
    ids.map((id, i) => opts.clients[i % opts.clients.length]!.confirm(u.token, id)),
  );

  const statuses = results.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 200).length, 3, `statuses ${statuses.join(',')}`);
  assert.equal(statuses.filter((s) => s === 413).length, 7, `statuses ${statuses.join(',')}`);
  for (const r of results.filter((x) => x.status === 413)) {
    assert.deepEqual(Object.keys(r.body.detail).sort(), ['limit_bytes', 'rejected_bytes', 'used_bytes']);
    assert.equal(r.body.detail.limit_bytes, 1000);
    assert.equal(r.body.detail.rejected_bytes, 300);
    assert.equal(r.body.detail.used_bytes, 900, 'a charge fails only once the other three are in');
  }
  const used = results.filter((r) => r.status === 200).map((r) => r.body.used_bytes as number);
  assert.deepEqual(used.sort(), [300, 600, 900], 'each success saw its own charge');
  assert.equal(await usedBytes(opts.db, u.id), 900);
  assert.equal((await c!.quota(u.token)).used_bytes, 900);
  for (const [i, r] of results.entries()) {
    const id = ids[i]!;
    const row = await documentRow(opts.db, id);
    const exists = await opts.objectExists(keys.get(id)!);
    if (r.status === 200) {
      assert.equal(row?.status, 'uploaded');
      assert.ok(exists);
    } else {
      assert.equal(row, null, 'the rejected row is gone');
      assert.equal(exists, false, 'the rejected object is gone');
      assert.equal((await c!.req('GET', `/api/documents/${id}`, { token: u.token })).status, 404);
    }
  }
  const { rows } = await opts.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'extract-and-classify' AND data->>'userId' = $1`,
    [u.id],
  );
  assert.equal(rows[0]!.n, 3, 'classification queued for the three confirmed only');
  assert.ok(await invariantHolds(opts.db, u.id));
}

for (const dbKind of databaseKinds()) {
  describe(`quota under concurrency (${dbKind})`, () => {
    let app: TestApp;
    let c: ReturnType<typeof docsClient>;

    before(async () => {
      app = await startTestApp({ db: dbKind });
      c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
    });
    after(() => app.close());

    it('when ten 300-byte uploads are confirmed at once at a 1000-byte limit, then exactly 3 × 200 and 7 × 413, used_bytes 900, the 7 rows and objects gone', async () => {
      await raceTenAtTheLimit({
        db: app.runtime.db,
        clients: [c],
        objectExists: async (key) => (await app.runtime.blobs.stat({ key })) !== null,
      });
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
    });
  });
}

describe('quota race across two API processes on one PostgreSQL', () => {
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

  it('when the ten confirms are split across both processes, then still exactly 3 × 200 and 7 × 413, used_bytes 900, the rejected rows and objects gone', async () => {
    const { createDiskBlobStore } = await import('../../storage/disk-blob-store.js');
    const store = createDiskBlobStore({ rootDir: join(dataDir, 'files'), signingKey: randomBytes(32) });
    await raceTenAtTheLimit({
      db,
      clients: servers.map((s) => docsClient({ baseUrl: s.baseUrl })),
      objectExists: async (key) => (await store.stat({ key })) !== null,
    });
  });
});
