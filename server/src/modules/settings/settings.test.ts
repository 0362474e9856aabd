import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';

const KEY = 'sk-test-SETTINGS-0123456789abcdefSECRET';

forEachDatabase('classification settings', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof vaultClient>;
  let u: TestUser;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = vaultClient(app);
    u = await c.user();
  });
  after(() => app.close());

  it('when nothing was saved, then the defaults: local, auto-classify, no key', async () => {
    const r = await c.req('GET', '/api/settings', { token: u.token });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { provider: 'local', model: null, base_url: null, api_key_set: false, auto_classify: true });
  });

  it('when a key is saved, then it is sealed at rest, never returned and never logged', async () => {
    const put = await c.req('PUT', '/api/settings', {
      token: u.token,
      json: { provider: 'openai', model: 'gpt-4o-mini', base_url: 'https://8.8.8.8/v1/', api_key: KEY, auto_classify: false },
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.body, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      base_url: 'https://8.8.8.8/v1',
      api_key_set: true,
      auto_classify: false,
    });
    const got = await c.req('GET', '/api/settings', { token: u.token });
    assert.deepEqual(got.body, put.body);
    assert.ok(!got.text.includes(KEY) && !put.text.includes(KEY));
    const { rows } = await app.runtime.db.query<{ api_key_enc: string }>(
      'SELECT api_key_enc FROM user_settings WHERE user_id = $1',
      [u.id],
    );
    assert.match(rows[0]!.api_key_enc, /^v1\./);
    assert.ok(
      !rows[0]!.api_key_enc.includes(KEY) && !rows[0]!.api_key_enc.includes(Buffer.from(KEY).toString('base64').slice(0, 12)),
    );
    assert.ok(!app.logs().includes(KEY), 'the key is in a log line');
    assert.ok(!app.logs().includes('SETTINGS-0123'), 'part of the key is in a log line');
  });

  it('when other fields change, then the key stays; api_key null or "" removes it', async () => {
    await c.settings(u.token, { api_key: KEY });
    assert.equal((await c.settings(u.token, { model: 'other' })).api_key_set, true);
    assert.equal((await c.settings(u.token, { api_key: '' })).api_key_set, false);
    await c.settings(u.token, { api_key: KEY });
    assert.equal((await c.settings(u.token, { api_key: null })).api_key_set, false);
    await c.settings(u.token, { api_key: KEY });
    assert.equal(
      (await c.settings(u.token, { api_key_set: false })).api_key_set,
      false,
      'PUT of what GET said, with the flag off',
    );
  });

  it('when base_url is loopback, link-local metadata, private or not http(s), then 422 with a detail', async () => {
    const before = (await c.req('GET', '/api/settings', { token: u.token })).body;
    for (const base_url of [
      'http://127.0.0.1:11434',
      'http://169.254.169.254',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:11434/v1',
      'http://[::1]:8080',
      'http://[::ffff:127.0.0.1]/',
      'http://10.0.0.8/v1',
      'http://192.168.1.20:11434',
      'http://0x7f.1/',
      'file:///etc/passwd',
      'ftp://example.com/',
      'http://user:secret@8.8.8.8/',
      'not a url',
    ]) {
      const r = await c.req('PUT', '/api/settings', { token: u.token, json: { provider: 'openai', base_url } });
      assert.ok(r.status === 422 || r.status === 400, `${base_url} -> ${r.status}`);
      assert.equal(typeof r.body.detail, 'string', r.text);
      assert.ok(!r.text.includes('secret'));
    }
    assert.deepEqual((await c.req('GET', '/api/settings', { token: u.token })).body, before, 'nothing saved');
  });

  it('when base_url hides loopback in an IPv6 form or names a host that does not resolve, then 422 with the one same message', async () => {
    const details = new Set<string>();
    for (const base_url of [
      'http://[::ffff:0:127.0.0.1]/',
      'http://[64:ff9b:1::7f00:1]/',
      'http://[::127.0.0.1]:11434/v1',
      'http://localhost:11434/v1',
      'http://169.254.169.254/',
      'http://no-such-host.invalid/v1',
      'http://internal-name-that-does-not-exist.invalid:8080/',
    ]) {
      const r = await c.req('PUT', '/api/settings', { token: u.token, json: { provider: 'openai', base_url } });
      assert.equal(r.status, 422, `${base_url} -> ${r.status} ${r.text}`);
      assert.equal(r.body.code, 'base_url_refused');
      details.add(r.body.detail);
    }
    assert.equal(details.size, 1, [...details].join('\n'));
    assert.match([...details][0]!, /^base_url refused: .*AI_ALLOW_PRIVATE_URLS=true/);
  });

  it('when the anthropic provider has no key, or a field is invalid, then 422', async () => {
    await c.settings(u.token, { api_key: null, provider: 'local' });
    assert.equal((await c.req('PUT', '/api/settings', { token: u.token, json: { provider: 'anthropic' } })).status, 422);
    for (const json of [{ provider: 'gemini' }, { auto_classify: 'maybe' }, { model: 'a\nb' }, { api_key: 'two words' }]) {
      assert.equal((await c.req('PUT', '/api/settings', { token: u.token, json })).status, 422, JSON.stringify(json));
    }
  });

  it('when there is no token, then 401', async () => {
    assert.equal((await c.req('GET', '/api/settings')).status, 401);
    assert.equal((await c.req('PUT', '/api/settings', { json: { provider: 'none' } })).status, 401);
  });

  describe('when the admin allows private URLs', () => {
    let app: TestApp;
    before(async () => {
      app = await startTestApp({ db: dbKind, env: { AI_ALLOW_PRIVATE_URLS: 'true' } });
    });
    after(() => app.close());

    it('when base_url is on loopback, then it is accepted; file:// still is not', async () => {
      const c = vaultClient(app);
      const u = await c.user();
      const ok = await c.req('PUT', '/api/settings', {
        token: u.token,
        json: { provider: 'openai', base_url: 'http://127.0.0.1:11434/v1' },
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.base_url, 'http://127.0.0.1:11434/v1');
      assert.equal(
        (await c.req('PUT', '/api/settings', { token: u.token, json: { base_url: 'file:///etc/passwd' } })).status,
        422,
      );
    });
  });
});
