import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A real S3-protocol server for tests.
 *
 * - Where Debian's OpenStack Swift is installed (`/usr/bin/swift-proxy-server`): an
 *   all-in-one Swift + s3api + memcached in a fresh temp dir on ports the OS hands out;
 *   it checks SigV4 signatures, so presigned-URL enforcement can be tested for real.
 * - Otherwise s3rver in-process, which does not enforce what a presigned URL signs.
 *
 * `TEST_S3_FORCE=s3rver|swift` overrides the choice.
 *
 * Isolation: every `getTestS3()` call gets a bucket of its own on the shared server, so
 * test files (and suites within one) never see each other's objects.
 */
export interface TestS3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  /** True when the server refuses a request that does not match what the URL signed. */
  enforcesSignatures: boolean;
  kind: 'swift' | 's3rver';
  /** Idempotent. For a server reused from TEST_S3_* env vars, a no-op. */
  stop(): Promise<void>;
}

type Kind = TestS3Server['kind'];

const SWIFT_PROXY = '/usr/bin/swift-proxy-server';
const SCRIPTS_DIR = fileURLToPath(new URL('../../../scripts/s3-test-server/', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const REGION = 'us-east-1';

export async function startTestS3Server(opts: { kind?: Kind } = {}): Promise<TestS3Server> {
  const kind = opts.kind ?? chooseKind();
  return kind === 'swift' ? startSwift() : startS3rver();
}

/**
 * The S3 server described by TEST_S3_ENDPOINT, TEST_S3_REGION, TEST_S3_ACCESS_KEY,
 * TEST_S3_SECRET_KEY, TEST_S3_ENFORCES_SIGNATURES (and optionally TEST_S3_KIND), as set by
 * the global test runner, or else one started for this process and shared by its callers
 * (stopped when the last caller calls stop(), or when the process exits). Either way the
 * result names a new, empty bucket of its own.
 */
export async function getTestS3(): Promise<TestS3Server> {
  const env = process.env;
  if (env.TEST_S3_ENDPOINT) {
    const enforcesSignatures = env.TEST_S3_ENFORCES_SIGNATURES === 'true';
    const shared = {
      endpoint: env.TEST_S3_ENDPOINT,
      region: env.TEST_S3_REGION ?? REGION,
      accessKeyId: env.TEST_S3_ACCESS_KEY ?? '',
      secretAccessKey: env.TEST_S3_SECRET_KEY ?? '',
      enforcesSignatures,
      kind: env.TEST_S3_KIND === 'swift' || env.TEST_S3_KIND === 's3rver' ? env.TEST_S3_KIND : enforcesSignatures ? 'swift' : 's3rver',
    } satisfies Omit<TestS3Server, 'bucket' | 'stop'>;
    return { ...shared, bucket: await createBucket(shared), stop: async () => {} };
  }

  processServer ??= startTestS3Server();
  const server = await processServer.catch((err: unknown) => {
    processServer = undefined;
    throw err;
  });
  users++;
  let stopped = false;
  return {
    ...server,
    bucket: await createBucket(server),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (--users > 0) return;
      processServer = undefined;
      await server.stop();
    },
  };
}

/** The env vars that make getTestS3() in other processes reuse this server. */
export function testS3Env(server: TestS3Server): Record<string, string> {
  return {
    TEST_S3_ENDPOINT: server.endpoint,
    TEST_S3_REGION: server.region,
    TEST_S3_ACCESS_KEY: server.accessKeyId,
    TEST_S3_SECRET_KEY: server.secretAccessKey,
    TEST_S3_BUCKET: server.bucket,
    TEST_S3_ENFORCES_SIGNATURES: String(server.enforcesSignatures),
    TEST_S3_KIND: server.kind,
  };
}

let processServer: Promise<TestS3Server> | undefined;
let users = 0;

function chooseKind(): Kind {
  const forced = process.env.TEST_S3_FORCE;
  if (forced === 'swift' || forced === 's3rver') return forced;
  if (forced) throw new Error(`TEST_S3_FORCE must be swift or s3rver, not ${forced}`);
  return existsSync(SWIFT_PROXY) ? 'swift' : 's3rver';
}

// ---------------------------------------------------------------- Swift

async function startSwift(): Promise<TestS3Server> {
  if (!existsSync(SWIFT_PROXY)) throw new Error(`${SWIFT_PROXY} not found; install Debian's swift packages`);
  const dir = await mkdtemp(path.join(tmpdir(), 'docuvault-swift-'));
  for (const sub of ['etc', 'node/d1', 'run', 'log']) await mkdir(path.join(dir, sub), { recursive: true });

  const [memcachedPort, accountPort, containerPort, objectPort, proxyPort] = (await freePorts(5)) as [number, number, number, number, number];
  const runAs = userInfo().username;
  const values: Record<string, string> = {
    SWIFT_DIR: dir,
    RUN_AS: runAs,
    MEMCACHED_PORT: String(memcachedPort),
    ACCOUNT_PORT: String(accountPort),
    CONTAINER_PORT: String(containerPort),
    OBJECT_PORT: String(objectPort),
    PROXY_PORT: String(proxyPort),
  };
  const templates = path.join(SCRIPTS_DIR, 'etc');
  for (const name of await readdir(templates)) {
    const text = await readFile(path.join(templates, name), 'utf8');
    await writeFile(path.join(dir, 'etc', name), text.replace(/@([A-Z_]+)@/g, (m, v: string) => values[v] ?? m));
  }
  await promisify(execFile)('/usr/bin/python3', [
    path.join(SCRIPTS_DIR, 'build-rings.py'),
    path.join(dir, 'etc'),
    String(accountPort),
    String(containerPort),
    String(objectPort),
  ]);

  // The script runs the daemons until its stdin closes: on stop(), or when this process
  // ends in any way, so no daemon outlives the tests.
  const child = spawn('/bin/sh', [path.join(SCRIPTS_DIR, 'run-swift.sh')], {
    env: { ...process.env, SWIFT_DIR: dir, RUN_AS: runAs, MEMCACHED_PORT: String(memcachedPort) },
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const base = {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    region: REGION,
    accessKeyId: 'test:tester',
    secretAccessKey: 'testing',
    enforcesSignatures: true,
    kind: 'swift' as const,
  };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopSwift({ child, exited, dir }));

  try {
    const bucket = await waitForSwift({ ...base, exited });
    return { ...base, bucket, stop };
  } catch (err) {
    const logs = await readLogs(dir);
    await stop();
    throw new Error(`Swift did not start: ${(err as Error).message}\n${logs}`);
  }
}

async function waitForSwift(opts: Omit<TestS3Server, 'bucket' | 'stop'> & { exited: Promise<void> }): Promise<string> {
  let exited = false;
  void opts.exited.then(() => (exited = true));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (exited) throw new Error('run-swift.sh exited');
    try {
      // The healthcheck answers before s3api can authenticate; a bucket creation proves both.
      const health = await fetch(`${opts.endpoint}/healthcheck`, { signal: AbortSignal.timeout(1000) });
      if (health.ok) return await createBucket(opts);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready after ${READY_TIMEOUT_MS} ms (${String(lastError)})`);
}

async function stopSwift(opts: { child: ChildProcess; exited: Promise<void>; dir: string }): Promise<void> {
  const pids = (await readFile(path.join(opts.dir, 'run', 'pids'), 'utf8').catch(() => ''))
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  if (opts.child.exitCode === null && opts.child.signalCode === null) {
    // Referenced again so the process stays up until the daemons are gone.
    opts.child.ref();
    opts.child.stdin?.end();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      opts.exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      // Only the processes this server started: the script and the daemons it recorded.
      for (const pid of [opts.child.pid, ...pids]) {
        if (pid) killQuietly(pid);
      }
    }
  }
  await rm(opts.dir, { recursive: true, force: true });
}

async function readLogs(dir: string): Promise<string> {
  const logDir = path.join(dir, 'log');
  const names = await readdir(logDir).catch(() => [] as string[]);
  const parts = await Promise.all(
    names.map(async (n) => `--- ${n}\n${(await readFile(path.join(logDir, n), 'utf8').catch(() => '')).slice(-2000)}`),
  );
  return parts.join('\n');
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// ---------------------------------------------------------------- s3rver

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: { unref(): void; closeAllConnections(): void };
}
type S3rverClass = new (opts: Record<string, unknown>) => S3rverInstance;

const s3rverDirs = new Set<string>();

async function startS3rver(): Promise<TestS3Server> {
  // s3rver ships no types; a non-literal specifier keeps TypeScript from looking for them.
  const specifier = 's3rver';
  const S3rver = ((await import(specifier)) as { default: S3rverClass }).default;
  const dir = await mkdtemp(path.join(tmpdir(), 'docuvault-s3rver-'));
  trackForExit(dir);
  const bucket = newBucketName();
  const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir, silent: true, configureBuckets: [{ name: bucket }] });
  const address = await server.run();
  // In-process: it must not keep a test process alive that forgot to stop it.
  server.httpServer?.unref();
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    region: REGION,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    bucket,
    enforcesSignatures: false,
    kind: 's3rver',
    stop: () =>
      (stopping ??= (async () => {
        server.httpServer?.closeAllConnections();
        await server.close();
        await rm(dir, { recursive: true, force: true });
        s3rverDirs.delete(dir);
      })()),
  };
}

function trackForExit(dir: string): void {
  if (s3rverDirs.size === 0) {
    process.once('exit', () => {
      for (const d of s3rverDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  s3rverDirs.add(dir);
}

// ---------------------------------------------------------------- shared

async function createBucket(server: Omit<TestS3Server, 'bucket' | 'stop'>): Promise<string> {
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const bucket = newBucketName();
    await client.send(new CreateBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(10_000) });
    return bucket;
  } finally {
    client.destroy();
  }
}

function newBucketName(): string {
  return `dv-test-${randomBytes(6).toString('hex')}`;
}

/** Ports the OS hands out, all held open together so none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
