import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { freePort, startApp, type AppServer } from './support/app-server.js';
import { launchBrowser } from './support/browser.js';

/** A third-party page: any origin other than the app's, serving one blank HTML page. */
async function startPageServer(): Promise<{ origin: string; close(): Promise<void> }> {
  const port = await freePort();
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>integrator</title><h1>An integrator’s page</h1>');
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

// Plain JavaScript text, not a TypeScript function: the test loader would add helpers
// (esbuild's __name) that do not exist inside the page.
const PAGE_SCRIPT = `async ({ api, email }) => {
  async function json(path, body, token) {
    const headers = { 'content-type': 'application/json' };
    if (token) headers.authorization = 'Bearer ' + token;
    const r = await fetch(api + path, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  }
  const password = 'integrator passphrase 1';
  await json('/api/auth/register', { email, password });
  const login = await json('/api/auth/login', { email, password });
  const token = login.body.access_token;
  const text = 'Quarterly report from a partner site.\\n'.repeat(40);
  const bytes = new Blob([text]).size;
  const ticket = await json('/api/documents/upload-url', { filename: 'report.txt', content_type: 'text/plain', size_bytes: bytes }, token);
  const put = await fetch(new URL(ticket.body.upload_url, api).href, { method: 'PUT', headers: ticket.body.upload_headers, body: text });
  const confirm = await json('/api/documents/' + ticket.body.document_id + '/confirm', {}, token);
  return { put: put.status, etag: put.headers.get('etag'), confirm: confirm.status, size: confirm.body && confirm.body.size_bytes, bytes };
}`;

/** Runs the 3-step upload from inside the page, as an integrator's script would. */
function uploadFromPage(page: Page, api: string, email: string) {
  return page.evaluate(`(${PAGE_SCRIPT})(${JSON.stringify({ api, email })})`) as Promise<{
    put: number;
    etag: string | null;
    confirm: number;
    size: number;
    bytes: number;
  }>;
}

describe('an upload from another origin (CORS_ORIGINS, disk backend)', () => {
  let app: AppServer;
  let browser: Browser;
  let allowed: Awaited<ReturnType<typeof startPageServer>>;
  let other: Awaited<ReturnType<typeof startPageServer>>;

  before(async () => {
    allowed = await startPageServer();
    other = await startPageServer();
    app = await startApp({ CORS_ORIGINS: `https://unused.example, ${allowed.origin}` });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.stop();
    await allowed?.close();
    await other?.close();
  });

  it('when a page on an allowed origin uploads through upload-url, PUT and confirm, then it works and the page reads the ETag', async () => {
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const r = await uploadFromPage(page, app.baseUrl, 'partner@example.test');
    assert.equal(r.put, 204);
    assert.match(r.etag ?? '', /^"[0-9a-f-]+"$/, 'the ETag is exposed to the page');
    assert.equal(r.confirm, 200);
    assert.equal(r.size, r.bytes);
    await page.close();
  });

  it('when a page on an origin not in the list tries the same, then the browser blocks it', async () => {
    const page = await browser.newPage();
    await page.goto(other.origin);
    const blocked = await uploadFromPage(page, app.baseUrl, 'stranger@example.test').then(
      () => false,
      (e: Error) => /Failed to fetch/.test(e.message),
    );
    assert.ok(blocked, 'fetch from a foreign origin fails');
    await page.close();
  });
});
