import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { mailsTo, outboxMails } from '../../test-support/auth-fixtures.js';
import { NOT_AVAILABLE, pageText, sampleFile, shareClient, trashDirectly } from '../../test-support/share-fixtures.js';

forEachDatabase('share links: the public page and downloads', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof shareClient>;
  before(async () => {
    // 12 downloads per link per minute: room for the ten concurrent ones, few to exceed.
    app = await startTestApp({ db, env: { SHARE_DOWNLOADS_PER_MINUTE: '12' } });
    c = shareClient({ baseUrl: app.baseUrl, db: app.runtime.db });
  });
  after(() => app?.close());

  const assertNotAvailable = (r: { status: number; text: string }, what: string) => {
    assert.equal(r.status, 404, `${what}: ${r.status}`);
    assert.equal(pageText(r.text), `${NOT_AVAILABLE} Shared with DocuVault`, what);
  };

  it('when an anonymous visitor opens a link and downloads, then the bytes are the document’s and the count is 1', async () => {
    const { user, documentId, bytes } = await c.owner();
    const link = await c.link(user.token, documentId);
    const page = await c.page(link.path);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html; charset=utf-8/);
    const text = pageText(page.text);
    assert.match(text, /Lease &lt;agreement&gt; &amp; &quot;annex&quot; 2026\.pdf/);
    assert.match(text, /200 KB/);
    assert.match(text, /Available until \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    assert.match(page.text, new RegExp(`<form method="post" action="${link.path}/download">`));
    // Nothing else of the owner's: no email, no ids, no app bundle.
    for (const s of [user.email, user.id, documentId, '/assets/', '<script']) assert.ok(!page.text.includes(s), s);

    const d = await c.download(link.path);
    assert.equal(d.status, 303);
    const f = await c.fetchBytes(d.location!);
    assert.equal(f.status, 200);
    assert.ok(f.bytes.equals(bytes), 'the bytes downloaded are the bytes uploaded');
    assert.match(f.headers.get('content-disposition')!, /^attachment/);
    assert.equal(f.headers.get('x-content-type-options'), 'nosniff');
    const listed = (await c.list(user.token, documentId)).body[0];
    assert.equal(listed.download_count, 1);
    assert.ok(listed.last_accessed_at);
  });

  it('when the share page is served, then it has a strict CSP, no referrer, noindex, nosniff and no caching', async () => {
    const { user, documentId } = await c.owner(sampleFile(2048));
    const link = await c.link(user.token, documentId, { password: 'header check password' });
    for (const r of [
      await c.page(link.path),
      await c.page('/s/' + 'A'.repeat(43)),
      await c.unlock(link.path, 'wrong password!'),
    ]) {
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /form-action 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
      assert.match(r.headers.get('x-robots-tag') ?? '', /noindex/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(r.headers.get('cache-control'), 'no-store');
    }
  });

  it('when max_downloads is 2 and ten downloads run at once, then exactly two succeed and the count stops at 2', async () => {
    const { user, documentId, bytes } = await c.owner();
    const link = await c.link(user.token, documentId, { max_downloads: 2 });
    const results = await Promise.all(Array.from({ length: 10 }, () => c.download(link.path)));
    const ok = results.filter((r) => r.status === 303);
    assert.equal(ok.length, 2, results.map((r) => r.status).join(','));
    for (const r of results.filter((x) => x.status !== 303)) assertNotAvailable(r, 'past the limit');
    for (const r of ok) assert.ok((await c.fetchBytes(r.location!)).bytes.equals(bytes));
    const listed = (await c.list(user.token, documentId)).body[0];
    assert.equal(listed.download_count, 2);
    assert.equal(listed.state, 'used_up');
    assertNotAvailable(await c.page(link.path), 'used up');
  });

  it('when a link is expired, revoked, its document trashed or deleted, its owner disabled, or the token unknown, then the same 404 page', async () => {
    const { user, documentId } = await c.owner(sampleFile(4096));
    const expired = await c.link(user.token, documentId);
    const revoked = await c.link(user.token, documentId);
    await app.runtime.db.query(`UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    await c.revoke(user.token, revoked.id);
    const { user: u3, documentId: d3 } = await c.owner(sampleFile(4096));
    const onTrashed = await c.link(u3.token, d3);
    await trashDirectly(app.runtime.db, d3);
    const { user: u5, documentId: d5 } = await c.owner(sampleFile(4096));
    const ofDisabled = await c.link(u5.token, d5);
    await app.runtime.db.query('UPDATE users SET disabled = true WHERE id = $1', [u5.id]);
    const { user: u4, documentId: d4 } = await c.owner(sampleFile(4096));
    const onDeleted = await c.link(u4.token, d4);
    assert.equal((await c.docs.req('DELETE', `/api/documents/${d4}`, { token: u4.token })).status, 204);

    const cases: [string, string][] = [
      ['expired', expired.path],
      ['revoked', revoked.path],
      ['trashed', onTrashed.path],
      ['deleted', onDeleted.path],
      ['owner disabled', ofDisabled.path],
      ['unknown token', '/s/' + 'Q'.repeat(43)],
      ['malformed token', '/s/not-a-token'],
      ['nested path', `${expired.path}/../x/y`],
    ];
    for (const [what, path] of cases) {
      assertNotAvailable(await c.page(path), `page, ${what}`);
      assertNotAvailable(await c.download(path), `download, ${what}`);
    }
    // The form targets answer GET with the same page, never the web app.
    assertNotAvailable(await c.page(`${onDeleted.path}/download`), 'GET of the download form target');
  });

  it('when the password is wrong, then refused; after ten wrong tries 429 even for the right one; the right one unlocks only after the window', async () => {
    const { user, documentId } = await c.owner(sampleFile(4096));
    const link = await c.link(user.token, documentId, { password: 'correct share password' });
    const locked = await c.page(link.path);
    assert.equal(locked.status, 200);
    assert.match(locked.text, /name="password"/);
    assert.ok(!locked.text.includes('Lease'), 'no file details before the password');
    const noCookie = await c.download(link.path);
    assert.equal(noCookie.status, 401);
    assert.equal(noCookie.location, null);

    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await c.unlock(link.path, `wrong password ${i}`)).status);
    assert.deepEqual(statuses, [...Array(10).fill(401), 429]);
    const blocked = await c.unlock(link.path, 'correct share password');
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal(blocked.cookie, undefined);
    assert.match(pageText(blocked.text), /Too many attempts/);
    // The window passes (moved back in the database rather than waited for).
    await app.runtime.db.query(
      `UPDATE auth_throttle SET window_started_at = now() - interval '1 hour' WHERE bucket LIKE 'share-password:%'`,
    );
    const right = await c.unlock(link.path, 'correct share password');
    assert.equal(right.status, 303);
    assert.ok(right.cookie);
  });

  it('when the password is right, then a short-lived httpOnly cookie for this link only unlocks the page and the download', async () => {
    const { user, documentId, bytes } = await c.owner();
    const link = await c.link(user.token, documentId, { password: 'correct share password' });
    const wrong = await c.unlock(link.path, 'not the password');
    assert.equal(wrong.status, 401);
    assert.match(pageText(wrong.text), /That password is not right\./);
    assert.equal(wrong.cookie, undefined);
    const right = await c.unlock(link.path, 'correct share password');
    assert.equal(right.status, 303);
    assert.equal(right.headers.get('location'), link.path);
    const setCookie = right.headers.getSetCookie().find((h) => h.startsWith('dv_share='))!;
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.match(setCookie, new RegExp(`Path=${link.path}(;|$)`));
    const expires = Date.parse(/Expires=([^;]+)/i.exec(setCookie)![1]!);
    assert.ok(expires - Date.now() <= 15 * 60_000 + 1000 && expires > Date.now(), 'expires within 15 minutes');

    const page = await c.page(link.path, right.cookie);
    assert.match(pageText(page.text), /Lease/);
    assert.ok((await c.downloadBytes(link.path, right.cookie)).equals(bytes));
  });

  it('when the cookie of link A is presented to link B, then B stays locked', async () => {
    const { user, documentId } = await c.owner(sampleFile(4096));
    const a = await c.link(user.token, documentId, { password: 'the same password' });
    const b = await c.link(user.token, documentId, { password: 'the same password' });
    const cookieA = (await c.unlock(a.path, 'the same password')).cookie!;
    assert.equal((await c.download(a.path, cookieA)).status, 303);
    const onB = await c.download(b.path, cookieA);
    assert.equal(onB.status, 401);
    assert.equal(onB.location, null);
    assert.match((await c.page(b.path, cookieA)).text, /name="password"/);
    // A forged cookie of the right shape opens nothing either.
    const forged = cookieA.replace(/=(\d+)\./, (_m, exp) => `=${Number(exp) + 86_400}.`);
    assert.equal((await c.download(a.path, forged)).status, 401);
  });

  it('when a link is downloaded, then its owner gets one alert mail on the first download only; with notify_owner false, none', async () => {
    const { user, documentId } = await c.owner(sampleFile(4096));
    const link = await c.link(user.token, documentId);
    await c.downloadBytes(link.path);
    await c.downloadBytes(link.path);
    const { user: quiet, documentId: quietDoc } = await c.owner(sampleFile(4096));
    const quietLink = await c.link(quiet.token, quietDoc, { notify_owner: false });
    await c.downloadBytes(quietLink.path);
    await app.runtime.jobs.idle(['send-security-alert']);
    const mails = await outboxMails(app.dataDir, (m) => mailsTo(m, user.email, /shared was downloaded/).length >= 1);
    const toOwner = mailsTo(mails, user.email, /A document you shared was downloaded/);
    assert.equal(toOwner.length, 1);
    assert.match(toOwner[0]!, /Document: Lease <agreement> & "annex" 2026\.pdf/);
    assert.ok(!toOwner[0]!.includes(link.path.slice(3)), 'the mail carries no token');
    assert.equal(mailsTo(mails, quiet.email, /shared/).length, 0);
  });

  it('when one link is downloaded more often than its per-minute limit allows, then 429', async () => {
    const { user, documentId } = await c.owner(sampleFile(1024));
    const link = await c.link(user.token, documentId);
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await c.download(link.path)).status);
    assert.deepEqual(statuses, [...Array(12).fill(303), 429]);
    // Another link is not affected.
    const other = await c.link(user.token, documentId);
    assert.equal((await c.download(other.path)).status, 303);
  });
});
