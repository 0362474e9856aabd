import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RANK_WINDOW, SEARCH_SETTINGS, searchStatements } from '../documents/document-search.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';
import { makePdf } from '../../test-support/file-fixtures.js';

const ids = (body: { items: { id: string }[] }) => body.items.map((d) => d.id);
/** A snippet as a person reads it, with the words found in [brackets]. */
const shown = (snippet: { text: string; match: boolean }[]) => snippet.map((s) => (s.match ? `[${s.text}]` : s.text)).join('');

/** `length` characters of ordinary prose that never contains `absent`, with `word` at character `at`. */
function longText(length: number, word: string, at: number): string {
  const vocabulary =
    'the of and to in that was his for with he it as on by at from this had not are but which be or have one an'.split(' ');
  const prose = (n: number) => {
    let out = '';
    for (let i = 0; out.length < n; i++) out += vocabulary[(i * 7919) % vocabulary.length] + ((i + 1) % 14 === 0 ? '.\n' : ' ');
    return out.slice(0, n);
  };
  return prose(at - 1) + ' ' + word + ' ' + prose(length - at - word.length - 1);
}

type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
/** Every node of a plan. */
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

forEachDatabase('full-text search', (dbKind) => {
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
    assert.match(shown(r.body.items[0].snippet), /\[xylophone\] competition/);
    const plain = await c.req('GET', '/api/documents?q=jury', { token: alice.token });
    assert.match(
      shown(plain.body.items[0].snippet),
      /\[jury\] chair & the mayor, <b>rank<\/b> < 3/,
      'snippets are the text itself, not HTML',
    );
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

  it('when the search index has new entries not yet vacuumed, then the words are matched by the index, never vector by vector', async () => {
    // New entries wait in the GIN index's pending list until a VACUUM (never, on the embedded
    // database); meanwhile the planner costs the index high and once chose to walk the table
    // by primary key instead, testing each row's search vector — de-TOASTing every long text's
    // vector, 250 ms on 5,000 documents. The words' hits must come from the index in every
    // statement a search sends.
    const frank = await c.user('frank');
    // Texts of a few hundred distinct words, as real ones have.
    const words = Array.from({ length: 300 }, (_, k) => `word${k % 97} can${k % 13}`).join(' ');
    await app.runtime.db.query(
      `INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status, extracted_text, created_at)
       SELECT gen_random_uuid(), $1::uuid, CASE WHEN i % 50 = 0 THEN 'can-' ELSE 'page-' END || i || '.txt', 'text/plain', 0, 'local',
              $1::text || '/pending/' || i, 'classified', 'you can see the ledger of the month ' || $2 || ' ' || i,
              now() - make_interval(mins => i)
         FROM generate_series(1, 300) AS i`,
      [frank.id, words],
    );
    // Unfiltered, and with a filter on the documents' own columns (then each hit's row is joined).
    const scopes = [
      { params: [frank.id], inTrash: false, filters: [] },
      { params: [frank.id, 'classified'], inTrash: false, filters: ['d.status = $2'] },
    ];
    for (const [q, scope] of ['can', 'ledger month'].flatMap((q) => scopes.map((sc) => [q, sc] as const))) {
      const st = searchStatements(scope, q, { limit: 50, offset: 0, columns: ['id'] });
      const statements = {
        whole: st.page(null),
        'small vault': st.page(null, 100_000),
        'newest look': st.page(new Date(Date.now() - 3_600_000)),
        count: st.count,
      };
      for (const [name, s] of Object.entries(statements)) {
        // Planned with the settings every search statement runs with.
        const { rows } = await app.runtime.db.queryWith<Record<string, unknown>>(
          SEARCH_SETTINGS,
          `EXPLAIN (FORMAT JSON) ${s.sql}`,
          s.params,
        );
        const json = Object.values(rows[0]!)[0];
        const plan = (typeof json === 'string' ? JSON.parse(json) : json) as { Plan: PlanNode }[];
        const testedOneByOne = nodes(plan[0]!.Plan).filter(
          (n) => n['Relation Name'] === 'document_search' && /@@/.test(String(n.Filter ?? '')),
        );
        assert.deepEqual(
          testedOneByOne.map((n) => `${n['Node Type']} on ${n['Index Name'] ?? 'the table'}: ${n.Filter}`),
          [],
          `${q}, ${name}, ${scope.filters.join(' ') || 'no filter'}`,
        );
      }
      const r = await c.req('GET', `/api/documents?q=${encodeURIComponent(q)}&limit=5`, { token: frank.token });
      assert.equal(r.body.total, 300, r.text);
    }
  });

  // PGlite has no statement timer (SEARCH_STATEMENT_TIMEOUT_MS): PostgreSQL only.
  if (dbKind === 'postgres') {
    it('when a search runs past its time limit, then 503 with a clear detail, and the next search is answered', async () => {
      // Another session holds search's table; the search's statements wait for it until
      // PostgreSQL cancels them at the time limit (which counts waiting for a lock).
      const held = app.runtime.db.transaction(async (tx) => {
        await tx.query('LOCK TABLE document_search IN ACCESS EXCLUSIVE MODE');
        const r = await c.req('GET', '/api/documents?q=compost', { token: alice.token });
        assert.equal(r.status, 503, r.text);
        assert.equal(r.body.detail, 'The search took too long; try more specific words');
      });
      await held;
      const r = await c.req('GET', '/api/documents?q=compost', { token: alice.token });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.total, 2);
    });
  }

  it('when a vault is larger than the first look for the newest hits, then totals stay exact and every page is the one a whole ranking gives', async () => {
    // 20,000 documents, document i being i minutes old: more than a vault searched in one
    // statement. A search first looks for its newest hits among the newest 2 × RANK_WINDOW
    // documents, then over a span scaled by what it found — unless it found few and the count
    // says those were all, or that there are few enough to read them all: "alpha" (in every
    // document) is answered by the first look, "beta" (every third) by a second, "gamma"
    // (every tenth, 2,000 hits) by reading all, "delta" (the newest 100 only) by the first look
    // alone. Each of the first three has one strong match in its second window; gamma also one
    // in its first window, older than the first look reaches.
    const erin = await c.user('erin');
    const n = 20_000;
    const words = [
      { word: 'alpha', every: 1, strong: [1500] },
      { word: 'beta', every: 3, strong: [4500] },
      { word: 'gamma', every: 10, strong: [5000, 15000] },
    ];
    const contains = words.map(
      (w, k) =>
        `CASE WHEN i % ${w.every} = 0 THEN ' ${w.word}' ELSE ' filler' END || repeat(CASE WHEN i = ANY($${k + 3}::int[]) THEN ' ${w.word}' ELSE ' filler' END, 4)`,
    );
    await app.runtime.db.query(
      `INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status, extracted_text, created_at)
       SELECT gen_random_uuid(), $1::uuid, 'page-' || i || '.txt', 'text/plain', 0, 'local', $1::text || '/large-vault/' || i, 'classified',
              'a line of the ledger' || ${contains.join(' || ')} || CASE WHEN i <= 100 THEN ' delta' ELSE ' filler' END
              || ' among many other words about the month', now() - make_interval(mins => i)
         FROM generate_series(1, $2::int) AS i`,
      [erin.id, n, ...words.map((w) => w.strong)],
    );
    for (const { word, every, strong } of words) {
      const hits = Array.from({ length: n }, (_, k) => k + 1).filter((i) => i % every === 0);
      for (const w of [0, 1]) {
        // A window: its strong match first, then the rest newest first.
        const inWindow = hits.slice(w * RANK_WINDOW, (w + 1) * RANK_WINDOW);
        const best = strong.filter((i) => inWindow.includes(i));
        assert.equal(best.length, w === 0 ? strong.length - 1 : 1, `${word}: the strong matches are where this test says`);
        const r = await c.req('GET', `/api/documents?q=${word}&limit=50&offset=${w * RANK_WINDOW}`, { token: erin.token });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.total, hits.length, `${word}: the total counts every hit`);
        assert.deepEqual(
          r.body.items.map((x: { filename: string }) => x.filename),
          [...best, ...inWindow.filter((i) => !best.includes(i))].slice(0, 50).map((i) => `page-${i}.txt`),
          `${word}: window ${w + 1}, best first, equal matches newest first`,
        );
      }
    }
    const past = await c.req('GET', `/api/documents?q=gamma&limit=50&offset=${n}`, { token: erin.token });
    assert.deepEqual(past.body, { items: [], total: n / 10 }, 'a page past the last hit still has the total');
    const delta = await c.req('GET', '/api/documents?q=delta&limit=50&offset=60', { token: erin.token });
    assert.equal(delta.body.total, 100);
    assert.deepEqual(
      delta.body.items.map((x: { filename: string }) => x.filename),
      Array.from({ length: 40 }, (_, k) => `page-${61 + k}.txt`),
      'delta: the rest of its hits, newest first',
    );
    // The vault shrinks to a small one (the app remembers where vaults were large, to skip
    // the small-vault statement there): searches still give what a whole ranking gives.
    await app.runtime.db.query(
      `DELETE FROM documents WHERE user_id = $1 AND object_key LIKE '%/large-vault/%' AND created_at < now() - interval '5000 minutes 30 seconds'`,
      [erin.id],
    );
    for (let again = 0; again < 2; again++) {
      const r = await c.req('GET', '/api/documents?q=gamma&limit=50', { token: erin.token });
      assert.equal(r.body.total, 500, 'every tenth of the 5,000 left');
      assert.deepEqual(
        r.body.items.map((x: { filename: string }) => x.filename),
        [5000, ...Array.from({ length: 49 }, (_, k) => 10 * (k + 1))].map((i) => `page-${i}.txt`),
        `gamma after the vault shrank (search ${again + 1}): the strong match first, then newest first`,
      );
    }
  });

  describe('long texts, partial words, other languages, inexact filenames', () => {
    let dana: TestUser;
    const e = {} as Record<'long' | 'invoice' | 'german' | 'named' | 'quoted', string>;
    before(async () => {
      dana = await c.user('dana');
      e.long = await c.upload(dana.token, 'long-report.txt', 'text/plain', longText(500_000, 'zanzibarite', 400_000));
      e.invoice = await c.upload(dana.token, 'march.txt', 'text/plain', 'Please find the invoice for March attached.');
      e.german = await c.upload(dana.token, 'post.txt', 'text/plain', 'Die Rechnungen für März liegen bei.');
      e.named = await c.upload(dana.token, 'invoice_2026-01.pdf', 'application/pdf', makePdf([['Amount due: 120 EUR.']]));
      e.quoted = await c.upload(dana.token, 'quotes.txt', 'text/plain', `A note: don't "quoted" & <b> stays as typed.`);
      for (const id of Object.values(e))
        await c.settled(dana.token, id, { statuses: ['classified', 'uploaded', 'classification_failed'] });
      await app.runtime.jobs.idle(['extract-and-classify']);
    });

    it('when the only match is at character 400,000 of a 500 KB text, then the document is found and its snippet shows the match', async () => {
      const r = await c.req('GET', '/api/documents?q=zanzibarite', { token: dana.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(ids(r.body), [e.long]);
      assert.equal(r.body.total, 1);
      const snippet = shown(r.body.items[0].snippet);
      assert.match(snippet, /\[zanzibarite\]/, snippet);
      assert.ok(snippet.length < 400, `a snippet is a passage, not the text: ${snippet.length} characters`);
    });

    it('when the last word is typed partly, then it matches as a prefix', async () => {
      const r = await c.req('GET', '/api/documents?q=invoi', { token: dana.token });
      assert.ok(ids(r.body).includes(e.invoice), r.text);
      assert.match(shown(r.body.items.find((x: { id: string }) => x.id === e.invoice).snippet), /\[invoice\] for March/);
      const two = await c.req('GET', '/api/documents?q=march%20invoi', { token: dana.token });
      assert.deepEqual(ids(two.body), [e.invoice], 'earlier words are whole words, the last a prefix');
    });

    it('when a word of another language is typed, then the document holding it is found as typed', async () => {
      const r = await c.req('GET', '/api/documents?q=Rechnungen', { token: dana.token });
      assert.deepEqual(ids(r.body), [e.german]);
      assert.match(shown(r.body.items[0].snippet), /\[Rechnungen\] für März/);
      const die = await c.req('GET', '/api/documents?q=die%20Rechnungen', { token: dana.token });
      assert.deepEqual(ids(die.body), [e.german]);
    });

    it('when part of a filename is typed, then the file is found by its name', async () => {
      for (const q of ['nvoice_2026', 'invoice_2026-01.pdf', 'invoce_2026']) {
        const r = await c.req('GET', `/api/documents?q=${encodeURIComponent(q)}`, { token: dana.token });
        assert.deepEqual(ids(r.body), [e.named], q);
      }
      const other = await c.req('GET', '/api/documents?q=nvoice_2026', { token: alice.token });
      assert.deepEqual(ids(other.body), [], 'another user’s filenames stay theirs');
    });

    it('when the text holds quotes, ampersands and tags, then the snippet shows exactly those characters', async () => {
      const r = await c.req('GET', '/api/documents?q=quoted', { token: dana.token });
      assert.deepEqual(ids(r.body), [e.quoted]);
      const snippet = r.body.items[0].snippet;
      assert.equal(shown(snippet), `A note: don't "[quoted]" & <b> stays as typed.`);
      assert.deepEqual(
        snippet.filter((x: { match: boolean }) => x.match),
        [{ text: 'quoted', match: true }],
      );
    });
  });
});
