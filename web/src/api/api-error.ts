/** A non-2xx answer of the API, or a request that never got one (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: unknown,
  ) {
    super(plainMessage(status, detail));
    this.name = 'ApiError';
  }

  get isNetwork(): boolean {
    return this.status === 0;
  }
}

/** What to tell a person, in plain words, for an error answer. */
function plainMessage(status: number, detail: unknown): string {
  if (status === 0) return 'Could not reach DocuVault. Check your connection and try again.';
  if (status === 429) return 'Too many attempts. Wait a few minutes and try again.';
  if (typeof detail === 'string' && detail.trim() && status < 500) return sentence(detail);
  if (status >= 500) return 'Something went wrong on the server. Try again in a moment.';
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
export function hasCode(e: unknown, ...codes: string[]): boolean {
  return e instanceof ApiError && codes.includes(e.code);
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
