import type { AiProvider, AiProviderConfig } from './ai-provider.js';
import { statusError } from './http-status.js';
import { answerSchema, readAnswer, SYSTEM_PROMPT, userPrompt } from './prompt.js';
import { ProviderError } from './provider-errors.js';
import { postJson } from './provider-http.js';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';
const NAME = 'OpenAI-compatible';

/**
 * Any OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, LM Studio…):
 * POST {base_url}/chat/completions with a JSON-schema structured output. The key, when
 * there is one, goes in the Authorization header only.
 */
export function createOpenAiProvider(config: AiProviderConfig): AiProvider {
  const base = (config.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  return {
    async classify(input) {
      if (input.topics.length === 0) return [];
      const res = await postJson({
        url: `${base}/chat/completions`,
        provider: NAME,
        allowPrivate: config.allowPrivateUrls,
        timeoutMs: config.timeoutMs,
        headers: config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {},
        body: {
          model: config.model ?? OPENAI_DEFAULT_MODEL,
          temperature: 0,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: userPrompt(input) },
          ],
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'document_topics', strict: true, schema: answerSchema(input.topics) },
          },
        },
      });
      if (res.status < 200 || res.status > 299) throw statusError(res, NAME, config.apiKey);
      const choice = (res.body as { choices?: { message?: { content?: unknown; refusal?: unknown } }[] } | null)?.choices?.[0];
      const content = choice?.message?.content;
      if (typeof content !== 'string') {
        if (typeof choice?.message?.refusal === 'string')
          throw new ProviderError(`The ${NAME} model refused to classify the document`, false);
        throw new ProviderError(`The ${NAME} answer has no message content`, false);
      }
      let parsed: unknown;
      try {
        // Some compatible servers wrap JSON in a code fence despite the schema.
        parsed = JSON.parse(withoutCodeFence(content));
      } catch {
        throw new ProviderError(`The ${NAME} answer is not valid JSON`, false);
      }
      return readAnswer(parsed, input.topics, NAME);
    },
  };
}

/**
 * The text inside a Markdown code fence, or the text itself. String operations, not a
 * pattern: a trailing `\s*` + fence pattern backtracks quadratically over a long run of
 * whitespace, and the answer (up to 2 MB) is whatever the model was led to write.
 */
function withoutCodeFence(content: string): string {
  let s = content.trim();
  if (s.startsWith('```')) {
    s = s.slice(3);
    if (s.startsWith('json')) s = s.slice(4);
  }
  if (s.endsWith('```')) s = s.slice(0, -3);
  return s;
}
