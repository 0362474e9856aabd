import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import {
  allKeys,
  docsClient,
  documentRow,
  documentService,
  usedBytes,
  type TestUser,
} from '../../test-support/document-fixtures.js';
import type { Database } from '../../db/database.js';
import { purgeTrash } from './purge-trash.job.js';

const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);

forEachDatabase('trash and bulk actions', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;

  before(async () => {
    app = await startTestApp({ db: dbKind, env: { TRASH_RETENTION_DAYS: '2' } });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  async function quietUser(): Promise<TestUser> {
    const u = await c.user();
    await c.req('PUT', '/api/settings', { token: u.token, json: { provider: 'none' } });
    return u;
  }
  const topic = async (u: TestUser, name: string) =>
    (await c.req('POST', '/api/topics', { token: u.token, json: { name } })).body.id as string;
  const list = (u: TestUser, query = '') => c.req('GET', `/api/documents${query}`, { token: u.token });

  it('when a document is trashed, then list, search and topic counts leave it out, the trash shows it, the quota keeps it, and restore brings it back', async () => {
    const u = await quietUser();
    const t = await topic(u, 'Leases');
    const keep = (await c.upload(u.token, { filename: 'lease renewal.txt', bytes: 'x'.repeat(300) })).id;
    const gone = (await c.upload(u.token, { filename: 'lease original.txt', bytes: 'y'.repeat(500) })).id;
    await c.req('PATCH', `/api/documents/${gone}`, { token: u.token, json: { topic_ids: [t] } });
    const usedBefore = (await c.quota(u.token)).used_bytes;

    const trashed = await c.req('POST', `/api/documents/${gone}/trash`, { token: u.token });
    assert.equal(trashed.status, 200);
    assert.ok(trashed.body.trashed_at);
    assert.deepEqual(ids((await list(u)).body), [keep]);
    assert.equal((await list(u)).body.total, 1);
    assert.deepEqual(ids((await list(u, '?q=lease')).body), [keep], 'search leaves it out');
    // Two words: found by its words only (one word is also matched against filenames).
    assert.deepEqual(ids((await list(u, '?q=lease%20original')).body), [], 'by its words too');
    assert.deepEqual(ids((await list(u, '?in=trash&q=lease%20original')).body), [gone], 'search in the trash finds it');
    assert.deepEqual(ids((await list(u, `?topic_id=${t}`)).body), []);
    const topics = await c.req('GET', '/api/topics', { token: u.token });
    assert.equal(topics.body.find((x: { id: string }) => x.id === t).document_count, 0);
    const inTrash = await list(u, '?in=trash');
    assert.deepEqual(ids(inTrash.body), [gone]);
    assert.equal(inTrash.body.total, 1, 'the trash counts what it holds');
    assert.equal((await c.quota(u.token)).used_bytes, usedBefore, 'a trashed document still counts');
    const reclassify = await c.req('POST', `/api/documents/${gone}/classify`, { token: u.token });
    assert.equal(reclassify.status, 409, 'no classification in the trash');
    const bulkReclassify = await c.req('POST', '/api/documents/bulk', {
      token: u.token,
      json: { ids: [gone], action: 'reclassify' },
    });
    assert.deepEqual(bulkReclassify.body, { action: 'reclassify', affected: 0 });

    const restored = await c.req('POST', `/api/documents/${gone}/restore`, { token: u.token });
    assert.equal(restored.status, 200);
    assert.equal(restored.body.trashed_at, null);
    assert.deepEqual(ids((await list(u)).body).sort(), [keep, gone].sort());
    assert.deepEqual((await list(u, '?in=trash')).body, { items: [], total: 0 });
    assert.deepEqual(ids((await list(u, `?topic_id=${t}`)).body), [gone], 'its topics came back with it');
    assert.deepEqual(ids((await list(u, '?q=lease%20original')).body), [gone], 'search finds it again');
    assert.deepEqual(ids((await list(u, '?in=trash&q=lease%20original')).body), []);
  });

  it('when another user trashes or restores my document, then 404 and it stays where it was', async () => {
    const owner = await quietUser();
    const other = await quietUser();
    const id = (await c.upload(owner.token, {})).id;
    for (const action of ['trash', 'restore']) {
      const r = await c.req('POST', `/api/documents/${id}/${action}`, { token: other.token });
      assert.equal(r.status, 404);
    }
    assert.equal((await c.req('POST', '/api/documents/not-a-uuid/trash', { token: owner.token })).status, 404);
    assert.deepEqual(ids((await list(owner)).body), [id]);
  });

  it('when a bulk action names one document of another user, then 404 and nothing changed, whatever the action', async () => {
    const u = await quietUser();
    const other = await quietUser();
    const t = await topic(u, 'Mine');
    const mine: string[] = [];
    for (let i = 0; i < 3; i++) mine.push((await c.upload(u.token, { filename: `m${i}.txt`, bytes: `mine ${i}` })).id);
    const foreign = (await c.upload(other.token, { filename: 'theirs.txt' })).id;
    const usedBefore = await usedBytes(app.runtime.db, u.id);
    const keysBefore = await allKeys(app.runtime.blobs);
    for (const json of [
      { ids: [...mine, foreign], action: 'trash' },
      { ids: [...mine, foreign], action: 'delete' },
      { ids: [...mine, foreign], action: 'set_topics', topic_ids: [t] },
      { ids: [...mine, foreign], action: 'reclassify' },
      { ids: [...mine, '00000000-0000-4000-8000-000000000000'], action: 'delete' },
    ]) {
      const r = await c.req('POST', '/api/documents/bulk', { token: u.token, json });
      assert.equal(r.status, 404, JSON.stringify(json));
      assert.equal(r.body.code, 'not_found');
    }
    const r = await c.req('POST', '/api/documents/bulk', {
      token: u.token,
      json: { ids: mine, action: 'add_topics', topic_ids: [await topic(other, 'Theirs')] },
    });
    assert.equal(r.status, 404, "another user's topic is unknown");
    assert.equal((await list(u)).body.total, 3);
    assert.deepEqual(ids((await list(u, `?topic_id=${t}`)).body), []);
    assert.equal(await usedBytes(app.runtime.db, u.id), usedBefore);
    assert.deepEqual(await allKeys(app.runtime.blobs), keysBefore);
    assert.ok(await documentRow(app.runtime.db, foreign));

    const tooMany = await c.req('POST', '/api/documents/bulk', {
      token: u.token,
      json: { ids: Array.from({ length: 501 }, () => mine[0]), action: 'trash' },
    });
    assert.equal(tooMany.status, 422);
    const noTopics = await c.req('POST', '/api/documents/bulk', { token: u.token, json: { ids: mine, action: 'set_topics' } });
    assert.equal(noTopics.status, 422);
  });

  it('when documents are trashed, restored, filed and deleted in bulk, then each action applies to all of them at once', async () => {
    const u = await quietUser();
    const a = await topic(u, 'A');
    const b = await topic(u, 'B');
    const docs: string[] = [];
    for (let i = 0; i < 4; i++)
      docs.push((await c.upload(u.token, { filename: `d${i}.txt`, bytes: 'z'.repeat(100 * (i + 1)) })).id);
    const bulk = (json: object) => c.req('POST', '/api/documents/bulk', { token: u.token, json });

    assert.deepEqual((await bulk({ ids: docs.slice(0, 2), action: 'trash' })).body, { action: 'trash', affected: 2 });
    assert.equal((await list(u)).body.total, 2);
    assert.equal((await bulk({ ids: docs.slice(0, 2), action: 'restore' })).body.affected, 2);
    assert.equal((await list(u)).body.total, 4);

    await bulk({ ids: docs, action: 'add_topics', topic_ids: [a, b] });
    assert.equal((await list(u, `?topic_id=${b}`)).body.total, 4);
    await bulk({ ids: docs.slice(0, 2), action: 'remove_topics', topic_ids: [b] });
    assert.deepEqual(ids((await list(u, `?topic_id=${b}`)).body).sort(), docs.slice(2).sort());
    await bulk({ ids: docs.slice(2), action: 'set_topics', topic_ids: [a] });
    assert.equal((await list(u, `?topic_id=${b}`)).body.total, 0);
    const one = await c.req('GET', `/api/documents/${docs[3]}`, { token: u.token });
    assert.deepEqual(
      one.body.topics.map((t: { id: string; source: string }) => [t.id, t.source]),
      [[a, 'manual']],
    );

    const before = await usedBytes(app.runtime.db, u.id);
    const keys = await Promise.all(docs.slice(0, 2).map(async (id) => (await documentRow(app.runtime.db, id))!.object_key));
    assert.deepEqual((await bulk({ ids: docs.slice(0, 2), action: 'delete' })).body, { action: 'delete', affected: 2 });
    assert.equal(await usedBytes(app.runtime.db, u.id), before - 300);
    const left = await allKeys(app.runtime.blobs);
    for (const k of keys) assert.ok(!left.includes(k), 'objects removed');
    assert.equal((await list(u)).body.total, 2);
  });

  it('when a trashed document is older than the retention, then the purge deletes it for good and gives its bytes back; a newer one stays', async () => {
    const u = await quietUser();
    const old = (await c.upload(u.token, { filename: 'old.txt', bytes: 'o'.repeat(700) })).id;
    const recent = (await c.upload(u.token, { filename: 'recent.txt', bytes: 'r'.repeat(200) })).id;
    const kept = (await c.upload(u.token, { filename: 'kept.txt', bytes: 'k'.repeat(50) })).id;
    // The worker locks a document's row while it reads and classifies it, and the purge skips
    // locked rows (the next run takes them); let the worker be done with these first.
    for (const id of [old, recent, kept]) await c.processed(u.token, id);
    await c.req('POST', '/api/documents/bulk', { token: u.token, json: { ids: [old, recent], action: 'trash' } });
    // The first was trashed a day and a half ago. The purge below keeps one day; the app's own
    // schedule keeps TRASH_RETENTION_DAYS (2), so a scheduled purge that happens to run now (a
    // new period of CLEANUP_INTERVAL_SECONDS began) cannot take the document from this one.
    assert.equal(app.runtime.config.trashRetentionDays, 2);
    await app.runtime.db.query(`UPDATE documents SET trashed_at = now() - interval '36 hours' WHERE id = $1`, [old]);
    const oldKey = (await documentRow(app.runtime.db, old))!.object_key;
    assert.equal(await usedBytes(app.runtime.db, u.id), 950);

    const r = await purgeTrash({
      db: app.runtime.db,
      blobs: app.runtime.blobs,
      settings: { trashRetentionDays: 1, cleanupIntervalSeconds: 60 },
    });
    assert.equal(r.documents, 1);
    assert.equal(await documentRow(app.runtime.db, old), null);
    assert.ok(!(await allKeys(app.runtime.blobs)).includes(oldKey));
    assert.equal(await usedBytes(app.runtime.db, u.id), 250);
    assert.deepEqual(ids((await list(u, '?in=trash')).body), [recent]);
    assert.deepEqual(ids((await list(u)).body), [kept]);
    assert.equal(
      (
        await purgeTrash({
          db: app.runtime.db,
          blobs: app.runtime.blobs,
          settings: { trashRetentionDays: 1, cleanupIntervalSeconds: 60 },
        })
      ).documents,
      0,
    );
  });

  it('when sorting and filtering by type family and dates, then the list follows', async () => {
    const u = await quietUser();
    const made = [
      { filename: 'b-report.pdf', contentType: 'application/pdf', bytes: 'p'.repeat(300) },
      { filename: 'A-photo.jpg', contentType: 'image/jpeg', bytes: 'j'.repeat(100) },
      { filename: 'c-notes.txt', contentType: 'text/plain; charset=utf-8', bytes: 't'.repeat(200) },
      { filename: 'd-archive.zip', contentType: 'application/zip', bytes: 'z'.repeat(50) },
      { filename: 'e-thing.bin', contentType: 'application/octet-stream', bytes: 'e'.repeat(10) },
    ];
    const id: Record<string, string> = {};
    for (const m of made) id[m.filename] = (await c.upload(u.token, m)).id;
    const names = async (q: string) => (await list(u, q)).body.items.map((d: { filename: string }) => d.filename);

    assert.deepEqual(await names('?sort=filename'), [
      'A-photo.jpg',
      'b-report.pdf',
      'c-notes.txt',
      'd-archive.zip',
      'e-thing.bin',
    ]);
    assert.deepEqual(await names('?sort=-size_bytes&limit=2'), ['b-report.pdf', 'c-notes.txt']);
    assert.deepEqual(await names('?sort=size_bytes&limit=2&offset=1'), ['d-archive.zip', 'A-photo.jpg']);
    assert.deepEqual(
      await names('?sort=created_at'),
      made.map((m) => m.filename),
    );
    assert.deepEqual(await names('?sort=-confirmed_at&limit=1'), ['e-thing.bin']);
    assert.deepEqual(await names('?content_type=pdf'), ['b-report.pdf']);
    assert.deepEqual(await names('?content_type=image'), ['A-photo.jpg']);
    assert.deepEqual(await names('?content_type=text'), ['c-notes.txt']);
    assert.deepEqual(await names('?content_type=archive'), ['d-archive.zip']);
    assert.deepEqual(await names('?content_type=other'), ['e-thing.bin']);

    await app.runtime.db.query(`UPDATE documents SET created_at = '2024-03-10T12:00:00Z' WHERE id = $1`, [id['b-report.pdf']]);
    await app.runtime.db.query(`UPDATE documents SET created_at = '2024-03-11T23:59:59.999Z' WHERE id = $1`, [id['A-photo.jpg']]);
    assert.deepEqual(await names('?from=2024-03-10&to=2024-03-11&sort=created_at'), ['b-report.pdf', 'A-photo.jpg']);
    assert.deepEqual(await names('?from=2024-03-11&to=2024-03-11'), ['A-photo.jpg']);
    assert.deepEqual(await names('?to=2024-03-10'), ['b-report.pdf']);
    assert.equal((await list(u, '?from=2024-12-31')).body.total, 3);
    for (const bad of ['sort=owner', 'sort=-', 'content_type=word', 'from=2024-02-30', 'to=yesterday', 'in=bin']) {
      assert.equal((await list(u, `?${bad}`)).status, 422, bad);
    }
  });

  it('when the same bytes are uploaded twice, then both carry their sha256 and the later one is flagged as a duplicate of the first', async () => {
    const u = await quietUser();
    const bytes = 'the same contract, twice\n'.repeat(100);
    const first = (await c.upload(u.token, { filename: 'contract.txt', bytes })).id;
    const second = (await c.upload(u.token, { filename: 'contract (1).txt', bytes })).id;
    const other = (await c.upload(u.token, { filename: 'other.txt', bytes: bytes + '!' })).id;
    const doc = async (id: string) => (await c.req('GET', `/api/documents/${id}`, { token: u.token })).body;
    for (const id of [first, second, other]) assert.ok((await c.processed(u.token, id)).sha256, 'its hash is recorded');
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.equal((await doc(first)).sha256, sha);
    assert.equal((await doc(first)).duplicate_of, null);
    assert.equal((await doc(second)).duplicate_of, first);
    assert.equal((await doc(other)).duplicate_of, null);
    const listed = (await list(u)).body.items.find((d: { id: string }) => d.id === second);
    assert.equal(listed.duplicate_of, first);
  });
});

forEachDatabase('processing, from the job queue', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof docsClient>;
  before(async () => {
    // An API-only process: jobs are queued and nobody works them, so they stay in flight.
    app = await startTestApp({ db: dbKind, env: { ROLE: 'api' } });
    c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
  });
  after(() => app.close());

  it('when an extract-and-classify job is queued for a document, then it says processing: true; a pending one and one whose job finished say false', async () => {
    const u = await c.user();
    const id = (await c.upload(u.token, {})).id;
    const pending = (await c.uploadUrl(u.token, { filename: 'p.txt', content_type: 'text/plain' })).body.document_id;
    const byId = async () =>
      new Map((await c.req('GET', '/api/documents', { token: u.token })).body.items.map((d: any) => [d.id, d.processing]));
    assert.deepEqual(Object.fromEntries(await byId()), { [id]: true, [pending]: false });
    assert.equal((await c.req('GET', `/api/documents/${id}`, { token: u.token })).body.processing, true);
    await app.runtime.db.query(`UPDATE pgboss.job SET state = 'completed' WHERE data->>'documentId' = $1`, [id]);
    assert.equal((await byId()).get(id), false);
    await app.runtime.db.query(`UPDATE pgboss.job SET state = 'retry' WHERE data->>'documentId' = $1`, [id]);
    assert.equal((await byId()).get(id), true, 'waiting for a retry is still processing');
  });
  it('when the job finishes between the read of the rows and the read of the jobs, then the document is not left "uploaded, not processing"', async () => {
    const u = await c.user();
    const id = (await c.upload(u.token, {})).id;
    const db = app.runtime.db;
    // The worker's last steps (status written, then the job completed) land just before
    // the service asks which jobs are in flight: the rows it holds are from before.
    let finished = false;
    const finishFirst = async (sql: string) => {
      if (finished || !/FROM pgboss\.job/.test(sql)) return;
      finished = true;
      await db.query(`UPDATE documents SET status = 'classified', classified_at = now() WHERE id = $1`, [id]);
      await db.query(`UPDATE pgboss.job SET state = 'completed' WHERE data->>'documentId' = $1`, [id]);
    };
    const racing: Database = {
      ...db,
      kind: db.kind,
      query: async (sql, params) => {
        await finishFirst(sql);
        return db.query(sql, params);
      },
    };
    const service = documentService(app, racing);
    const user = { id: u.id, role: 'user' as const };
    const listed = (await service.list(user, {})).items.find((d) => d.id === id)!;
    assert.ok(finished, 'the job finished during the list');
    assert.deepEqual({ status: listed.status, processing: listed.processing }, { status: 'classified', processing: false });
    // The same race on a single document's read.
    finished = false;
    await db.query(`UPDATE documents SET status = 'uploaded', classified_at = NULL WHERE id = $1`, [id]);
    await db.query(`UPDATE pgboss.job SET state = 'created' WHERE data->>'documentId' = $1`, [id]);
    const read = await service.get(user, id);
    assert.ok(finished, 'the job finished during the read');
    assert.deepEqual({ status: read.status, processing: read.processing }, { status: 'classified', processing: false });
  });
});
