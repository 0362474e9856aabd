import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import pg from 'pg';
import { createTestDatabaseUrl, dropTestDatabase } from './test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from './test-support/spawn-server.js';
import { readMigrations } from './db/migrate.js';

describe('the server process', () => {
  before(() => buildOnce());

  // How fast (target < 15 s) is measured by bench/cold-start, not asserted here.
  it('when started on a fresh DATA_DIR, then healthy, secrets 0600, and a restart keeps data and secrets', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dv-start-'));
    const started: ServerProcess[] = [];
    try {
      const first = await spawnServer({ DATA_DIR: dataDir });
      started.push(first);
      t.diagnostic(`healthy after ${await waitHealthy(first, 90_000)} ms`);
      const secretsPath = join(dataDir, 'secrets.json');
      assert.equal(statSync(secretsPath).mode & 0o777, 0o600);
      const secrets = readFileSync(secretsPath, 'utf8');
      assert.equal(await first.stop(), 0);
      assert.ok(statSync(join(dataDir, 'db')).isDirectory());

      const second = await spawnServer({ DATA_DIR: dataDir });
      started.push(second);
      await waitHealthy(second, 90_000);
      assert.equal(readFileSync(secretsPath, 'utf8'), secrets);
      assert.equal(await second.stop(), 0);
    } finally {
      // A failed wait must not leave a server running: the test process would never exit.
      await Promise.all(started.map((s) => s.stop('SIGKILL')));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const [variable, value] of [
    ['PORT', 'abc'],
    ['STORAGE_BACKEND', 'ftp'],
    ['DATABASE_URL', 'nonsense'],
  ] as const) {
    it(`when ${variable}=${value}, then the start stops with a non-zero exit and one line naming ${variable}`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'dv-bad-'));
      try {
        const server = await spawnServer({ DATA_DIR: dataDir, [variable]: value });
        const code = await server.exited;
        assert.notEqual(code, 0);
        const lines = server.output().trim().split('\n');
        assert.equal(lines.length, 1, server.output());
        assert.match(lines[0]!, new RegExp(variable));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }

  it('when two processes start at the same moment on one PostgreSQL, then both come up and each migration is applied once', async () => {
    const url = await createTestDatabaseUrl();
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'dv-pair-')));
    const secret = 'x'.repeat(40);
    const servers: ServerProcess[] = await Promise.all(dirs.map((d) => spawnServer({ DATA_DIR: d, DATABASE_URL: url, SECRET_KEY: secret })));
    try {
      await Promise.all(servers.map((s) => waitHealthy(s, 30_000)));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ version: number; n: number }>(
        'SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version ORDER BY version',
      );
      await client.end();
      assert.deepEqual(
        rows,
        readMigrations().map((m) => ({ version: m.version, n: 1 })),
      );
    } finally {
      await Promise.all(servers.map((s) => s.stop('SIGKILL')));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
      await dropTestDatabase(url);
    }
  });
});
