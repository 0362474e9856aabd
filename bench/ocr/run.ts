/**
 * OCR throughput and accuracy on 20 generated pages (Brown corpus text set at 300 dpi in
 * DejaVu Serif, speckle noise, 0.5–1° skew; PNG), three ways:
 *
 *   bare       the `tesseract` program on each file (OMP_THREAD_LIMIT=1): the limit
 *   program    the app's extraction process (sharp normalisation + the tesseract program)
 *   wasm       the app's extraction process with tesseract.js (the fallback without the program)
 *
 * Pages are read one at a time, as one job does. Prints pages/minute, word accuracy and,
 * for the app's extraction process, its peak RSS (and the peak of the process plus the
 * tesseract program it runs). Asserts nothing.
 *
 *   node --import tsx bench/ocr/run.ts          # BENCH_PAGES=20
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { createExtractionPool } from '../../server/src/modules/classification/extraction/extraction-pool.js';
import {
  DEFAULT_EXTRACTION_LIMITS,
  type OcrLimits,
} from '../../server/src/modules/classification/extraction/extraction-limits.js';
import { findTesseractProgram } from '../../server/src/modules/classification/extraction/ocr/ocr-engine.js';
import { brownFiles, brownText, makeScan, wordAccuracy } from '../../server/src/modules/classification/scan-fixtures.test.js';

const PAGES = Number(process.env.BENCH_PAGES ?? 20);
const WORDS = 130;
const run = promisify(execFile);

interface Figures {
  name: string;
  seconds: number;
  accuracy: number;
  peakRssMiB?: number;
  peakTreeMiB?: number;
}

function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}

/** The app's extraction pool with one process, warmed up, its memory sampled while it reads. */
async function openApp(engine: OcrLimits['engine'], warmUp: Buffer) {
  const pool = createExtractionPool({
    limits: { ...DEFAULT_EXTRACTION_LIMITS, ocr: { ...DEFAULT_EXTRACTION_LIMITS.ocr, engine } },
    size: 1,
    // Busy as a worker with a queue of scans is: the process stays while the bare program takes its turns.
    idleMs: 600_000,
  });
  // Warm-up: the process starts and (tesseract.js) loads its model once, as in a worker that runs.
  await pool.extract('image', new Uint8Array(warmUp));
  const child = childrenOf(process.pid).find((p) => /extraction-child/.test(readFileSync(`/proc/${p}/cmdline`, 'utf8')));
  let peakTree = 0;
  const sampler = setInterval(() => {
    if (!child) return;
    const tree = rssKiB(child, 'VmRSS') + childrenOf(child).reduce((s, p) => s + rssKiB(p, 'VmRSS'), 0);
    peakTree = Math.max(peakTree, tree);
  }, 50);
  return {
    async read(pages: { text: string; png: Buffer }[]) {
      let accuracy = 0;
      const t0 = performance.now();
      for (const page of pages) accuracy += wordAccuracy(page.text, (await pool.extract('image', new Uint8Array(page.png))).text);
      return { seconds: (performance.now() - t0) / 1000, accuracy };
    },
    async close() {
      clearInterval(sampler);
      const peak = child ? rssKiB(child, 'VmHWM') : 0;
      await pool.close();
      return { peakRssMiB: peak / 1024, peakTreeMiB: peakTree / 1024 };
    },
  };
}

async function bareRead(program: string, pages: { text: string; file: string }[]) {
  let accuracy = 0;
  const t0 = performance.now();
  for (const page of pages) {
    const { stdout } = await run(program, [page.file, 'stdout', '-l', 'eng', '--psm', '3'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      maxBuffer: 1 << 24,
    });
    accuracy += wordAccuracy(page.text, stdout);
  }
  return { seconds: (performance.now() - t0) / 1000, accuracy };
}

/**
 * Each engine over all pages. The bare program and the app with the program take turns, a
 * few pages each, so that a change in the machine's load falls on both alike.
 */
async function measure(name: string, engine: OcrLimits['engine'], pages: { text: string; png: Buffer; file: string }[], bare?: string) {
  const app = await openApp(engine, pages[0]!.png);
  const sum = { app: { seconds: 0, accuracy: 0 }, bare: { seconds: 0, accuracy: 0 } };
  const TURN = 4;
  for (let i = 0; i < pages.length; i += TURN) {
    const turn = pages.slice(i, i + TURN);
    for (const [k, r] of [
      ['bare', bare ? await bareRead(bare, turn) : null],
      ['app', await app.read(turn)],
    ] as const) {
      if (!r) continue;
      sum[k].seconds += r.seconds;
      sum[k].accuracy += r.accuracy;
    }
  }
  const memory = await app.close();
  const out: Figures[] = [];
  if (bare) out.push({ name: 'bare tesseract', seconds: sum.bare.seconds, accuracy: sum.bare.accuracy / pages.length });
  out.push({ name, seconds: sum.app.seconds, accuracy: sum.app.accuracy / pages.length, ...memory });
  return out;
}

const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const dir = mkdtempSync(join(tmpdir(), 'dv-bench-ocr-'));
try {
  const genres = [
    'news',
    'editorial',
    'reviews',
    'religion',
    'hobbies',
    'lore',
    'belles_lettres',
    'government',
    'learned',
    'fiction',
  ];
  const texts = Array.from({ length: PAGES }, (_, i) => {
    const genre = genres[i % genres.length]!;
    return brownText(brownFiles(genre)[10 + Math.floor(i / genres.length)]!, { words: WORDS });
  });
  console.log(`generating ${PAGES} pages (${WORDS} words each, 300 dpi)…`);
  const pages = await Promise.all(
    texts.map(async (text, i) => {
      const png = (await makeScan([text], 'png'))!;
      const file = join(dir, `p${i}.png`);
      writeFileSync(file, png);
      return { text, png, file };
    }),
  );
  const program = findTesseractProgram();
  const results: Figures[] = [];
  if (program) {
    results.push(...(await measure('app, tesseract program', 'program', pages, program)));
  } else {
    console.log('the tesseract program is not installed: only tesseract.js runs');
  }
  results.push(...(await measure('app, tesseract.js', 'wasm', pages)));

  const bare = results.find((r) => r.name === 'bare tesseract');
  console.log(`\n${PAGES} pages, one at a time\n`);
  console.log('| engine | pages/min | vs bare | word accuracy | extraction process peak RSS | with the program it runs |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of results) {
    const ppm = (PAGES / r.seconds) * 60;
    const ratio = bare ? ppm / ((PAGES / bare.seconds) * 60) : NaN;
    console.log(
      `| ${r.name} | ${ppm.toFixed(1)} | ${bare ? ratio.toFixed(2) : '—'} | ${(r.accuracy * 100).toFixed(1)}% | ${
        r.peakRssMiB ? `${r.peakRssMiB.toFixed(0)} MiB` : '—'
      } | ${r.peakTreeMiB ? `${r.peakTreeMiB.toFixed(0)} MiB` : '—'} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
