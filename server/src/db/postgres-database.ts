import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Queryable, QueryOptions, QueryResult, Row, Settings } from './database.js';
import { INT8_OID, NUMERIC_OID, parseInt8 } from './database.js';

/** Texts remembered as prepared statements' names; beyond this many the memory starts again (a text is only ever hashed again). */
const MAX_PREPARED_TEXTS = 1000;

const typeOverrides = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export async function createPostgresDatabase(opts: { url: string; max?: number; applicationName?: string }): Promise<Database> {
  const max = opts.max ?? 10;
  const poolOf = (options?: string) => {
    const p = new pg.Pool({
      connectionString: opts.url,
      // A pool with settings (few statements use them) keeps at most half as many connections.
      max: options ? Math.max(2, Math.ceil(max / 2)) : max,
      types: typeOverrides,
      application_name: opts.applicationName ?? 'docuvault',
      connectionTimeoutMillis: 10_000,
      options,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    p.on('error', () => {});
    return p;
  };
  const pool = poolOf();
  // For `queryWith`: a pool per set of settings, its connections started with them (`-c
  // name=value`, a space or backslash in a value escaped), made when first asked for.
  const pools = new Map<string, pg.Pool>();
  const poolWith = (settings: Settings) => {
    const options = Object.entries(settings)
      .map(([name, value]) => `-c ${name}=${value.replace(/[\\ ]/g, '\\$&')}`)
      .join(' ');
    let p = pools.get(options);
    if (!p) pools.set(options, (p = poolOf(options)));
    return p;
  };
  // A prepared statement's name: from its text, so one text is one statement on every connection.
  const names = new Map<string, string>();
  const nameOf = (sql: string) => {
    let name = names.get(sql);
    if (!name) {
      if (names.size >= MAX_PREPARED_TEXTS) names.clear();
      names.set(sql, (name = `dv_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`));
    }
    return name;
  };
  const run = async <T>(
    q: pg.Pool | pg.PoolClient,
    sql: string,
    params?: readonly unknown[],
    opts?: QueryOptions,
  ): Promise<QueryResult<T>> => {
    const r = await q.query({
      text: sql,
      values: params ? [...params] : undefined,
      name: opts?.prepare ? nameOf(sql) : undefined,
    });
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  };
  const db: Database = {
    kind: 'postgres',
    query: (sql, params, opts) => run(pool, sql, params, opts),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      const ended: (() => void)[] = [];
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: (sql, params, opts) => run(client, sql, params, opts),
          afterEnd: (f) => void ended.push(f),
        });
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
    queryWith: (settings, sql, params) => run(poolWith(settings), sql, params),
    close: async () => {
      await Promise.all([pool, ...pools.values()].map((p) => p.end()));
    },
  };
  // Fail at start, with a clear message, when the database cannot be reached.
  await db.query('SELECT 1');
  return db;
}
