import { constants, inflateRawSync } from 'node:zlib';
import { ExtractionError } from './extraction-limits.js';

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');
const OBJ = Buffer.from('obj');
/** How far before `stream` its dictionary is looked for; stream dictionaries are small. */
const DICT_WINDOW = 8 * 1024;

const FLATE = /\/(FlateDecode|Fl)(?![A-Za-z0-9])/;
const LZW = /\/(LZWDecode|LZW)(?![A-Za-z0-9])/;
const EARLY_CHANGE_0 = /\/EarlyChange\s+0(?![0-9])/;
const IMAGE = /\/Subtype\s*\/Image(?![A-Za-z0-9])/;

/**
 * Refuses a PDF whose compressed streams would inflate past the budgets, before pdf.js
 * sees it — the PDF twin of the DOCX zip guard. pdf.js grows one buffer for a whole
 * stream as it reads it, so a 2 MB file with one FlateDecode stream of 2 GB of zeros
 * would take 2 GB (and more) of memory.
 *
 * Every `stream … endstream` is found by scanning the bytes (not by trusting /Length or
 * the cross-reference table, which a hostile file controls), its dictionary is read back
 * to its `obj`, and a FlateDecode stream is really inflated with an output cap (an
 * LZWDecode stream's decoded length counted, LZW reaching ~2,700:1 too) — one
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
    if (IMAGE.test(dict) || data.length < 2) continue;
    const cap = Math.min(budget.maxStreamBytes, remaining);
    let inflated: number | 'over';
    if (FLATE.test(dict)) inflated = inflatedSize(data, cap);
    else if (LZW.test(dict)) inflated = lzwDecodedSize(data, cap, EARLY_CHANGE_0.test(dict) ? 0 : 1);
    else continue;
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

/**
 * Bytes an LZWDecode stream decodes to, 'over' past `cap`, counted without producing
 * them: each code's output length is its dictionary entry's length (the entry it extends
 * plus one). Codes of 9 to 12 bits, 256 clears, 257 ends; widths change as pdf.js's do.
 */
function lzwDecodedSize(data: Buffer, cap: number, earlyChange: 0 | 1): number | 'over' {
  const lengths = new Uint32Array(4096).fill(1, 0, 256);
  let next = 258;
  let width = 9;
  let prev = -1;
  let total = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    buffer = ((buffer << 8) | data[i]!) & 0xfffff; // at most 19 bits are ever pending
    bits += 8;
    while (bits >= width) {
      bits -= width;
      const code = (buffer >>> bits) & ((1 << width) - 1);
      if (code === 256) {
        next = 258;
        width = 9;
        prev = -1;
        continue;
      }
      if (code === 257) return total;
      let length: number;
      if (code < 256 || code < next) length = lengths[code]!;
      else if (code === next && prev >= 0) length = lengths[prev]! + 1;
      else return total; // corrupt: pdf.js stops here too
      if (prev >= 0 && next < 4096) lengths[next++] = lengths[prev]! + 1;
      total += length;
      if (total > cap) return 'over';
      prev = code;
      if (width < 12 && next + earlyChange >= 1 << width) width++;
    }
  }
  return total;
}
