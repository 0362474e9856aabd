import type { Queryable } from '../../db/database.js';

/** The SQL of the shared throttle counters (table auth_throttle, migration 0002). */

/**
 * Counts one attempt in a fixed window, atomically: a window older than `windowSeconds`
 * restarts at 1. Returns the count so far and the seconds until the window ends.
 */
export async function hitBucket(
  q: Queryable,
  bucket: string,
  windowSeconds: number,
): Promise<{ hits: number; retry_after: number }> {
  const { rows } = await q.query<{ hits: number; retry_after: number }>(
    `INSERT INTO auth_throttle AS t (bucket, hits, window_started_at) VALUES ($1, 1, now())
     ON CONFLICT (bucket) DO UPDATE SET
       hits = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2::float8) THEN 1 ELSE t.hits + 1 END,
       window_started_at = CASE WHEN t.window_started_at <= now() - make_interval(secs => $2::float8)
                                THEN now() ELSE t.window_started_at END
     RETURNING hits,
       GREATEST(0, EXTRACT(EPOCH FROM (window_started_at + make_interval(secs => $2::float8) - now())))::float8 AS retry_after`,
    [bucket, windowSeconds],
  );
  return rows[0]!;
}

/** Gives one attempt back (the attempt succeeded), within the same window only. */
export async function refundBucket(q: Queryable, bucket: string): Promise<void> {
  await q.query('UPDATE auth_throttle SET hits = GREATEST(0, hits - 1) WHERE bucket = $1', [bucket]);
}

/** Drops windows that ended long ago. */
export async function purgeExpiredBuckets(q: Queryable, olderThanSeconds: number): Promise<number> {
  const r = await q.query('DELETE FROM auth_throttle WHERE window_started_at < now() - make_interval(secs => $1::float8)', [
    olderThanSeconds,
  ]);
  return r.rowCount;
}
