/**
 * The one database interface the application sees. Two adapters implement it: PGlite
 * (embedded, one in-process session) and node-postgres (a pool on DATABASE_URL). The SQL
 * is the same on both; only these adapters differ.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface QueryOptions {
  /**
   * A statement of fixed text sent often (e.g. on every upload's confirm): on PostgreSQL each
   * connection parses it once, as a named prepared statement, and from then on only binds and
   * runs it — its plan cached too (PostgreSQL's plan_cache_mode decides when a generic plan
   * serves). Only for a statement whose best plan does not depend on its parameters' values.
   * PGlite runs it as any other.
   */
  prepare?: boolean;
}

export interface Queryable {
  query<T = Row>(sql: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<T>>;
  /**
   * Present on a transaction's handle only: runs `fn` once the transaction has ended
   * (committed or rolled back), e.g. to drop what a cache holds of rows it changed.
   */
  afterEnd?(fn: () => void): void;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs a script of several statements without parameters (pg-boss's own DDL and locked
   * blocks); returns the rows of the last statement.
   */
  execScript(sql: string): Promise<QueryResult<Row>>;
  /**
   * Runs one statement with `settings` in force (e.g. planner settings and a time limit): on
   * PostgreSQL through a pool whose connections carry them from their start, one round trip;
   * on PGlite, one session, in a transaction that sets them for itself (SET LOCAL).
   */
  queryWith<T = Row>(settings: Settings, sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  close(): Promise<void>;
}

/** Run-time settings (name → value) for `Database.queryWith`. */
export type Settings = Readonly<Record<string, string>>;

/** int8 and numeric columns come back as JS numbers on both adapters (sizes fit in 2^53). */
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
export const parseInt8 = (v: string): number => Number(v);

/**
 * Independent queries of one request: side by side on PostgreSQL (pool connections, both
 * cores), one after another on the embedded database. Its one session runs them in turn
 * anyway, and queued together they would all stand ahead of another request's statement.
 */
export async function independently<T extends readonly unknown[]>(
  db: Database,
  tasks: { [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  if (db.kind === 'postgres') return (await Promise.all(tasks.map((t) => t()))) as unknown as T;
  const out: unknown[] = [];
  for (const t of tasks) out.push(await t());
  return out as unknown as T;
}
