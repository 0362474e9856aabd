import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type JsonResponse, type TestApp } from '../test-support/test-app.js';
import { authClient, type Session } from '../test-support/auth-fixtures.js';

/** Every error the framework raises is answered in the contract's shape, whatever the route's response schemas say. */
function assertErrorBody(r: JsonResponse, status: number, code: string): void {
  assert.equal(r.status, status, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['code', 'detail'], r.text);
  assert.equal(typeof r.body.detail, 'string');
  assert.equal(r.body.code, code);
}

forEachDatabase('framework errors on real routes', (db) => {
  let app: TestApp;
  let c: ReturnType<typeof authClient>;
  let admin: { id: string; session: Session };

  before(async () => {
    app = await startTestApp({ db, env: { ROLE: 'api' } });
    c = authClient(app.baseUrl);
    admin = await c.user('admin'); // the first account is the admin
  });
  after(() => app?.close());

  it('when the URL is not valid percent-encoding, then 400 {"detail","code"}', async () => {
    const r = await c.req('GET', '/api/documents/%C0%AF', { token: admin.session.access_token });
    assertErrorBody(r, 400, 'bad_url');
  });

  it('when a JSON body over the limit goes to a route whose 413 is the quota body, then 413 {"detail","code"}', async () => {
    const r = await c.req('POST', '/api/documents/upload-url', {
      token: admin.session.access_token,
      json: { filename: 'x'.repeat(3 * 1024 * 1024), content_type: 'text/plain' },
    });
    assertErrorBody(r, 413, 'payload_too_large');
  });

  it('when the body is not JSON, then 415 {"detail","code"}', async () => {
    const r = await c.req('POST', '/api/documents/upload-url', {
      token: admin.session.access_token,
      body: 'filename=a.txt',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assertErrorBody(r, 415, 'unsupported_media_type');
  });

  it('when the JSON is malformed, then 400 {"detail","code"}', async () => {
    const r = await c.req('POST', '/api/documents/upload-url', {
      token: admin.session.access_token,
      body: '{"filename": ',
      headers: { 'content-type': 'application/json' },
    });
    assertErrorBody(r, 400, 'malformed_json');
  });

  it('when a page offset is beyond any table, then 422, never a 500', async () => {
    const token = admin.session.access_token;
    for (const path of [
      '/api/admin/users?offset=99999999999999999999',
      '/api/admin/users?limit=99999999999999999999',
      '/api/documents?offset=99999999999999999999',
    ]) {
      assertErrorBody(await c.req('GET', path, { token }), 422, 'validation_error');
    }
    assert.equal((await c.req('GET', '/api/admin/users?offset=1000000', { token })).status, 200);
  });
});
