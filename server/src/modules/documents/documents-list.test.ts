import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Queryable } from '../../db/database.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { docsClient, documentRow, type TestUser } from '../../test-support/document-fixtures.js';

async function addTopic(db: Queryable, userId: string, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO topics (user_id, name) VALUES ($1, $2) RETURNING id', [
    userId,
    name,
  ]);
  return rows[0]!.id;
}

const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);

forEachDatabase('listing, reading and editing documents', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  let u: TestUser;
  const docs: string[] = []; // oldest first
  let pending: string;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
    u = await c.user();
    // No classifier: the uploads stay `uploaded` (the status filter below counts them).
    await c.req('PUT', '/api/settings', { token: u.token, json: { provider: 'none' } });
    const names = [
      'invoice_2026-01.pdf',
      'quarterly-report.txt',
      'Lease agreement.docx',
      'photo.JPG',
      'notes.md',
      'tax return 2025.pdf',
    ];
    for (const filename of names) docs.push((await c.upload(u.token, { filename, bytes: `bytes of ${filename}` })).id);
    pending = (await c.uploadUrl(u.token, { filename: 'pending invoice.pdf', content_type: 'application/pdf' })).body.document_id;
    docs.push(pending);
  });
  after(() => app.close());

  it('when listing, then newest first with a total, paged by limit and offset', async () => {
    const all = await c.req('GET', '/api/documents', { token: u.token });
    assert.equal(all.status, 200);
    assert.equal(all.body.total, 7);
    assert.deepEqual(ids(all.body), [...docs].reverse());
    const page = await c.req('GET', '/api/documents?limit=3&offset=2', { token: u.token });
    assert.deepEqual(ids(page.body), [...docs].reverse().slice(2, 5));
    assert.equal(page.body.total, 7);
    const beyond = await c.req('GET', '/api/documents?offset=100', { token: u.token });
    assert.deepEqual(beyond.body, { items: [], total: 7 });
    for (const bad of ['limit=201', 'limit=0', 'offset=-1', 'status=deleted', 'limit=abc']) {
      const r = await c.req('GET', `/api/documents?${bad}`, { token: u.token });
      assert.equal(r.status, 422, bad);
    }
    assert.equal((await c.req('GET', '/api/documents?limit=200', { token: u.token })).status, 200);
  });

  it('when there are more than 50, then the default page is 50', async () => {
    const other = await c.user();
    // Declared sizes: an undeclared URL would reserve up to 64 MiB of the quota each.
    for (let i = 0; i < 51; i++)
      await c.uploadUrl(other.token, { filename: `f${i}.txt`, content_type: 'text/plain', size_bytes: 10 });
    const r = await c.req('GET', '/api/documents', { token: other.token });
    assert.equal(r.body.items.length, 50);
    assert.equal(r.body.total, 51);
  });

  it('when filtering by status or searching by words of the filename, then only those match', async () => {
    const up = await c.req('GET', '/api/documents?status=uploaded', { token: u.token });
    assert.equal(up.body.total, 6);
    const pend = await c.req('GET', '/api/documents?status=pending', { token: u.token });
    assert.deepEqual(ids(pend.body), [pending]);
    const inv = await c.req('GET', '/api/documents?q=invoice', { token: u.token });
    assert.deepEqual(ids(inv.body).sort(), [docs[0], pending].sort());
    const both = await c.req('GET', '/api/documents?q=invoice&status=uploaded', { token: u.token });
    assert.deepEqual(ids(both.body), [docs[0]]);
    assert.deepEqual(ids((await c.req('GET', '/api/documents?q=report', { token: u.token })).body), [docs[1]]);
    assert.deepEqual(ids((await c.req('GET', '/api/documents?q=agreements', { token: u.token })).body), [docs[2]], 'stemmed');
    assert.deepEqual(
      ids((await c.req('GET', `/api/documents?q=${encodeURIComponent('"tax return"')}`, { token: u.token })).body),
      [docs[5]],
    );
    assert.deepEqual(
      ids((await c.req('GET', `/api/documents?q=${encodeURIComponent('pdf -invoice')}`, { token: u.token })).body),
      [docs[5]],
    );
    assert.equal((await c.req('GET', '/api/documents?q=', { token: u.token })).body.total, 7, 'an empty q is no filter');
  });

  it('when topics are set with PATCH, then they replace the document’s topics (manual overrides automatic) and show on GET and in the topic filter', async () => {
    const [a, b, cc] = [
      await addTopic(app.runtime.db, u.id, 'Alpha'),
      await addTopic(app.runtime.db, u.id, 'Beta'),
      await addTopic(app.runtime.db, u.id, 'Gamma'),
    ];
    const doc = docs[3]!;
    await app.runtime.db.query(
      `INSERT INTO document_topics (document_id, topic_id, user_id, source, confidence) VALUES ($1, $2, $3, 'auto', 0.75)`,
      [doc, a, u.id],
    );
    let r = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { topic_ids: [b] } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.topics, [{ id: b, name: 'Beta', source: 'manual', confidence: null }]);
    r = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { topic_ids: [cc, a, cc] } });
    assert.deepEqual(r.body.topics, [
      { id: a, name: 'Alpha', source: 'manual', confidence: null },
      { id: cc, name: 'Gamma', source: 'manual', confidence: null },
    ]);
    const got = await c.req('GET', `/api/documents/${doc}`, { token: u.token });
    assert.deepEqual(got.body.topics, r.body.topics);
    const listed = await c.req('GET', `/api/documents?topic_id=${cc}`, { token: u.token });
    assert.deepEqual(ids(listed.body), [doc]);
    assert.deepEqual(listed.body.items[0].topics, r.body.topics, 'list items carry their topics too');
    assert.deepEqual((await c.req('GET', `/api/documents?topic_id=${randomUUID()}`, { token: u.token })).body, {
      items: [],
      total: 0,
    });
    r = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { topic_ids: [] } });
    assert.deepEqual(r.body.topics, []);
  });

  it('when PATCH names an unknown topic or an invalid filename, then 404/422 and nothing changes', async () => {
    const doc = docs[4]!;
    const t = await addTopic(app.runtime.db, u.id, 'Kept');
    await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { topic_ids: [t] } });
    // The worker still reads the upload (it records the file's hash); compare once it is done.
    const before = await c.processed(u.token, doc);
    const unknown = await c.req('PATCH', `/api/documents/${doc}`, {
      token: u.token,
      json: { filename: 'new.md', topic_ids: [randomUUID()] },
    });
    assert.equal(unknown.status, 404);
    for (const json of [{ filename: '' }, { filename: 'a\nb' }, { topic_ids: ['not-a-uuid'] }, { topic_ids: 'x' }]) {
      const r = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json });
      assert.equal(r.status, 422, JSON.stringify(json));
    }
    assert.deepEqual((await c.req('GET', `/api/documents/${doc}`, { token: u.token })).body, before);
  });

  it('when the OpenAPI document is read, then every documents route is described with its schemas', async () => {
    const r = await c.req('GET', '/api/docs/json');
    assert.equal(r.status, 200);
    const paths = r.body.paths;
    for (const [path, method] of [
      ['/api/documents/upload-url', 'post'],
      ['/api/documents/{id}/confirm', 'post'],
      ['/api/documents', 'get'],
      ['/api/documents/{id}', 'get'],
      ['/api/documents/{id}', 'patch'],
      ['/api/documents/{id}', 'delete'],
      ['/api/documents/{id}/download-url', 'get'],
      ['/api/documents/{id}/classify', 'post'],
    ]) {
      assert.ok(paths[path!]?.[method!], `${method} ${path}`);
      assert.deepEqual(paths[path!][method!].tags, ['documents']);
    }
    // Titled schemas are named components the routes refer to.
    const deref = (s: { $ref?: string }) => (s.$ref ? r.body.components.schemas[s.$ref.split('/').pop()!] : s);
    const upload = paths['/api/documents/upload-url'].post;
    assert.ok(deref(upload.requestBody.content['application/json'].schema).properties.filename);
    // One upload URL, or a multipart ticket (SPEC §7.1).
    const answers: { properties: Record<string, unknown> }[] =
      upload.responses['200'].content['application/json'].schema.anyOf.map(deref);
    assert.ok(answers.some((a) => a.properties.upload_url));
    assert.ok(answers.some((a) => a.properties.part_count));
    assert.ok(upload.responses['413']);
    assert.ok(paths['/api/documents'].get.parameters.some((p: { name: string }) => p.name === 'q'));
  });

  it('when a document is renamed, then only its display name changes and downloads use it', async () => {
    const doc = docs[1]!;
    const key = (await documentRow(app.runtime.db, doc))!.object_key;
    const r = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { filename: '  Q3 report (final).txt ' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.filename, 'Q3 report (final).txt');
    assert.equal((await documentRow(app.runtime.db, doc))!.object_key, key);
    const dl = await c.req('GET', `/api/documents/${doc}/download-url`, { token: u.token });
    const file = await fetch(c.abs(dl.body.url));
    assert.equal(file.headers.get('content-disposition'), 'attachment; filename="Q3 report (final).txt"');
    // Two words, so by the words search keeps for the name (one word also matches names by trigrams).
    const byName = await c.req('GET', `/api/documents?q=${encodeURIComponent('q3 final')}`, { token: u.token });
    assert.deepEqual(ids(byName.body), [doc], 'search finds it by its new name');
    const empty = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: {} });
    assert.equal(empty.status, 200, 'an empty PATCH changes nothing');
    assert.equal(empty.body.filename, 'Q3 report (final).txt');
  });
});
