import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { fakeProvider, openAiAnswer, openAiError } from '../../test-support/classification-fixtures.js';
import { allKeys, docsClient, eventually } from '../../test-support/document-fixtures.js';
import { authClient, PASSWORD, randomEmail } from '../../test-support/auth-fixtures.js';
import { totpCodeAt } from './totp.js';

forEachDatabase('sessions, backup codes, admin accounts and the provider test', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;

  before(async () => {
    app = await startTestApp({ db: dbKind, env: { AI_ALLOW_PRIVATE_URLS: 'true' } });
    c = authClient(app.baseUrl);
    await c.user('first-admin'); // the first account is the admin; the rest are users
  });
  after(() => app.close());

  it('when a user lists sessions, revokes one and then signs out everywhere else, then only the current one is left and the others stop working', async () => {
    const u = await c.user('s');
    const second = await c.session(u.email);
    const third = await c.session(u.email);
    const list = await c.req('GET', '/api/auth/sessions', { token: u.session.access_token, headers: { 'user-agent': 'x' } });
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 3);
    assert.equal(list.body.filter((s: { current: boolean }) => s.current).length, 1);
    for (const s of list.body) {
      assert.ok(s.created_at && s.last_used_at);
      assert.ok('device' in s && 'ip_address' in s);
    }
    // The newest session is the third login; revoke it by id.
    const thirdId = list.body.find((s: { current: boolean }) => !s.current).id;
    const del = await c.req('DELETE', `/api/auth/sessions/${thirdId}`, { token: u.session.access_token });
    assert.equal(del.status, 204);
    assert.equal((await c.req('DELETE', `/api/auth/sessions/${thirdId}`, { token: u.session.access_token })).status, 404);
    const other = await c.user('o');
    assert.equal(
      (await c.req('DELETE', `/api/auth/sessions/${list.body[0].id}`, { token: other.session.access_token })).status,
      404,
    );
    assert.equal((await c.req('GET', '/api/auth/sessions', { token: u.session.access_token })).body.length, 2);

    const out = await c.req('POST', '/api/auth/sessions/revoke-others', { token: u.session.access_token });
    assert.deepEqual(out.body, { revoked: 1 });
    const left = await c.req('GET', '/api/auth/sessions', { token: u.session.access_token });
    assert.equal(left.body.length, 1);
    assert.equal(left.body[0].current, true);
    for (const s of [second, third]) {
      assert.equal((await c.me(s.access_token)).status, 401, 'its access token stops at once');
      assert.equal((await c.refresh(s.refresh_token)).status, 401);
    }
    assert.equal((await c.me(u.session.access_token)).status, 200);
  });

  it('when a user with 2FA asks for backup codes left and regenerates them with password and a code, then the old codes stop working', async () => {
    const u = await c.user('b');
    const t = u.session.access_token;
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token: t, json: { password: PASSWORD } });
    const enabled = await c.req('POST', '/api/auth/2fa/enable', {
      token: t,
      json: { password: PASSWORD, code: await totpCodeAt(setup.body.secret, new Date()) },
    });
    const old: string[] = enabled.body.backup_codes;
    assert.deepEqual((await c.req('GET', '/api/auth/2fa/backup-codes', { token: t })).body, { remaining: 10 });
    const wrong = await c.req('POST', '/api/auth/2fa/backup-codes', {
      token: t,
      json: { password: 'wrong password', code: old[0] },
    });
    assert.equal(wrong.status, 403);
    const fresh = await c.req('POST', '/api/auth/2fa/backup-codes', { token: t, json: { password: PASSWORD, code: old[0] } });
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(fresh.body.backup_codes.length, 10);
    assert.deepEqual((await c.req('GET', '/api/auth/2fa/backup-codes', { token: t })).body, { remaining: 10 });
    const login = await c.login(u.email);
    const withOld = await c.req('POST', '/api/auth/login/2fa', {
      json: { mfa_token: login.body.mfa_token, backup_code: old[1] },
    });
    assert.equal(withOld.status, 401);
    const withNew = await c.req('POST', '/api/auth/login/2fa', {
      json: { mfa_token: login.body.mfa_token, backup_code: fresh.body.backup_codes[0] },
    });
    assert.equal(withNew.status, 200);
    assert.deepEqual((await c.req('GET', '/api/auth/2fa/backup-codes', { token: t })).body, { remaining: 9 });
  });

  it('when an admin creates a user with a temporary password, then that user must change it before anything else; search finds them', async () => {
    const admin = await c.session(
      (await app.runtime.db.query<{ email: string }>(`SELECT email FROM users WHERE role = 'admin' LIMIT 1`)).rows[0]!.email,
    );
    const email = randomEmail('created');
    const created = await c.req('POST', '/api/admin/users', {
      token: admin.access_token,
      json: { email, temporary_password: 'temporary pass 1', limit_bytes: 5000 },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.limit_bytes, 5000);
    assert.equal(created.body.role, 'user');
    const dup = await c.req('POST', '/api/admin/users', {
      token: admin.access_token,
      json: { email, temporary_password: 'another one 2' },
    });
    assert.equal(dup.status, 409);
    const user = await c.user('plain');
    assert.equal(
      (
        await c.req('POST', '/api/admin/users', {
          token: user.session.access_token,
          json: { email: randomEmail(), temporary_password: 'whatever123' },
        })
      ).status,
      403,
    );

    const found = await c.req('GET', `/api/admin/users?q=${encodeURIComponent(email.slice(0, 12).toUpperCase())}`, {
      token: admin.access_token,
    });
    assert.deepEqual(
      found.body.items.map((x: { email: string }) => x.email),
      [email],
    );
    assert.equal(found.body.total, 1);

    const s = await c.session(email, 'temporary pass 1');
    const me = await c.me(s.access_token);
    assert.equal(me.body.must_change_password, true);
    const blocked = await c.req('GET', '/api/documents', { token: s.access_token });
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.code, 'password_change_required');
    const changed = await c.req('POST', '/api/auth/password', {
      token: s.access_token,
      json: { current_password: 'temporary pass 1', new_password: 'my own password' },
    });
    assert.equal(changed.status, 204);
    assert.equal((await c.me(s.access_token)).body.must_change_password, false);
    assert.equal((await c.req('GET', '/api/documents', { token: s.access_token })).status, 200);
  });

  it('when an admin deletes a user, then the user is signed out at once and their documents, objects and account go by a job; deleting oneself is refused', async () => {
    const adminEmail = (await app.runtime.db.query<{ email: string }>(`SELECT email FROM users WHERE role = 'admin' LIMIT 1`))
      .rows[0]!.email;
    const admin = await c.session(adminEmail);
    const d = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
    const victim = await d.user();
    await d.req('PUT', '/api/settings', { token: victim.token, json: { provider: 'none' } });
    const doc = (await d.upload(victim.token, { filename: 'a.txt', bytes: 'bytes of the doomed' })).id;
    const key = (await app.runtime.db.query<{ object_key: string }>('SELECT object_key FROM documents WHERE id = $1', [doc]))
      .rows[0]!.object_key;
    assert.ok((await allKeys(app.runtime.blobs)).includes(key));

    const self = await c.req('DELETE', `/api/admin/users/${(await c.me(admin.access_token)).body.id}`, {
      token: admin.access_token,
    });
    assert.equal(self.status, 409);
    const del = await c.req('DELETE', `/api/admin/users/${victim.id}`, { token: admin.access_token });
    assert.equal(del.status, 202);
    assert.equal((await c.me(victim.token)).status, 401, 'signed out at once');
    // The job removes the rows, then the objects: wait for both.
    assert.ok(
      await eventually(
        async () =>
          (await app.runtime.db.query('SELECT 1 FROM users WHERE id = $1', [victim.id])).rows.length === 0 &&
          !(await allKeys(app.runtime.blobs)).includes(key),
      ),
      'the user and their object are gone',
    );
    assert.equal((await app.runtime.db.query('SELECT 1 FROM documents WHERE user_id = $1', [victim.id])).rows.length, 0);
    assert.equal((await c.req('DELETE', `/api/admin/users/${victim.id}`, { token: admin.access_token })).status, 404);
  });

  it('when the provider test runs against a reachable and a refusing endpoint, then it says ok, then the reason', async () => {
    const u = await c.user('ai');
    const t = u.session.access_token;
    assert.equal((await c.req('POST', '/api/settings/test', { token: t })).body.ok, true, 'local needs no connection');
    const good = await fakeProvider([openAiAnswer([{ name: 'Notes', confidence: 0.9 }])]);
    const bad = await fakeProvider([openAiError(401, 'Incorrect API key provided', 'invalid_request_error')]);
    try {
      await c.req('PUT', '/api/settings', {
        token: t,
        json: { provider: 'openai', base_url: `${good.url}/v1`, model: 'm', api_key: 'sk-test-123456789' },
      });
      const ok = await c.req('POST', '/api/settings/test', { token: t });
      assert.equal(ok.status, 200);
      assert.equal(ok.body.ok, true, ok.text);
      assert.equal(good.requests.length, 1);
      await c.req('PUT', '/api/settings', { token: t, json: { base_url: `${bad.url}/v1` } });
      const refused = await c.req('POST', '/api/settings/test', { token: t });
      assert.equal(refused.body.ok, false);
      assert.match(refused.body.detail, /key|401|auth/i);
      assert.ok(!refused.text.includes('sk-test-123456789'));
    } finally {
      await good.close();
      await bad.close();
    }
  });
});
