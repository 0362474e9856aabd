import type PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { JobDefinition } from './job-registry.js';

interface Logger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface FairWorkerOptions {
  db: Database;
  boss: PgBoss;
  schema: string;
  def: JobDefinition<unknown> & { fairBy: string };
  logger: Logger;
  pollingIntervalSeconds: number;
  /** Registers work under way, so the runner's stop() waits for it. */
  track<T>(p: Promise<T>): Promise<T>;
}

/**
 * Works one queue fairly among the owners its jobs name (payload field `def.fairBy`, e.g.
 * the user), in place of pg-boss's `work()`:
 *
 * - slots, not batches: `def.batchSize` jobs run at once, and a slot that frees takes the
 *   next job at once (pg-boss waits for its whole batch, so one slow job held three
 *   finished slots);
 * - the next job is the oldest of the owner with the fewest jobs running, so a newcomer
 *   goes before a backlog;
 * - an owner runs at most `batchSize − 1` jobs (at least 1) across all workers, so one slot
 *   always stays open for someone else: another user's document waits for no one's
 *   backlog, at most for one job when every owner is at their cap.
 *
 * Fetching is our own statement on pg-boss's job table (same state changes as pg-boss's
 * fetch); completion, failure, retries and expiry stay pg-boss's. Two worker processes
 * fetching at the same instant may let one owner exceed the cap by a job; the cap is a
 * share, not a lock.
 */
export function startFairWorker(o: FairWorkerOptions): { stop(timeoutMs: number): Promise<void> } {
  const slots = Math.max(1, o.def.batchSize ?? 8);
  const perOwner = Math.max(1, slots - 1);
  const running = new Set<Promise<void>>();
  let fetching = false;
  let stopping = false;

  const fetchSql = `
    WITH busy AS (
      SELECT data->>$3 AS owner, count(*)::int AS n
        FROM ${o.schema}.job
       WHERE name = $1 AND state = 'active'
       GROUP BY 1
    ), next AS (
      SELECT j.id
        FROM ${o.schema}.job j LEFT JOIN busy b ON b.owner = j.data->>$3
       WHERE j.name = $1 AND j.state < 'active' AND j.start_after < now() AND COALESCE(b.n, 0) < $2
       ORDER BY COALESCE(b.n, 0), j.priority DESC, j.created_on, j.id
       LIMIT 1
         FOR UPDATE OF j SKIP LOCKED
    )
    UPDATE ${o.schema}.job j
       SET state = 'active',
           started_on = now(),
           retry_count = CASE WHEN j.started_on IS NOT NULL THEN j.retry_count + 1 ELSE j.retry_count END
      FROM next
     WHERE j.name = $1 AND j.id = next.id
    RETURNING j.id, j.data, j.retry_count`;

  async function fetchOne(): Promise<{ id: string; data: object; retry_count: number } | undefined> {
    const { rows } = await o.track(
      o.db.query<{ id: string; data: object; retry_count: number }>(fetchSql, [o.def.name, perOwner, o.def.fairBy]),
    );
    return rows[0];
  }

  async function runJob(job: { id: string; data: object; retry_count: number }): Promise<void> {
    try {
      await o.def.handler(job.data, { jobId: job.id, retryCount: job.retry_count });
      await o.boss.complete(o.def.name, job.id);
    } catch (err) {
      o.logger.warn({ err, job: o.def.name, jobId: job.id, retry: job.retry_count }, 'job failed; it will be retried');
      await o.boss
        .fail(o.def.name, job.id, { message: err instanceof Error ? err.message : String(err) })
        .catch((e: unknown) => o.logger.error({ err: e, job: o.def.name, jobId: job.id }, 'could not mark a job failed'));
    }
  }

  /** Takes jobs while slots are free; one fetch at a time in this process. */
  async function fill(): Promise<void> {
    if (fetching || stopping) return;
    fetching = true;
    try {
      while (!stopping && running.size < slots) {
        const job = await fetchOne();
        if (!job) break;
        const p: Promise<void> = o.track(runJob(job)).finally(() => {
          running.delete(p);
          void fill();
        });
        running.add(p);
      }
    } catch (err) {
      o.logger.error({ err, job: o.def.name }, 'could not fetch jobs');
    } finally {
      fetching = false;
    }
  }

  const timer = setInterval(() => void fill(), o.pollingIntervalSeconds * 1000);
  void fill();
  return {
    /** Takes no more jobs and waits (at most `timeoutMs`) for the running ones. */
    async stop(timeoutMs) {
      stopping = true;
      clearInterval(timer);
      let t: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...running]), new Promise((r) => (t = setTimeout(r, timeoutMs)))]);
      clearTimeout(t);
    },
  };
}
