import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redactUrl } from '../../http/logger.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { shareClient } from '../../test-support/share-fixtures.js';

describe('redactUrl', () => {
  it('when a share path is logged, then its token is replaced and the rest of the path kept', () => {
    const token = 'a'.repeat(43);
    assert.equal(redactUrl(`/s/${token}`), '/s/[redacted]');
    assert.equal(redactUrl(`/s/${token}/download?x=1`), '/s/[redacted]/download?[redacted]');
    assert.equal(redactUrl('/api/documents/abc/shares'), '/api/documents/abc/shares');
    assert.equal(redactUrl('/assets/s/x.js'), '/assets/s/x.js');
  });
});

forEachDatabase('share tokens never reach the log', (db) => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ db, env: { LOG_LEVEL: 'trace' } });
  });
  after(() => app?.close());

  it('when links are created, opened, unlocked, downloaded and refused at trace level, then no token, password or cookie is in the log', async () => {
    const c = shareClient({ baseUrl: app.baseUrl, db: app.runtime.db });
    const secrets: string[] = [];
    const { user, documentId } = await c.owner();
    const password = 'a password for the log test';
    secrets.push(password, 'wrong password for the log');

    const open = await c.link(user.token, documentId);
    const locked = await c.link(user.token, documentId, { password, max_downloads: 1 });
    secrets.push(open.path.slice(3), locked.path.slice(3));
    await c.page(open.path);
    await c.downloadBytes(open.path);
    await c.page(locked.path);
    await c.unlock(locked.path, 'wrong password for the log');
    const cookie = (await c.unlock(locked.path, password)).cookie!;
    secrets.push(cookie.split('=')[1]!);
    const d = await c.download(locked.path, cookie);
    secrets.push(new URL(d.location!).searchParams.get('sig')!);
    await c.fetchBytes(d.location!);
    await c.download(locked.path, cookie); // used up: 404 page
    await c.page(`${open.path}/download`); // a GET of the form target
    await c.page(`${open.path}/some/thing/else`);
    await c.revoke(user.token, open.id);
    await c.page(open.path);
    await app.runtime.jobs.idle(['send-security-alert']);

    const logs = app.logs();
    assert.ok((logs.match(/\/s\/\[redacted\]/g) ?? []).length >= 10, 'the share requests are in the log, redacted');
    for (const s of secrets) assert.ok(!logs.includes(s), `the log contains a secret (${s.slice(0, 6)}…)`);
    // Not even a recognisable piece of a token.
    for (const s of secrets.slice(2, 4)) assert.ok(!logs.includes(s.slice(0, 16)), 'a token prefix is in the log');
  });
});
