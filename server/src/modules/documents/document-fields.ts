import { errors } from '../../http/errors.js';

// C0 controls (NUL, CR, LF, TAB, ...), DEL and C1 controls. Format characters such as the
// right-to-left override are legitimate in names and stay: a filename is only ever shown.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_GLOBAL = /[\u0000-\u001f\u007f-\u009f]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES_GLOBAL = new RegExp(LONE_SURROGATE.source, 'g');

const MAX_FILENAME_CHARS = 255;

/**
 * A filename as the user will see it: trimmed, 1–255 characters, no control characters.
 * It is a display name only and never reaches a path or an object key.
 */
export function displayFilename(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0) throw errors.invalidFilename('filename must not be empty');
  if (length > MAX_FILENAME_CHARS) {
    throw errors.invalidFilename(`filename must be at most ${MAX_FILENAME_CHARS} characters`);
  }
  if (CONTROL_CHARS.test(name)) throw errors.invalidFilename('filename must not contain control characters');
  if (LONE_SURROGATE.test(name)) throw errors.invalidFilename('filename is not valid Unicode text');
  return name;
}

// RFC 9110 token characters; a media type is type "/" subtype, then optional parameters
// whose values are tokens or quoted strings without CR, LF or other controls.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[^"\\\\\\u0000-\\u001f\\u007f]|\\\\[^\\u0000-\\u001f\\u007f])*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*$`);
const MAX_CONTENT_TYPE_CHARS = 255;

/** A syntactically valid MIME type (RFC 9110 media-type); anything else is refused with 422. */
export function checkContentType(raw: string): string {
  if (raw.length > MAX_CONTENT_TYPE_CHARS || !MEDIA_TYPE.test(raw)) {
    throw errors.invalidContentType();
  }
  return raw;
}

// Types a browser would run or render as a page if it ever displayed one inline. Downloads
// are attachments with nosniff (and a sandbox CSP on the disk backend) anyway; serving
// these as opaque bytes also covers an S3 endpoint that sends no CSP.
const ACTIVE_TYPES =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|[^/]+\/[^;]*\+xml|text\/javascript|application\/(x-)?javascript|application\/ecmascript|text\/xsl|multipart\/)/i;

/** The Content-Type a download is served with. */
export function downloadContentType(stored: string): string {
  return ACTIVE_TYPES.test(stored.trim()) ? 'application/octet-stream' : stored;
}

/**
 * Search text as PostgreSQL can hold it: NUL and other controls become spaces and lone
 * surrogates are dropped (either would make the query itself fail). Empty = no search.
 */
export function searchText(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const cleaned = raw.replace(LONE_SURROGATES_GLOBAL, '').replace(CONTROL_CHARS_GLOBAL, ' ').trim();
  return cleaned === '' ? undefined : cleaned;
}
