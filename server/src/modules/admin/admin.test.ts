import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, type Session } from '../../test-support/auth-fixtures.js';

forEachDatabase('admin', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;
  let admin: { id: string; email: string; session: Session };
  let user: { id: string; email: string; session: Session };

  before(async () => {
    app = await startTestApp({ db });
    c = authClient(app.baseUrl);
    admin = await c.user('admin');
    user = await c.user('user');
  });
  after(() => app?.close());

  const patch = (token: string, id: string, json: unknown) => c.req('PATCH', `/api/admin/users/${id}`, { token, json });

  it('when a non-admin calls any admin route, then 403; without a token, then 401', async () => {
    const t = user.session.access_token;
    const calls = [
      c.req('GET', '/api/admin/users', { token: t }),
      c.req('GET', '/api/admin/users?limit=0', { token: t }),
      patch(t, user.id, { limit_bytes: 10 ** 12 }),
      patch(t, user.id, { role: 'admin' }),
      patch(t, admin.id, { disabled: true }),
      patch(t, admin.id, { limit_bytes: -1 }),
      patch(t, randomUUID(), {}),
    ];
    for (const r of await Promise.all(calls)) {
      assert.equal(r.status, 403, r.text);
      assert.equal(typeof r.body.detail, 'string');
    }
    assert.equal((await c.req('GET', '/api/admin/users')).status, 401);
    assert.equal((await c.req('PATCH', `/api/admin/users/${user.id}`, { json: { role: 'admin' } })).status, 401);
    const after = await c.me(user.session.access_token);
    assert.equal(after.body.role, 'user');
  });

  it('when the admin lists users, then each has email, role, disabled and quota use, paginated with a total', async () => {
    await c.user('extra');
    const all = await c.req('GET', '/api/admin/users', { token: admin.session.access_token });
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 3);
    assert.equal(all.body.items.length, 3);
    const first = all.body.items[0];
    assert.deepEqual(Object.keys(first).sort(), [
      'created_at',
      'disabled',
      'email',
      'id',
      'limit_bytes',
      'role',
      'totp_enabled',
      'used_bytes',
    ]);
    assert.equal(first.id, admin.id);
    assert.equal(first.role, 'admin');
    assert.equal(first.disabled, false);
    assert.equal(first.used_bytes, 0);
    assert.equal(first.limit_bytes, 104857600);

    const page = await c.req('GET', '/api/admin/users?limit=1&offset=1', { token: admin.session.access_token });
    assert.equal(page.status, 200);
    assert.equal(page.body.total, 3);
    assert.deepEqual(
      page.body.items.map((u: { id: string }) => u.id),
      [user.id],
    );
    for (const q of ['limit=0', 'limit=201', 'offset=-1', 'limit=abc']) {
      assert.equal((await c.req('GET', `/api/admin/users?${q}`, { token: admin.session.access_token })).status, 422, q);
    }
  });

  it("when the admin changes a user's limit, then GET /me/quota shows it; a bad limit is 422", async () => {
    const r = await patch(admin.session.access_token, user.id, { limit_bytes: 12345 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, user.id);
    assert.equal(r.body.limit_bytes, 12345);
    const q = await c.req('GET', '/api/auth/me/quota', { token: user.session.access_token });
    assert.deepEqual(q.body, { used_bytes: 0, limit_bytes: 12345, reserved_bytes: 0 });
    for (const limit_bytes of [-1, 1.5, 'lots', Number.MAX_SAFE_INTEGER + 2]) {
      assert.equal((await patch(admin.session.access_token, user.id, { limit_bytes })).status, 422, String(limit_bytes));
    }
    assert.equal((await patch(admin.session.access_token, user.id, { limit_bytes: 0 })).body.limit_bytes, 0);
  });

  it('when the user id is unknown or not an id, then 404', async () => {
    assert.equal((await patch(admin.session.access_token, randomUUID(), { limit_bytes: 1 })).status, 404);
    assert.equal((await patch(admin.session.access_token, 'not-a-uuid', { limit_bytes: 1 })).status, 404);
  });

  it('when the last admin would be demoted or disabled, then 409 and nothing changes', async () => {
    for (const body of [{ role: 'user' }, { disabled: true }, { role: 'user', disabled: true }]) {
      const r = await patch(admin.session.access_token, admin.id, body);
      assert.equal(r.status, 409, JSON.stringify(body));
      assert.match(r.body.detail, /last admin/i);
    }
    const me = await c.me(admin.session.access_token);
    assert.equal(me.body.role, 'admin');
  });

  it('when a second admin exists, then one may be demoted, and the new last admin is protected again', async () => {
    const second = await c.user('second-admin');
    const promoted = await patch(admin.session.access_token, second.id, { role: 'admin' });
    assert.equal(promoted.status, 200);
    assert.equal(promoted.body.role, 'admin');
    // The role takes effect at once, on the access token already held.
    assert.equal((await c.req('GET', '/api/admin/users', { token: second.session.access_token })).status, 200);

    const demoted = await patch(second.session.access_token, admin.id, { role: 'user' });
    assert.equal(demoted.status, 200);
    assert.equal((await c.req('GET', '/api/admin/users', { token: admin.session.access_token })).status, 403);
    assert.equal((await patch(second.session.access_token, second.id, { role: 'user' })).status, 409);
    // Put things back for the tests that follow.
    assert.equal((await patch(second.session.access_token, admin.id, { role: 'admin' })).status, 200);
    assert.equal((await patch(admin.session.access_token, second.id, { role: 'user' })).status, 200);
  });

  it('when two admins demote each other at the same moment, then exactly one wins and an admin remains', async () => {
    const second = await c.user('rival');
    assert.equal((await patch(admin.session.access_token, second.id, { role: 'admin' })).status, 200);
    const [a, b] = await Promise.all([
      patch(admin.session.access_token, second.id, { role: 'user' }),
      patch(second.session.access_token, admin.id, { role: 'user' }),
    ]);
    const statuses = [a.status, b.status].sort();
    assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses ${statuses}`);
    assert.ok(
      statuses.every((s) => s === 200 || s === 403 || s === 409),
      `statuses ${statuses}`,
    );
    const admins = await app.runtime.db.query("SELECT id FROM users WHERE role = 'admin' AND NOT disabled");
    assert.equal(admins.rows.length, 1);
    // Put things back for the tests that follow.
    const winner = a.status === 200 ? admin : second;
    if (winner === second) assert.equal((await patch(second.session.access_token, admin.id, { role: 'admin' })).status, 200);
    else assert.equal(a.body.role, 'user');
  });

  it('when a user is disabled, then their sessions end and they cannot log in or refresh; enabled again, they can log in', async () => {
    const victim = await c.user('disabled');
    const other = await c.session(victim.email);
    const r = await patch(admin.session.access_token, victim.id, { disabled: true });
    assert.equal(r.status, 200);
    assert.equal(r.body.disabled, true);
    assert.equal((await c.me(victim.session.access_token)).status, 401);
    assert.equal((await c.refresh(victim.session.refresh_token)).status, 401);
    assert.equal((await c.refresh(other.refresh_token)).status, 401);
    const login = await c.login(victim.email);
    assert.equal(login.status, 403);
    assert.equal(typeof login.body.detail, 'string');

    assert.equal((await patch(admin.session.access_token, victim.id, { disabled: false })).status, 200);
    assert.equal((await c.login(victim.email)).status, 200);
    assert.equal((await c.refresh(other.refresh_token)).status, 401, 'revoked sessions stay revoked');
  });

  it('when the admin PATCHes with unknown fields only, then nothing changes and the user comes back', async () => {
    const r = await patch(admin.session.access_token, user.id, { email: 'hijack@example.com', password_hash: 'x' });
    assert.equal(r.status, 200);
    assert.equal(r.body.email, user.email);
  });
});
