import type { Queryable } from '../db/database.js';

/**
 * Which of these values of a payload field have a job of this type queued, waiting for a
 * retry or running: the server's own answer to "is this still being worked on?". It reads
 * pg-boss's job table (one partition per queue; only unfinished jobs match the states).
 */
export async function keysWithJobInFlight(
  q: Queryable,
  where: { name: string; field: string; values: string[] },
): Promise<Set<string>> {
  if (where.values.length === 0) return new Set();
  const { rows } = await q.query<{ key: string }>(
    `SELECT DISTINCT data ->> $2 AS key FROM pgboss.job
      WHERE name = $1 AND state IN ('created', 'retry', 'active') AND data ->> $2 = ANY($3::text[])`,
    [where.name, where.field, where.values],
  );
  return new Set(rows.map((r) => r.key));
}
