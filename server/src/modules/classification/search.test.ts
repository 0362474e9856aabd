import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RANK_WINDOW } from '../documents/documents.repository.js';
import { databaseKinds, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';
import { makePdf } from '../../test-support/file-fixtures.js';

const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);

for (const dbKind of databaseKinds()) {
  describe(`full-text search (${dbKind})`, () => {
    let app: TestApp;
    let c: ReturnType<typeof vaultClient>;
    let alice: TestUser;
    let bob: TestUser;
    const d: Record<string, string> = {};

    before(async () => {
      app = await startTestApp({ db: dbKind });
      c = vaultClient(app);
      alice = await c.user('alice');
      bob = await c.user('bob');
      d.pdf = await c.upload(
        alice.token,
        'scan-0007.pdf',
        'application/pdf',
        makePdf([
          ['Certificate of the xylophone competition, first prize.'],
          ['Signed by the jury chair & the mayor, <b>rank</b> < 3.'],
        ]),
      );
      d.strong = await c.upload(
        alice.token,
        'allotment-notes.txt',
        'text/plain',
        'Compost, compost and more compost: turning compost weekly keeps the compost heap warm. Compost tea.',
      );
      d.weak = await c.upload(
        alice.token,
        'recipes.txt',
        'text/plain',
        'Bread, soup, salads. The garden gives herbs; leftover peels go to the compost at the end of a long list of kitchen chores and recipes for every season of the year.',
      );
      d.bobs = await c.upload(bob.token, 'bob-compost.txt', 'text/plain', 'Bob also writes about compost and the xylophone.');
      for (const [, id] of Object.entries(d))
        await c.settled(id === d.bobs ? bob.token : alice.token, id, {
          statuses: ['classified', 'uploaded', 'classification_failed'],
        });
      await app.runtime.jobs.idle(['extract-and-classify']);
    });
    after(() => app.close());

    it('when a word is only inside a PDF, then search finds that document with a highlighted snippet', async () => {
      const r = await c.req('GET', '/api/documents?q=xylophone', { token: alice.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(ids(r.body), [d.pdf]);
      assert.equal(r.body.total, 1);
      assert.match(r.body.items[0].snippet, /<mark>xylophone<\/mark> competition/);
      const escaped = await c.req('GET', '/api/documents?q=jury', { token: alice.token });
      const snippet: string = escaped.body.items[0].snippet;
      assert.match(snippet, /<mark>jury<\/mark> chair &amp; the mayor/, 'document text is HTML-escaped in snippets');
      assert.ok(!snippet.replace(/<\/?mark>/g, '').includes('<'), `only <mark> tags: ${snippet}`);
      assert.ok(
        !('snippet' in (await c.req('GET', '/api/documents', { token: alice.token })).body.items[0]),
        'no snippet without q',
      );
    });

    it('when several documents match, then the better match comes first', async () => {
      const r = await c.req('GET', '/api/documents?q=compost', { token: alice.token });
      assert.deepEqual(ids(r.body), [d.strong, d.weak]);
      const byName = await c.req('GET', '/api/documents?q=allotment', { token: alice.token });
      assert.deepEqual(ids(byName.body), [d.strong], 'filename words are searched');
      for (const q of ['allotment-notes', 'allotment-notes.txt', 'allotment_notes', 'scan-0007', 'scan 0007.pdf']) {
        const asShown = await c.req('GET', `/api/documents?q=${encodeURIComponent(q)}`, { token: alice.token });
        assert.equal(ids(asShown.body).length, 1, `a filename typed as shown finds it: ${q}`);
      }
      const stemmed = await c.req('GET', '/api/documents?q=certificates', { token: alice.token });
      assert.deepEqual(ids(stemmed.body), [d.pdf]);
      const phrase = await c.req('GET', `/api/documents?q=${encodeURIComponent('"compost heap" -recipes')}`, {
        token: alice.token,
      });
      assert.deepEqual(ids(phrase.body), [d.strong]);
    });

    it('when another user searches, then they never see this user’s documents', async () => {
      const r = await c.req('GET', '/api/documents?q=xylophone', { token: bob.token });
      assert.deepEqual(ids(r.body), [d.bobs]);
      const mine = await c.req('GET', '/api/documents?q=bob', { token: alice.token });
      assert.deepEqual(ids(mine.body), []);
    });

    it('when the query is hostile or malformed, then 200 and no error', async () => {
      for (const q of [
        "'); DROP TABLE documents;--",
        'a & | ! ( :* <->',
        '"',
        '!!!',
        '(((',
        ':*',
        '\\',
        "O'Reilly",
        'x'.repeat(500),
        '<script>alert(1)</script>',
        '-',
        'or',
        '%00',
      ]) {
        const r = await c.req('GET', `/api/documents?q=${encodeURIComponent(q)}`, { token: alice.token });
        assert.equal(r.status, 200, `${q}: ${r.status} ${r.text.slice(0, 200)}`);
        assert.ok(Array.isArray(r.body.items));
      }
      const { rows } = await app.runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM documents WHERE user_id = $1', [
        alice.id,
      ]);
      assert.equal(rows[0]!.n, 3, 'the table is still there');
    });

    it('when search is combined with status and paging, then total counts every hit and pages keep the rank order', async () => {
      const all = await c.req('GET', '/api/documents?q=compost&limit=1', { token: alice.token });
      assert.equal(all.body.total, 2);
      assert.deepEqual(ids(all.body), [d.strong]);
      const second = await c.req('GET', '/api/documents?q=compost&limit=1&offset=1', { token: alice.token });
      assert.deepEqual(ids(second.body), [d.weak]);
      const none = await c.req('GET', '/api/documents?q=compost&status=pending', { token: alice.token });
      assert.deepEqual(none.body, { items: [], total: 0 });
    });

    it('when a word is in more documents than one rank window, then total is exact, every hit is on one page and each window is ranked', async () => {
      const carol = await c.user('carol');
      const hits = RANK_WINDOW + 150;
      // Document i is i minutes old; the strongest matches sit in the middle of each window.
      const strongNew = 500;
      const strongOld = RANK_WINDOW + 100;
      await app.runtime.db.query(
        `INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status, extracted_text, created_at)
         SELECT gen_random_uuid(), $1::uuid, 'page-' || i || '.txt', 'text/plain', 0, 'local', $1::text || '/search-window/' || i, 'classified',
                CASE WHEN i IN ($3, $4) THEN 'ledger ledger ledger ledger: the ledger of ledgers'
                     ELSE 'one ledger line among many other words about the month and its accounts' END,
                now() - make_interval(mins => i)
           FROM generate_series(1, $2::int) AS i`,
        [carol.id, hits, strongNew, strongOld],
      );
      const seen: string[] = [];
      const names: string[] = [];
      for (let offset = 0; offset < hits + 200; offset += 200) {
        const r = await c.req('GET', `/api/documents?q=ledger&limit=200&offset=${offset}`, { token: carol.token });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.total, hits, 'the total counts every hit');
        seen.push(...ids(r.body));
        names.push(...r.body.items.map((x: { filename: string }) => x.filename));
      }
      assert.equal(seen.length, hits, 'every hit is listed');
      assert.equal(new Set(seen).size, hits, 'no hit is listed twice');
      assert.equal(names[0], `page-${strongNew}.txt`, 'the best match of the newest window comes first');
      assert.equal(names[RANK_WINDOW], `page-${strongOld}.txt`, 'the best match of the next window leads it');
      assert.equal(names[1], 'page-1.txt', 'equal matches: newest first');
    });
  });
}
