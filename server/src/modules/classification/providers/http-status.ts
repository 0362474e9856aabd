import type { JsonResponse } from './provider-http.js';
import { retryAfterSeconds } from './provider-http.js';
import { ProviderError, scrubSecret } from './provider-errors.js';
import { providerMessage } from './prompt.js';

/**
 * Turns a non-2xx answer into a ProviderError: 429, 408, 409 and 5xx (529 "overloaded"
 * included) are transient; 401/403 mean the key is refused; other 4xx are the request.
 */
export function statusError(res: JsonResponse, provider: string, apiKey: string | null): ProviderError {
  const said = scrubSecret(providerMessage(res.body), apiKey);
  const suffix = said ? `: ${said}` : '';
  const s = res.status;
  if (s === 429) {
    const after = retryAfterSeconds(res.headers);
    return new ProviderError(`The ${provider} provider is rate-limiting requests (429)${suffix}`, true, s, after);
  }
  if (s === 408 || s === 409 || s >= 500) return new ProviderError(`The ${provider} provider failed (${s})${suffix}`, true, s);
  if (s === 401 || s === 403) {
    return new ProviderError(
      `The ${provider} provider refused the API key (${s}); check the key in your settings${suffix}`,
      false,
      s,
    );
  }
  if (s >= 300 && s < 400)
    return new ProviderError(`The ${provider} provider answered with a redirect (${s}); check the base URL`, false, s);
  return new ProviderError(
    `The ${provider} provider rejected the request (${s}); check the model and base URL${suffix}`,
    false,
    s,
  );
}
