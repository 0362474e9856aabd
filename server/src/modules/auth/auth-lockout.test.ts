import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { authClient, PASSWORD, randomEmail } from '../../test-support/auth-fixtures.js';
import { THROTTLE_LIMITS } from './throttle.js';

/**
 * Behind one reverse proxy (TRUST_PROXY=true): which address a request counts for, and
 * that a stranger's wrong passwords do not lock the owner out.
 */
forEachDatabase('throttling behind a proxy', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;

  before(async () => {
    app = await startTestApp({ db, env: { TRUST_PROXY: 'true' } });
    c = authClient(app.baseUrl);
  });
  after(() => app?.close());

  /** A login as if it came through the proxy from `from`; `xff` is the header as the proxy passes it on. */
  const loginVia = (xff: string, email: string, password = PASSWORD) =>
    c.req('POST', '/api/auth/login', { json: { email, password }, headers: { 'x-forwarded-for': xff } });
  const signedInFrom = async (email: string) => {
    const { rows } = await app.runtime.db.query<{ ip_address: string }>(
      'SELECT r.ip_address FROM refresh_tokens r JOIN users u ON u.id = r.user_id WHERE u.email = $1 ORDER BY r.created_at DESC LIMIT 1',
      [email],
    );
    return rows[0]?.ip_address;
  };

  it('when TRUST_PROXY=true, then the address the one proxy saw counts, not what the client wrote to the left of it', async () => {
    const email = randomEmail('seen');
    await c.register(email);
    assert.equal((await loginVia('198.51.100.23', email)).status, 200);
    assert.equal(await signedInFrom(email), '198.51.100.23');
    assert.equal((await loginVia('203.0.113.9, 198.51.100.24', email)).status, 200);
    assert.equal(await signedInFrom(email), '198.51.100.24');
  });

  it('when a client writes a different X-Forwarded-For on every wrong password, then the per-address throttle still bites', async () => {
    let throttledAt = 0;
    for (let i = 1; i <= THROTTLE_LIMITS.loginPerAddress + 5 && !throttledAt; i++) {
      // What a proxy that appends makes of a client-written header: the client's claim, then the real peer.
      const r = await loginVia(`203.0.113.${i}, 127.0.0.1`, randomEmail(`spray${i}`), 'wrong password');
      if (r.status === 429) throttledAt = i;
      else assert.equal(r.status, 401, `attempt ${i}: ${r.text}`);
    }
    assert.equal(throttledAt, THROTTLE_LIMITS.loginPerAddress + 1);
  });

  it('when a stranger guesses an account to its limit, then the owner signing in from another address still gets in, with any case of the email', async () => {
    const email = randomEmail('dave');
    await c.register(email);
    const stranger = '198.51.100.66';
    let throttledAt = 0;
    for (let i = 1; i <= 20 && !throttledAt; i++) {
      const who = i % 2 ? email : email.toUpperCase();
      const r = await loginVia(stranger, who, `guess number ${i}`);
      if (r.status === 429) throttledAt = i;
      else assert.equal(r.status, 401, `guess ${i}`);
    }
    assert.equal(throttledAt, THROTTLE_LIMITS.loginPerAccountAndAddress + 1, 'case variants count as one account');
    assert.equal((await loginVia(stranger, email)).status, 429, 'the stranger waits, even with the right password');

    const owner = await loginVia('198.51.100.77', email);
    assert.equal(owner.status, 200, owner.text);
    assert.ok(owner.body.access_token);
    assert.equal((await loginVia('198.51.100.78', email.toUpperCase())).status, 200);
    assert.equal((await loginVia(`${stranger}, 198.51.100.79`, ` ${email.toUpperCase()} `)).status, 200);
  });

  it('when guesses come from many addresses past the per-account ceiling, then a fresh address waits and an address the owner used before gets in', async () => {
    const email = randomEmail('target');
    await c.register(email);
    assert.equal((await loginVia('192.0.2.200', email)).status, 200, 'the owner signed in from here before');
    const perAddress = THROTTLE_LIMITS.loginPerAccountAndAddress;
    const addresses = Math.ceil(THROTTLE_LIMITS.loginPerAccount / perAddress);
    let refused = 0;
    for (let a = 0; a < addresses; a++) {
      for (let i = 0; i < perAddress; i++) {
        const r = await loginVia(`100.64.${a}.1`, email, `guess ${a}-${i}`);
        if (r.status === 429) refused++;
        else assert.equal(r.status, 401);
      }
    }
    assert.equal(refused, 0, 'every guess up to the ceiling was checked');
    const fresh = await loginVia('100.64.200.1', email);
    assert.equal(fresh.status, 429, 'over the ceiling, a fresh address waits');
    assert.ok(Number(fresh.headers.get('retry-after')) >= 1);
    const known = await loginVia('192.0.2.200', email);
    assert.equal(known.status, 200, `the owner's known address: ${known.text}`);
  });
});
