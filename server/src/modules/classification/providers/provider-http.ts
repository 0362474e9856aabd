import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import {
  AddressPolicyError,
  parseBaseUrl,
  resolveAllowedAddresses,
  type ResolvedAddress,
} from '../../settings/address-policy.js';
import { ProviderError } from './provider-errors.js';

export interface PostJsonOptions {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  allowPrivate: boolean;
  timeoutMs: number;
  /** Bigger answers are cut off and treated as invalid. */
  maxResponseBytes?: number;
  /** Provider name for messages ("OpenAI-compatible", "Anthropic"). */
  provider: string;
}

export interface JsonResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when the body is not JSON. */
  body: unknown;
}

/**
 * POSTs JSON to a provider, defending against server-side request forgery including DNS
 * rebinding. The host is resolved here, EVERY address it resolves to is checked against
 * the private/loopback/link-local policy, and the connection is then made to one of those
 * checked addresses through a pinned `lookup` — the socket never resolves the name again.
 * A rebinding DNS server that answers a public address to the check and 127.0.0.1 to the
 * connect therefore cannot win: there is no second answer to change. This runs on every
 * request, not only when the URL was saved, because DNS can change after the save.
 * TLS still verifies the certificate for the host name (SNI). Redirects are not followed.
 */
export async function postJson(opts: PostJsonOptions): Promise<JsonResponse> {
  let url: URL;
  let addresses: ResolvedAddress[];
  try {
    url = parseBaseUrl(opts.url);
    addresses = await resolveAllowedAddresses(url.hostname, { allowPrivate: opts.allowPrivate });
  } catch (e) {
    if (e instanceof AddressPolicyError) throw new ProviderError(`The ${opts.provider} base URL is refused: ${e.message}`, false);
    throw e;
  }
  const pinned: LookupFunction = (_host, options, callback) => {
    const family = typeof options === 'object' ? options.family : options;
    const usable = addresses.filter((a) => !family || a.family === family);
    const list = usable.length > 0 ? usable : addresses;
    if (typeof options === 'object' && options.all) (callback as (e: null, a: ResolvedAddress[]) => void)(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  const payload = Buffer.from(JSON.stringify(opts.body));
  const maxBytes = opts.maxResponseBytes ?? 2 * 1024 * 1024;
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<JsonResponse>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: 'POST',
        lookup: pinned,
        headers: {
          ...opts.headers,
          'content-type': 'application/json',
          'content-length': String(payload.length),
          accept: 'application/json',
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            req.destroy(new ProviderError(`The ${opts.provider} answer is larger than ${maxBytes} bytes`, false, res.statusCode));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(deadline);
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : null;
          } catch {
            /* not JSON: keep the text */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
        res.on('error', (e) => fail(e));
      },
    );
    const fail = (e: Error) => {
      clearTimeout(deadline);
      if (e instanceof ProviderError) reject(e);
      else reject(new ProviderError(`Could not reach the ${opts.provider} provider (${networkReason(e)})`, true));
    };
    const deadline = setTimeout(() => {
      req.destroy(
        new ProviderError(`The ${opts.provider} provider did not answer within ${Math.round(opts.timeoutMs / 1000)} s`, true),
      );
    }, opts.timeoutMs);
    req.on('error', fail);
    req.end(payload);
  });
}

function networkReason(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ? code : e.message.slice(0, 100);
}

/** Seconds from a Retry-After header (seconds or an HTTP date), when there is one. */
export function retryAfterSeconds(headers: http.IncomingHttpHeaders): number | undefined {
  const raw = headers['retry-after'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}
