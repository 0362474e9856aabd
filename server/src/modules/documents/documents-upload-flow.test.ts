import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabaseAndStorage, s3EnforcesSignatures, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { allKeys, docsClient, documentRow, jobsFor } from '../../test-support/document-fixtures.js';

const OBJECT_KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}\/[0-9a-f-]{36}(\.[a-z0-9]+)?$/;

forEachDatabaseAndStorage('the 3-step upload', (dbKind, storage) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;

  before(async () => {
    app = await startTestApp({ db: dbKind, storage });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  it('when a file goes upload-url → PUT → confirm, then it is listed, read, downloaded byte for byte, deleted, and the quota is back to 0', async () => {
    const u = await c.user();
    const q0 = await c.quota(u.token);
    assert.deepEqual(q0, { used_bytes: 0, limit_bytes: 104857600, reserved_bytes: 0 });
    const bytes = Buffer.from('Invoice 2026-11 for consulting services. Total due: 1,200 EUR.\n'.repeat(50));

    const url = await c.uploadUrl(u.token, { filename: '  invoice Nov.txt ', content_type: 'text/plain; charset=utf-8' });
    assert.equal(url.status, 200, url.text);
    assert.equal(typeof url.body.upload_url, 'string');
    assert.ok(Date.parse(url.body.expires_at) > Date.now());
    assert.deepEqual(url.body.upload_headers, { 'Content-Type': 'text/plain; charset=utf-8' });
    const id = url.body.document_id as string;
    const pending = await documentRow(app.runtime.db, id);
    assert.equal(pending?.status, 'pending');
    assert.match(pending!.object_key, OBJECT_KEY);
    assert.ok(pending!.object_key.startsWith(`${u.id}/${id}/`) && pending!.object_key.endsWith('.txt'));

    const put = await c.put(url.body.upload_url, bytes, 'text/plain; charset=utf-8');
    assert.ok(put.status >= 200 && put.status < 300, `PUT ${put.status} ${put.text}`);

    const conf = await c.confirm(u.token, id);
    assert.equal(conf.status, 200, conf.text);
    assert.deepEqual(conf.body, { id, size_bytes: bytes.length, used_bytes: bytes.length, status: 'uploaded' });
    assert.equal((await c.quota(u.token)).used_bytes, bytes.length);

    const list = await c.req('GET', '/api/documents', { token: u.token });
    assert.equal(list.status, 200);
    assert.equal(list.body.total, 1);
    assert.equal(list.body.items[0].id, id);
    assert.equal(list.body.items[0].filename, 'invoice Nov.txt', 'the name is stored trimmed');
    assert.equal(list.body.items[0].object_key, undefined, 'object keys never leave the server');

    const one = await c.req('GET', `/api/documents/${id}`, { token: u.token });
    assert.equal(one.status, 200);
    assert.equal(one.body.size_bytes, bytes.length);
    assert.equal(one.body.status, 'uploaded');
    assert.equal(one.body.content_type, 'text/plain; charset=utf-8');
    assert.deepEqual(one.body.topics, []);
    assert.ok(one.body.confirmed_at);

    const dl = await c.req('GET', `/api/documents/${id}/download-url`, { token: u.token });
    assert.equal(dl.status, 200, dl.text);
    assert.ok(Date.parse(dl.body.expires_at) > Date.now());
    const got = await fetch(c.abs(dl.body.url));
    assert.equal(got.status, 200);
    assert.ok(Buffer.from(await got.arrayBuffer()).equals(bytes), 'downloaded bytes equal the uploaded ones');
    assert.match(got.headers.get('content-disposition') ?? '', /^attachment; filename="invoice Nov\.txt"/);

    const del = await c.req('DELETE', `/api/documents/${id}`, { token: u.token });
    assert.equal(del.status, 204);
    assert.equal((await c.quota(u.token)).used_bytes, 0);
    assert.equal((await c.req('GET', `/api/documents/${id}`, { token: u.token })).status, 404);
    assert.equal(await documentRow(app.runtime.db, id), null);
    assert.equal(await app.runtime.blobs.stat({ key: pending!.object_key }), null, 'the object is removed');
    assert.equal((await c.req('DELETE', `/api/documents/${id}`, { token: u.token })).status, 404, 'a second delete is a 404');
    assert.equal((await c.quota(u.token)).used_bytes, 0);
  });

  it('when a document is confirmed again, then the answer is the same and nothing more is charged', async () => {
    const u = await c.user();
    const { id, confirm } = await c.upload(u.token, { bytes: 'x'.repeat(123) });
    assert.equal(confirm!.status, 200);
    const again = await c.confirm(u.token, id);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, confirm!.body);
    assert.equal((await c.quota(u.token)).used_bytes, 123);
  });

  it('when confirm comes before any bytes were PUT, then 422, the row stays pending and nothing is charged', async () => {
    const u = await c.user();
    const url = await c.uploadUrl(u.token, { filename: 'never-sent.pdf', content_type: 'application/pdf' });
    const r = await c.confirm(u.token, url.body.document_id);
    assert.equal(r.status, 422);
    assert.equal(typeof r.body.detail, 'string');
    assert.equal((await documentRow(app.runtime.db, url.body.document_id))?.status, 'pending');
    assert.equal((await c.quota(u.token)).used_bytes, 0);
    // The URL still works afterwards.
    const put = await c.put(url.body.upload_url, '%PDF-1.4', 'application/pdf');
    assert.ok(put.status < 300);
    assert.equal((await c.confirm(u.token, url.body.document_id)).status, 200);
  });

  it('when size_bytes is bigger than the room left, then 413 at upload-url with the quota body and no row', async () => {
    const u = await c.user({ limitBytes: 1000 });
    await c.upload(u.token, { bytes: 'y'.repeat(400) });
    const before = await app.runtime.db.query('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [u.id]);
    const r = await c.uploadUrl(u.token, { filename: 'big.pdf', content_type: 'application/pdf', size_bytes: 601 });
    assert.equal(r.status, 413);
    assert.deepEqual(r.body.detail, { used_bytes: 400, reserved_bytes: 0, limit_bytes: 1000, rejected_bytes: 601 });
    const afterCount = await app.runtime.db.query('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [u.id]);
    assert.deepEqual(afterCount.rows, before.rows);
    const fits = await c.uploadUrl(u.token, { filename: 'fits.pdf', content_type: 'application/pdf', size_bytes: 600 });
    assert.equal(fits.status, 200);
  });

  const enforced = storage === 'local' || s3EnforcesSignatures();
  it(
    'when size_bytes is declared, then the URL takes exactly that many bytes and confirm charges them',
    { skip: !enforced && 'this S3 server does not check signed lengths' },
    async () => {
      const u = await c.user();
      const r = await c.uploadUrl(u.token, {
        filename: 'exact.bin',
        content_type: 'application/octet-stream',
        size_bytes: 10,
      });
      assert.equal(r.status, 200);
      const keysBefore = await allKeys(app.runtime.blobs);
      const short = await c.put(r.body.upload_url, Buffer.alloc(9), 'application/octet-stream');
      const long = await c.put(r.body.upload_url, Buffer.alloc(11), 'application/octet-stream');
      assert.ok(short.status >= 400 && long.status >= 400, `9 bytes → ${short.status}, 11 bytes → ${long.status}`);
      assert.deepEqual(await allKeys(app.runtime.blobs), keysBefore, 'nothing stored');
      const exact = await c.put(r.body.upload_url, Buffer.alloc(10), 'application/octet-stream');
      assert.ok(exact.status < 300, `${exact.status} ${exact.text}`);
      const conf = await c.confirm(u.token, r.body.document_id);
      assert.equal(conf.status, 200);
      assert.equal(conf.body.size_bytes, 10);
    },
  );

  it('when confirmed, then extract-and-classify is queued; POST /classify asks for it again with 202', async () => {
    const u = await c.user();
    const { id } = await c.upload(u.token);
    assert.equal(await jobsFor(app.runtime.db, 'extract-and-classify', id), 1);
    const r = await c.req('POST', `/api/documents/${id}/classify`, { token: u.token });
    assert.equal(r.status, 202);
    assert.equal(r.body.id, id);
    // Joined to the first job while it waits, a second job once it runs (classification-bounds.test.ts).
    assert.ok([1, 2].includes(await jobsFor(app.runtime.db, 'extract-and-classify', id)));
    // The user has no topics: there is nothing to file it under, so it stays `uploaded`
    // (not "classified, no topics"); the job ran (its text is stored, its sha256 known).
    await app.runtime.jobs.idle(['extract-and-classify']);
    assert.equal((await documentRow(app.runtime.db, id))?.status, 'uploaded');
    const { rows } = await app.runtime.db.query<{ sha256: string | null }>('SELECT sha256 FROM documents WHERE id = $1', [id]);
    assert.match(rows[0]!.sha256 ?? '', /^[0-9a-f]{64}$/);
  });

  it('when a document is still pending, then classify and download-url answer 409 and queue nothing', async () => {
    const u = await c.user();
    const url = await c.uploadUrl(u.token, { filename: 'p.txt', content_type: 'text/plain' });
    const id = url.body.document_id;
    assert.equal((await c.req('POST', `/api/documents/${id}/classify`, { token: u.token })).status, 409);
    assert.equal((await c.req('GET', `/api/documents/${id}/download-url`, { token: u.token })).status, 409);
    assert.equal(await jobsFor(app.runtime.db, 'extract-and-classify', id), 0);
  });
});
