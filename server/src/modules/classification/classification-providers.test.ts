import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import {
  anthropicAnswer,
  anthropicError,
  FHT_TOPICS,
  fakeProvider,
  openAiAnswer,
  openAiError,
  vaultClient,
  type TestUser,
} from '../../test-support/classification-fixtures.js';
import { extractAndClassifyJob, RETRY_LIMIT } from './extract-and-classify.job.js';
import { DEFAULT_EXTRACTION_LIMITS } from './extraction/extraction-limits.js';
import { createExtractionPool } from './extraction/extraction-pool.js';
import { createLocalClassifier } from './local/local-classifier.service.js';
import { MAX_PROMPT_CHARS } from './providers/prompt.js';
import { ProviderError } from './providers/provider-errors.js';

const KEY = 'sk-live-PROVIDERKEY-4f9a8b7c6d5e4f3a2b1c';
const LONG_TEXT = 'Flight booking and hotel itinerary. '.repeat(600); // > MAX_PROMPT_CHARS

type Kind = 'openai' | 'anthropic';
const answer = (kind: Kind, topics: { name: string; confidence: number }[]) =>
  kind === 'openai' ? openAiAnswer(topics) : anthropicAnswer(topics);

// The fake providers listen on 127.0.0.1, so this deployment allows private base URLs.
forEachDatabase('AI providers against local servers speaking their protocols', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof vaultClient>;
  const servers: { close(): Promise<void> }[] = [];

  before(async () => {
    app = await startTestApp({ db: dbKind, env: { AI_ALLOW_PRIVATE_URLS: 'true' } });
    c = vaultClient(app);
  });
  after(async () => {
    await app.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  async function userWith(kind: Kind, replies: Parameters<typeof fakeProvider>[0]) {
    const server = await fakeProvider(replies);
    servers.push(server);
    const u = await c.user(kind);
    for (const [name, description] of FHT_TOPICS) await c.topic(u.token, name, description);
    const base_url = kind === 'openai' ? `${server.url}/v1` : server.url;
    await c.settings(u.token, {
      provider: kind,
      base_url,
      api_key: KEY,
      model: kind === 'openai' ? 'test-gpt' : 'test-claude',
    });
    return { u, server };
  }

  for (const kind of ['openai', 'anthropic'] as Kind[]) {
    it(`${kind}: when the provider answers, then the document is classified with its topics, of this user only`, async () => {
      const bob = await c.user('bob');
      await c.topic(bob.token, 'Secret Plans', 'bob only');
      const { u, server } = await userWith(kind, [
        answer(kind, [
          { name: 'Travel', confidence: 0.92 },
          { name: 'Secret Plans', confidence: 0.99 }, // bob's topic: dropped
          { name: 'Invented', confidence: 0.5 }, // no such topic: dropped
        ]),
      ]);
      const id = await c.upload(u.token, 'trip.txt', 'text/plain', LONG_TEXT);
      const doc = await c.settled(u.token, id);
      assert.equal(doc.status, 'classified', doc.error);
      assert.deepEqual(
        doc.topics.map((t: { name: string; source: string; confidence: number }) => [t.name, t.source, t.confidence]),
        [['Travel', 'auto', 0.92]],
      );

      assert.equal(server.requests.length, 1);
      const r = server.requests[0]!;
      assert.equal(r.method, 'POST');
      const prompt = kind === 'openai' ? r.body.messages[1].content : r.body.messages[0].content;
      if (kind === 'openai') {
        assert.equal(r.url, '/v1/chat/completions');
        assert.equal(r.headers.authorization, `Bearer ${KEY}`);
        assert.equal(r.body.model, 'test-gpt');
        assert.equal(r.body.response_format.type, 'json_schema');
        assert.deepEqual(r.body.response_format.json_schema.schema.properties.topics.items.properties.name.enum.sort(), [
          'Finance',
          'Health',
          'Travel',
        ]);
      } else {
        assert.equal(r.url, '/v1/messages');
        assert.equal(r.headers['x-api-key'], KEY);
        assert.equal(r.headers['anthropic-version'], '2023-06-01');
        assert.equal(r.body.model, 'test-claude');
        assert.deepEqual(r.body.tool_choice, { type: 'tool', name: 'file_document' });
        assert.ok(r.body.max_tokens > 0);
      }
      assert.match(prompt, /- Finance: Money matters/);
      assert.ok(!prompt.includes('Secret Plans'), 'another user’s topics are never sent');
      assert.ok(
        prompt.length < MAX_PROMPT_CHARS + 2000,
        `only the first ${MAX_PROMPT_CHARS} characters are sent (${prompt.length})`,
      );
    });

    it(`${kind}: when the provider answers 429 then succeeds, then the document is classified after a retry`, async () => {
      const limited =
        kind === 'openai'
          ? openAiError(
              429,
              'Rate limit reached for test-gpt in organization org-test on requests per min.',
              'rate_limit_exceeded',
              {
                'retry-after': '1',
                'x-ratelimit-remaining-requests': '0',
                'x-ratelimit-reset-requests': '1s',
              },
            )
          : anthropicError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
              'retry-after': '1',
              'anthropic-ratelimit-requests-remaining': '0',
            });
      const { u, server } = await userWith(kind, [limited, answer(kind, [{ name: 'Finance', confidence: 0.8 }])]);
      const id = await c.upload(u.token, 'bill.txt', 'text/plain', 'Electricity bill, amount due, pay by bank transfer.');
      const doc = await c.settled(u.token, id, { timeoutMs: 60_000 });
      assert.equal(doc.status, 'classified', doc.error);
      assert.deepEqual(c.topicNames(doc), ['Finance']);
      assert.equal(server.requests.length, 2, 'one retry');
    });

    it(`${kind}: when the provider answers 401, then classification_failed with a clear error and the key nowhere`, async () => {
      // A hostile or careless server may echo the key back; it must still not reach the user or a log line.
      const refused =
        kind === 'openai'
          ? openAiError(
              401,
              `Incorrect API key provided: ${KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
              'invalid_api_key',
            )
          : anthropicError(401, 'authentication_error', `invalid x-api-key ${KEY}`);
      const { u, server } = await userWith(kind, [refused]);
      const id = await c.upload(u.token, 'x.txt', 'text/plain', 'Doctor visit and blood test results.');
      const doc = await c.settled(u.token, id);
      assert.equal(doc.status, 'classification_failed');
      assert.match(doc.error, /refused the API key \(401\)/);
      assert.equal(server.requests.length, 1, 'a refused key is not retried');
      const listed = await c.req('GET', '/api/documents', { token: u.token });
      const settings = await c.req('GET', '/api/settings', { token: u.token });
      for (const text of [JSON.stringify(doc), listed.text, settings.text, app.logs()]) {
        assert.ok(!text.includes(KEY), 'the API key leaked');
        assert.ok(!text.includes(KEY.slice(-6)), 'the tail of the API key leaked');
      }
    });
  }

  it('when the provider keeps failing with 5xx, then each run throws for a retry, and the last one ends classification_failed', async () => {
    const server = await fakeProvider([openAiError(503, 'The server is overloaded', 'server_error')]);
    servers.push(server);
    const u = await c.user();
    await c.topic(u.token, 'Travel', 'trips');
    await c.settings(u.token, { provider: 'none' }); // the app's own job leaves it uploaded
    const id = await c.upload(u.token, 'trip.txt', 'text/plain', 'flight and hotel');
    await app.runtime.jobs.idle(['extract-and-classify']);
    const pool = createExtractionPool({ limits: DEFAULT_EXTRACTION_LIMITS });
    const job = extractAndClassifyJob({
      db: app.runtime.db,
      blobs: app.runtime.blobs,
      pool,
      limits: DEFAULT_EXTRACTION_LIMITS,
      local: createLocalClassifier(),
      providerSettings: async () => ({ provider: 'openai', model: null, baseUrl: server.url, apiKey: KEY, autoClassify: true }),
      allowPrivateUrls: true,
      providerTimeoutMs: 5_000,
    });
    try {
      await assert.rejects(
        job.handler({ documentId: id, userId: u.id }, { jobId: 'j', retryCount: 0 }),
        (e: ProviderError) => e.transient,
      );
      assert.equal((await c.doc(u.token, id)).status, 'uploaded', 'unchanged while retries remain');
      await job.handler({ documentId: id, userId: u.id }, { jobId: 'j', retryCount: RETRY_LIMIT });
      const doc = await c.doc(u.token, id);
      assert.equal(doc.status, 'classification_failed');
      assert.match(doc.error, new RegExp(`failed \\(503\\).*gave up after ${RETRY_LIMIT + 1} attempts`));
    } finally {
      await pool.close();
    }
  });

  it('when the answer is not valid JSON, then classification_failed with a plain error', async () => {
    const { u } = await userWith('openai', [
      { status: 200, body: { choices: [{ message: { role: 'assistant', content: 'Travel, I think' } }] } },
    ]);
    const doc = await c.settled(u.token, await c.upload(u.token, 'y.txt', 'text/plain', 'hotel'));
    assert.equal(doc.status, 'classification_failed');
    assert.match(doc.error, /not valid JSON/);
  });

  it('when the provider answers 400 (an unknown model), then classification_failed naming the request', async () => {
    const { u } = await userWith('anthropic', [
      anthropicError(400, 'invalid_request_error', 'model: test-claude is not a valid model'),
    ]);
    const doc = await c.settled(u.token, await c.upload(u.token, 'z.txt', 'text/plain', 'hotel'));
    assert.equal(doc.status, 'classification_failed');
    assert.match(doc.error, /rejected the request \(400\).*not a valid model/);
  });
});

forEachDatabase('AI providers on a deployment that does not allow private URLs', (dbKind) => {
  let app: TestApp;
  let server: Awaited<ReturnType<typeof fakeProvider>>;
  before(async () => {
    app = await startTestApp({ db: dbKind });
    server = await fakeProvider([openAiAnswer([{ name: 'Travel', confidence: 1 }])]);
  });
  after(async () => {
    await app.close();
    await server.close();
  });

  it('when a stored base URL now points at loopback (say DNS changed after the save), then the request is refused at call time and nothing is sent', async () => {
    const c = vaultClient(app);
    const u: TestUser = await c.user();
    await c.topic(u.token, 'Travel', 'trips');
    await c.settings(u.token, { provider: 'openai', api_key: KEY });
    // What a save-time check could not see: the URL is written as if it had passed then.
    await app.runtime.db.query('UPDATE user_settings SET base_url = $2 WHERE user_id = $1', [u.id, `${server.url}/v1`]);
    const doc = await c.settled(u.token, await c.upload(u.token, 'trip.txt', 'text/plain', 'flight'));
    assert.equal(doc.status, 'classification_failed');
    assert.match(doc.error, /base URL is refused: its host must be a public internet address/);
    assert.equal(server.requests.length, 0);
  });
});
