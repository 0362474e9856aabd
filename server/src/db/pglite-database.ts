import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { tightenTree } from '../config/data-dir.js';
import type { Database, Queryable, QueryResult, Row } from './database.js';
import type { Reply, Request, SerializedError } from './pglite-thread.js';

// Under tsx (tests, dev) the thread must load TypeScript; the built server runs the .js.
const SELF = fileURLToPath(import.meta.url);
const TS = SELF.endsWith('.ts');
const THREAD = SELF.replace(/pglite-database\.(ts|js)$/, `pglite-thread.${TS ? 'ts' : 'js'}`);

/** The thread's error as the app sees PGlite's: same message, and the same fields (`code`, `detail`, …). */
function reviveError(s: SerializedError): Error {
  const e = new Error(s.message);
  e.name = s.name;
  Object.assign(e, s.props);
  return e;
}

/**
 * Creates the cluster in `dir` (PGlite's initdb) in a short-lived process of its own, so the
 * memory initdb takes is given back to the OS when that process exits.
 *
 * Run in the process that keeps the database, PGlite's initdb starts a second PGlite and an
 * initdb WebAssembly instance beside the first: ~450 MiB of WebAssembly memory that becomes
 * garbage once the cluster exists, but is reclaimed only when V8 next runs a full collection
 * in the database's thread, which does little JavaScript and so rarely collects. A server
 * started on an empty data directory held 581–596 MiB idle and 629–662 MiB at the peak of the
 * hostile-files test (`classification-bounds.test.ts`), 454–461 and 511–519 MiB with the
 * cluster created here: what a restart on an existing directory holds (README, "The embedded
 * database's memory"). The child runs the same `PGlite.create` on the directory (the options
 * the thread passes change no file initdb writes), so the cluster is the same; it runs once
 * per data directory, and costs one more PGlite start-up (1–2 s) on the first start.
 */
async function initialiseCluster(dir: string): Promise<void> {
  const pglite = import.meta.resolve('@electric-sql/pglite');
  const script =
    `const { PGlite } = await import(${JSON.stringify(pglite)});` +
    `const pg = await PGlite.create(${JSON.stringify(dir)});` +
    `await pg.close();`;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: {},
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as Error & { stderr?: string };
    throw new Error(`could not create the embedded database in ${dir}: ${err.stderr?.trim() || err.message}`);
  }
}

/**
 * The embedded database. PGlite is PostgreSQL compiled to WebAssembly: a statement runs
 * synchronously on the thread that calls it, for as long as it takes. On the server's own
 * thread, indexing a 500 KB text or ranking a search would stop every other request (no
 * HTTP parsed, no timer fired) for that long. So PGlite runs in a worker thread
 * (pglite-thread.ts), which also schedules the app's statements on its one session:
 * a statement outside a transaction (a request's session check) waits for the statement or
 * transaction running now, not behind every transaction queued before it.
 *
 * PGlite is one session: inside a transaction only the `tx` handle may be used; a top-level
 * query would wait for the transaction to end.
 */
export async function createPgliteDatabase(opts: { dir?: string }): Promise<Database> {
  if (opts.dir) {
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    if (!existsSync(join(opts.dir, 'PG_VERSION'))) await initialiseCluster(opts.dir);
  }
  const workerData = { dir: opts.dir ?? null };
  const worker = TS
    ? // A worker does not inherit the loader hooks of `--import tsx`: it registers them itself.
      new Worker(
        `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})` +
          `.then((m) => { m.register(); return import(${JSON.stringify(pathToFileURL(THREAD).href)}); })`,
        { eval: true, workerData },
      )
    : new Worker(THREAD, { workerData });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let dead: Error | null = null;
  const failAll = (e: Error) => {
    dead = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ready: boolean; error?: SerializedError }) =>
      m.ready ? resolve() : reject(reviveError(m.error!)),
    );
    worker.once('error', reject);
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`the embedded database's thread exited (code ${code})`)));
  await ready;
  // The thread keeps the process alive only while a statement is awaited (as a socket would).
  worker.unref();
  worker.on('message', (m: Reply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (waiting.size === 0) worker.unref();
    if (m.ok) w.resolve(m.value);
    else w.reject(reviveError(m.error));
  });
  const call = <T>(r: Omit<Request, 'id'> & { id?: number }): Promise<T> => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (waiting.size === 0) worker.ref();
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...r, id });
    });
  };
  // PGlite writes its initial cluster files 0666 whatever the umask; they hold every row.
  if (opts.dir) tightenTree(opts.dir);
  const query = <T>(sql: string, params: readonly unknown[] | undefined, tx?: number) =>
    call<QueryResult<T>>({ op: 'query', sql, params: params ? [...params] : undefined, tx } as Request);
  const db: Database = {
    kind: 'pglite',
    query: (sql, params) => query(sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = await call<number>({ op: 'begin' } as Request);
      const ended: (() => void)[] = [];
      try {
        let result: T;
        try {
          result = await fn({ query: (sql, params) => query(sql, params, tx), afterEnd: (f) => void ended.push(f) });
        } catch (e) {
          await call({ op: 'end', tx, commit: false } as Request).catch(() => {});
          throw e;
        }
        await call({ op: 'end', tx, commit: true } as Request);
        return result;
      } finally {
        for (const f of ended) f();
      }
    },
    execScript: (sql) => call<QueryResult<Row>>({ op: 'exec', sql } as Request),
    // One session: a transaction that sets them for itself only (`set_config(…, true)` is SET LOCAL).
    queryWith: (settings, sql, params) =>
      db.transaction(async (tx) => {
        const names = Object.keys(settings);
        await tx.query(
          `SELECT ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
          names.flatMap((n) => [n, settings[n]]),
        );
        return tx.query(sql, params);
      }),
    async close() {
      if (dead) return;
      await call({ op: 'close' } as Request);
      await worker.terminate();
    },
  };
  return db;
}
