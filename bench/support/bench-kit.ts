/** Small helpers the benchmark runners share. */

/** The p-th percentile (0–100) of some figures, nearest rank. */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** A JSON call to a running DocuVault: throws on a status ≥ 300 with the answer's text. */
export function jsonApi(baseUrl: string) {
  return async (method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<Record<string, any>> => {
    const r = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : {};
  };
}
