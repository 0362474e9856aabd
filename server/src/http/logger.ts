import type { FastifyServerOptions } from 'fastify';

/**
 * Log options shared by every process. Secrets never reach a log line: auth headers and
 * cookies are censored, bodies are never logged, and the query string (which carries the
 * signature of a presigned URL) is cut from every logged URL.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.password_hash',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.mfa_token',
  '*.api_key',
  '*.secret',
  '*.code',
  '*.backup_code',
  '*.upload_url',
  '*.download_url',
  '*.backup_codes',
  '*.otpauth_uri',
  '*.qr_svg',
  '*.totp_secret_enc',
  '*.token_hash',
  '*.code_hash',
  '*.cookies',
  '*.api_key_enc',
];

export function loggerOptions(level: string, destination?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
    ...(destination ? { stream: destination } : {}),
  } as FastifyServerOptions['logger'];
}

/**
 * A URL as it may be logged: no query string, and no share-link token (the path of a
 * share page is the secret itself: /s/<token>/... becomes /s/[redacted]/...).
 */
export function redactUrl(url: string): string {
  return stripQuery(url).replace(/^\/s\/[^/?]+/, '/s/[redacted]');
}

export function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : `${url.slice(0, i)}?[redacted]`;
}
