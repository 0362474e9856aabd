import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { fakeProvider, openAiAnswer, openAiError } from '../../../test-support/classification-fixtures.js';
import { createAnthropicProvider } from './anthropic-provider.js';
import { createOpenAiProvider } from './openai-provider.js';
import { readAnswer, userPrompt } from './prompt.js';
import { ProviderError, scrubSecret } from './provider-errors.js';
import { postJson } from './provider-http.js';

const topics = [
  { id: 't1', name: 'Finance', description: 'money' },
  { id: 't2', name: 'Health', description: '' },
];
const config = (baseUrl: string, o: Partial<Parameters<typeof createOpenAiProvider>[0]> = {}) => ({
  model: null,
  baseUrl,
  apiKey: 'sk-unit-test-key-123456',
  allowPrivateUrls: true,
  timeoutMs: 5_000,
  ...o,
});

describe('AI providers (unit)', () => {
  it('when an answer is read, then only this user’s topics stay, confidences are clamped and duplicates merged', () => {
    const picks = readAnswer(
      {
        topics: [
          { name: 'finance', confidence: 1.7 },
          { name: 'Finance', confidence: 0.2 },
          { name: 'Travel', confidence: 0.9 },
          { name: 'Health' },
          'junk',
          null,
        ],
      },
      topics,
      'X',
    );
    assert.deepEqual(picks, [
      { topicId: 't1', confidence: 1 },
      { topicId: 't2', confidence: 0.5 },
    ]);
    assert.throws(() => readAnswer({ nope: [] }, topics, 'X'), ProviderError);
    assert.throws(() => readAnswer(null, topics, 'X'), ProviderError);
  });

  it('when a prompt is built, then it lists the topics and at most the first characters of the text', () => {
    const p = userPrompt({ filename: 'a.txt', text: 'x'.repeat(20_000), topics });
    assert.match(p, /- Finance: money\n- Health\n/);
    assert.ok(p.length < 8_300);
  });

  it('when a secret appears in a provider message, then it and its tail are scrubbed', () => {
    assert.equal(
      scrubSecret('bad key sk-abcdefghijklmnop and …klmnop', 'sk-abcdefghijklmnop'),
      'bad key [redacted] and …[redacted]',
    );
    assert.equal(scrubSecret('nothing', null), 'nothing');
  });

  it('when the provider answers 5xx, 529 or 429, then the error is transient; 401, 403, 400 and 404 are not', async () => {
    for (const [status, transient] of [
      [500, true],
      [502, true],
      [503, true],
      [529, true],
      [429, true],
      [401, false],
      [403, false],
      [400, false],
      [404, false],
    ] as const) {
      const server = await fakeProvider([openAiError(status, `status ${status}`, 'x', { 'retry-after': '7' })]);
      try {
        await assert.rejects(
          createOpenAiProvider(config(server.url)).classify({ filename: 'a', text: 'b', topics }),
          (e: ProviderError) => {
            assert.ok(e instanceof ProviderError);
            assert.equal(e.transient, transient, `${status}`);
            assert.equal(e.status, status);
            if (status === 429) assert.equal(e.retryAfterSeconds, 7);
            return true;
          },
        );
      } finally {
        await server.close();
      }
    }
  });

  it('when the provider does not answer in time or cannot be reached, then the error is transient', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as AddressInfo;
    try {
      await assert.rejects(
        createOpenAiProvider(config(`http://127.0.0.1:${port}`, { timeoutMs: 300 })).classify({
          filename: 'a',
          text: 'b',
          topics,
        }),
        (e: ProviderError) => e.transient && /did not answer within/.test(e.message),
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
    await assert.rejects(
      createAnthropicProvider(config(`http://127.0.0.1:${port}`)).classify({ filename: 'a', text: 'b', topics }),
      (e: ProviderError) => e.transient && /Could not reach/.test(e.message),
    );
  });

  it('when private URLs are not allowed, then loopback, metadata and mapped addresses are refused before any connection', async () => {
    const server = await fakeProvider([openAiAnswer([])]);
    try {
      for (const url of [server.url, 'http://169.254.169.254/v1', 'http://[::ffff:127.0.0.1]:1/', 'http://localhost:1/']) {
        await assert.rejects(
          postJson({ url, headers: {}, body: {}, allowPrivate: false, timeoutMs: 1000, provider: 'Test' }),
          (e: ProviderError) => !e.transient && /refused/.test(e.message),
          url,
        );
      }
      assert.equal(server.requests.length, 0);
      await assert.rejects(
        postJson({ url: 'file:///etc/passwd', headers: {}, body: {}, allowPrivate: true, timeoutMs: 1000, provider: 'Test' }),
        /http/,
      );
    } finally {
      await server.close();
    }
  });

  it('when the answer is larger than the cap or a redirect, then it is refused', async () => {
    const server = await fakeProvider([
      { status: 200, body: { huge: 'x'.repeat(3 * 1024 * 1024) } },
      { status: 302, body: '', headers: { location: 'http://169.254.169.254/' } },
    ]);
    try {
      await assert.rejects(
        createOpenAiProvider(config(server.url)).classify({ filename: 'a', text: 'b', topics }),
        /larger than/,
      );
      await assert.rejects(createOpenAiProvider(config(server.url)).classify({ filename: 'a', text: 'b', topics }), /redirect/);
      assert.equal(server.requests.length, 2);
    } finally {
      await server.close();
    }
  });
});
