import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { after, before, it } from 'node:test';
import { forEachDatabaseAndStorage, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { docsClient, documentRow, filesUnder } from '../../test-support/document-fixtures.js';

const KEY_SHAPE = /^[0-9a-f-]{36}\/[0-9a-f-]{36}\/[0-9a-f-]{36}(\.[a-z0-9]{1,8})?$/;

forEachDatabaseAndStorage('hostile input', (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;

  before(async () => {
    app = await startTestApp({ db: dbKind, storage });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  it('when filenames carry paths, RTL overrides or emoji, then they are stored only as display names and nothing lands outside the storage root', async () => {
    const u = await c.user();
    const outside = () =>
      filesUnder(app.dataDir)
        .map((f) => relative(app.dataDir, f))
        .filter((f) => !/^(files|db|outbox)$/.test(f.split(sep)[0]!));
    const outsideBefore = outside();
    const parentBefore = readdirSync(dirname(app.dataDir)).filter((f) => /passwd|boot|etc/.test(f));
    const names = [
      '../../etc/passwd',
      '..\\..\\boot.ini',
      '/etc/shadow',
      'C:\\Windows\\win.ini',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      'invoice\u202Efdp.exe',
      '📄 Bericht über Q3 🎉.pdf',
      '.htaccess',
      'x'.repeat(251) + '.pdf',
    ];
    for (const name of names) {
      const { id, confirm } = await c.upload(u.token, { filename: name, bytes: `content of ${name}` });
      assert.equal(confirm!.status, 200, `${name}: ${confirm!.text}`);
      const row = await documentRow(app.runtime.db, id);
      assert.equal(row!.filename, name, 'stored exactly as the display name');
      assert.match(row!.object_key, KEY_SHAPE, `${name} → key ${row!.object_key}`);
      assert.ok(row!.object_key.startsWith(`${u.id}/${id}/`));
      const got = await c.req('GET', `/api/documents/${id}`, { token: u.token });
      assert.equal(got.body.filename, name);
      const dl = await c.req('GET', `/api/documents/${id}/download-url`, { token: u.token });
      const file = await fetch(c.abs(dl.body.url));
      assert.equal(file.status, 200);
      assert.equal(await file.text(), `content of ${name}`);
      const disposition = file.headers.get('content-disposition') ?? '';
      assert.match(disposition, /^attachment;/);
      assert.ok(!/[\u0000-\u001f\u007f-\uffff]/.test(disposition), `header is plain ASCII: ${disposition}`);
    }
    if (storage === 'local') {
      for (const f of filesUnder(join(app.dataDir, 'files'))) {
        assert.match(relative(join(app.dataDir, 'files'), f).split(sep).join('/'), KEY_SHAPE, `only document keys on disk: ${f}`);
      }
    }
    assert.deepEqual(outside(), outsideBefore, 'nothing written outside the storage root');
    assert.deepEqual(
      readdirSync(dirname(app.dataDir)).filter((f) => /passwd|boot|etc/.test(f)),
      parentBefore,
    );
    assert.ok(!existsSync(join(app.dataDir, 'etc')) && !existsSync(join(app.dataDir, 'files', 'etc')));
  });

  it('when a filename is empty, too long, or has control characters, then 422 and no row', async () => {
    const u = await c.user();
    const bad = [
      '',
      '   ',
      'a\u0000b',
      'line\nbreak.txt',
      'tab\there',
      'x\u007f',
      'c1\u0085',
      'y'.repeat(256),
      '\uD800lone.txt',
      '💥'.repeat(256),
    ];
    for (const filename of bad) {
      const r = await c.uploadUrl(u.token, { filename, content_type: 'text/plain' });
      assert.equal(r.status, 422, `${JSON.stringify(filename)} → ${r.status}`);
      assert.equal(typeof r.body.detail, 'string');
    }
    assert.equal(
      (await c.uploadUrl(u.token, { filename: '💥'.repeat(255), content_type: 'text/plain' })).status,
      200,
      '255 characters fit',
    );
    const { rows } = await app.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [
      u.id,
    ]);
    assert.equal(rows[0]!.n, 1);
  });

  it('when content_type or size_bytes are malformed, then 400/422 and no row', async () => {
    const u = await c.user();
    const badTypes = [
      '',
      'text',
      'text/',
      '/plain',
      'text/plain\r\nX-Evil: 1',
      'text/plain\nx',
      'a b/c',
      'text/plain; charset',
      'text/plain;;',
      'ü/x',
      'x'.repeat(300) + '/y',
    ];
    for (const content_type of badTypes) {
      const r = await c.uploadUrl(u.token, { filename: 'a.txt', content_type });
      assert.equal(r.status, 422, `${JSON.stringify(content_type)} → ${r.status}`);
    }
    // (The app coerces scalar types app-wide, so true would read as 1; not tested here.)
    for (const size_bytes of [-1, 1.5, 'twelve', 2 ** 60, [1, 2], {}]) {
      const r = await c.uploadUrl(u.token, { filename: 'a.txt', content_type: 'text/plain', size_bytes });
      assert.equal(r.status, 422, `size_bytes ${JSON.stringify(size_bytes)} → ${r.status}`);
    }
    for (const json of [
      {},
      { filename: 'a.txt' },
      { content_type: 'text/plain' },
      { filename: { name: 'a' }, content_type: 'text/plain' },
    ]) {
      assert.equal((await c.uploadUrl(u.token, json)).status, 422, JSON.stringify(json));
    }
    const nullSize = await c.uploadUrl(u.token, { filename: 'a.txt', content_type: 'text/plain', size_bytes: null });
    assert.equal(nullSize.status, 200, 'null size_bytes = not declared');
    assert.equal((await documentRow(app.runtime.db, nullSize.body.document_id))!.status, 'pending');
    const notJson = await c.req('POST', '/api/documents/upload-url', {
      token: u.token,
      body: '{"filename":',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(notJson.status, 400);
    const { rows } = await app.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [
      u.id,
    ]);
    assert.equal(rows[0]!.n, 1, 'only the null-size one');
    for (const content_type of [
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'text/plain; charset="utf-8"',
      'TEXT/Markdown;charset=UTF-8',
    ]) {
      assert.equal((await c.uploadUrl(u.token, { filename: 'ok', content_type, size_bytes: 2 })).status, 200, content_type);
    }
  });

  it('when an HTML file is downloaded, then it comes as an attachment that a browser will not render from the app origin', async () => {
    const u = await c.user();
    const html = '<!doctype html><html><body><script>fetch("/api/auth/me")</script></body></html>';
    const { id } = await c.upload(u.token, { filename: 'page.html', contentType: 'text/html', bytes: html });
    const svg = await c.upload(u.token, {
      filename: 'logo.svg',
      contentType: 'image/svg+xml',
      bytes: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    });
    for (const docId of [id, svg.id]) {
      const dl = await c.req('GET', `/api/documents/${docId}/download-url`, { token: u.token });
      const url = c.abs(dl.body.url);
      const r = await fetch(url);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename="(page\.html|logo\.svg)"/);
      assert.equal(r.headers.get('content-type'), 'application/octet-stream', 'never served as a renderable type');
      if (storage === 'local') {
        assert.equal(new URL(url).origin, new URL(app.baseUrl).origin);
        assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
        assert.match(r.headers.get('content-security-policy') ?? '', /sandbox/);
        assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      } else {
        assert.notEqual(
          new URL(url).origin,
          new URL(app.baseUrl).origin,
          'S3 downloads are served from the storage origin, not the app',
        );
      }
    }
    // The document keeps its real type for the API.
    assert.equal((await c.req('GET', `/api/documents/${id}`, { token: u.token })).body.content_type, 'text/html');
  });

  it('when q is any hostile string, then search answers 200 and never a query error', async () => {
    const u = await c.user();
    await c.upload(u.token, { filename: 'quarterly report.pdf', contentType: 'application/pdf', bytes: '%PDF' });
    const qs = [
      "'",
      '"',
      '\\',
      '&|!',
      ':*',
      '<->',
      '(((',
      'a & | b',
      '!!!',
      'a\u0000b',
      '🎉',
      "' OR 1=1 --",
      '%',
      '_',
      'x'.repeat(500),
      '-',
      'or',
      '"unterminated',
      'report:*',
      'a <-> b',
      '\t\n',
    ];
    for (const q of qs) {
      const r = await c.req('GET', `/api/documents?q=${encodeURIComponent(q)}`, { token: u.token });
      assert.equal(r.status, 200, `q=${JSON.stringify(q)} → ${r.status} ${r.text}`);
      assert.ok(Array.isArray(r.body.items));
    }
    const long = await c.req('GET', `/api/documents?q=${'y'.repeat(501)}`, { token: u.token });
    assert.equal(long.status, 422);
    const hit = await c.req('GET', `/api/documents?q=${encodeURIComponent('quarterly -invoice')}`, { token: u.token });
    assert.equal(hit.body.total, 1);
  });
});
