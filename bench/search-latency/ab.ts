/**
 * An interleaved A/B of search through HTTP: two apps in one process, this checkout's and a
 * baseline checkout's (e.g. a `git worktree` of the commit before a change), both serving the
 * same kept long-texts vault (long-texts.ts, BENCH_PG_DATABASE_URL). Each query goes to both,
 * in alternating order, each followed by the plain list, so that the shared machine's slow
 * and fast minutes fall on both alike — separate runs of long-texts.ts differ by 20–30% from
 * one to the next, more than most changes. Also checks that both give the same answers
 * (totals and ids). Asserts nothing.
 *
 *   git worktree add /tmp/baseline HEAD~1 && ln -s "$PWD/node_modules" /tmp/baseline/
 *   TEST_DATABASE_URL=… BENCH_PG_DATABASE_URL=postgres://…/dv_long BENCH_BASELINE_DIR=/tmp/baseline \
 *     node --import tsx bench/search-latency/ab.ts
 *
 * Knobs: BENCH_RUNS (40 rounds of every query), BENCH_QUERIES (comma-separated).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestApp, type TestApp } from '../../server/src/test-support/test-app.js';
import { jsonApi, percentile } from '../support/bench-kit.js';

const DATABASE_URL = process.env.BENCH_PG_DATABASE_URL;
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const QUERIES = (process.env.BENCH_QUERIES ?? 'can,persons,momentous,persons traffic,"most language",havi').split(',');
const OWNER = 'long-texts-owner@example.com';
const PASSWORD = 'correct horse battery staple';

if (!DATABASE_URL || !BASELINE_DIR) {
  console.error('Set BENCH_PG_DATABASE_URL (a vault kept by long-texts.ts) and BENCH_BASELINE_DIR (the baseline checkout).');
  process.exit(2);
}

const baselineModule = pathToFileURL(resolve(BASELINE_DIR, 'server/src/test-support/test-app.ts')).href;
const { startTestApp: startBaseline } = (await import(baselineModule)) as { startTestApp: typeof startTestApp };
const apps: Record<'baseline' | 'this', TestApp> = {
  baseline: await startBaseline({ db: 'postgres', databaseUrl: DATABASE_URL }),
  this: await startTestApp({ db: 'postgres', databaseUrl: DATABASE_URL }),
};
try {
  const sides = Object.keys(apps) as (keyof typeof apps)[];
  const api = Object.fromEntries(sides.map((k) => [k, jsonApi(apps[k].baseUrl)])) as Record<
    keyof typeof apps,
    ReturnType<typeof jsonApi>
  >;
  const token: Record<string, string> = {};
  for (const k of sides) {
    token[k] = (await api[k]('POST', '/api/auth/login', { body: { email: OWNER, password: PASSWORD } })).access_token as string;
  }
  const search: Record<string, number[]> = { baseline: [], this: [] };
  const list: Record<string, number[]> = { baseline: [], this: [] };
  const answers: Record<string, string[]> = { baseline: [], this: [] };
  const time = async (f: () => Promise<Record<string, any>>) => {
    const t0 = performance.now();
    const body = await f();
    return { ms: performance.now() - t0, body };
  };
  for (let round = -2; round < RUNS; round++) {
    for (const [i, q] of QUERIES.entries()) {
      for (const k of (round + i) % 2 ? sides : [...sides].reverse()) {
        const s = await time(() => api[k]('GET', `/api/documents?limit=50&q=${encodeURIComponent(q)}`, { token: token[k] }));
        const l = await time(() => api[k]('GET', '/api/documents?limit=50', { token: token[k] }));
        if (round === -2)
          answers[k]!.push(`${q}: ${s.body.total} ${(s.body.items as { id: string }[]).map((d) => d.id).join(',')}`);
        if (round < 0) continue; // two warm-up rounds
        search[k]!.push(s.ms);
        list[k]!.push(l.ms);
      }
    }
  }
  const fmt = (xs: number[], p: number) => `${percentile(xs, p).toFixed(1)} ms`.padStart(9);
  for (const k of sides) {
    console.log(
      `${k.padEnd(9)} search p50 ${fmt(search[k]!, 50)}  p95 ${fmt(search[k]!, 95)}   list p50 ${fmt(list[k]!, 50)}  p95 ${fmt(list[k]!, 95)}   search p95 / list p95 ${(percentile(search[k]!, 95) / percentile(list[k]!, 95)).toFixed(2)}`,
    );
  }
  const same = answers.baseline!.every((a, i) => a === answers.this![i]);
  console.log(same ? 'same answers (totals and ids of the first page) from both' : 'THE ANSWERS DIFFER:');
  if (!same)
    answers.this!.forEach(
      (a, i) =>
        a !== answers.baseline![i] && console.log(`  this: ${a.slice(0, 200)}\n  base: ${answers.baseline![i]!.slice(0, 200)}`),
    );
} finally {
  await apps.baseline.close();
  await apps.this.close();
}
