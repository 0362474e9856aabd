import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, outboxMails, PASSWORD, randomEmail } from '../../test-support/auth-fixtures.js';
import { totpCodeAt } from './totp.js';

forEachDatabase('secrets never reach the log', (db) => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ db, env: { LOG_LEVEL: 'trace' } });
  });
  after(() => app?.close());

  it('when a full account flow runs at trace level, then no password, hash, token, TOTP secret, code or backup code is in the log', async () => {
    const c = authClient(app.baseUrl);
    const secrets: string[] = [];
    const codes: string[] = [];
    const NEW_PASSWORD = 'the second password of this account';
    secrets.push(PASSWORD, NEW_PASSWORD, 'wrong password here');

    const admin = await c.user('admin');
    const email = randomEmail('logged');
    const reg = await c.register(email);
    const s1 = await c.session(email);
    secrets.push(admin.session.access_token, admin.session.refresh_token, s1.access_token, s1.refresh_token);
    assert.equal((await c.me(s1.access_token)).status, 200);
    assert.equal((await c.login(email, 'wrong password here')).status, 401);
    assert.equal((await c.req('POST', '/api/auth/register', { json: { email: randomEmail(), password: 'short' } })).status, 422);
    await c.req('POST', '/api/auth/login', {
      body: `{"email": "${email}", "password": "${PASSWORD}"`,
      headers: { 'content-type': 'application/json' },
    });

    // Refresh by body and by cookie, then a reuse.
    const s2 = (await c.refresh(s1.refresh_token)).body;
    const s3r = await c.req('POST', '/api/auth/refresh', { headers: { cookie: `dv_refresh=${s2.refresh_token}` } });
    const s3 = s3r.body;
    secrets.push(s2.access_token, s2.refresh_token, s3.access_token, s3.refresh_token);
    assert.equal((await c.refresh(s1.refresh_token)).status, 401);

    // 2FA on, sign in with a code and with a backup code, then off.
    const s4 = await c.session(email);
    secrets.push(s4.access_token, s4.refresh_token);
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token: s4.access_token, json: { password: PASSWORD } });
    secrets.push(setup.body.secret, setup.body.otpauth_uri);
    const enableCode = await totpCodeAt(setup.body.secret, new Date());
    const en = await c.req('POST', '/api/auth/2fa/enable', {
      token: s4.access_token,
      json: { password: PASSWORD, code: enableCode },
    });
    assert.equal(en.status, 200);
    const backupCodes: string[] = en.body.backup_codes;
    secrets.push(...backupCodes, ...backupCodes.map((b) => b.replaceAll('-', '')));
    const mfa1 = (await c.login(email)).body.mfa_token;
    const loginCode = await totpCodeAt(setup.body.secret, new Date(Date.now() + 30_000));
    const s5 = (await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: mfa1, code: loginCode } })).body;
    const mfa2 = (await c.login(email)).body.mfa_token;
    const s6 = (await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: mfa2, backup_code: backupCodes[0] } })).body;
    secrets.push(mfa1, mfa2, s5.access_token, s5.refresh_token, s6.access_token, s6.refresh_token);
    codes.push(enableCode, loginCode);
    const off = await c.req('POST', '/api/auth/2fa/disable', {
      token: s5.access_token,
      json: { password: PASSWORD, code: backupCodes[1] },
    });
    assert.equal(off.status, 204);

    // Password change, admin action, logout, and a throttled guess.
    assert.equal(
      (
        await c.req('POST', '/api/auth/password', {
          token: s5.access_token,
          json: { current_password: PASSWORD, new_password: NEW_PASSWORD },
        })
      ).status,
      204,
    );
    await c.req('PATCH', `/api/admin/users/${reg.id}`, { token: admin.session.access_token, json: { limit_bytes: 5000 } });
    await c.req('POST', '/api/auth/logout', { token: s5.access_token, json: { refresh_token: s5.refresh_token } });
    for (let i = 0; i < 12; i++) await c.login(email, 'wrong password here');

    // Let the alert mails go out, so the job runner's lines are in the log too.
    await outboxMails(app.dataDir, (m) => m.length >= 6);
    await app.runtime.jobs.idle(['send-security-alert']);

    // What the database keeps is secret too.
    const rows = await app.runtime.db.query<{ v: string }>(
      `SELECT password_hash AS v FROM users
       UNION ALL SELECT totp_secret_enc FROM users WHERE totp_secret_enc IS NOT NULL
       UNION ALL SELECT token_hash FROM refresh_tokens
       UNION ALL SELECT code_hash FROM backup_codes`,
    );
    secrets.push(...rows.rows.map((r) => r.v));

    const logs = app.logs();
    assert.ok((logs.match(/request completed/g) ?? []).length >= 30, 'the flow is in the log');
    assert.ok(secrets.length > 30);
    for (const s of secrets) assert.ok(!logs.includes(s), `the log contains a secret (${s.slice(0, 6)}…)`);
    for (const code of codes) assert.ok(!new RegExp(`(?<![0-9])${code}(?![0-9])`).test(logs), 'the log contains a TOTP code');
    // The bearer and cookie headers are censored, not just absent.
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}/.test(logs), 'the log contains a JWT');
  });
});
