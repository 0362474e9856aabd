import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { OcrLimits } from '../extraction-limits.js';
import type { OcrImage } from './page-images.js';
import { createTesseractProgram } from './tesseract-program.js';
import { createTesseractWasm } from './tesseract-wasm.js';

/** Reads the text of one page image (grayscale, upright). */
export interface OcrEngine {
  readonly name: 'tesseract' | 'tesseract.js';
  recognize(page: OcrImage): Promise<string>;
  close(): Promise<void>;
}

/** The `tesseract` program on PATH, or null. */
export function findTesseractProgram(path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'tesseract');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The engine for this extraction process: the `tesseract` program when installed (faster,
 * native), else tesseract.js (WebAssembly, language data from npm packages). Made once per
 * process on first use; both run one page at a time on one thread.
 */
export function createOcrEngine(limits: Pick<OcrLimits, 'engine' | 'languages' | 'pageTimeoutMs'>): OcrEngine {
  const program = limits.engine === 'wasm' ? null : findTesseractProgram();
  if (limits.engine === 'program' && !program) throw new Error('the tesseract program is not installed (not on PATH)');
  return program
    ? createTesseractProgram({ program, languages: limits.languages, pageTimeoutMs: limits.pageTimeoutMs })
    : createTesseractWasm({ languages: limits.languages });
}
