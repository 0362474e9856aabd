import type { AiProvider, AiProviderConfig } from './ai-provider.js';
import { statusError } from './http-status.js';
import { answerSchema, readAnswer, SYSTEM_PROMPT, userPrompt } from './prompt.js';
import { ProviderError } from './provider-errors.js';
import { postJson } from './provider-http.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_DEFAULT_MODEL = 'claude-3-5-haiku-latest';
export const ANTHROPIC_VERSION = '2023-06-01';
const NAME = 'Anthropic';
const TOOL = 'file_document';

/**
 * The Anthropic Messages API: POST {base_url}/v1/messages with one tool whose input schema
 * is the answer, and tool_choice forcing it, so the answer arrives as validated JSON.
 */
export function createAnthropicProvider(config: AiProviderConfig): AiProvider {
  const base = (config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const endpoint = /\/v1$/.test(base) ? `${base}/messages` : `${base}/v1/messages`;
  return {
    async classify(input) {
      if (input.topics.length === 0) return [];
      if (!config.apiKey) throw new ProviderError(`The ${NAME} provider needs an API key; set one in your settings`, false);
      const res = await postJson({
        url: endpoint,
        provider: NAME,
        allowPrivate: config.allowPrivateUrls,
        timeoutMs: config.timeoutMs,
        headers: { 'x-api-key': config.apiKey, 'anthropic-version': ANTHROPIC_VERSION },
        body: {
          model: config.model ?? ANTHROPIC_DEFAULT_MODEL,
          max_tokens: 1024,
          temperature: 0,
          system: SYSTEM_PROMPT,
          messages: [{ role: 'user', content: userPrompt(input) }],
          tools: [
            { name: TOOL, description: 'Record the topics the document belongs to.', input_schema: answerSchema(input.topics) },
          ],
          tool_choice: { type: 'tool', name: TOOL },
        },
      });
      if (res.status < 200 || res.status > 299) throw statusError(res, NAME, config.apiKey);
      const content = (res.body as { content?: { type?: string; name?: string; input?: unknown }[] } | null)?.content;
      const use = Array.isArray(content) ? content.find((c) => c?.type === 'tool_use' && c.name === TOOL) : undefined;
      if (!use) throw new ProviderError(`The ${NAME} answer has no ${TOOL} tool call`, false);
      return readAnswer(use.input, input.topics, NAME);
    },
  };
}
