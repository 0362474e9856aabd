import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { sampleFile, shareClient, trashDirectly } from '../../test-support/share-fixtures.js';

const DAY = 86_400_000;

forEachDatabase(`share links: the owner's API`, (db) => {
  let app: TestApp;
  let c: ReturnType<typeof shareClient>;
  before(async () => {
    app = await startTestApp({ db });
    c = shareClient({ baseUrl: app.baseUrl, db: app.runtime.db });
  });
  after(() => app?.close());

  it('when a link is created with no options, then 201 with a /s/ URL of a 43-character token, expiring in 7 days', async () => {
    const { user, documentId } = await c.owner();
    const t0 = Date.now();
    const r = await c.create(user.token, documentId);
    assert.equal(r.status, 201, r.text);
    const url = new URL(r.body.url);
    assert.equal(url.origin, app.baseUrl, 'without PUBLIC_URL the origin the owner called');
    assert.match(url.pathname, /^\/s\/[A-Za-z0-9_-]{43}$/);
    assert.equal(r.body.state, 'active');
    assert.equal(r.body.download_count, 0);
    assert.equal(r.body.max_downloads, null);
    assert.equal(r.body.has_password, false);
    assert.equal(r.body.notify_owner, true);
    const expires = Date.parse(r.body.expires_at);
    assert.ok(Math.abs(expires - (t0 + 7 * DAY)) < 60_000, r.body.expires_at);
  });

  it('when options are given, then they are kept: never expiring, 365 days, a password, a download limit', async () => {
    const { user, documentId } = await c.owner();
    const never = await c.create(user.token, documentId, {
      expires_in_days: null,
      password: 'a long share password',
      max_downloads: 3,
    });
    assert.equal(never.status, 201, never.text);
    assert.equal(never.body.expires_at, null);
    assert.equal(never.body.has_password, true);
    assert.equal(never.body.max_downloads, 3);
    const year = await c.create(user.token, documentId, { expires_in_days: 365, notify_owner: false });
    assert.equal(year.status, 201, year.text);
    assert.ok(Math.abs(Date.parse(year.body.expires_at) - (Date.now() + 365 * DAY)) < 60_000);
    assert.equal(year.body.notify_owner, false);
  });

  it('when an option is out of range, then 422 naming it and no link is made', async () => {
    const { user, documentId } = await c.owner();
    for (const [json, field] of [
      [{ expires_in_days: 366 }, 'expires_in_days'],
      [{ expires_in_days: 0 }, 'expires_in_days'],
      [{ expires_in_days: 1.5 }, 'expires_in_days'],
      [{ expires_in_days: '7' }, 'expires_in_days'],
      [{ max_downloads: 0 }, 'max_downloads'],
      [{ max_downloads: -1 }, 'max_downloads'],
      [{ password: 'short' }, 'password'],
      [{ password: 'x'.repeat(1025) }, 'password'],
    ] as const) {
      const r = await c.create(user.token, documentId, json);
      assert.equal(r.status, 422, `${JSON.stringify(json)}: ${r.text}`);
      assert.match(r.body.detail, new RegExp(field));
    }
    assert.deepEqual((await c.list(user.token, documentId)).body, []);
  });

  it('when links exist, then the list shows each newest first with state, counts and last access, and never a token or URL', async () => {
    const { user, documentId } = await c.owner();
    const first = await c.link(user.token, documentId);
    const second = await c.link(user.token, documentId, { max_downloads: 5 });
    await c.downloadBytes(second.path);
    const r = await c.list(user.token, documentId);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.map((s: { id: string }) => s.id),
      [second.id, first.id],
    );
    const [s2, s1] = r.body;
    assert.equal(s2.download_count, 1);
    assert.ok(s2.last_accessed_at);
    assert.equal(s1.download_count, 0);
    assert.equal(s1.last_accessed_at, null);
    for (const s of r.body) {
      assert.equal(s.url, undefined);
      assert.equal(s.token, undefined);
      assert.equal(s.token_hash, undefined);
      assert.equal(s.password_hash, undefined);
    }
    assert.ok(!r.text.includes(first.path.slice(3)) && !r.text.includes(second.path.slice(3)));
  });

  it('when a link is revoked, then 204, it lists as revoked, and revoking again is still 204', async () => {
    const { user, documentId } = await c.owner();
    const link = await c.link(user.token, documentId);
    assert.equal((await c.revoke(user.token, link.id)).status, 204);
    const listed = (await c.list(user.token, documentId)).body[0];
    assert.equal(listed.state, 'revoked');
    assert.ok(listed.revoked_at);
    assert.equal((await c.revoke(user.token, link.id)).status, 204);
    assert.equal((await c.list(user.token, documentId)).body[0].revoked_at, listed.revoked_at);
  });

  it('when another user lists, creates or revokes shares of a document not theirs, then 404 as for a missing one', async () => {
    const { user: owner, documentId } = await c.owner();
    const link = await c.link(owner.token, documentId);
    const other = await c.docs.user();
    const list = await c.list(other.token, documentId);
    assert.equal(list.status, 404);
    const missing = await c.list(other.token, '00000000-0000-4000-8000-000000000000');
    assert.deepEqual(list.body, missing.body);
    assert.equal((await c.create(other.token, documentId)).status, 404);
    assert.equal((await c.revoke(other.token, link.id)).status, 404);
    assert.equal((await c.list(other.token, 'not-a-uuid')).status, 404);
    assert.equal((await c.revoke(other.token, 'not-a-uuid')).status, 404);
    // Nothing changed for the owner.
    const mine = (await c.list(owner.token, documentId)).body;
    assert.equal(mine.length, 1);
    assert.equal(mine[0].state, 'active');
    // Without a token at all: 401.
    assert.equal((await c.docs.req('GET', `/api/documents/${documentId}/shares`)).status, 401);
  });

  it('when the document is pending or in the trash, then no link is made (409)', async () => {
    const user = await c.docs.user();
    const pending = await c.docs.upload(user.token, { confirm: false });
    const r1 = await c.create(user.token, pending.id);
    assert.equal(r1.status, 409);
    assert.equal(r1.body.code, 'document_pending');
    const { user: u2, documentId } = await c.owner(sampleFile(4096));
    await trashDirectly(app.runtime.db, documentId);
    const r2 = await c.create(u2.token, documentId);
    assert.equal(r2.status, 409);
    assert.equal(r2.body.code, 'document_trashed');
  });

  it('when the database is read, then it holds only a hash of the token and an argon2id hash of the password', async () => {
    const { user, documentId } = await c.owner();
    const password = 'the share password 42';
    const link = await c.link(user.token, documentId, { password });
    const token = link.path.slice(3);
    const { rows } = await app.runtime.db.query<{ row: string }>(
      'SELECT row_to_json(s)::text AS row FROM share_links s WHERE id = $1',
      [link.id],
    );
    const stored = rows[0]!.row;
    assert.ok(!stored.includes(token));
    assert.ok(!stored.includes(Buffer.from(token, 'base64url').toString('hex')));
    assert.ok(!stored.includes(password));
    assert.match(stored, /\$argon2id\$/);
  });

  it('when a document has an open link, then the document list and the document say shared; after revoking, not', async () => {
    const { user, documentId } = await c.owner();
    const unshared = (await c.docs.upload(user.token, { filename: 'not shared.txt', bytes: 'not shared' })).id;
    const shared = async () => {
      const list = await c.docs.req('GET', '/api/documents', { token: user.token });
      return list.body.items.find((d: { id: string }) => d.id === documentId).shared as boolean;
    };
    assert.equal(await shared(), false);
    const link = await c.link(user.token, documentId);
    assert.equal(await shared(), true);
    assert.equal((await c.docs.req('GET', `/api/documents/${documentId}`, { token: user.token })).body.shared, true);
    assert.equal((await c.docs.req('GET', `/api/documents/${unshared}`, { token: user.token })).body.shared, false);
    await c.revoke(user.token, link.id);
    assert.equal(await shared(), false);
  });

  it('when the document is deleted, then its links go with it', async () => {
    const { user, documentId } = await c.owner();
    const link = await c.link(user.token, documentId);
    assert.equal((await c.docs.req('DELETE', `/api/documents/${documentId}`, { token: user.token })).status, 204);
    const { rows } = await app.runtime.db.query('SELECT 1 FROM share_links WHERE id = $1', [link.id]);
    assert.equal(rows.length, 0);
    assert.equal((await c.list(user.token, documentId)).status, 404);
  });
});

