import pg from 'pg';
import type { Database, Queryable, QueryResult, Row } from './database.js';
import { INT8_OID, NUMERIC_OID, parseInt8 } from './database.js';

const typeOverrides = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export async function createPostgresDatabase(opts: { url: string; max?: number; applicationName?: string }): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.max ?? 10,
    types: typeOverrides,
    application_name: opts.applicationName ?? 'docuvault',
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const run = async <T>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> => {
    const r = await q.query(sql, params ? [...params] : undefined);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  };
  const db: Database = {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      const ended: (() => void)[] = [];
      try {
        await client.query('BEGIN');
        const result = await fn({ query: (sql, params) => run(client, sql, params), afterEnd: (f) => void ended.push(f) });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
        for (const f of ended) f();
      }
    },
    async execScript(sql) {
      const r = (await pool.query(sql)) as unknown as pg.QueryResult<Row> | pg.QueryResult<Row>[];
      const last = Array.isArray(r) ? r[r.length - 1] : r;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    },
    close: () => pool.end(),
  };
  // Fail at start, with a clear message, when the database cannot be reached.
  await db.query('SELECT 1');
  return db;
}
