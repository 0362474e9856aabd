/**
 * How a call to an AI provider can fail. Transient failures (rate limits, server errors,
 * timeouts, unreachable) are retried by the job with backoff; permanent ones (a refused
 * key, a bad request, an unusable answer) end the document as classification_failed.
 * Messages are for the user and never carry the API key.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status?: number,
    /** Seconds the provider asked us to wait (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** Replaces every occurrence of the secret (and of its tail, as providers echo "sk-...abcd") in a text. */
export function scrubSecret(text: string, secret: string | null): string {
  if (!secret) return text;
  let out = text.split(secret).join('[redacted]');
  if (secret.length >= 12) {
    const tail = secret.slice(-6);
    out = out.split(tail).join('[redacted]');
  }
  return out;
}
