import { constants, inflateRawSync } from 'node:zlib';
import { ExtractionError } from './extraction-limits.js';

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');
const OBJ = Buffer.from('obj');
/** How far before `stream` its dictionary is looked for; stream dictionaries are small. */
const DICT_WINDOW = 8 * 1024;

const FLATE = /\/(FlateDecode|Fl)(?![A-Za-z0-9])/;
const IMAGE = /\/Subtype\s*\/Image(?![A-Za-z0-9])/;

/**
 * Refuses a PDF whose compressed streams would inflate past the budgets, before pdf.js
 * sees it — the PDF twin of the DOCX zip guard. pdf.js grows one buffer for a whole
 * stream as it reads it, so a 2 MB file with one FlateDecode stream of 2 GB of zeros
 * would take 2 GB (and more) of memory.
 *
 * Every `stream … endstream` is found by scanning the bytes (not by trusting /Length or
 * the cross-reference table, which a hostile file controls), its dictionary is read back
 * to its `obj`, and a FlateDecode stream is really inflated with an output cap — one
 * stream at most `maxStreamBytes`, all of them together at most `maxTotalBytes`.
 * Inflation is raw and tolerant (no checksum, truncated data counted as far as it goes),
 * like pdf.js's own. Image streams are skipped: text extraction never decodes them. What
 * this cannot see (an encrypted stream, an image used as page content, other filters)
 * is left to the extraction process's OS memory limit.
 */
export function assertPdfStreamsWithinBudget(pdf: Buffer, budget: { maxStreamBytes: number; maxTotalBytes: number }): void {
  const mb = (n: number) => Math.round(n / 1024 / 1024);
  let remaining = budget.maxTotalBytes;
  let at = 0;
  for (;;) {
    const keyword = pdf.indexOf(STREAM, at);
    if (keyword < 0) return;
    at = keyword + STREAM.length;
    // `endstream`, or a word that merely ends in "stream".
    if (keyword >= 3 && pdf.toString('latin1', keyword - 3, keyword) === 'end') continue;
    let start = at;
    if (pdf[start] === 0x0d) start++;
    if (pdf[start] === 0x0a) start++;
    if (start === at) continue; // `stream` must end its line
    const windowStart = Math.max(0, keyword - DICT_WINDOW);
    const obj = pdf.lastIndexOf(OBJ, keyword);
    const dict = pdf.toString('latin1', obj >= windowStart ? obj : windowStart, keyword);
    const end = pdf.indexOf(ENDSTREAM, start);
    const data = pdf.subarray(start, end < 0 ? pdf.length : end);
    at = end < 0 ? pdf.length : end + ENDSTREAM.length;
    if (!FLATE.test(dict) || IMAGE.test(dict) || data.length < 2) continue;
    const cap = Math.min(budget.maxStreamBytes, remaining);
    const inflated = inflatedSize(data, cap);
    if (inflated === 'over') {
      throw new ExtractionError(
        cap < budget.maxStreamBytes
          ? `The PDF's compressed contents expand to more than ${mb(budget.maxTotalBytes)} MB (a compression bomb?); it is not read`
          : `A part of the PDF expands to more than ${mb(budget.maxStreamBytes)} MB (a compression bomb?); it is not read`,
      );
    }
    remaining -= inflated;
  }
}

/** Bytes a zlib stream inflates to, 'over' past `cap`; a broken one counts as far as it inflates. */
function inflatedSize(data: Buffer, cap: number): number | 'over' {
  // zlib header: compression method 8; otherwise pdf.js refuses the stream itself.
  if ((data[0]! & 0x0f) !== 8) return 0;
  try {
    return inflateRawSync(data.subarray(2), { maxOutputLength: Math.max(1, cap), finishFlush: constants.Z_SYNC_FLUSH }).length;
  } catch (e) {
    if (e instanceof RangeError || (e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'over';
    return 0; // corrupt: pdf.js will fail on it (or skip it) plainly
  }
}
