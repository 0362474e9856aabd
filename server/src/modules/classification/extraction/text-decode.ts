/**
 * Bytes of a text file as a string: UTF-8 (the BOM dropped), or UTF-16 when a BOM says so.
 * Invalid sequences become U+FFFD; NUL and other control characters PostgreSQL text
 * cannot hold or search become spaces.
 */
export function decodeText(bytes: Buffer): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes.subarray(2));
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes.subarray(2));
  else text = new TextDecoder('utf-8').decode(bytes);
  return cleanText(text);
}

// eslint-disable-next-line no-control-regex
const UNWANTED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/g;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// A maximal run of whitespace: the engine takes it greedily and never backtracks into it.
const WHITESPACE_RUN = /\s+/g;
// Spaces of every kind within a line (not line breaks: \n, \r, and the rare \v \f \u2028 \u2029 are kept).
const SPACES = /[^\S\n\r\u2028\u2029]+/g;

/**
 * Text safe to store and index: no NULs or control characters, whitespace runs collapsed —
 * a run of spaces (any kind: em-spaces, no-break spaces, tabs) to one space, a run holding
 * two line breaks or more to one blank line. Linear in the text's length: every pattern
 * here matches single characters or one maximal run, with nothing after it to backtrack
 * for. (The pattern this replaces — optional spaces, a line break, optional spaces, a line
 * break, optional spaces — took quadratic time on a long run of spaces with no line break
 * in it: 30 s on 600 KB of em-spaces.)
 */
export function cleanText(text: string): string {
  return text
    .replace(UNWANTED, ' ')
    .replace(LONE_SURROGATES, '\ufffd')
    .replace(WHITESPACE_RUN, (run) => (lineBreaks(run) >= 2 ? '\n\n' : run.length === 1 ? run : run.replace(SPACES, ' ')))
    .trim();
}

function lineBreaks(run: string): number {
  let n = 0;
  for (let i = 0; i < run.length && n < 2; i++) if (run.charCodeAt(i) === 10) n++;
  return n;
}

/** At most `maxChars` characters, never cutting a surrogate pair in half. */
export function capChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}
