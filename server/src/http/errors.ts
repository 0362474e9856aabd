/**
 * The one error type of the application. Services throw these; the HTTP error handler
 * renders them as `{"detail": ..., "code": ...}` with the status they carry. Anything
 * that is not an AppError is a bug and becomes a generic 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : code);
    this.name = 'AppError';
  }
}

export const errors = {
  badRequest: (detail: unknown = 'Bad request', code = 'bad_request') => new AppError(400, code, detail),
  unauthorized: (detail = 'Not authenticated') => new AppError(401, 'unauthorized', detail, { 'www-authenticate': 'Bearer' }),
  forbidden: (detail = 'Forbidden', code = 'forbidden') => new AppError(403, code, detail),
  notFound: (what = 'resource') => new AppError(404, 'not_found', `${capitalize(what)} not found`),
  conflict: (detail: string, code = 'conflict') => new AppError(409, code, detail),
  payloadTooLarge: (detail: unknown = 'Payload too large', code = 'payload_too_large') => new AppError(413, code, detail),
  quotaExceeded: (q: { used_bytes: number; limit_bytes: number; rejected_bytes: number; reserved_bytes?: number }) =>
    new AppError(413, 'quota_exceeded', q),
  unprocessable: (detail: unknown, code = 'unprocessable') => new AppError(422, code, detail),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(429, 'too_many_requests', 'Too many attempts; try again later', {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  unavailable: (detail: unknown) => new AppError(503, 'unavailable', detail),
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
