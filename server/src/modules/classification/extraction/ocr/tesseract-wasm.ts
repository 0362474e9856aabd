import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ExtractionError } from '../extraction-limits.js';
import type { OcrEngine } from './ocr-engine.js';
import { imageFileOf } from './page-images.js';

const require = createRequire(import.meta.url);
// The LSTM models (int8 "best"), which is what tesseract.js runs by default.
const DATA_VARIANT = '4.0.0_best_int';

/**
 * The language data of npm packages `@tesseract.js-data/<lang>`, linked into one private
 * directory (tesseract.js reads every language from one `langPath`). Nothing is ever
 * downloaded: a language without its package is an error here, before any page is read.
 */
export function linkLanguageData(languages: string): { dir: string; langs: string[] } {
  const langs = languages.split('+').filter(Boolean);
  const dir = mkdtempSync(join(tmpdir(), 'dv-ocr-lang-'));
  try {
    for (const lang of langs) {
      let pkg: string;
      try {
        pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
      } catch {
        throw new ExtractionError(`OCR language data for "${lang}" is not installed (npm package @tesseract.js-data/${lang})`);
      }
      symlinkSync(join(pkg, DATA_VARIANT, `${lang}.traineddata.gz`), join(dir, `${lang}.traineddata.gz`));
    }
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, langs };
}

/**
 * OCR with tesseract.js (Tesseract compiled to WebAssembly), for when the program is not
 * installed. One worker thread, made on first use and kept for the life of this process;
 * no cache is written (cacheMethod none), and nothing goes to the working directory.
 */
export function createTesseractWasm(opts: { languages: string }): OcrEngine {
  type Worker = import('tesseract.js').Worker;
  let worker: Promise<Worker> | undefined;
  let langDir: string | undefined;

  async function start(): Promise<Worker> {
    const { createWorker, OEM } = (await import('tesseract.js')).default;
    const { dir, langs } = linkLanguageData(opts.languages);
    langDir = dir;
    try {
      return await createWorker(langs, OEM.LSTM_ONLY, {
        langPath: dir,
        cachePath: dir,
        cacheMethod: 'none',
        gzip: true,
        errorHandler: () => {},
      });
    } finally {
      // The worker has read the data: the directory goes now, not at close(), which a
      // process ended by the pool (idle, time or memory limit: SIGKILL) never reaches.
      rmSync(dir, { recursive: true, force: true });
      langDir = undefined;
    }
  }

  return {
    name: 'tesseract.js',
    async recognize(page) {
      worker ??= start();
      const w = await worker;
      const { data } = await w.recognize(await imageFileOf(page));
      return data.text;
    },
    async close() {
      const w = await worker?.catch(() => undefined);
      await w?.terminate().catch(() => {});
      worker = undefined;
      if (langDir) rmSync(langDir, { recursive: true, force: true });
    },
  };
}
