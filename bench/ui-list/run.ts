/**
 * bench/ui-list: the documents list in Chromium with 1,000 documents on the embedded
 * default (PGlite, disk storage): the first render of the list after a navigation and a
 * page change, measured in the page (performance.now()) from the start of the navigation
 * or the click to the frame in which the rows of the new page are in the DOM; and a sort
 * change (the name column's button) the same way. Prints
 * figures; asserts nothing. Target: < 300 ms.
 *
 *   node --import tsx bench/ui-list/run.ts          (BENCH_DOCS=1000, BENCH_RUNS=15)
 */
import { ApiClient } from '../../e2e/support/api.js';
import { buildOnce, startApp } from '../../e2e/support/app-server.js';
import { launchBrowser, newSession } from '../../e2e/support/browser.js';
import { signIn } from '../../e2e/support/ui.js';
import type { Page } from 'playwright-core';

const DOCS = Number(process.env.BENCH_DOCS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms, p95 ${pct(xs, 95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;

/**
 * From a click (a page number, or the name column's sort button) to the frame in which the
 * list's first row is another document and the list is no longer busy.
 */
function measureChange(page: Page, what: 'page' | 'sort', pageNo: number): Promise<number> {
  return page.evaluate(
    ([kind, n]) =>
      new Promise<number>((resolve) => {
        const before = document.querySelector('li.doc-row')?.getAttribute('data-document-id');
        const button =
          kind === 'sort'
            ? document.querySelector<HTMLButtonElement>('button[aria-label^="Sort by name"]')!
            : ([...document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Document pages"] button')].find(
                (b) => b.getAttribute('aria-label') === `Page ${n}`,
              ) ?? document.querySelector<HTMLButtonElement>('nav[aria-label="Document pages"] button[aria-label="Next page"]')!);
        const start = performance.now();
        button.click();
        const check = () => {
          const now = document.querySelector('li.doc-row')?.getAttribute('data-document-id');
          if (now && now !== before && !document.querySelector('.doc-list[aria-busy="true"]')) resolve(performance.now() - start);
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
    [what, pageNo] as const,
  );
}

await buildOnce();
const app = await startApp();
const browser = await launchBrowser();
try {
  const api = new ApiClient(app.baseUrl);
  const user = await api.createUser('bench-ui@example.test', 'bench passphrase 1');
  await api.ok('PUT', '/api/settings', { token: user.token, body: { provider: 'none' } });
  const t0 = Date.now();
  const queue = Array.from({ length: DOCS }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        await api.uploadDocument(user.token, `report-${String(i).padStart(4, '0')}.txt`, `Quarterly report ${i}. `.repeat(20 + (i % 50)));
      }
    }),
  );
  console.log(`seeded ${DOCS} documents through the API in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  // Let the extract jobs finish: the list then polls nothing.
  for (;;) {
    const page = await api.documents(user.token, '?limit=200');
    if (!(page.items as Array<{ processing?: boolean }>).some((d) => d.processing)) break;
    await new Promise((r) => setTimeout(r, 1000));
  }

  const session = await newSession(browser, app.baseUrl);
  const page = session.page;
  // tsx compiles with keepNames: the functions passed to page.evaluate call esbuild's __name helper.
  await session.context.addInitScript({ content: 'window.__name = (f) => f;' });
  await signIn(page, user.email, user.password);
  await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();

  const timelines: Record<string, number>[] = [];
  for (const size of [20, 200]) {
    const rowsShown = Math.min(size, DOCS);
    const first: number[] = [];
    const change: number[] = [];
    const sort: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await page.goto(`/?size=${size}`);
      // From the navigation's start to the frame with the page's rows in it.
      first.push(
        await page.evaluate(
          (n) =>
            new Promise<number>((resolve) => {
              const check = () =>
                document.querySelectorAll('li.doc-row').length === n ? resolve(performance.now()) : requestAnimationFrame(check);
              check();
            }),
          rowsShown,
        ),
      );
      if (size === 20) timelines.push(await page.evaluate(timeline));
      const target = (run % 5) + 2;
      if (DOCS > size) change.push(await measureChange(page, 'page', target));
      // Back to the first page in the default order, then a sort change: the list re-read in another order.
      await page.goto(`/?size=${size}`);
      await page.waitForFunction((n) => document.querySelectorAll('li.doc-row').length === n, rowsShown);
      sort.push(await measureChange(page, 'sort', 0));
    }
    if (size === 20) printTimeline(timelines);
    console.log(`page size ${size}: first render ${fmt(first)}; page change ${change.length ? fmt(change) : '(one page)'}; sort change ${fmt(sort)} (${RUNS} runs)`);
  }
  await session.context.close();
} finally {
  await browser.close();
  await app.stop();
}

/**
 * Where a first render's time goes: the navigation's milestones and each request the app
 * made before the rows showed (its start and end, from the navigation's start).
 */
function timeline(): Record<string, number> {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const marks: Record<string, number> = { 'html received': nav.responseEnd, 'DOM content loaded': nav.domContentLoadedEventEnd };
  for (const r of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    const path = new URL(r.name).pathname.replace(/-[\w-]{8}\.(js|css|mjs)$/, '.$1');
    marks[`${path} start`] = r.startTime;
    marks[`${path} end`] = r.responseEnd;
  }
  marks['rows shown'] = performance.now();
  return marks;
}

function printTimeline(runs: Record<string, number>[]): void {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r)))];
  const median = (k: string) => {
    const xs = runs.map((r) => r[k]).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)] ?? NaN;
  };
  console.log('first render at page size 20, median ms from the navigation\'s start:');
  for (const k of keys.sort((a, b) => median(a) - median(b))) console.log(`  ${median(k).toFixed(0).padStart(6)}  ${k}`);
}
