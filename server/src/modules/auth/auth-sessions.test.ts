import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { databaseKinds, forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, mailsTo, outboxMails, PASSWORD, randomEmail } from '../../test-support/auth-fixtures.js';
import { createTokenSigner } from './tokens.js';

forEachDatabase('accounts and sessions', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;

  before(async () => {
    app = await startTestApp({ db });
    c = authClient(app.baseUrl);
  });
  after(() => app?.close());

  it('when the first account registers, then it is admin, later ones are users, and each gets the default quota', async () => {
    const first = await c.register(randomEmail('first'));
    assert.equal(first.role, 'admin');
    const second = await c.user('second');
    assert.equal(second.role, 'user');
    assert.deepEqual(Object.keys(first).sort(), ['email', 'id', 'role']);
    const q = await c.req('GET', '/api/auth/me/quota', { token: second.session.access_token });
    assert.equal(q.status, 200);
    assert.deepEqual(q.body, { used_bytes: 0, limit_bytes: 104857600, reserved_bytes: 0 });
  });

  it('when the OpenAPI document is asked for, then it lists every accounts and admin route', async () => {
    const r = await c.req('GET', '/api/docs/json');
    for (const path of [
      '/api/auth/register',
      '/api/auth/login',
      '/api/auth/login/2fa',
      '/api/auth/refresh',
      '/api/auth/logout',
      '/api/auth/me',
      '/api/auth/me/quota',
      '/api/auth/2fa/setup',
      '/api/auth/2fa/enable',
      '/api/auth/2fa/disable',
      '/api/auth/password',
      '/api/admin/users',
      '/api/admin/users/{id}',
    ]) {
      assert.ok(r.body.paths[path], path);
    }
  });

  it('when the email has spaces and capitals, then it is stored trimmed and lower-cased and a case variant is 409', async () => {
    const email = randomEmail('Case');
    const reg = await c.register(`  ${email.toUpperCase()} `);
    assert.equal(reg.email, email.toLowerCase());
    const dup = await c.req('POST', '/api/auth/register', {
      json: { email: email.toUpperCase(), password: 'another long password' },
    });
    assert.equal(dup.status, 409);
    assert.equal(typeof dup.body.detail, 'string');
    const login = await c.login(email.toUpperCase());
    assert.equal(login.status, 200);
  });

  it('when the password has 7 or 1025 characters, then 422; 8 and 1024 are accepted', async () => {
    for (const password of ['x'.repeat(7), 'x'.repeat(1025)]) {
      const r = await c.req('POST', '/api/auth/register', { json: { email: randomEmail('len'), password } });
      assert.equal(r.status, 422, `${password.length} chars: ${r.status}`);
      assert.match(r.body.detail, /password/);
    }
    await c.register(randomEmail('len8'), 'x'.repeat(8));
    await c.register(randomEmail('len1024'), 'y'.repeat(1024));
  });

  it('when the JSON body is malformed, then 400 with {"detail"}', async () => {
    for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/refresh']) {
      const r = await c.req('POST', path, { body: '{"email": "a@b.c", ', headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 400, path);
      assert.equal(typeof r.body.detail, 'string');
    }
  });

  it('when the email is unknown or the password wrong, then the 401 answers are byte-identical', async () => {
    const { email } = await c.user('enum');
    const wrong = await c.login(email, 'wrong password here');
    const nobody = await c.login(randomEmail('nobody'), 'wrong password here');
    assert.equal(wrong.status, 401);
    assert.equal(nobody.status, 401);
    assert.equal(wrong.text, nobody.text);
    assert.equal(wrong.headers.get('www-authenticate'), nobody.headers.get('www-authenticate'));
  });

  it('when a refresh token is spent twice, then the reuse is 401, the newest token of its family is 401 too, and an alert is mailed', async () => {
    const email = randomEmail('rotate');
    await c.register(email);
    const t1 = await c.session(email);
    assert.equal(t1.token_type, 'bearer');
    assert.equal(t1.expires_in, 900);
    const me = await c.me(t1.access_token);
    assert.equal(me.status, 200);
    assert.deepEqual(Object.keys(me.body).sort(), ['created_at', 'email', 'id', 'must_change_password', 'role', 'totp_enabled']);
    assert.equal(me.body.email, email);

    const r2 = await c.refresh(t1.refresh_token);
    assert.equal(r2.status, 200);
    assert.notEqual(r2.body.refresh_token, t1.refresh_token);
    assert.equal((await c.me(r2.body.access_token)).status, 200);

    const reuse = await c.refresh(t1.refresh_token);
    assert.equal(reuse.status, 401);
    assert.equal(typeof reuse.body.detail, 'string');
    assert.equal((await c.refresh(r2.body.refresh_token)).status, 401);
    // The family is over: its access tokens stop working at once as well.
    assert.equal((await c.me(r2.body.access_token)).status, 401);

    const mails = await outboxMails(app.dataDir, (m) => mailsTo(m, email, /Subject: Suspicious use/).length === 1);
    const alert = mailsTo(mails, email, /Subject: Suspicious use/)[0]!;
    for (const secret of [t1.refresh_token, r2.body.refresh_token, t1.access_token]) assert.ok(!alert.includes(secret));
    assert.ok(mailsTo(mails, email, /Subject: New sign-in/).length >= 1);
  });

  it('when login answers, then it sets an httpOnly SameSite=Strict refresh cookie for /api/auth that refresh accepts without a body', async () => {
    const { email } = await c.user('cookie');
    const login = await c.login(email);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^dv_refresh=[A-Za-z0-9_-]+;/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\/api\/auth(;|$)/);
    assert.doesNotMatch(cookie, /Secure/i); // PUBLIC_URL is not https here
    const value = cookie.split(';')[0]!.split('=')[1]!;
    assert.equal(value, login.body.refresh_token);

    const r = await c.req('POST', '/api/auth/refresh', { headers: { cookie: `dv_refresh=${value}` } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('set-cookie') ?? '', new RegExp(`^dv_refresh=${r.body.refresh_token};`));
    assert.equal((await c.req('POST', '/api/auth/refresh', { headers: { cookie: `dv_refresh=${value}` } })).status, 401);
  });

  it('when no refresh token or an unknown one is presented, then 401', async () => {
    assert.equal((await c.req('POST', '/api/auth/refresh')).status, 401);
    assert.equal((await c.refresh('A'.repeat(43))).status, 401);
  });

  it('when a JWT says alg none, has a changed signature or an expired exp, then a protected route answers 401 {"detail"}', async () => {
    const { session } = await c.user('jwt');
    const good = session.access_token;
    assert.equal((await c.me(good)).status, 200);
    const [, payload, signature] = good.split('.');

    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const flipped = signature!.slice(0, -2) + (signature!.at(-2) === 'A' ? 'B' : 'A') + signature!.at(-1);
    const claims = decodeJwt(good) as { sub: string; sid: string };
    const past = createTokenSigner(app.runtime.secrets.jwtKey, () => new Date(Date.now() - 16 * 60 * 1000));
    const expired = await past.signAccess({ userId: claims.sub, sessionId: claims.sid });
    const stillValid = await createTokenSigner(app.runtime.secrets.jwtKey).signAccess({
      userId: claims.sub,
      sessionId: claims.sid,
    });
    assert.equal((await c.me(stillValid)).status, 200, 'control: the same claims, freshly signed, pass');

    for (const [what, token] of [
      ['alg none', `${noneHeader}.${payload}.`],
      ['changed signature', `${good.split('.')[0]}.${payload}.${flipped}`],
      ['expired exp', expired],
    ] as const) {
      const r = await c.me(token);
      assert.equal(r.status, 401, what);
      assert.equal(typeof r.body.detail, 'string', what);
    }
  });

  it('when there is no or a malformed Authorization header, then 401 {"detail"}', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer' },
      { authorization: 'Basic abc' },
      { authorization: 'Bearer not.a.jwt' },
    ]) {
      const r = await c.req('GET', '/api/auth/me', { headers });
      assert.equal(r.status, 401);
      assert.equal(typeof r.body.detail, 'string');
    }
  });

  it('when logging out, then that session (access and refresh) ends and other sessions go on', async () => {
    const { email, session: a } = await c.user('logout');
    const b = await c.session(email);
    const r = await c.req('POST', '/api/auth/logout', { token: a.access_token, json: { refresh_token: a.refresh_token } });
    assert.equal(r.status, 204);
    assert.equal((await c.refresh(a.refresh_token)).status, 401);
    assert.equal((await c.me(a.access_token)).status, 401);
    assert.equal((await c.me(b.access_token)).status, 200);
    assert.equal((await c.refresh(b.refresh_token)).status, 200);
    assert.equal((await c.req('POST', '/api/auth/logout')).status, 401);
  });

  it("when the password changes, then every other session's refresh token is revoked, this one lives, and an alert is mailed", async () => {
    const { email, session: a } = await c.user('pw');
    const b = await c.session(email);
    const wrong = await c.req('POST', '/api/auth/password', {
      token: a.access_token,
      json: { current_password: 'not the password', new_password: 'a brand new password' },
    });
    assert.equal(wrong.status, 403);
    const short = await c.req('POST', '/api/auth/password', {
      token: a.access_token,
      json: { current_password: PASSWORD, new_password: 'short' },
    });
    assert.equal(short.status, 422);

    const r = await c.req('POST', '/api/auth/password', {
      token: a.access_token,
      json: { current_password: PASSWORD, new_password: 'a brand new password' },
    });
    assert.equal(r.status, 204);
    assert.equal((await c.refresh(b.refresh_token)).status, 401);
    assert.equal((await c.me(b.access_token)).status, 401);
    assert.equal((await c.me(a.access_token)).status, 200);
    assert.equal((await c.refresh(a.refresh_token)).status, 200);
    assert.equal((await c.login(email)).status, 401);
    assert.equal((await c.login(email, 'a brand new password')).status, 200);

    const mails = await outboxMails(
      app.dataDir,
      (m) => mailsTo(m, email, /Subject: Your DocuVault password was changed/).length === 1,
    );
    const alert = mailsTo(mails, email, /Subject: Your DocuVault password was changed/)[0]!;
    assert.ok(!alert.includes('a brand new password') && !alert.includes(PASSWORD));
  });
});

describe('accounts with REGISTRATION=closed and an https PUBLIC_URL', () => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;
  before(async () => {
    app = await startTestApp({
      db: databaseKinds()[0],
      env: { REGISTRATION: 'closed', PUBLIC_URL: 'https://vault.example.com' },
    });
    c = authClient(app.baseUrl);
  });
  after(() => app?.close());

  it('when the first account registers, then it may; every later registration is 403', async () => {
    const admin = await c.register(randomEmail('owner'));
    assert.equal(admin.role, 'admin');
    const r = await c.req('POST', '/api/auth/register', { json: { email: randomEmail('late'), password: PASSWORD } });
    assert.equal(r.status, 403);
    assert.equal(typeof r.body.detail, 'string');
  });

  it('when logging in, then the refresh cookie is Secure', async () => {
    const email = randomEmail('owner2');
    // The only account is the admin made above; sign in as that one.
    const list = await c.req('POST', '/api/auth/login', { json: { email, password: PASSWORD } });
    assert.equal(list.status, 401);
    const users = await app.runtime.db.query<{ email: string }>('SELECT email FROM users');
    const r = await c.login(users.rows[0]!.email);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('set-cookie') ?? '', /;\s*Secure/i);
  });
});
