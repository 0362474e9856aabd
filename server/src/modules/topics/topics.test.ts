import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';

forEachDatabase('topics', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof vaultClient>;
  let alice: TestUser;
  let bob: TestUser;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = vaultClient(app);
    alice = await c.user('alice');
    bob = await c.user('bob');
    // No classifier runs: only manual assignments count below.
    await c.settings(alice.token, { provider: 'none' });
  });
  after(() => app.close());

  it('when a topic is created, listed, renamed and deleted, then each answer has the topic shape', async () => {
    const created = await c.req('POST', '/api/topics', {
      token: alice.token,
      json: { name: '  Receipts ', description: 'Shop receipts' },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(Object.keys(created.body).sort(), ['description', 'document_count', 'id', 'name']);
    assert.equal(created.body.name, 'Receipts');
    assert.equal(created.body.document_count, 0);
    const noDescription = await c.req('POST', '/api/topics', { token: alice.token, json: { name: 'Misc' } });
    assert.equal(noDescription.status, 201);
    assert.equal(noDescription.body.description, '');

    const list = await c.req('GET', '/api/topics', { token: alice.token });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((t: { name: string }) => t.name),
      ['Misc', 'Receipts'],
    );

    const renamed = await c.req('PATCH', `/api/topics/${created.body.id}`, { token: alice.token, json: { name: 'Shopping' } });
    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.body, { ...created.body, name: 'Shopping' });
    const described = await c.req('PATCH', `/api/topics/${created.body.id}`, {
      token: alice.token,
      json: { description: null },
    });
    assert.equal(described.body.description, '');

    assert.equal((await c.req('DELETE', `/api/topics/${noDescription.body.id}`, { token: alice.token })).status, 204);
    assert.equal((await c.req('GET', `/api/topics/${noDescription.body.id}`, { token: alice.token })).status, 404);
    assert.equal((await c.req('DELETE', `/api/topics/${noDescription.body.id}`, { token: alice.token })).status, 404);
  });

  it('when a name exists in any letter case, then 409; another user may use it', async () => {
    await c.topic(alice.token, 'Taxes');
    for (const name of ['Taxes', 'TAXES', ' taxes ']) {
      const r = await c.req('POST', '/api/topics', { token: alice.token, json: { name } });
      assert.equal(r.status, 409, name);
      assert.equal(typeof r.body.detail, 'string');
    }
    const other = await c.topic(alice.token, 'Tax returns');
    const clash = await c.req('PATCH', `/api/topics/${other}`, { token: alice.token, json: { name: 'tAxEs' } });
    assert.equal(clash.status, 409);
    assert.equal((await c.req('POST', '/api/topics', { token: bob.token, json: { name: 'Taxes' } })).status, 201);
  });

  it('when a name or description is invalid, then 422 with a detail', async () => {
    for (const json of [
      { name: '' },
      { name: '   ' },
      { name: 'x'.repeat(101) },
      { name: 'a\nb' },
      { name: 'ok', description: 'd'.repeat(2001) },
      {},
      { name: 5 },
    ]) {
      const r = await c.req('POST', '/api/topics', { token: alice.token, json });
      assert.equal(r.status, 422, JSON.stringify(json));
      assert.ok(r.body.detail, r.text);
    }
  });

  it('when another user names a topic, then it is 404 everywhere and nothing changes', async () => {
    const id = await c.topic(alice.token, 'Private', 'alice only');
    for (const [method, json] of [['GET'], ['PATCH', { name: 'pwned' }], ['DELETE']] as const) {
      const r = await c.req(method, `/api/topics/${id}`, { token: bob.token, json });
      assert.equal(r.status, 404, `${method} ${r.text}`);
      assert.deepEqual(r.body, { detail: 'Topic not found', code: 'not_found' });
    }
    for (const missing of [randomUUID(), 'not-a-uuid']) {
      assert.equal((await c.req('PATCH', `/api/topics/${missing}`, { token: alice.token, json: { name: 'x' } })).status, 404);
    }
    const bobs = await c.req('GET', '/api/topics', { token: bob.token });
    assert.ok(!bobs.body.some((t: { id: string }) => t.id === id));
    const mine = await c.req('GET', `/api/topics/${id}`, { token: alice.token });
    assert.equal(mine.body.name, 'Private');
  });

  it('when documents are filed under a topic, then document_count counts them; deleting the topic keeps the documents', async () => {
    const id = await c.topic(alice.token, 'Letters');
    const d1 = await c.upload(alice.token, 'one.txt', 'text/plain', 'first letter');
    const d2 = await c.upload(alice.token, 'two.txt', 'text/plain', 'second letter');
    for (const d of [d1, d2]) {
      const r = await c.req('PATCH', `/api/documents/${d}`, { token: alice.token, json: { topic_ids: [id] } });
      assert.equal(r.status, 200, r.text);
    }
    const listed = (await c.req('GET', '/api/topics', { token: alice.token })).body.find((t: { id: string }) => t.id === id);
    assert.equal(listed.document_count, 2);
    assert.equal((await c.req('DELETE', `/api/topics/${id}`, { token: alice.token })).status, 204);
    for (const d of [d1, d2]) {
      const doc = await c.doc(alice.token, d);
      assert.deepEqual(doc.topics, []);
    }
  });

  it('when there is no token, then 401', async () => {
    for (const [m, p] of [
      ['GET', '/api/topics'],
      ['POST', '/api/topics'],
      ['PATCH', `/api/topics/${randomUUID()}`],
      ['DELETE', `/api/topics/${randomUUID()}`],
    ]) {
      assert.equal(
        (await c.req(m!, p!, { json: m === 'GET' || m === 'DELETE' ? undefined : { name: 'x' } })).status,
        401,
        `${m} ${p}`,
      );
    }
  });
});