describe('share links behind PUBLIC_URL', () => {
  let app: TestApp;
  after(() => app?.close());

  it('when PUBLIC_URL is set, then link URLs and the storage redirect use it, and the unlock cookie is Secure on https', async () => {
    app = await startTestApp({ env: { PUBLIC_URL: 'https://vault.example.com' } });
    const c = shareClient({ baseUrl: app.baseUrl, db: app.runtime.db });
    // The upload URL points at PUBLIC_URL too; this test reaches the app directly.
    const user = await c.docs.user();
    const file = sampleFile(4096);
    const u = await c.docs.uploadUrl(user.token, {
      filename: file.filename,
      content_type: file.contentType,
      size_bytes: file.bytes.length,
    });
    const direct = new URL(u.body.upload_url);
    assert.equal(direct.origin, 'https://vault.example.com');
    assert.equal((await c.docs.put(app.baseUrl + direct.pathname + direct.search, file.bytes, file.contentType)).status, 204);
    const documentId = u.body.document_id as string;
    assert.equal((await c.docs.confirm(user.token, documentId)).status, 200);
    const link = await c.link(user.token, documentId, { password: 'public url password' });
    assert.match(link.url, /^https:\/\/vault\.example\.com\/s\/[A-Za-z0-9_-]{43}$/);
    const unlocked = await c.unlock(link.path, 'public url password');
    assert.match(
      unlocked.headers.getSetCookie().find((h) => h.startsWith('dv_share='))!,
      /;\s*Secure/i,
    );
    const d = await c.download(link.path, unlocked.cookie);
    assert.equal(d.status, 303);
    assert.equal(new URL(d.headers.get('location')!).origin, 'https://vault.example.com');
  });
});
