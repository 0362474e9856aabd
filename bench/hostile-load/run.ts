/**
 * One user attacks, another works: the built server (its own process, as `npm start` runs
 * it: embedded PGlite, disk storage) gets a 2 GB-inflating PDF, a zip-bomb DOCX, 600 KB of
 * em-spaces and ordinary documents from mallory, then a burst of reclassify requests on
 * all of them, while alice uploads ordinary letters one after another. Prints the peak
 * resident memory of the server's process tree (target < 1 GiB) and alice's time from
 * upload to classified (target < 5 s). Prints figures only.
 *
 *   node --import tsx bench/hostile-load/run.ts            # from the repository root
 *   DATABASE_URL=postgres://… node --import tsx bench/hostile-load/run.ts   # the server on PostgreSQL
 *
 * Knobs: BENCH_LETTERS (alice's uploads, 8), BENCH_BACKLOG (mallory's ordinary documents,
 * 12), BENCH_BURST (reclassify requests per mallory document, 10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDocxBomb, makePdfBomb } from '../../server/src/test-support/file-fixtures.js';
import { sampleTreeRss } from '../../server/src/test-support/process-tree.js';
import { buildOnce, spawnServer, waitHealthy } from '../../server/src/test-support/spawn-server.js';
import { jsonApi, percentile } from '../support/bench-kit.js';

const LETTERS = Number(process.env.BENCH_LETTERS ?? 8);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 12);
const BURST = Number(process.env.BENCH_BURST ?? 10);
const MiB = 2 ** 20;
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

buildOnce();
const dataDir = mkdtempSync(join(tmpdir(), 'dv-hostile-load-'));
const server = await spawnServer({
  DATA_DIR: dataDir,
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});
try {
  await waitHealthy(server, 120_000);
  const api = jsonApi(server.baseUrl);

  async function user(tag: string): Promise<string> {
    const email = `${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@bench.test`;
    await api('POST', '/api/auth/register', { body: { email, password: 'a long bench password 1' } });
    return (await api('POST', '/api/auth/login', { body: { email, password: 'a long bench password 1' } })).access_token;
  }

  async function upload(token: string, filename: string, contentType: string, bytes: Buffer | string): Promise<string> {
    // Sizes declared, as the web client does: an undeclared upload reserves the user's whole
    // room until it is confirmed (SPEC §7.1), so mallory's concurrent uploads would refuse each other.
    const size_bytes = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
    const u = await api('POST', '/api/documents/upload-url', {
      token,
      body: { filename, content_type: contentType, size_bytes },
    });
    const url = u.upload_url.startsWith('http') ? u.upload_url : server.baseUrl + u.upload_url;
    const headers = Object.keys(u.upload_headers ?? {}).length > 0 ? u.upload_headers : { 'content-type': contentType };
    const put = await fetch(url, { method: 'PUT', body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes), headers });
    if (put.status >= 300) throw new Error(`PUT: ${put.status} ${await put.text()}`);
    await api('POST', `/api/documents/${u.document_id}/confirm`, { token });
    return u.document_id;
  }

  async function settled(token: string, id: string, timeoutMs = 180_000): Promise<Record<string, any>> {
    const t0 = Date.now();
    for (;;) {
      const d = await api('GET', `/api/documents/${id}`, { token });
      if (d.status === 'classified' || d.status === 'classification_failed') return d;
      if (Date.now() - t0 > timeoutMs) throw new Error(`document ${id} still ${d.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  const mallory = await user('mallory');
  const alice = await user('alice');
  for (const [name, description] of [
    ['Finance', 'Bank statements, invoices, bills, salary, loans and insurance premiums.'],
    ['Travel', 'Flights, hotels, boarding passes and itineraries.'],
  ])
    await api('POST', '/api/topics', { token: alice, body: { name, description } });

  // A user without topics has nothing to be filed under: her documents would stay `uploaded`.
  await api('POST', '/api/topics', {
    token: mallory,
    body: { name: 'Bills', description: 'Electricity, gas and water bills, tariffs and meter readings.' },
  });

  const rss = sampleTreeRss(server.child.pid!, 25);
  const t0 = performance.now();
  const hostile = await Promise.all([
    upload(mallory, 'bomb.pdf', 'application/pdf', makePdfBomb(2 * 1024 ** 3)),
    upload(mallory, 'bomb.docx', DOCX_TYPE, makeDocxBomb(200 * MiB, { lie: true })),
    upload(mallory, 'spaces.txt', 'text/plain', `Invoice${'\u2003'.repeat(200_000)}total`),
  ]);
  const backlog = await Promise.all(
    Array.from({ length: BACKLOG }, (_, i) =>
      upload(mallory, `bill-${i}.txt`, 'text/plain', `Electricity bill ${i}: ${'kilowatt hours and tariff. '.repeat(2000)}`),
    ),
  );
  const mine = [...hostile, ...backlog];
  const burst = Promise.all(
    mine.flatMap((id) => Array.from({ length: BURST }, () => api('POST', `/api/documents/${id}/classify`, { token: mallory }))),
  );

  const waits: number[] = [];
  const uploads: number[] = [];
  for (let i = 0; i < LETTERS; i++) {
    const start = performance.now();
    const id = await upload(
      alice,
      `statement-${i}.txt`,
      'text/plain',
      `Monthly bank statement ${i}: salary payment received, loan instalment and insurance premium paid.`,
    );
    uploads.push(performance.now() - start);
    const d = await settled(alice, id);
    if (d.status !== 'classified') throw new Error(`alice's letter ended ${d.status}: ${d.error}`);
    waits.push(performance.now() - start);
  }
  await burst;
  const outcomes = await Promise.all(mine.map((id) => settled(mallory, id)));
  const allDone = performance.now() - t0;
  // Idle extraction processes exit after a few seconds.
  await new Promise((r) => setTimeout(r, 5_000));
  const { peakBytes, peakProcesses, samples } = rss.stop();

  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}`);
  console.log(
    `mallory: 3 hostile files + ${BACKLOG} documents, ${BURST} reclassify requests on each (${mine.length * BURST} in all)`,
  );
  for (const [i, name] of ['2 GB PDF bomb', 'zip-bomb DOCX', '600 KB em-spaces'].entries())
    console.log(`  ${name.padEnd(17)} → ${outcomes[i]!.status}${outcomes[i]!.error ? `: ${outcomes[i]!.error}` : ''}`);
  console.log(
    `  ordinary documents → ${outcomes.slice(3).filter((d) => d.status === 'classified').length} of ${BACKLOG} classified`,
  );
  console.log(`  everything of mallory's settled after ${(allDone / 1000).toFixed(1)} s`);
  console.log(
    `alice, upload → classified (${LETTERS} letters): p50 ${(percentile(waits, 50) / 1000).toFixed(2)} s, ` +
      `max ${(Math.max(...waits) / 1000).toFixed(2)} s   (target < 5 s)`,
  );
  console.log(
    `  of which the upload itself (upload-url, PUT, confirm): p50 ${(percentile(uploads, 50) / 1000).toFixed(2)} s, ` +
      `max ${(Math.max(...uploads) / 1000).toFixed(2)} s`,
  );
  console.log(
    `  each letter: ${waits.map((w, i) => `${(w / 1000).toFixed(1)} (${(uploads[i]! / 1000).toFixed(1)})`).join(', ')} s`,
  );
  console.log(
    `peak RSS of the server's process tree: ${Math.round(peakBytes / MiB)} MiB with ${peakProcesses} processes ` +
      `(${samples} samples)   (target < 1024 MiB)`,
  );
  console.log(`processes 5 s after the last document: ${sampleTreeRss(server.child.pid!).stop().peakProcesses}`);
} finally {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
