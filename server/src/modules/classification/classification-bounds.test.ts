import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleTreeRss } from '../../test-support/process-tree.js';
import { DEFAULT_EXTRACTION_LIMITS } from './extraction/extraction-limits.js';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from '../../test-support/spawn-server.js';
import { databaseKinds, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { DOCX_TYPE, FHT_TOPICS, openAiAnswer, vaultClient } from '../../test-support/classification-fixtures.js';
import { makeDocxBomb, makePdfBomb } from '../../test-support/file-fixtures.js';

const GiB = 1024 ** 3;
const KEY = 'sk-test-HELD-0123456789';

/**
 * An OpenAI-compatible server that holds every request until release(): a user whose
 * provider it is keeps worker slots busy for as long as the test wants, without timing.
 */
async function heldProvider() {
  const waiting: ServerResponse[] = [];
  let released = false;
  const answer = (res: ServerResponse) => {
    const r = openAiAnswer([{ name: 'Finance', confidence: 0.9 }]);
    res.writeHead(r.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(r.body));
  };
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      if (released) answer(res);
      else waiting.push(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held: () => waiting.length,
    received: () => received,
    release() {
      released = true;
      for (const res of waiting.splice(0)) answer(res);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const dbKind of databaseKinds()) {
  describe(`bounded extraction and fair jobs (${dbKind})`, () => {
    describe('an API process (no worker): jobs stay queued', () => {
      let app: TestApp;
      let c: ReturnType<typeof vaultClient>;
      before(async () => {
        app = await startTestApp({ db: dbKind, env: { ROLE: 'api' } });
        c = vaultClient(app);
      });
      after(() => app.close());

      const jobsOf = async (id: string) =>
        (
          await app.runtime.db.query<{ state: string; data: { requested?: boolean } }>(
            `SELECT state, data FROM pgboss.job WHERE name = 'extract-and-classify' AND data->>'documentId' = $1`,
            [id],
          )
        ).rows;

      it('when ten reclassify requests for one document arrive, then one job is queued, and it carries the request', async () => {
        const u = await c.user();
        const id = await c.upload(u.token, 'letter.txt', 'text/plain', 'Dear customer, your invoice is attached.');
        assert.equal((await jobsOf(id)).length, 1, 'confirm queued one');
        const answers = await Promise.all(
          Array.from({ length: 10 }, () => c.req('POST', `/api/documents/${id}/classify`, { token: u.token })),
        );
        for (const r of answers) assert.equal(r.status, 202, r.text);
        const jobs = await jobsOf(id);
        assert.equal(jobs.length, 1, 'still one job');
        assert.equal(jobs[0]!.state, 'created');
        assert.equal(jobs[0]!.data.requested, true, 'the request (classify even with auto-classify off) is kept');
        // Another document of the same user gets its own job.
        const other = await c.upload(u.token, 'other.txt', 'text/plain', 'Another letter.');
        assert.equal((await jobsOf(other)).length, 1);
      });
    });

    describe('hostile files of one user beside another user', () => {
      // The app runs as its own process, as `npm start` runs it, so the memory measured is
      // the app's alone (server, PGlite's WASM heap on the embedded default, extraction
      // children) and not the test runner's or an earlier suite's.
      let server: ServerProcess;
      let dataDir: string;
      let databaseUrl: string | undefined;
      let c: ReturnType<typeof vaultClient>;
      let provider: Awaited<ReturnType<typeof heldProvider>>;
      before(async () => {
        buildOnce();
        provider = await heldProvider();
        dataDir = mkdtempSync(join(tmpdir(), 'dv-bounds-'));
        const env: Record<string, string> = {
          DATA_DIR: dataDir,
          SECRET_KEY: randomBytes(32).toString('hex'),
          AI_ALLOW_PRIVATE_URLS: 'true',
          DEFAULT_QUOTA_BYTES: String(GiB),
        };
        if (dbKind === 'postgres') env.DATABASE_URL = databaseUrl = await createTestDatabaseUrl();
        server = await spawnServer(env);
        await waitHealthy(server, 150_000);
        c = vaultClient(server);
      });
      after(async () => {
        provider.release();
        await server?.stop();
        await provider.close();
        rmSync(dataDir, { recursive: true, force: true });
        if (databaseUrl) await dropTestDatabase(databaseUrl);
      });

      it('when one user uploads a 2 GB PDF bomb, a zip-bomb DOCX and 600 KB of em-spaces, then each ends plainly, memory stays under 1 GiB and another user is classified first', async (t) => {
        const mallory = await c.user('mallory');
        await c.topic(mallory.token, 'Finance', 'Money matters');
        await c.settings(mallory.token, { provider: 'openai', base_url: `${provider.url}/v1`, api_key: KEY, model: 'test-gpt' });
        const alice = await c.user('alice');
        for (const [name, description] of FHT_TOPICS) await c.topic(alice.token, name, description);

        // The hostile files are made before sampling starts: they are the test's, not the app's.
        const files = {
          pdf: makePdfBomb(2 * GiB),
          docx: makeDocxBomb(200 * 1024 * 1024, { lie: true }),
          spaces: `Invoice${'\u2003'.repeat(200_000)}total`, // 600 KB of UTF-8
        };
        const rss = sampleTreeRss(server.child.pid!);
        let peak: ReturnType<typeof rss.stop> | undefined;
        try {
          const pdfBomb = await c.upload(mallory.token, 'statement.pdf', 'application/pdf', files.pdf);
          const docxBomb = await c.upload(mallory.token, 'letter.docx', DOCX_TYPE, files.docx);
          const emSpaces = await c.upload(mallory.token, 'spaces.txt', 'text/plain', files.spaces);
          // Three ordinary documents more: with the em-space one, four jobs held at the provider.
          const backlog: string[] = [];
          for (let i = 0; i < 3; i++)
            backlog.push(await c.upload(mallory.token, `bill-${i}.txt`, 'text/plain', `Electricity bill number ${i}.`));

          // Mallory's share of the worker is full: three documents held at the provider (the
          // PDF and DOCX bombs failed on the way). Without fair slots, alice would wait for them.
          await until('three of mallory’s documents at the provider', () => provider.held() >= 3);
          const letter = await c.upload(
            alice.token,
            'statement.txt',
            'text/plain',
            'Monthly bank statement: salary payment received, loan instalment and insurance premium paid.',
          );
          const done = await c.settled(alice.token, letter, { timeoutMs: 45_000 });
          // Order, not time: alice's letter is filed while mallory's documents are still held.
          assert.equal(done.status, 'classified');
          assert.deepEqual(c.topicNames(done), ['Finance']);
          assert.equal(provider.held(), 3, 'mallory’s documents are still in progress');
          assert.equal((await c.doc(mallory.token, emSpaces)).status, 'uploaded', 'the em-space text is not finished yet');

          const failed = await c.settled(mallory.token, pdfBomb);
          assert.equal(failed.status, 'classification_failed');
          assert.match(failed.error, /expands to more than 64 MB \(a compression bomb\?\)/);
          const zip = await c.settled(mallory.token, docxBomb);
          assert.equal(zip.status, 'classification_failed');
          assert.match(zip.error, /ZIP bomb/);

          provider.release();
          const spaces = await c.settled(mallory.token, emSpaces);
          assert.equal(spaces.status, 'classified');
          for (const id of backlog) assert.equal((await c.settled(mallory.token, id)).status, 'classified');
          peak = rss.stop();

          // What was kept of the em-space text, as its owner sees it: the spaces collapsed to one.
          const found = await c.req('GET', '/api/documents?q=total', { token: mallory.token });
          assert.equal(found.status, 200, found.text);
          const hit = found.body.items.find((d: { id: string }) => d.id === emSpaces);
          assert.ok(hit, 'the em-space document is found by the word after the spaces');
          const snippet = (hit.snippet as { text: string }[]).map((s) => s.text).join('');
          assert.equal(snippet, 'Invoice total');
        } finally {
          rss.stop();
        }
        const mib = (b: number) => Math.round(b / 2 ** 20);
        t.diagnostic(
          `peak RSS of the app's process tree: ${mib(peak.peakBytes)} MiB (${peak.breakdown} MiB); largest extraction process: ${mib(peak.largestChildBytes)} MiB`,
        );
        // Each extraction process stays within the limit the OS enforces on it (plus
        // Node's own code and stacks, which RLIMIT_DATA does not count)...
        assert.ok(
          peak.largestChildBytes < (DEFAULT_EXTRACTION_LIMITS.maxMemoryMb + 128) * 2 ** 20,
          `an extraction process reached ${mib(peak.largestChildBytes)} MiB`,
        );
        // ...and the whole app stays under 1 GiB, on either database. On the embedded default
        // the server process also holds PGlite (its WebAssembly memory and code): 402–427 MiB
        // at the peak, the tree 605–658 MiB in four runs (README, "The embedded database's memory").
        assert.ok(
          peak.peakBytes < GiB,
          `the app's process tree peaked at ${Math.round(peak.peakBytes / 2 ** 20)} MiB (${peak.peakProcesses} processes: ${peak.breakdown} MiB)`,
        );
      });
    });
  });
}
