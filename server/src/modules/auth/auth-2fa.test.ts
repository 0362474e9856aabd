import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, mailsTo, outboxMails, PASSWORD } from '../../test-support/auth-fixtures.js';
import { totpCodeAt } from './totp.js';
import { decodeJwt } from 'jose';
import { createTokenSigner, RECENT_SIGN_IN_SECONDS } from './tokens.js';

const inSteps = (n: number) => new Date(Date.now() + n * 30_000);

forEachDatabase('two-factor authentication', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;

  before(async () => {
    app = await startTestApp({ db });
    c = authClient(app.baseUrl);
    await c.register(); // the admin; the users below are ordinary ones
  });
  after(() => app?.close());

  /** A user with 2FA on: their secret, backup codes and a session from before. */
  async function userWith2fa() {
    const u = await c.user('mfa');
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token: u.session.access_token, json: { password: PASSWORD } });
    assert.equal(setup.status, 200, setup.text);
    const en = await c.req('POST', '/api/auth/2fa/enable', {
      token: u.session.access_token,
      json: { password: PASSWORD, code: await totpCodeAt(setup.body.secret, new Date()) },
    });
    assert.equal(en.status, 200, en.text);
    return { ...u, secret: setup.body.secret as string, backupCodes: en.body.backup_codes as string[] };
  }

  async function mfaToken(email: string): Promise<string> {
    const r = await c.login(email);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.mfa_required, true);
    return r.body.mfa_token;
  }

  it('when set up, then the answer has the secret, an otpauth URI and an SVG QR code, and the database holds the secret only encrypted', async () => {
    const u = await c.user('setup');
    const r = await c.req('POST', '/api/auth/2fa/setup', { token: u.session.access_token, json: { password: PASSWORD } });
    assert.equal(r.status, 200);
    assert.match(r.body.secret, /^[A-Z2-7]+$/);
    assert.match(r.body.otpauth_uri, /^otpauth:\/\/totp\/DocuVault:/);
    assert.equal(new URL(r.body.otpauth_uri).searchParams.get('secret'), r.body.secret);
    assert.match(r.body.qr_svg, /^<svg[\s\S]*<\/svg>\s*$/);
    const row = await app.runtime.db.query<{ totp_secret_enc: string; totp_enabled: boolean }>(
      'SELECT totp_secret_enc, totp_enabled FROM users WHERE id = $1',
      [u.id],
    );
    assert.equal(row.rows[0]!.totp_enabled, false);
    assert.ok(row.rows[0]!.totp_secret_enc.length > 0);
    assert.ok(!row.rows[0]!.totp_secret_enc.includes(r.body.secret));
    // Not on yet: login still answers tokens.
    assert.ok((await c.session(u.email)).access_token);
  });

  it('when enabled with a wrong code, then 4xx and 2FA stays off; with the right code, then 10 backup codes (stored hashed)', async () => {
    const u = await c.user('enable');
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token: u.session.access_token, json: { password: PASSWORD } });
    const right = await totpCodeAt(setup.body.secret, new Date());
    const wrongCode = right === '000000' ? '111111' : '000000';
    const bad = await c.req('POST', '/api/auth/2fa/enable', {
      token: u.session.access_token,
      json: { password: PASSWORD, code: wrongCode },
    });
    assert.equal(bad.status, 400);
    assert.equal((await c.me(u.session.access_token)).body.totp_enabled, false);
    const notDigits = await c.req('POST', '/api/auth/2fa/enable', {
      token: u.session.access_token,
      json: { password: PASSWORD, code: 'abcdef' },
    });
    assert.equal(notDigits.status, 422);

    const ok = await c.req('POST', '/api/auth/2fa/enable', {
      token: u.session.access_token,
      json: { password: PASSWORD, code: right },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.backup_codes.length, 10);
    assert.equal(new Set(ok.body.backup_codes).size, 10);
    assert.equal((await c.me(u.session.access_token)).body.totp_enabled, true);

    const stored = await app.runtime.db.query<{ code_hash: string; used_at: Date | null }>(
      'SELECT code_hash, used_at FROM backup_codes WHERE user_id = $1',
      [u.id],
    );
    assert.equal(stored.rows.length, 10);
    const plain = ok.body.backup_codes.flatMap((code: string) => [code, code.replaceAll('-', '')]);
    for (const row of stored.rows) {
      assert.equal(row.used_at, null);
      assert.ok(!plain.some((p: string) => row.code_hash.includes(p)));
    }
    // Enabling again, or setting up while on, is refused.
    assert.equal(
      (await c.req('POST', '/api/auth/2fa/setup', { token: u.session.access_token, json: { password: PASSWORD } })).status,
      409,
    );
  });

  it('when the session signed in minutes ago, then setup needs no body and enable only the code (SPEC §3)', async () => {
    const u = await c.user('fresh-sign-in');
    const token = u.session.access_token;
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token });
    assert.equal(setup.status, 200, setup.text);
    const code = await totpCodeAt(setup.body.secret, new Date());
    const enabled = await c.req('POST', '/api/auth/2fa/enable', { token, json: { code } });
    assert.equal(enabled.status, 200, enabled.text);
    assert.equal(enabled.body.backup_codes.length, 10);
    assert.equal((await c.me(token)).body.totp_enabled, true);
  });

  it('when the session signed in longer ago than the recent-sign-in window, then setup needs the password', async () => {
    const u = await c.user('old-sign-in');
    const claims = decodeJwt(u.session.access_token) as { sub: string; sid: string };
    const signedInAt = Math.floor(Date.now() / 1000) - RECENT_SIGN_IN_SECONDS - 5;
    const token = await createTokenSigner(app.runtime.secrets.jwtKey).signAccess({
      userId: claims.sub,
      sessionId: claims.sid,
      authTime: signedInAt,
    });
    const old = await c.req('POST', '/api/auth/2fa/setup', { token });
    assert.equal(old.status, 403);
    assert.equal(old.body.code, 'password_required');
    const justInside = await createTokenSigner(app.runtime.secrets.jwtKey).signAccess({
      userId: claims.sub,
      sessionId: claims.sid,
      authTime: signedInAt + 30,
    });
    assert.equal((await c.req('POST', '/api/auth/2fa/setup', { token: justInside })).status, 200);
  });

  it('when setup or enable comes with a token minted by a refresh and no or a wrong current password, then 403 and 2FA stays off', async () => {
    const u = await c.user('stolen-token');
    // What a thief holding a token from later in the session (after a refresh) can send.
    const refreshed = await c.req('POST', '/api/auth/refresh', { json: { refresh_token: u.session.refresh_token } });
    assert.equal(refreshed.status, 200, refreshed.text);
    const token = refreshed.body.access_token as string;
    const bare = await c.req('POST', '/api/auth/2fa/setup', { token });
    assert.equal(bare.status, 403);
    assert.equal(bare.body.code, 'password_required');
    assert.equal((await c.req('POST', '/api/auth/2fa/setup', { token, json: {} })).status, 403);
    const wrongSetup = await c.req('POST', '/api/auth/2fa/setup', { token, json: { password: 'not the password' } });
    assert.equal(wrongSetup.status, 403);
    assert.equal(wrongSetup.body.code, 'wrong_password');
    const pending = await app.runtime.db.query<{ totp_secret_enc: string | null }>(
      'SELECT totp_secret_enc FROM users WHERE id = $1',
      [u.id],
    );
    assert.equal(pending.rows[0]!.totp_secret_enc, null, 'no secret was stored');

    // Even with a secret pending (set up by the owner), enabling needs the password again.
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token, json: { password: PASSWORD } });
    assert.equal(setup.status, 200, setup.text);
    const code = await totpCodeAt(setup.body.secret, new Date());
    const noPassword = await c.req('POST', '/api/auth/2fa/enable', { token, json: { code } });
    assert.equal(noPassword.status, 403);
    assert.equal(noPassword.body.code, 'password_required');
    const wrongEnable = await c.req('POST', '/api/auth/2fa/enable', { token, json: { password: 'not the password', code } });
    assert.equal(wrongEnable.status, 403);
    assert.equal((await c.me(token)).body.totp_enabled, false);
    assert.ok((await c.session(u.email)).access_token, 'the owner still signs in with the password alone');
  });

  it('when 2FA is on, then login answers mfa_required; the code gives tokens; the same code again is 401', async () => {
    const u = await userWith2fa();
    const login = await c.login(u.email);
    assert.equal(login.status, 200);
    assert.deepEqual(Object.keys(login.body).sort(), ['mfa_required', 'mfa_token']);
    assert.equal(login.headers.get('set-cookie'), null);

    const code = await totpCodeAt(u.secret, new Date());
    const ok = await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: login.body.mfa_token, code } });
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.body.access_token && ok.body.refresh_token);
    assert.equal((await c.me(ok.body.access_token)).status, 200);

    const replay = await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: await mfaToken(u.email), code } });
    assert.equal(replay.status, 401);
    // An older step than the one accepted is refused as well; the next one works.
    const older = await c.req('POST', '/api/auth/login/2fa', {
      json: { mfa_token: await mfaToken(u.email), code: await totpCodeAt(u.secret, inSteps(-1)) },
    });
    assert.equal(older.status, 401);
    const next = await c.req('POST', '/api/auth/login/2fa', {
      json: { mfa_token: await mfaToken(u.email), code: await totpCodeAt(u.secret, inSteps(1)) },
    });
    assert.equal(next.status, 200);
  });

  it('when the MFA token is forged, missing its factor, or used as a bearer token, then it gets nothing', async () => {
    const u = await userWith2fa();
    const token = await mfaToken(u.email);
    assert.equal((await c.me(token)).status, 401);
    const code = await totpCodeAt(u.secret, new Date());
    const forged = token.slice(0, -2) + (token.at(-2) === 'A' ? 'B' : 'A') + token.at(-1);
    assert.equal((await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: forged, code } })).status, 401);
    assert.equal((await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: u.session.access_token, code } })).status, 401);
    assert.equal((await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: token } })).status, 422);
  });

  it('when a backup code is used, then it works once and is 401 the second time, and the owner is alerted', async () => {
    const u = await userWith2fa();
    const [bc] = u.backupCodes;
    const first = await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: await mfaToken(u.email), backup_code: bc } });
    assert.equal(first.status, 200, first.text);
    assert.ok(first.body.access_token);
    const again = await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: await mfaToken(u.email), backup_code: bc } });
    assert.equal(again.status, 401);
    // Typed in lower case without dashes, another code still works.
    const typed = u.backupCodes[1]!.toLowerCase().replaceAll('-', '');
    assert.equal(
      (await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: await mfaToken(u.email), backup_code: typed } })).status,
      200,
    );

    const mails = await outboxMails(app.dataDir, (m) => mailsTo(m, u.email, /Subject: A backup code was used/).length === 2);
    assert.match(mailsTo(mails, u.email, /Subject: A backup code was used/).join('\n'), /Backup codes left: (9|8)/);
  });

  it('when disabling, then a wrong password or a wrong code is refused and 2FA stays on; both right turn it off', async () => {
    const u = await userWith2fa();
    const token = u.session.access_token;
    const code = await totpCodeAt(u.secret, new Date());
    const wrongPw = await c.req('POST', '/api/auth/2fa/disable', { token, json: { password: 'not my password', code } });
    assert.equal(wrongPw.status, 403);
    const wrongCode = await c.req('POST', '/api/auth/2fa/disable', {
      token,
      json: { password: PASSWORD, code: code === '000000' ? '111111' : '000000' },
    });
    assert.equal(wrongCode.status, 403);
    const noCode = await c.req('POST', '/api/auth/2fa/disable', { token, json: { password: PASSWORD } });
    assert.equal(noCode.status, 422);
    assert.equal((await c.me(token)).body.totp_enabled, true);

    const ok = await c.req('POST', '/api/auth/2fa/disable', { token, json: { password: PASSWORD, code } });
    assert.equal(ok.status, 204, ok.text);
    assert.equal((await c.me(token)).body.totp_enabled, false);
    const login = await c.login(u.email);
    assert.ok(login.body.access_token, 'login answers tokens again');
    const left = await app.runtime.db.query('SELECT 1 FROM backup_codes WHERE user_id = $1', [u.id]);
    assert.equal(left.rows.length, 0);
  });

  it('when disabling with a backup code instead of a TOTP code, then that works too', async () => {
    const u = await userWith2fa();
    const r = await c.req('POST', '/api/auth/2fa/disable', {
      token: u.session.access_token,
      json: { password: PASSWORD, code: u.backupCodes[0] },
    });
    assert.equal(r.status, 204, r.text);
  });

  it('when 2FA goes on and off, then both are mailed, and no mail carries the secret, a code or a token', async () => {
    const u = await userWith2fa();
    const code = await totpCodeAt(u.secret, new Date());
    const off = await c.req('POST', '/api/auth/2fa/disable', {
      token: u.session.access_token,
      json: { password: PASSWORD, code },
    });
    assert.equal(off.status, 204);
    const mails = await outboxMails(
      app.dataDir,
      (m) =>
        mailsTo(m, u.email, /Subject: Two-factor authentication was turned on/).length === 1 &&
        mailsTo(m, u.email, /Subject: Two-factor authentication was turned off/).length === 1,
    );
    const mine = mails.filter((m) => m.includes(`To: ${u.email}`)).join('\n');
    for (const secret of [u.secret, ...u.backupCodes, u.session.access_token, u.session.refresh_token, PASSWORD]) {
      assert.ok(!mine.includes(secret), 'a mail carries a secret');
    }
    assert.ok(!new RegExp(`(?<![0-9])${code}(?![0-9])`).test(mine), 'a mail carries the TOTP code');
  });
});
