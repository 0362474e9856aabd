import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

const WEB_DIST = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** A GET without any automatic decompression: the bytes and headers as sent. */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );

describe('response headers of the app and its web UI', () => {
  let app: TestApp;
  let index = '';
  let assets: string[] = [];

  before(async () => {
    app = await startTestApp();
    index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
    assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  });
  after(() => app?.close());

  it('when a page is served, then its Content-Security-Policy allows scripts and styles from the app only, and no framing', async () => {
    for (const path of ['/', '/documents', '/api/health']) {
      const r = await rawGet(app.baseUrl + path);
      assert.equal(r.status, 200, path);
      const csp = String(r.headers['content-security-policy'] ?? '');
      const d = directives(csp);
      assert.deepEqual(d.get('script-src'), ["'self'"], `${path}: ${csp}`);
      assert.deepEqual(d.get('style-src'), ["'self'"], csp);
      assert.deepEqual(d.get('default-src'), ["'self'"], csp);
      assert.deepEqual(d.get('object-src'), ["'none'"], csp);
      assert.deepEqual(d.get('frame-ancestors'), ["'none'"], csp);
      assert.deepEqual(d.get('base-uri'), ["'self'"], csp);
      assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp), csp);
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain http');
    }
    // The policy can hold: the page itself has no inline script.
    for (const tag of index.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\ssrc="\/assets\//, tag);
  });

  it('when the API answers with an error, then the answer carries the same headers', async () => {
    for (const [path, status] of [
      ['/api/no-such-route', 404],
      ['/api/documents', 401],
    ] as const) {
      const r = await rawGet(app.baseUrl + path);
      assert.equal(r.status, status, path);
      assert.deepEqual(directives(String(r.headers['content-security-policy'] ?? '')).get('default-src'), ["'self'"], path);
      assert.equal(r.headers['x-frame-options'], 'DENY', path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
    }
  });

  it('when hashed assets are fetched, then they are cacheable for a year, immutable, and compressed as the browser accepts', async () => {
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), `assets in index.html: ${assets}`);
    for (const asset of assets) {
      assert.match(asset, /-[\w-]{8,}\.(js|css)$/, 'the file name carries a content hash');
      const original = readFileSync(join(WEB_DIST, asset));
      const br = await rawGet(app.baseUrl + asset, { 'accept-encoding': 'br, gzip' });
      assert.equal(br.status, 200);
      assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable', asset);
      assert.equal(br.headers['content-encoding'], 'br', asset);
      assert.ok(br.body.length < original.length / 2, `${asset}: ${br.body.length} of ${original.length} bytes`);
      assert.ok(brotliDecompressSync(br.body).equals(original));
      const gz = await rawGet(app.baseUrl + asset, { 'accept-encoding': 'gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.ok(gunzipSync(gz.body).equals(original));
      const plain = await rawGet(app.baseUrl + asset);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.ok(plain.body.equals(original));
    }
  });

  it('when index.html or a client-side route is fetched, then it is revalidated every time and compressed', async () => {
    for (const path of ['/', '/settings']) {
      const r = await rawGet(app.baseUrl + path, { 'accept-encoding': 'gzip' });
      assert.equal(r.headers['cache-control'], 'no-cache', path);
      assert.equal(r.headers['content-encoding'], 'gzip', path);
      assert.equal(gunzipSync(r.body).toString(), index);
    }
  });

  it('when the default build is looked at, then it has no source maps and none are served', async () => {
    const files = readdirSync(join(WEB_DIST, 'assets'));
    assert.deepEqual(
      files.filter((f) => f.endsWith('.map')),
      [],
    );
    for (const f of files.filter((f) => f.endsWith('.js'))) {
      assert.ok(!readFileSync(join(WEB_DIST, 'assets', f), 'utf8').includes('sourceMappingURL'), f);
    }
    const js = assets.find((a) => a.endsWith('.js'))!;
    assert.equal((await rawGet(`${app.baseUrl}${js}.map`)).status, 404);
  });
});

describe('response headers when PUBLIC_URL is https and files are on S3', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ storage: 's3', env: { PUBLIC_URL: 'https://vault.example.com' } });
  });
  after(() => app?.close());

  it('when a page is served, then HSTS is on and the CSP lets the browser reach the S3 endpoint and nothing else', async () => {
    const r = await rawGet(app.baseUrl + '/');
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000');
    const d = directives(String(r.headers['content-security-policy']));
    const s3 = new URL(app.env.S3_ENDPOINT!).origin;
    assert.deepEqual(d.get('connect-src'), ["'self'", s3]);
    assert.ok(d.get('img-src')!.includes(s3));
    assert.deepEqual(d.get('script-src'), ["'self'"]);
    assert.ok(d.has('upgrade-insecure-requests'));
    assert.ok(existsSync(WEB_DIST));
  });
});
