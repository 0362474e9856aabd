import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, mailsTo, outboxMails, PASSWORD } from '../../test-support/auth-fixtures.js';
import { totpCodeAt } from '../auth/totp.js';

forEachDatabase(`admin: reset a user's 2FA`, (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;
  let admin: Awaited<ReturnType<ReturnType<typeof authClient>['user']>>;

  before(async () => {
    app = await startTestApp({ db });
    c = authClient(app.baseUrl);
    admin = await c.user('admin');
  });
  after(() => app?.close());

  const reset = (token: string, id: string) => c.req('POST', `/api/admin/users/${id}/reset-2fa`, { token });

  async function userWith2fa(tag: string) {
    const u = await c.user(tag);
    const token = u.session.access_token;
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token, json: { password: PASSWORD } });
    const code = await totpCodeAt(setup.body.secret, new Date());
    assert.equal((await c.req('POST', '/api/auth/2fa/enable', { token, json: { password: PASSWORD, code } })).status, 200);
    return u;
  }

  it('when the admin resets a user who lost their device, then sign-in needs the password only, the codes are gone and the user is mailed', async () => {
    const u = await userWith2fa('lost-phone');
    assert.equal((await c.login(u.email)).body.mfa_required, true);
    const listed = await c.req('GET', '/api/admin/users?limit=200', { token: admin.session.access_token });
    assert.equal(listed.body.items.find((x: { id: string }) => x.id === u.id).totp_enabled, true);

    const r = await reset(admin.session.access_token, u.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.id, u.id);
    assert.equal(r.body.totp_enabled, false);
    const login = await c.login(u.email);
    assert.equal(login.status, 200);
    assert.ok(login.body.access_token, 'tokens, no second step');
    const left = await app.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM backup_codes WHERE user_id = $1', [
      u.id,
    ]);
    assert.equal(left.rows[0]!.n, 0);
    const secret = await app.runtime.db.query<{ s: string | null }>('SELECT totp_secret_enc AS s FROM users WHERE id = $1', [
      u.id,
    ]);
    assert.equal(secret.rows[0]!.s, null);

    const mails = await outboxMails(
      app.dataDir,
      (m) => mailsTo(m, u.email, /Subject: An administrator turned off your two-factor/).length === 1,
    );
    const mail = mailsTo(mails, u.email, /Subject: An administrator turned off your two-factor/)[0]!;
    assert.match(mail, /removed its backup\s+codes/);
    assert.equal((await reset(admin.session.access_token, u.id)).status, 409, 'nothing left to reset');
  });

  it('when a non-admin, an unknown user or the admin themself is the target, then 403/404 and nothing changes', async () => {
    const u = await userWith2fa('keeps-2fa');
    const other = await c.user('not-admin');
    assert.equal((await reset(other.session.access_token, u.id)).status, 403);
    assert.equal((await c.req('POST', `/api/admin/users/${u.id}/reset-2fa`)).status, 401);
    assert.equal((await reset(admin.session.access_token, randomUUID())).status, 404);
    assert.equal((await reset(admin.session.access_token, 'not-a-uuid')).status, 404);
    const self = await reset(admin.session.access_token, admin.id);
    assert.equal(self.status, 403);
    assert.equal(typeof self.body.detail, 'string');
    assert.equal((await c.login(u.email)).body.mfa_required, true, '2FA still on');
  });
});
