import { createHmac, timingSafeEqual } from 'node:crypto';

/** How many bytes an upload may carry: exactly, at most, or (unbounded) any number. */
export type SizeBound = { exactBytes: number } | { maxBytes: number } | null;

/** What an app-signed storage URL allows; every field is covered by the signature. */
export type SignedRequest =
  | { method: 'PUT'; key: string; contentType: string; expires: number; bound: SizeBound; part?: { uploadId: string; partNumber: number } }
  | { method: 'GET'; key: string; filename: string; contentType?: string; expires: number; inline?: boolean };

export type Verdict = { ok: true } | { ok: false; reason: 'bad_signature' | 'expired' };

export interface UrlSigner {
  /** base64url HMAC-SHA256 of the request; `expires` is in Unix seconds. */
  sign(request: SignedRequest): string;
  verify(opts: { request: SignedRequest; signature: string; now?: Date }): Verdict;
}

// Versioned and purpose-bound, so a MAC made for something else with the same key never fits.
const DOMAIN = 'docuvault-storage-url-v1';

export function createUrlSigner(opts: { secret: Buffer }): UrlSigner {
  if (opts.secret.length < 32) throw new Error('URL signing secret must be at least 32 bytes');
  const secret = Buffer.from(opts.secret);

  const sign = (request: SignedRequest): string => createHmac('sha256', secret).update(canonical(request)).digest('base64url');

  return {
    sign,
    verify({ request, signature, now = new Date() }) {
      // Comparing the canonical text, not decoded bytes: base64url decoding skips stray
      // characters, so a decoded comparison would accept altered spellings of a signature.
      const expected = Buffer.from(sign(request), 'utf8');
      const given = Buffer.from(signature, 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'bad_signature' };
      }
      if (now.getTime() >= request.expires * 1000) return { ok: false, reason: 'expired' };
      return { ok: true };
    },
  };
}

// A JSON array: unambiguous whatever characters the key, type or filename contain.
function canonical(r: SignedRequest): string {
  const fields =
    r.method === 'PUT'
      ? [r.method, r.key, r.contentType, r.expires, boundKind(r.bound), boundBytes(r.bound), r.part ? [r.part.uploadId, r.part.partNumber] : null]
      : [r.method, r.key, r.contentType ?? null, r.expires, r.inline ? 'inline' : 'none', null, r.filename];
  return JSON.stringify([DOMAIN, ...fields]);
}

function boundKind(bound: SizeBound): 'exact' | 'max' | 'none' {
  if (bound === null) return 'none';
  return 'exactBytes' in bound ? 'exact' : 'max';
}

function boundBytes(bound: SizeBound): number | null {
  if (bound === null) return null;
  return 'exactBytes' in bound ? bound.exactBytes : bound.maxBytes;
}
