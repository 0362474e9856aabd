import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { httpClient, startTestApp, type TestApp } from '../test-support/test-app.js';

describe('HTTP plumbing', () => {
  let app: TestApp;
  let req: ReturnType<typeof httpClient>;

  before(async () => {
    app = await startTestApp({
      extraRoutes: async (a) => {
        a.get('/api/test/boom', async () => {
          throw new Error('secret internal detail at /etc/something');
        });
        a.post('/api/test/echo', { schema: { body: Type.Object({ name: Type.String({ minLength: 1 }) }) } }, async (r) => r.body);
      },
    });
    req = httpClient(app.baseUrl);
  });
  after(() => app.close());

  it('when a route is unknown, then 404 with {"detail"}', async () => {
    const r = await req('GET', '/api/no-such-thing');
    assert.equal(r.status, 404);
    assert.equal(typeof r.body.detail, 'string');
  });

  it('when the JSON body is malformed, then 400 with {"detail"}', async () => {
    const r = await req('POST', '/api/test/echo', { body: '{"name": ', headers: { 'content-type': 'application/json' } });
    assert.equal(r.status, 400);
    assert.equal(typeof r.body.detail, 'string');
  });

  it('when the body breaks the schema, then 422 with {"detail"} naming the field', async () => {
    const r = await req('POST', '/api/test/echo', { json: { name: '' } });
    assert.equal(r.status, 422);
    assert.match(r.body.detail, /name/);
  });

  it('when the body is over the limit, then 413 with {"detail"}', async () => {
    const r = await req('POST', '/api/test/echo', { json: { name: 'x'.repeat(300 * 1024) } });
    assert.equal(r.status, 413);
    assert.equal(typeof r.body.detail, 'string');
  });

  it('when a handler throws, then a bare 500 and the log line carries the request id', async () => {
    const r = await req('GET', '/api/test/boom');
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { detail: 'Internal Server Error', code: 'internal_error' });
    assert.ok(!r.text.includes('secret internal detail') && !r.text.includes('stack'));
    const requestId = r.headers.get('x-request-id');
    assert.ok(requestId);
    const line = app
      .logs()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { reqId?: string; level: number; err?: unknown })
      .find((l) => l.reqId === requestId && l.level >= 50);
    assert.ok(line, 'an error log line with the request id');
  });

  it('when asked for /api/docs/json, then the OpenAPI document lists the routes', async () => {
    const r = await req('GET', '/api/docs/json');
    assert.equal(r.status, 200);
    assert.match(r.body.openapi, /^3\./);
    assert.ok(r.body.paths['/api/health']);
  });

  it('when / is requested, then the web page is served', async () => {
    const r = await fetch(app.baseUrl + '/');
    assert.equal(r.status, 200);
    assert.match(await r.text(), /<div id="root">/);
    assert.equal(r.headers.get('cache-control'), 'no-cache');
  });

  it('when an authorization header and a signed URL are sent, then neither reaches the log', async () => {
    await req('GET', '/api/health?X-DV-Signature=topsecretsig', {
      headers: { authorization: 'Bearer topsecrettoken', cookie: 'refresh_token=topsecretcookie' },
    });
    const logs = app.logs();
    assert.ok(logs.includes('/api/health'));
    for (const s of ['topsecretsig', 'topsecrettoken', 'topsecretcookie']) assert.ok(!logs.includes(s), s);
  });
});
