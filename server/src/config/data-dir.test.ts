import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { docsClient } from '../test-support/document-fixtures.js';
import { outboxMails } from '../test-support/auth-fixtures.js';
import { databaseKinds, startTestApp } from '../test-support/test-app.js';
import { tightenTree } from './data-dir.js';

/** Every entry under `root` that group or others may read, write or enter, with its mode. */
function notPrivate(root: string): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if (!st.isSymbolicLink() && mode !== want) out.push(`${relative(root, p) || '.'} ${mode.toString(8)}`);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
  };
  visit(root);
  return out;
}

function countEntries(root: string): { dirs: number; files: number } {
  const n = { dirs: 0, files: 0 };
  const visit = (p: string) => {
    if (lstatSync(p).isDirectory()) {
      n.dirs++;
      for (const e of readdirSync(p)) visit(join(p, e));
    } else n.files++;
  };
  visit(root);
  return n;
}

describe('DATA_DIR is private to the service user', () => {
  for (const db of databaseKinds()) {
    it(`when the app started on a fresh DATA_DIR, stored an upload and wrote mail, then every directory is 0700 and every file 0600 (${db})`, async () => {
      const app = await startTestApp({ db });
      try {
        const c = docsClient({ baseUrl: app.baseUrl });
        const u = await c.user(); // the first sign-in from this address mails an alert
        const text = 'Quarterly statement\n'.repeat(4000);
        const up = await c.upload(u.token, { filename: 'statement.txt', bytes: text });
        assert.equal(up.confirm?.status, 200, up.confirm?.text);
        await outboxMails(app.dataDir, (mails) => mails.length >= 1);
        const n = countEntries(app.dataDir);
        assert.ok(n.files >= (db === 'pglite' ? 500 : 3), `only ${n.files} files under DATA_DIR`);
        assert.deepEqual(notPrivate(app.dataDir), []);
        await app.runtime.close(); // a checkpoint and the last WAL writes
        assert.deepEqual(notPrivate(app.dataDir), []);
      } finally {
        await app.close().catch(() => {});
      }
    });
  }

  it('when DATA_DIR already exists readable by others, then the start makes it and everything under it private and says so', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dv-loose-'));
    mkdirSync(join(dataDir, 'files', 'ab'), { recursive: true });
    writeFileSync(join(dataDir, 'files', 'ab', 'object'), 'bytes');
    mkdirSync(join(dataDir, 'outbox'));
    writeFileSync(join(dataDir, 'outbox', 'old.eml'), 'Subject: x\n');
    for (const d of [dataDir, join(dataDir, 'files'), join(dataDir, 'files', 'ab'), join(dataDir, 'outbox')]) chmodSync(d, 0o755);
    chmodSync(join(dataDir, 'files', 'ab', 'object'), 0o666);
    chmodSync(join(dataDir, 'outbox', 'old.eml'), 0o644);
    const warn = t.mock.method(console, 'warn', () => {});
    const app = await startTestApp({ db: 'pglite', env: { DATA_DIR: dataDir } });
    try {
      assert.deepEqual(notPrivate(dataDir), []);
      const said = warn.mock.calls.map((call) => call.arguments.map(String).join(' ')).join('\n');
      assert.match(said, /DATA_DIR was readable by other users/);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when a tree has loose modes and a symbolic link, then tightenTree fixes the entries and leaves the link target alone', (t) => {
    const root = mkdtempSync(join(tmpdir(), 'dv-tighten-'));
    const outside = mkdtempSync(join(tmpdir(), 'dv-outside-'));
    t.after(() => {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    });
    writeFileSync(join(outside, 'f'), 'x');
    chmodSync(join(outside, 'f'), 0o644);
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd', 'f'), 'x');
    chmodSync(join(root, 'd'), 0o777);
    chmodSync(join(root, 'd', 'f'), 0o666);
    chmodSync(root, 0o755);
    // A link pointing out of the tree is not followed.
    symlinkSync(join(outside, 'f'), join(root, 'link'));
    assert.equal(tightenTree(root), 3);
    assert.deepEqual(notPrivate(root), []);
    assert.equal(lstatSync(join(outside, 'f')).mode & 0o777, 0o644);
    assert.equal(tightenTree(root), 0, 'a second pass changes nothing');
  });
});
