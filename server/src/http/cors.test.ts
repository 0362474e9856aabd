import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

const ALLOWED = 'https://partner.example';

describe('CORS_ORIGINS', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ env: { ROLE: 'api', CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
  });
  after(() => app.close());

  const preflight = (path: string, origin: string, method: string, headers: string) =>
    fetch(app.baseUrl + path, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
    });

  it('when an allowed origin preflights a JSON call with a bearer token, then it may send content-type and authorization', async () => {
    const r = await preflight('/api/documents/upload-url', ALLOWED, 'POST', 'content-type,authorization');
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED);
    const allowedHeaders = r.headers.get('access-control-allow-headers')!.split(/,\s*/);
    assert.ok(allowedHeaders.includes('content-type') && allowedHeaders.includes('authorization'), allowedHeaders.join());
    assert.equal(r.headers.get('access-control-allow-credentials'), null, 'no cookies across origins');
  });

  it('when an allowed origin preflights a PUT to a storage URL, then PUT with content-type is allowed', async () => {
    const r = await preflight('/api/storage/upload/a/b/c.txt?expires=1&sig=x', ALLOWED, 'PUT', 'content-type');
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED);
    assert.ok(r.headers.get('access-control-allow-methods')!.split(/,\s*/).includes('PUT'));
  });

  it('when an allowed origin calls the API, then the answer names it and exposes ETag', async () => {
    const r = await fetch(`${app.baseUrl}/api/health`, { headers: { origin: ALLOWED } });
    assert.equal(r.headers.get('access-control-allow-origin'), ALLOWED);
    assert.ok(r.headers.get('access-control-expose-headers')!.toLowerCase().split(/,\s*/).includes('etag'));
  });

  it('when another origin asks, or a path outside /api/ is asked, then no CORS header is given', async () => {
    const foreign = await preflight('/api/documents/upload-url', 'https://evil.example', 'POST', 'content-type,authorization');
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const plain = await fetch(`${app.baseUrl}/api/health`, { headers: { origin: 'https://evil.example' } });
    assert.equal(plain.headers.get('access-control-allow-origin'), null);
    const web = await fetch(`${app.baseUrl}/`, { headers: { origin: ALLOWED } });
    assert.equal(web.headers.get('access-control-allow-origin'), null);
  });
});
