/**
 * Run by ocr-offline.test.ts inside a network namespace of its own (`unshare -n`): reads the
 * image file named on the command line with the real extraction pool, forcing tesseract.js,
 * and prints the result as JSON. Nothing here may reach the network; nothing can.
 */
import { readFileSync } from 'node:fs';
import { createExtractionPool } from '../modules/classification/extraction/extraction-pool.js';
import { DEFAULT_EXTRACTION_LIMITS } from '../modules/classification/extraction/extraction-limits.js';

const [file, kind] = process.argv.slice(2) as [string, 'image' | 'pdf'];
const pool = createExtractionPool({
  limits: { ...DEFAULT_EXTRACTION_LIMITS, ocr: { ...DEFAULT_EXTRACTION_LIMITS.ocr, engine: 'wasm' } },
  size: 1,
});
try {
  const result = await pool.extract(kind, new Uint8Array(readFileSync(file)));
  process.stdout.write(JSON.stringify({ ok: true, text: result.text, ocr: result.ocr, pages: result.pages }));
} catch (e) {
  process.stdout.write(JSON.stringify({ ok: false, error: (e as Error).message }));
} finally {
  await pool.close();
}
