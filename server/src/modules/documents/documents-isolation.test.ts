import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import type { Queryable } from '../../db/database.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { allKeys, docsClient, type TestUser } from '../../test-support/document-fixtures.js';

async function addTopic(db: Queryable, userId: string, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO topics (user_id, name) VALUES ($1, $2) RETURNING id', [
    userId,
    name,
  ]);
  return rows[0]!.id;
}

/** Everything of one user that a foreign request could change. */
async function snapshot(app: TestApp, userId: string) {
  const db = app.runtime.db;
  const q = async (sql: string) => (await db.query(sql, [userId])).rows;
  return {
    documents: await q('SELECT * FROM documents WHERE user_id = $1 ORDER BY id'),
    topics: await q('SELECT * FROM document_topics WHERE user_id = $1 ORDER BY document_id, topic_id'),
    quota: await q('SELECT * FROM quotas WHERE user_id = $1'),
    jobs: await q(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'userId' = $1::text`),
    objects: await allKeys(app.runtime.blobs),
  };
}

forEachDatabase('isolation between users', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  let alice: TestUser;
  let bob: TestUser;
  let confirmed: string;
  let pendingEmpty: string;
  let pendingWithBytes: string;
  let aliceTopic: string;
  let bobTopic: string;
  let bobDoc: string;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
    alice = await c.user();
    bob = await c.user();
    const up = await c.upload(alice.token, { filename: 'medical letter.txt', bytes: 'alice private medical letter' });
    assert.equal(up.confirm!.status, 200);
    confirmed = up.id;
    pendingEmpty = (await c.uploadUrl(alice.token, { filename: 'pending.txt', content_type: 'text/plain' })).body.document_id;
    pendingWithBytes = (await c.upload(alice.token, { filename: 'medical draft.txt', bytes: 'draft', confirm: false })).id;
    aliceTopic = await addTopic(app.runtime.db, alice.id, 'Health');
    await c.req('PATCH', `/api/documents/${confirmed}`, { token: alice.token, json: { topic_ids: [aliceTopic] } });
    bobTopic = await addTopic(app.runtime.db, bob.id, 'Bills');
    bobDoc = (await c.upload(bob.token, { filename: 'bob.txt', bytes: 'bob' })).id;
    // Classification of the confirmed uploads runs on its own; the snapshots below must
    // only see what a foreign request would change.
    await app.runtime.jobs.idle(['extract-and-classify']);
  });
  after(() => app.close());

  const routes = (id: string, topicId: string): [string, string, unknown?][] => [
    ['GET', `/api/documents/${id}`],
    ['POST', `/api/documents/${id}/confirm`],
    ['POST', `/api/documents/${id}/classify`],
    ['GET', `/api/documents/${id}/download-url`],
    ['PATCH', `/api/documents/${id}`, { filename: 'pwned.txt' }],
    ['PATCH', `/api/documents/${id}`, { topic_ids: [topicId] }],
    ['DELETE', `/api/documents/${id}`],
  ];

  it('when another user names a document (confirmed or pending) on any route, then 404 exactly as for a missing one, and nothing changes', async () => {
    const before = await snapshot(app, alice.id);
    const missing = randomUUID();
    for (const id of [confirmed, pendingEmpty, pendingWithBytes]) {
      for (const [method, path, json] of routes(id, bobTopic)) {
        const foreign = await c.req(method, path, { token: bob.token, json });
        const absent = await c.req(method, path.replace(id, missing), { token: bob.token, json });
        assert.equal(foreign.status, 404, `${method} ${path} → ${foreign.status}`);
        assert.deepEqual(foreign.body, absent.body, `${method} ${path} answers like a missing document`);
      }
    }
    assert.deepEqual(await snapshot(app, alice.id), before);
  });

  it('when a document id is not a uuid, then 404 like any unknown id', async () => {
    for (const id of ['not-a-uuid', '1', "x' OR '1'='1", '%2e%2e']) {
      for (const [method, path, json] of routes(encodeURIComponent(id), bobTopic)) {
        const r = await c.req(method, path, { token: bob.token, json });
        assert.equal(r.status, 404, `${method} ${path} → ${r.status} ${r.text}`);
      }
    }
  });

  it("when a user attaches another user's topic to their own document, then 404 and nothing changes", async () => {
    const before = await snapshot(app, bob.id);
    const r = await c.req('PATCH', `/api/documents/${bobDoc}`, {
      token: bob.token,
      json: { topic_ids: [bobTopic, aliceTopic], filename: 'renamed.txt' },
    });
    assert.equal(r.status, 404);
    assert.match(r.body.detail, /topic/i);
    assert.deepEqual(await snapshot(app, bob.id), before, 'neither the topics nor the name changed');
    const own = await c.req('PATCH', `/api/documents/${bobDoc}`, { token: bob.token, json: { topic_ids: [bobTopic] } });
    assert.equal(own.status, 200);
    assert.deepEqual(
      own.body.topics.map((t: { id: string }) => t.id),
      [bobTopic],
    );
  });

  it("when a user lists, filters or searches, then nothing of another user's appears", async () => {
    const list = await c.req('GET', '/api/documents?limit=200', { token: bob.token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((d: { id: string }) => d.id),
      [bobDoc],
    );
    assert.equal(list.body.total, 1);
    for (const q of ['medical', 'letter', 'medical letter.txt', 'pending', 'draft']) {
      const s = await c.req('GET', `/api/documents?q=${encodeURIComponent(q)}`, { token: bob.token });
      assert.equal(s.status, 200);
      assert.deepEqual(s.body, { items: [], total: 0 }, `bob searching "${q}"`);
    }
    const byTopic = await c.req('GET', `/api/documents?topic_id=${aliceTopic}`, { token: bob.token });
    assert.deepEqual(byTopic.body, { items: [], total: 0 });
    for (const status of ['pending', 'uploaded']) {
      const s = await c.req('GET', `/api/documents?status=${status}`, { token: bob.token });
      assert.ok(!s.body.items.some((d: { id: string }) => [confirmed, pendingEmpty, pendingWithBytes].includes(d.id)));
    }
    // Alice does find her own.
    const mine = await c.req('GET', '/api/documents?q=medical', { token: alice.token });
    assert.deepEqual(mine.body.items.map((d: { id: string }) => d.id).sort(), [confirmed, pendingWithBytes].sort());
    const mineByTopic = await c.req('GET', `/api/documents?topic_id=${aliceTopic}`, { token: alice.token });
    assert.deepEqual(
      mineByTopic.body.items.map((d: { id: string }) => d.id),
      [confirmed],
    );
  });

  it('when there is no token or a bad one, then every documents route answers 401', async () => {
    const all: [string, string, unknown?][] = [
      ['GET', '/api/documents'],
      ['POST', '/api/documents/upload-url', { filename: 'x.txt', content_type: 'text/plain' }],
      ['POST', '/api/documents/upload-url', { filename: '', content_type: 'bad' }],
      ...routes(confirmed, aliceTopic),
    ];
    const before = await snapshot(app, alice.id);
    for (const [method, path, json] of all) {
      const none = await c.req(method, path, { json });
      assert.equal(none.status, 401, `no token: ${method} ${path} → ${none.status}`);
      assert.equal(typeof none.body.detail, 'string');
      const forged = await c.req(method, path, { json, token: alice.token.slice(0, -4) + 'AAAA' });
      assert.equal(forged.status, 401, `forged token: ${method} ${path} → ${forged.status}`);
    }
    assert.deepEqual(await snapshot(app, alice.id), before);
  });
});
