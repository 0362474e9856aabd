/**
 * The row pg-boss's `send` writes, as SQL another statement can embed (a data-modifying CTE),
 * so a job can be queued in the same statement as the change it follows, with no explicit
 * transaction around the two.
 *
 * Mirrors pg-boss **10.4.2** (pinned in server/package.json): `plans.js` `insertJob`, with
 * the values `manager.js` `createJob` binds for `send(name, data, { singletonKey })` on a
 * boss constructed as JobRunner constructs it (no instance-wide `expireIn*`, `retention*` or
 * `retry*` defaults, so the queue row's settings or pg-boss's built-in fallbacks apply):
 * priority 0, `start_after` now, no throttle slot (`singleton_on` NULL), the queue's dead
 * letter, `expire_in` from the queue (else 15 minutes), `keep_until` = start + the queue's
 * retention (else 14 days), retry limit/delay/backoff from the queue (else 2 / 0 / false, a
 * backoff delay at least 1 s), the queue's policy, and `ON CONFLICT DO NOTHING` (a 'short'
 * queue's unique index on a waiting job of the same singleton key).
 *
 * `job-runner.test.ts` sends a job each way and compares the rows column by column, on
 * PGlite and PostgreSQL: upgrading pg-boss means re-reading `insertJob` and that test failing
 * or passing, not trusting this comment.
 */
export interface JobInsert {
  schema: string;
  name: string;
  data: object;
  singletonKey: string | null;
}

/**
 * `INSERT INTO <schema>.job … RETURNING id` for one job, inserted only when the relation
 * `when` (a CTE name of the caller's statement) has a row. Its values are appended to
 * `params` (the caller's own parameter list) and referenced by position, so the fragment
 * can sit anywhere in the caller's statement.
 */
export function jobInsertSql(job: JobInsert, params: unknown[], when: string): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const name = p(job.name);
  const data = p(JSON.stringify(job.data));
  const singletonKey = p(job.singletonKey);
  const s = job.schema;
  return `INSERT INTO ${s}.job (
      id, name, data, priority, start_after, singleton_key, singleton_on, dead_letter,
      expire_in, keep_until, retry_limit, retry_delay, retry_backoff, policy)
    SELECT
      gen_random_uuid(),
      q.name,
      ${data}::jsonb,
      0,
      j.start_after,
      ${singletonKey}::text,
      NULL,
      q.dead_letter,
      CASE WHEN q.expire_seconds IS NOT NULL THEN q.expire_seconds * interval '1s' ELSE interval '15 minutes' END,
      j.start_after + CAST(COALESCE((q.retention_minutes * 60)::text, '14 days') AS interval),
      COALESCE(q.retry_limit, 2),
      CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(q.retry_delay, 1) ELSE COALESCE(q.retry_delay, 0) END,
      COALESCE(q.retry_backoff, false),
      q.policy
    FROM (SELECT now() AS start_after WHERE EXISTS (SELECT 1 FROM ${when})) j
    JOIN ${s}.queue q ON q.name = ${name}::text
    ON CONFLICT DO NOTHING
    RETURNING id`;
}
