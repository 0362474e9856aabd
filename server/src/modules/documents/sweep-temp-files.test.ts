import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { PARTIAL_DIR } from '../../storage/safe-path.js';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from '../../test-support/spawn-server.js';
import { forEachDatabase } from '../../test-support/test-app.js';
import { docsClient, eventually } from '../../test-support/document-fixtures.js';

const partialFiles = (dataDir: string) => {
  const dir = join(dataDir, 'files', PARTIAL_DIR);
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
};

forEachDatabase('temp files of interrupted disk uploads', (dbKind) => {
  let dataDir: string;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];

  before(async () => {
    buildOnce();
    dataDir = mkdtempSync(join(tmpdir(), 'dv-temp-sweep-'));
    env = { DATA_DIR: dataDir, SECRET_KEY: randomBytes(32).toString('hex') };
    if (dbKind === 'postgres') env.DATABASE_URL = await createTestDatabaseUrl();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
    if (env.DATABASE_URL) await dropTestDatabase(env.DATABASE_URL);
  });

  it('when the server dies mid-upload, then after a restart the scheduled sweep removes the temp file once it is older than the threshold', async () => {
    const first = await spawnServer(env);
    servers.push(first);
    await waitHealthy(first, 180_000);
    const c = docsClient({ baseUrl: first.baseUrl });
    const u = await c.user();
    const size = 4 * 1024 * 1024;
    const url = await c.uploadUrl(u.token, { filename: 'big.bin', content_type: 'application/octet-stream', size_bytes: size });
    assert.equal(url.status, 200, url.text);

    // Half the bytes, then the process is killed with the PUT still open.
    const put = request(c.abs(url.body.upload_url), {
      method: 'PUT',
      headers: { ...url.body.upload_headers, 'content-length': String(size) },
    });
    put.on('error', () => {});
    put.write(randomBytes(size / 2));
    const started = await eventually(async () => partialFiles(dataDir).some((f) => statSync(f).size > 0), 20_000);
    assert.ok(started, 'the upload is being written to a temp file');
    first.child.kill('SIGKILL');
    await first.exited;
    put.destroy();
    const [left] = partialFiles(dataDir);
    assert.ok(left, 'the dead process left its temp file behind');

    const second = await spawnServer({ ...env, PENDING_UPLOAD_TTL_SECONDS: '2', CLEANUP_INTERVAL_SECONDS: '1' });
    servers.push(second);
    await waitHealthy(second, 180_000);
    const gone = await eventually(async () => !existsSync(left), 20_000);
    assert.ok(gone, 'the scheduled sweep removed the temp file');
  });
});
