import type { AiProvider, AiProviderConfig } from '../classification/providers/ai-provider.js';
import { createAnthropicProvider } from '../classification/providers/anthropic-provider.js';
import { createOpenAiProvider } from '../classification/providers/openai-provider.js';
import { ProviderError } from '../classification/providers/provider-errors.js';
import type { ConnectionTestAnswer } from './settings.schemas.js';
import type { ProviderSettings } from './settings.service.js';

export type ProviderFactories = Partial<Record<'openai' | 'anthropic', (c: AiProviderConfig) => AiProvider>>;

/**
 * "Test connection": one real, tiny classification request with the saved settings, through
 * the same provider code (and address checks) the worker uses. The provider's own error
 * message comes back as the detail; nothing is stored.
 */
export async function testProviderConnection(
  s: ProviderSettings,
  opts: { allowPrivateUrls: boolean; timeoutMs: number; providers?: ProviderFactories },
): Promise<ConnectionTestAnswer> {
  if (s.provider === 'local') return { ok: true, provider: s.provider, detail: 'The local classifier needs no connection', latency_ms: null };
  if (s.provider === 'none') return { ok: true, provider: s.provider, detail: 'Classification is off', latency_ms: null };
  const config: AiProviderConfig = {
    model: s.model,
    baseUrl: s.baseUrl,
    apiKey: s.apiKey,
    allowPrivateUrls: opts.allowPrivateUrls,
    timeoutMs: opts.timeoutMs,
  };
  const make =
    s.provider === 'anthropic'
      ? (opts.providers?.anthropic ?? createAnthropicProvider)
      : (opts.providers?.openai ?? createOpenAiProvider);
  const t0 = Date.now();
  try {
    await make(config).classify({
      filename: 'connection-test.txt',
      text: 'A short note to check that the classification service answers.',
      topics: [{ id: 'connection-test', name: 'Notes', description: 'Short notes' }],
    });
    return { ok: true, provider: s.provider, detail: 'The provider answered', latency_ms: Date.now() - t0 };
  } catch (e) {
    if (!(e instanceof ProviderError)) throw e;
    return { ok: false, provider: s.provider, detail: e.message, latency_ms: Date.now() - t0 };
  }
}
