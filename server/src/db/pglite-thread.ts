/**
 * The embedded database's own thread (see pglite-database.ts): PGlite runs here, so a long
 * statement (indexing a long text, ranking a search) never blocks the server's event loop,
 * and the statements of the app are scheduled here, one at a time, on PGlite's one session.
 *
 * Scheduling: statements outside a transaction ("single", e.g. the session check of a
 * request, a pg-boss poll) and transactions wait in two queues. When the session is free, a
 * waiting single goes first unless the previous turn was also a single and a transaction is
 * waiting, so neither queue starves: a short request waits for the statement or transaction
 * running now, not for every transaction queued before it.
 */
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { parentPort, workerData } from 'node:worker_threads';
import { parseInt8 } from './database.js';

export type Request =
  | { id: number; op: 'query'; sql: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  message: string;
  name: string;
  props: Record<string, string | number | boolean | null>;
}

function serializeError(e: unknown): SerializedError {
  const err = e instanceof Error ? e : new Error(String(e));
  const props: SerializedError['props'] = {};
  for (const [k, v] of Object.entries(err)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) props[k] = v as string | number | boolean | null;
  }
  return { message: err.message, name: err.name, props };
}

class Rollback extends Error {}

interface OpenTx {
  tx: Transaction;
  finish: (commit: boolean) => void;
  /** The transaction's end: null when it committed or was rolled back as asked, else the error. */
  settled: Promise<unknown>;
}

async function main(): Promise<void> {
  const port = parentPort!;
  const { dir } = workerData as { dir: string | null };
  const pg = await PGlite.create(dir ?? 'memory://', {
    parsers: { [types.INT8]: parseInt8, [types.NUMERIC]: parseInt8 },
    // The contrib extensions the migrations create (PGlite bundles them; they load on demand).
    extensions: { btree_gin, pg_trgm },
    // A buffer pool of 32 MB instead of PostgreSQL's 128 MB. PGlite allocates the pool in its
    // WebAssembly memory and touches all of it at start, and WebAssembly memory is never
    // given back: measured in the built server, 155 MiB of that memory resident at idle with
    // 128 MB, 51 MiB with 32 MB, and the server's peak in the hostile-files test ~100 MiB
    // lower (README, "The embedded database's memory"). Safe: the pool is a cache
    // of the data files, which PGlite reads through the OS (and its page cache) when a page is
    // not in the pool, so a smaller pool costs a read, never a result; the defaults are kept
    // otherwise, and what the pool no longer holds the kernel's page cache usually does.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'],
  });
  const reply = (r: Reply) => port.postMessage(r);
  const fail = (id: number, e: unknown) => reply({ id, ok: false, error: serializeError(e) });

  const singles: Request[] = [];
  const begins: Request[] = [];
  const open = new Map<number, OpenTx>();
  let busy = false;
  let lastWasSingle = false;
  let closing: Request | null = null;

  const runSingle = async (r: Request): Promise<void> => {
    try {
      if (r.op === 'exec') {
        const results = await pg.exec(r.sql);
        const last = results[results.length - 1];
        reply({ id: r.id, ok: true, value: { rows: last?.rows ?? [], rowCount: last?.affectedRows ?? 0 } });
      } else if (r.op === 'query') {
        const q = await pg.query(r.sql, r.params);
        reply({ id: r.id, ok: true, value: { rows: q.rows, rowCount: q.affectedRows ?? q.rows.length } });
      }
    } catch (e) {
      fail(r.id, e);
    }
  };

  /**
   * Opens a transaction; the session is its own until the main thread ends it. Resolves when
   * the transaction is over (committed or rolled back).
   */
  const runBegin = (r: Request): Promise<void> => {
    let finish!: (commit: boolean) => void;
    const decided = new Promise<boolean>((res) => (finish = res));
    let started = false;
    const settled = pg
      .transaction(async (tx) => {
        started = true;
        open.set(r.id, { tx, finish, settled });
        reply({ id: r.id, ok: true, value: r.id });
        if (!(await decided)) throw new Rollback();
      })
      .then(
        () => null,
        (e: unknown) => (e instanceof Rollback ? null : e),
      );
    return settled.then((err) => {
      open.delete(r.id);
      if (!started) fail(r.id, err ?? new Error('transaction did not start'));
    });
  };

  const pump = (): void => {
    if (busy) return;
    let next: Request | undefined;
    if (singles.length && (!lastWasSingle || !begins.length)) next = singles.shift();
    else next = begins.shift() ?? singles.shift();
    if (!next) {
      if (closing) void shutDown(closing);
      return;
    }
    busy = true;
    lastWasSingle = next.op !== 'begin';
    const turn = next.op === 'begin' ? runBegin(next) : runSingle(next);
    void turn.finally(() => {
      busy = false;
      pump();
    });
  };

  const shutDown = async (r: Request): Promise<void> => {
    try {
      await pg.close();
      reply({ id: r.id, ok: true, value: null });
    } catch (e) {
      fail(r.id, e);
    }
    port.close();
  };

  port.on('message', (r: Request) => {
    switch (r.op) {
      case 'query':
        if (r.tx !== undefined) {
          const t = open.get(r.tx);
          if (!t) return fail(r.id, new Error('transaction is not open'));
          t.tx.query(r.sql, r.params).then(
            (q) => reply({ id: r.id, ok: true, value: { rows: q.rows, rowCount: q.affectedRows ?? q.rows.length } }),
            (e) => fail(r.id, e),
          );
          return;
        }
        singles.push(r);
        return pump();
      case 'exec':
        singles.push(r);
        return pump();
      case 'begin':
        begins.push(r);
        return pump();
      case 'end': {
        const t = open.get(r.tx);
        if (!t) return fail(r.id, new Error('transaction is not open'));
        t.finish(r.commit);
        void t.settled.then((err) => (err ? fail(r.id, err) : reply({ id: r.id, ok: true, value: null })));
        return;
      }
      case 'close':
        closing = r;
        return pump();
    }
  });
  port.postMessage({ ready: true });
}

main().catch((e) => {
  parentPort!.postMessage({ ready: false, error: serializeError(e) });
});
