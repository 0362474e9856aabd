import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { buildOnce } from '../../test-support/spawn-server.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { docsClient, runReconcileCli } from '../../test-support/document-fixtures.js';
import { quotaRepository } from './quota.repository.js';
import { reconcileQuotas } from './reconcile-quotas.js';

forEachDatabase('reconcile-quotas', (dbKind) => {
  let app: TestApp;
  let env: Record<string, string>;

  before(async () => {
    buildOnce();
    app = await startTestApp({ db: dbKind });
    env = { DATA_DIR: app.dataDir, ...(app.env.DATABASE_URL ? { DATABASE_URL: app.env.DATABASE_URL } : {}) };
  });
  after(async () => {
    await app.runtime.close().catch(() => {});
    rmSync(app.dataDir, { recursive: true, force: true });
  });

  it('when quotas have drifted, then a dry run reports each user and changes nothing, and a real run repairs them; the CLI says so and exits 0', async () => {
    const c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db });
    const [a, b, clean] = [await c.user(), await c.user(), await c.user()];
    await c.upload(a.token, { bytes: 'a'.repeat(100) });
    await c.upload(b.token, { bytes: 'b'.repeat(40) });
    await c.upload(b.token, { bytes: 'b'.repeat(60), confirm: false }); // pending: not counted
    await c.upload(clean.token, { bytes: 'c'.repeat(10) });
    const db = app.runtime.db;
    await db.query('UPDATE quotas SET used_bytes = used_bytes + 500 WHERE user_id = $1', [a.id]);
    await db.query('UPDATE quotas SET used_bytes = 0 WHERE user_id = $1', [b.id]);

    const dry = await reconcileQuotas({ db, dryRun: true, defaultLimitBytes: 1000 });
    assert.deepEqual(
      dry.drifted.map((d) => [d.user_id, d.used_bytes, d.expected_bytes]).sort(),
      [
        [a.id, 600, 100],
        [b.id, 0, 40],
      ].sort(),
    );
    assert.deepEqual(dry.repaired, []);
    assert.equal((await quotaRepository.find(db, a.id))!.used_bytes, 600, 'a dry run changes nothing');

    if (dbKind === 'postgres') {
      // The CLI as its own process, beside the running server.
      const cliDry = runReconcileCli(env, ['--dry-run']);
      assert.equal(cliDry.code, 0, cliDry.stderr);
      assert.equal(cliDry.drifted, 2, cliDry.stdout);
      assert.equal(cliDry.repaired, 0);
      assert.match(cliDry.stdout, new RegExp(`${a.id} <${a.email}>: used_bytes 600, expected 100 \\(drift \\+500\\)`));
      assert.equal((await quotaRepository.find(db, a.id))!.used_bytes, 600);
    }

    const real = await reconcileQuotas({ db, dryRun: false, defaultLimitBytes: 1000 });
    assert.equal(real.repaired.length, 2);
    assert.equal((await quotaRepository.find(db, a.id))!.used_bytes, 100);
    assert.equal((await quotaRepository.find(db, b.id))!.used_bytes, 40);
    assert.equal((await quotaRepository.find(db, clean.id))!.used_bytes, 10);
    assert.deepEqual(await quotaRepository.findDrift(db), []);
  });

  it('when a user has no quota row, then reconcile gives them one with the default limit and the right usage', async () => {
    const c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db });
    const u = await c.user();
    await c.upload(u.token, { bytes: 'z'.repeat(25) });
    await app.runtime.db.query('DELETE FROM quotas WHERE user_id = $1', [u.id]);
    const report = await reconcileQuotas({ db: app.runtime.db, dryRun: false, defaultLimitBytes: 4242 });
    assert.deepEqual(
      report.repaired.find((r) => r.user_id === u.id),
      { user_id: u.id, email: u.email, before: null, after: { used_bytes: 25, reserved_bytes: 0, pending_uploads: 0 } },
    );
    assert.deepEqual(await quotaRepository.find(app.runtime.db, u.id), { used_bytes: 25, limit_bytes: 4242, reserved_bytes: 0 });
  });

  it('when run as a process on a stopped deployment, then it repairs drift, a second dry run reports none, and both exit 0', async () => {
    const c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db });
    const u = await c.user();
    await c.upload(u.token, { bytes: 'q'.repeat(30) });
    await app.runtime.db.query('UPDATE quotas SET used_bytes = 999 WHERE user_id = $1', [u.id]);
    // The embedded database admits one process at a time: stop the server first.
    await app.runtime.close();
    const fix = runReconcileCli(env);
    assert.equal(fix.code, 0, fix.stderr);
    assert.equal(fix.drifted, 1, fix.stdout);
    assert.equal(fix.repaired, 1);
    assert.match(fix.stdout, /repaired$/m);
    const check = runReconcileCli(env, ['--dry-run']);
    assert.equal(check.code, 0);
    assert.equal(check.drifted, 0, check.stdout);
    const bad = runReconcileCli(env, ['--dry-rnu']);
    assert.equal(bad.code, 2, 'an unknown argument is refused');
  });
});
