import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from '../../test-support/spawn-server.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, PASSWORD, randomEmail } from '../../test-support/auth-fixtures.js';
import { purgeAuthStateJob } from './purge-auth-state.job.js';
import { THROTTLE_LIMITS, THROTTLE_WINDOW_SECONDS } from './throttle.js';
import { hashRefreshToken } from './tokens.js';
import { totpCodeAt } from './totp.js';

/** Wrong-password logins until the first 429 (at most `max`); returns the attempt number of that 429, or null. */
async function guessUntilThrottled(login: (i: number) => Promise<{ status: number; headers: Headers }>, max = 30) {
  for (let i = 1; i <= max; i++) {
    const r = await login(i);
    if (r.status === 429) return { attempt: i, retryAfter: Number(r.headers.get('retry-after')) };
    assert.equal(r.status, 401, `attempt ${i}`);
  }
  return null;
}

forEachDatabase('login throttling', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;

  before(async () => {
    app = await startTestApp({ db });
    c = authClient(app.baseUrl);
  });
  after(() => app?.close());

  it('when one account gets 30 wrong passwords in a row, then 429 with Retry-After comes before the 30th, and even the right password waits', async () => {
    const email = randomEmail('victim');
    await c.register(email);
    const hit = await guessUntilThrottled((i) => c.login(email, `guess number ${i}`));
    assert.ok(hit, 'never throttled');
    assert.equal(hit.attempt, THROTTLE_LIMITS.loginPerAccountAndAddress + 1);
    assert.ok(hit.retryAfter >= 1 && hit.retryAfter <= THROTTLE_WINDOW_SECONDS, `Retry-After ${hit.retryAfter}`);
    const right = await c.login(email);
    assert.equal(right.status, 429);
    assert.equal(typeof right.body.detail, 'string');
    // Other accounts from the same address are not locked by one account's lock.
    const other = await c.user('bystander');
    assert.ok(other.session.access_token);
  });

  it('when the email is unknown, then it is throttled exactly like a known one', async () => {
    const ghost = randomEmail('ghost');
    const hit = await guessUntilThrottled((i) => c.login(ghost, `guess ${i}`));
    assert.equal(hit?.attempt, THROTTLE_LIMITS.loginPerAccountAndAddress + 1);
  });

  it('when successful logins come between, then they do not use up the allowance', async () => {
    const email = randomEmail('busy');
    await c.register(email);
    for (let i = 0; i < THROTTLE_LIMITS.loginPerAccountAndAddress + 5; i++) assert.equal((await c.login(email)).status, 200);
    assert.equal((await c.login(email, 'wrong password')).status, 401);
  });

  it('when the hourly purge runs, then old throttle windows and long-expired refresh tokens are gone, current ones stay', async () => {
    const q = app.runtime.db;
    await q.query(
      "INSERT INTO auth_throttle (bucket, hits, window_started_at) VALUES ('test:old', 3, now() - interval '3 days'), ('test:new', 3, now())",
    );
    const u = await c.user('purge');
    const old = await c.session(u.email);
    // Counted before the token expires: the app's own hourly purge may run at any moment after.
    const before = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [u.id]);
    await q.query("UPDATE refresh_tokens SET expires_at = now() - interval '2 days' WHERE token_hash = $1", [
      hashRefreshToken(old.refresh_token),
    ]);
    await purgeAuthStateJob(q).handler({}, { jobId: 'test', retryCount: 0 });
    const { rows } = await q.query<{ bucket: string }>("SELECT bucket FROM auth_throttle WHERE bucket LIKE 'test:%'");
    assert.deepEqual(
      rows.map((r) => r.bucket),
      ['test:new'],
    );
    const after = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [u.id]);
    assert.equal(after.rows[0]!.n, before.rows[0]!.n - 1);
    assert.equal((await c.refresh(u.session.refresh_token)).status, 200);
    const stored = await q.query<{ bucket: string }>('SELECT bucket FROM auth_throttle');
    assert.ok(
      stored.rows.every((r) => !r.bucket.includes('@') && !r.bucket.includes('127.0.0.1')),
      'buckets carry hashes only',
    );
  });

  it('when 2FA codes are guessed, then login/2fa answers 429 after the limit', async () => {
    const u = await c.user('mfa-guess');
    const setup = await c.req('POST', '/api/auth/2fa/setup', { token: u.session.access_token, json: { password: PASSWORD } });
    const code = await totpCodeAt(setup.body.secret, new Date());
    assert.equal(
      (await c.req('POST', '/api/auth/2fa/enable', { token: u.session.access_token, json: { password: PASSWORD, code } })).status,
      200,
    );
    const mfa = (await c.login(u.email)).body.mfa_token;
    const wrong = (i: number) => String((Number(code) + 500_000 + i) % 1_000_000).padStart(6, '0');
    let throttledAt = 0;
    for (let i = 1; i <= 30 && !throttledAt; i++) {
      const r = await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: mfa, code: wrong(i) } });
      if (r.status === 429) throttledAt = i;
      else assert.equal(r.status, 401);
    }
    assert.equal(throttledAt, THROTTLE_LIMITS.secondFactorPerAccount + 1);
    // The right code is refused too while the account is throttled.
    assert.equal((await c.req('POST', '/api/auth/login/2fa', { json: { mfa_token: mfa, code } })).status, 429);
  });

  it('when one address guesses across many accounts, then it is throttled after the per-address limit', async () => {
    // Earlier tests already spent part of this address's allowance, so the 429 may come sooner.
    const hit = await guessUntilThrottled(
      (i) => c.login(randomEmail(`spray${i}`), 'wrong password'),
      THROTTLE_LIMITS.loginPerAddress + 1,
    );
    assert.ok(hit, 'never throttled');
    assert.ok(hit.attempt <= THROTTLE_LIMITS.loginPerAddress + 1);
  });

  it('when one address registers over and over, then 429 after the per-address limit', async () => {
    while (c.registrations < THROTTLE_LIMITS.registerPerAddress) await c.register();
    const r = await c.req('POST', '/api/auth/register', { json: { email: randomEmail('one-too-many'), password: PASSWORD } });
    assert.equal(r.status, 429);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  });
});

