import type { ErrorCode } from './types';

/** A non-2xx answer of the API, or a request that never got one (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: unknown,
  ) {
    super(plainMessage(status, code, detail));
    this.name = 'ApiError';
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

/**
 * The UI's own words for some codes of the server's catalog (http/errors.ts); any other
 * code shows the server's detail, so the map stays small.
 */
const MESSAGES: Partial<Record<ErrorCode | 'network', string>> = {
  network: 'Could not reach DocuVault. Check your connection and try again.',
  too_many_requests: 'Too many attempts. Wait a few minutes and try again.',
  internal_error: 'Something went wrong on the server. Try again in a moment.',
};

/** What to tell a person, in plain words: by `code`, else the server's detail, else by status. */
function plainMessage(status: number, code: string, detail: unknown): string {
  const byCode = MESSAGES[code as keyof typeof MESSAGES];
  if (byCode) return byCode;
  if (typeof detail === 'string' && detail.trim() && status < 500) return sentence(detail);
  if (status >= 500) return MESSAGES.internal_error!;
  if (status === 404) return 'Not found. It may have been deleted.';
  if (status === 403) return 'You are not allowed to do that.';
  return 'That did not work. Check what you entered and try again.';
}

function sentence(s: string): string {
  const t = s.trim();
  // "base_url refused…" names a field: leave it as written.
  const firstWord = t.split(/\s/, 1)[0] ?? '';
  const capitalised = /[_.]/.test(firstWord) ? t : t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}

/** Whether `e` is an API error with one of these codes (the server's error catalog, http/errors.ts). */
export function hasCode(e: unknown, ...codes: ErrorCode[]): boolean {
  return e instanceof ApiError && (codes as string[]).includes(e.code);
}

export async function apiErrorOf(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy page or an empty body
  }
  const b = (body ?? {}) as { detail?: unknown; code?: unknown };
  return new ApiError(response.status, typeof b.code === 'string' ? b.code : `http_${response.status}`, b.detail ?? null);
}
