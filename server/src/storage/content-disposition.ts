/**
 * `Content-Disposition: attachment` for a user's filename (RFC 6266), with the exact name
 * in `filename*=UTF-8''…` (RFC 5987/8187) and a plain-ASCII `filename="…"` for clients that
 * ignore `filename*`. Not the `content-disposition` package: it keeps Latin-1 letters in the
 * quoted fallback, which some clients and S3's response-override parameter mangle.
 */
export function attachmentDisposition(filename: string): string {
  return contentDisposition('attachment', filename);
}

/** `Content-Disposition: inline` with the same filename parameters (a preview the browser shows). */
export function inlineDisposition(filename: string): string {
  return contentDisposition('inline', filename);
}

function contentDisposition(type: 'attachment' | 'inline', filename: string): string {
  const name = wellFormed(filename).replace(CONTROL_CHARS, '').trim() || 'download';
  const fallback = name.replace(NOT_SAFE_IN_QUOTED_FALLBACK, '_');
  if (fallback === name) return `${type}; filename="${name}"`;
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

// Control characters never belong in a header (CR/LF would split it).
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
// Outside printable ASCII, plus what is special in a quoted string (" \), what some browsers
// percent-decode (%) and path separators.
const NOT_SAFE_IN_QUOTED_FALLBACK = /[^\x20-\x7e]|["\\%/]/g;

// encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987 attr-char does not allow.
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// A lone surrogate would make encodeURIComponent throw.
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
