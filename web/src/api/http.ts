import { ApiError, apiErrorOf } from './api-error';
import type { Endpoint } from './endpoints';
import { getAccessToken, refreshSession } from './session';

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined | null>;
  body?: unknown;
  /** Register, login and login/2fa: no bearer, no refresh. */
  anonymous?: boolean;
  /** This bearer token and no refresh (sign-out, after the session was dropped here). */
  bearer?: string;
  signal?: AbortSignal;
}

/**
 * One API call: JSON in and out, bearer token attached, and on a 401 one refresh (shared
 * with any other request that met the same 401) and one retry.
 */
export async function call<T>(endpoint: Endpoint, opts: CallOptions = {}): Promise<T> {
  const url = buildUrl(endpoint.path, opts.params, opts.query);
  const send = async (token: string | null) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    try {
      return await fetch(url, {
        method: endpoint.method,
        headers,
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
        credentials: 'same-origin',
        signal: opts.signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new ApiError(0, 'network', null);
    }
  };

  let response: Response;
  if (opts.anonymous || opts.bearer) {
    response = await send(opts.bearer ?? null);
  } else {
    const token = getAccessToken() ?? (await refreshSession());
    response = await send(token);
    if (response.status === 401) response = await send(await refreshSession(token));
  }
  if (!response.ok) throw await apiErrorOf(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export function buildUrl(template: string, params: Record<string, string> = {}, query: CallOptions['query'] = {}): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return qs ? `${path}?${qs}` : path;
}
