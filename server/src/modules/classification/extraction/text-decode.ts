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

/** Text safe to store and index: no NULs or control characters, whitespace runs collapsed. */
export function cleanText(text: string): string {
  return text
    .replace(UNWANTED, ' ')
    .replace(LONE_SURROGATES, '\ufffd')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\s*\n\s*\n\s*/g, '\n\n')
    .trim();
}

/** At most `maxChars` characters, never cutting a surrogate pair in half. */
export function capChars(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}