describe('login throttling across two API processes on one PostgreSQL', { skip: process.env.TEST_DB === 'pglite' }, () => {
  const dirs: string[] = [];
  let servers: ServerProcess[] = [];
  let url = '';

  before(async () => {
    buildOnce();
    url = await createTestDatabaseUrl();
    const secret = 'two-processes-share-this-secret-key-0123456789';
    for (let i = 0; i < 2; i++) dirs.push(mkdtempSync(join(tmpdir(), 'dv-throttle-')));
    // One after the other: this test is about sharing counters, not about starting together.
    for (const d of dirs) {
      const s = await spawnServer({ DATA_DIR: d, DATABASE_URL: url, SECRET_KEY: secret, ROLE: 'api' });
      servers.push(s);
      await waitHealthy(s, 60_000);
    }
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    if (url) await dropTestDatabase(url);
  });

  it('when 30 wrong passwords alternate between the two processes, then 429 comes before the 30th', async () => {
    const [a, b] = servers.map((s) => authClient(s.baseUrl));
    const email = randomEmail('spread');
    await a!.register(email);
    // A token from one process is good on the other: they share the database and the secret.
    const session = await b!.session(email);
    assert.equal((await a!.me(session.access_token)).status, 200);

    const hit = await guessUntilThrottled((i) => (i % 2 ? a! : b!).login(email, `guess number ${i}`));
    assert.ok(hit, 'never throttled');
    assert.equal(hit.attempt, THROTTLE_LIMITS.loginPerAccountAndAddress + 1);
    assert.equal((await a!.login(email)).status, 429);
    assert.equal((await b!.login(email)).status, 429);
  });
});
