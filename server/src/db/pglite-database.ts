import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { mkdirSync } from 'node:fs';
import { tightenTree } from '../config/data-dir.js';
import type { Database, Queryable, QueryResult, Row } from './database.js';
import { parseInt8 } from './database.js';

/**
 * PGlite is a single session. Every transaction goes through PGlite's own transaction()
 * (it holds an exclusive lock), so concurrent requests never interleave statements inside
 * one another's BEGIN/COMMIT. Inside a transaction only the `tx` handle may be used: a
 * top-level query would wait for that same lock.
 */
export async function createPgliteDatabase(opts: { dir?: string }): Promise<Database> {
  if (opts.dir) mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const pg = await PGlite.create(opts.dir ?? 'memory://', {
    parsers: { [types.INT8]: parseInt8, [types.NUMERIC]: parseInt8 },
    // The contrib extensions the migrations create (PGlite bundles them; they load on demand).
    extensions: { btree_gin, pg_trgm },
  });
  // PGlite writes its initial cluster files 0666 whatever the umask; they hold every row.
  if (opts.dir) tightenTree(opts.dir);
  const run = async <T>(q: Pick<Transaction, 'query'>, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
    const r = await q.query<T>(sql, params ? [...params] : undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  };
  return {
    kind: 'pglite',
    query: (sql, params) => run(pg, sql, params),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      pg.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    async execScript(sql) {
      const results = await pg.exec(sql);
      const last = results[results.length - 1];
      return { rows: (last?.rows ?? []) as Row[], rowCount: last?.affectedRows ?? 0 };
    },
    close: () => pg.close(),
  };
}
