import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { describe } from 'node:test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../config/load-config.js';
import { startRuntime, type Runtime, type RuntimeOptions } from '../runtime.js';
import { createTestDatabaseUrl, dropTestDatabase } from './postgres-server.js';
import { getTestS3, type TestS3Server } from './s3-server.js';

export type DbKind = 'pglite' | 'postgres';
export type StorageKind = 'local' | 's3';

export interface TestApp {
  baseUrl: string;
  runtime: Runtime;
  dataDir: string;
  env: Record<string, string>;
  /** Everything the app logged so far, one JSON line per entry. */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Starts the real runtime in-process on a free port with a fresh DATA_DIR, a fresh
 * database of the given kind and the given storage backend, exactly as main.ts would.
 */
export async function startTestApp(
  opts: {
    db?: DbKind;
    storage?: StorageKind;
    s3?: TestS3Server;
    env?: Record<string, string>;
    databaseUrl?: string;
  } & RuntimeOptions = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dv-test-'));
  const env: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'info', PORT: '1', ...opts.env };
  // A database made here is dropped by close(); one passed in belongs to the caller.
  const ownDatabase = opts.db === 'postgres' && !opts.databaseUrl ? await createTestDatabaseUrl() : undefined;
  if (opts.db === 'postgres') env.DATABASE_URL = opts.databaseUrl ?? ownDatabase!;
  if (opts.storage === 's3' || opts.s3) Object.assign(env, appS3Env(opts.s3 ?? (await getTestS3())), opts.env);
  const logStream = new PassThrough();
  let logText = '';
  logStream.on('data', (d: Buffer) => (logText += d.toString()));
  const runtime = await startRuntime(loadConfig(env), { logStream, extraJobs: opts.extraJobs, extraRoutes: opts.extraRoutes });
  let baseUrl = '';
  if (runtime.app) baseUrl = await runtime.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    baseUrl,
    runtime,
    dataDir,
    env,
    logs: () => logText,
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (ownDatabase) await dropTestDatabase(ownDatabase);
    },
  };
}

/** The app's S3 settings for a test S3 server. */
export function appS3Env(s3: TestS3Server): Record<string, string> {
  return {
    STORAGE_BACKEND: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY: s3.accessKeyId,
    S3_SECRET_KEY: s3.secretAccessKey,
    S3_BUCKET: s3.bucket,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/** Which database kinds a suite runs on: both, unless TEST_DB narrows it. */
export function databaseKinds(): DbKind[] {
  const only = process.env.TEST_DB;
  return only === 'pglite' || only === 'postgres' ? [only] : ['pglite', 'postgres'];
}

/** The suite once per database kind (see databaseKinds), as `describe('<name> (<kind>)')`. */
export function forEachDatabase(name: string, suite: (db: DbKind) => void): void {
  for (const db of databaseKinds()) describe(`${name} (${db})`, () => suite(db));
}

/** Whether the S3 server of this run checks what a presigned URL signs (Swift does, s3rver does not). */
export function s3EnforcesSignatures(): boolean {
  const kind = process.env.TEST_S3_KIND ?? process.env.TEST_S3_FORCE;
  if (process.env.TEST_S3_ENFORCES_SIGNATURES) return process.env.TEST_S3_ENFORCES_SIGNATURES === 'true';
  return kind !== 's3rver' && existsSync('/usr/bin/swift-proxy-server');
}

type StorageSuite = (db: DbKind, storage: StorageKind) => void;

/**
 * The suite once per database kind and storage backend, as `describe('<name> (<db>, <storage> storage)')`.
 * `needsSignatureChecks`: the suite proves what a presigned URL refuses, so on an S3 server
 * that checks no signatures its S3 runs are skipped (not passed).
 */
export function forEachDatabaseAndStorage(name: string, suite: StorageSuite): void;
export function forEachDatabaseAndStorage(name: string, opts: { needsSignatureChecks?: boolean }, suite: StorageSuite): void;
export function forEachDatabaseAndStorage(
  name: string,
  ...args: [StorageSuite] | [{ needsSignatureChecks?: boolean }, StorageSuite]
): void {
  const [opts, suite] = args.length === 1 ? [{}, args[0]] : args;
  for (const db of databaseKinds()) {
    for (const storage of ['local', 's3'] as const) {
      const unchecked = opts.needsSignatureChecks && storage === 's3' && !s3EnforcesSignatures();
      describe(`${name} (${db}, ${storage} storage)`, { skip: unchecked && 'this S3 server does not check signatures' }, () =>
        suite(db, storage),
      );
    }
  }
}

export interface JsonResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A small HTTP client for tests: JSON in, parsed JSON out, status and headers kept. Every fixture client is built on it. */
export function httpClient(baseUrl: string) {
  return async function request<T = any>(
    method: string,
    path: string,
    opts: { token?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<JsonResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const url = path.startsWith('http') ? path : baseUrl + path;
    const r = await fetch(url, { method, headers, body, redirect: 'manual' });
    const text = await r.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: r.status, body: parsed as T, text, headers: r.headers };
  };
}

export const PASSWORD = 'correct horse battery staple';
export const randomEmail = (tag = 'u') => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

/** An account made through the API, signed in. */
export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** Registers an account and signs it in, through the API; throws unless both succeed. */
export async function signUp(req: ReturnType<typeof httpClient>, email = randomEmail()): Promise<TestUser> {
  const reg = await req('POST', '/api/auth/register', { json: { email, password: PASSWORD } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${reg.text}`);
  const login = await req('POST', '/api/auth/login', { json: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  return { id: reg.body.id as string, email, token: login.body.access_token as string };
}
