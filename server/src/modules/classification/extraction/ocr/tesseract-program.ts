import { spawn } from 'node:child_process';
import { ExtractionError } from '../extraction-limits.js';
import type { OcrEngine } from './ocr-engine.js';
import { pgmOf } from './page-images.js';

/**
 * OCR with the `tesseract` program (Debian's tesseract-ocr): one process per page, the image
 * on stdin (a normalised page as PGM, raw pixels: nothing to encode here or decode there) and the text on stdout, one thread (OMP_THREAD_LIMIT=1: a job takes one core,
 * however many jobs run). It inherits this process's OS limits; the extraction pool's time
 * limit ends this process, and a page's own limit ends the program.
 */
export function createTesseractProgram(opts: { program: string; languages: string; pageTimeoutMs?: number }): OcrEngine {
  return {
    name: 'tesseract',
    recognize(page) {
      return new Promise((resolve, reject) => {
        const child = spawn(opts.program, ['stdin', 'stdout', '-l', opts.languages, '--psm', '3'], {
          env: { ...process.env, OMP_THREAD_LIMIT: '1' },
          stdio: ['pipe', 'pipe', 'pipe'],
          timeout: opts.pageTimeoutMs,
          killSignal: 'SIGKILL',
        });
        const out: Buffer[] = [];
        let err = '';
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => {
          if (err.length < 4000) err += d.toString();
        });
        child.stdin.on('error', () => {}); // the program may exit before reading everything
        child.once('error', (e) => reject(new Error(`the tesseract program could not be started: ${e.message}`)));
        child.once('close', (code, signal) => {
          if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
          if (/Failed loading language|Error opening data file/i.test(err))
            return reject(new ExtractionError(`OCR language data is missing for "${opts.languages}"`));
          if (signal) return reject(new ExtractionError('Reading the text of a page (OCR) was stopped: too slow or too large'));
          reject(new ExtractionError(`OCR failed on a page: ${lastLine(err)}`));
        });
        const chunks = pgmOf(page);
        for (const chunk of chunks.slice(0, -1)) child.stdin.write(chunk);
        child.stdin.end(chunks.at(-1));
      });
    },
    async close() {},
  };
}

function lastLine(s: string): string {
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (lines.at(-1) ?? 'no message').replace(/(\/[\w.-]+){2,}/g, '…').slice(0, 160);
}
