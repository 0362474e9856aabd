import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from '../../test-support/spawn-server.js';
import { forEachDatabase } from '../../test-support/test-app.js';
import { docsClient, runReconcileCli } from '../../test-support/document-fixtures.js';

forEachDatabase('a crash in the middle of confirms and deletes', (dbKind) => {
  let dataDir: string;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  before(async () => {
    buildOnce();
    dataDir = mkdtempSync(join(tmpdir(), 'dv-crash-'));
    env = { DATA_DIR: dataDir, SECRET_KEY: randomBytes(32).toString('hex'), DEFAULT_QUOTA_BYTES: String(1024 ** 3) };
    if (dbKind === 'postgres') env.DATABASE_URL = await createTestDatabaseUrl();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
    if (env.DATABASE_URL) await dropTestDatabase(env.DATABASE_URL);
  });

  it('when the server is killed -9 while 50 uploads are being confirmed and deleted and 20 multipart uploads are under way, then after a restart reconcile-quotas --dry-run reports zero drift in charges and reservations', async () => {
    const first = await spawnServer(env);
    servers.push(first);
    await waitHealthy(first, 150_000);
    const c = docsClient({ baseUrl: first.baseUrl });
    const u = await c.user();
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      ids.push((await c.upload(u.token, { filename: `doc${i}.txt`, bytes: Buffer.alloc(1000 + i, 0x61), confirm: false })).id);
    }

    // Everything at once: each document confirmed, every other one deleted too; kill -9
    // once about a third of the answers are back, with the rest in flight.
    let answered = 0;
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => answered++,
        () => answered++,
      );
    // Twenty multipart uploads of one 1 MiB part each, from upload-url to confirm.
    const multipart = async (i: number) => {
      const start = await c.uploadUrl(u.token, {
        filename: `big${i}.bin`,
        content_type: 'application/octet-stream',
        size_bytes: 1024 * 1024,
        multipart: true,
      });
      if (start.status !== 200) return;
      const id = start.body.document_id as string;
      const parts = await c.req('POST', `/api/documents/${id}/parts`, { token: u.token, json: { part_numbers: [1] } });
      await fetch(c.abs(parts.body.urls['1']), { method: 'PUT', body: new Uint8Array(1024 * 1024) });
      await c.confirm(u.token, id);
    };
    const inFlight = [
      ...ids.flatMap((id, i) => [
        settle(c.confirm(u.token, id)),
        ...(i % 2 === 0 ? [settle(c.req('DELETE', `/api/documents/${id}`, { token: u.token }))] : []),
      ]),
      ...Array.from({ length: 20 }, (_, i) => settle(multipart(i))),
    ];
    const t0 = Date.now();
    while (answered < inFlight.length / 3 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 2));
    first.child.kill('SIGKILL');
    const answeredAtKill = answered;
    await first.exited;
    await Promise.all(inFlight);
    assert.ok(
      answeredAtKill > 0 && answeredAtKill < inFlight.length,
      `killed with ${answeredAtKill}/${inFlight.length} answered`,
    );

    const second = await spawnServer(env);
    servers.push(second);
    await waitHealthy(second, 150_000);
    const c2 = docsClient({ baseUrl: second.baseUrl });
    const token = (
      await c2.req('POST', '/api/auth/login', { json: { email: u.email, password: 'correct horse battery staple' } })
    ).body.access_token as string;
    const list = await c2.req('GET', '/api/documents?limit=200', { token });
    assert.equal(list.status, 200);
    const live = list.body.items.filter((d: { status: string }) => d.status !== 'pending');
    const expected = live.reduce((s: number, d: { size_bytes: number }) => s + d.size_bytes, 0);
    assert.equal((await c2.quota(token)).used_bytes, expected, 'the quota matches the surviving documents');

    // PGlite admits one process at a time; PostgreSQL runs the check beside the server.
    if (dbKind === 'pglite') assert.equal(await second.stop('SIGTERM'), 0);
    const report = runReconcileCli(env, ['--dry-run']);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(report.drifted, 0, report.stdout);
    assert.equal(report.repaired, 0);
  });
});
