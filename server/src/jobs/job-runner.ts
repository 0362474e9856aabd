import PgBoss from 'pg-boss';
import { AdvisoryLocks } from '../db/advisory-locks.js';
import type { Database, Queryable } from '../db/database.js';
import { startFairWorker } from './fair-worker.js';
import { jobInsertSql } from './job-insert-sql.js';
import { JOB_NAMES } from './job-names.js';
import type { JobDefinition, JobQueue, JobRegistry } from './job-registry.js';

const SCHEMA = 'pgboss';

/** A job the code can send or schedule has no handler in the registry. */
export class MissingJobHandlerError extends Error {
  constructor(readonly names: string[]) {
    super(`jobs the code can send have no registered handler: ${names.join(', ')}`);
    this.name = 'MissingJobHandlerError';
  }
}

export class UnknownJobTypeError extends Error {
  constructor(readonly names: string[]) {
    super(`queued jobs have no registered handler: ${names.join(', ')}`);
    this.name = 'UnknownJobTypeError';
  }
}

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** pg-boss talks to our database through the same adapter as the rest of the app. */
function bossDb(q: Queryable | Database, inFlight?: Set<Promise<unknown>>): PgBoss.Db {
  return {
    executeSql: (text, values) => {
      const p = values && values.length > 0 ? q.query(text, values) : 'execScript' in q ? q.execScript(text) : q.query(text);
      if (inFlight) {
        inFlight.add(p);
        const forget = () => inFlight.delete(p);
        p.then(forget, forget);
      }
      return p;
    },
  };
}

export interface JobRunnerOptions {
  db: Database;
  registry: JobRegistry;
  logger: Logger;
  pollingIntervalSeconds?: number;
}

/**
 * Wraps pg-boss: one queue per registered job type, created at start. API processes only
 * send; worker processes also work and fire the scheduled jobs.
 */
export class JobRunner implements JobQueue {
  readonly #boss: PgBoss;
  readonly #opts: JobRunnerOptions;
  readonly #timers: NodeJS.Timeout[] = [];
  /** pg-boss queries and job handlers under way; stop() lets them finish before the pool closes. */
  readonly #inFlight = new Set<Promise<unknown>>();
  readonly #fairWorkers: { stop(timeoutMs: number): Promise<void> }[] = [];

  constructor(opts: JobRunnerOptions) {
    this.#opts = opts;
    this.#boss = new PgBoss({
      db: bossDb(opts.db, this.#inFlight),
      schema: SCHEMA,
      // pg-boss's cron is per-minute; our schedules are per-second intervals (see startSchedules).
      schedule: false,
      supervise: true,
    });
    this.#boss.on('error', (err) => opts.logger.error({ err }, 'job queue error'));
  }

  /**
   * Refuses to start when a job the code can send has no handler, or when the queue holds
   * jobs of a type nobody handles; otherwise installs pg-boss's schema and creates the queues.
   */
  async start(): Promise<void> {
    this.assertEveryJobNameHasAHandler();
    const setUp = async () => {
      await this.#boss.start();
      for (const def of this.#opts.registry.all()) {
        const queue: PgBoss.Queue = {
          name: def.name,
          retryLimit: def.retryLimit ?? 5,
          retryDelay: def.retryDelaySeconds ?? 5,
          retryBackoff: true,
          expireInSeconds: def.expireInSeconds ?? 15 * 60,
          // 'short': pg-boss keeps one waiting ('created') job per singleton key, a unique index
          // behind send()'s merge. Only singleton keys name the job then (no key = one shared key).
          policy: def.queuedOncePer ? 'short' : 'standard',
        };
        if (await this.#boss.getQueue(def.name)) await this.#boss.updateQueue(def.name, queue);
        else await this.#boss.createQueue(def.name, queue);
      }
    };
    if (this.#opts.db.kind === 'postgres') {
      // pg-boss's first-time install races when processes start together (CREATE SCHEMA,
      // queue partitions); hold one lock across it. pg-boss itself uses other pool clients.
      await this.#opts.db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [AdvisoryLocks.jobSetup]);
        await setUp();
      });
    } else {
      // PGlite is one process and one session: no race, and a transaction here would hold
      // the session that pg-boss needs.
      await setUp();
    }
    await this.assertEveryQueuedJobHasAHandler();
  }

  assertEveryJobNameHasAHandler(): void {
    const missing = JOB_NAMES.filter((name) => !this.#opts.registry.has(name));
    if (missing.length > 0) throw new MissingJobHandlerError(missing);
  }

  async assertEveryQueuedJobHasAHandler(): Promise<void> {
    const { rows } = await this.#opts.db.query<{ name: string }>(
      `SELECT DISTINCT name FROM ${SCHEMA}.job WHERE state IN ('created', 'retry', 'active')`,
    );
    const unknown = rows.map((r) => r.name).filter((n) => !this.#opts.registry.has(n));
    if (unknown.length > 0) throw new UnknownJobTypeError(unknown);
  }

  async send(name: string, data: object, opts: { tx?: Queryable; singletonKey?: string; startAfterSeconds?: number } = {}) {
    const { def, singletonKey } = this.#keyed(name, data, opts.singletonKey);
    const q = opts.tx ?? this.#opts.db;
    // One waiting job per key: merge into it rather than queue another (see JobDefinition.queuedOncePer).
    const merge = async () =>
      (
        await q.query<{ id: string }>(
          `UPDATE ${SCHEMA}.job SET data = data || $3::jsonb
            WHERE name = $1 AND singleton_key = $2 AND state IN ('created', 'retry')
            RETURNING id`,
          [name, singletonKey, JSON.stringify(data)],
        )
      ).rows[0]?.id ?? null;
    if (def.queuedOncePer) {
      const waiting = await merge();
      if (waiting) return waiting;
    }
    const id = await this.#boss.send(name, data, {
      ...(opts.tx ? { db: bossDb(opts.tx) } : {}),
      ...(singletonKey ? { singletonKey } : {}),
      ...(opts.startAfterSeconds ? { startAfter: opts.startAfterSeconds } : {}),
    });
    // A concurrent send won the unique index: ours joins its job.
    return id ?? (def.queuedOncePer ? merge() : null);
  }

  /**
   * The job `send(name, data)` would insert when none of its key is waiting, as a fragment
   * of the caller's statement (see job-insert-sql.ts): inserted when the CTE `when` has a
   * row, nothing merged; the fragment RETURNING no id means a job of this key was waiting.
   */
  insertSql(name: string, data: object, params: unknown[], when: string, opts: { singletonKey?: string } = {}): string {
    const { singletonKey } = this.#keyed(name, data, opts.singletonKey);
    return jobInsertSql({ schema: SCHEMA, name, data, singletonKey: singletonKey || null }, params, when);
  }

  /** The job's definition and the singleton key a send of this payload uses. */
  #keyed(name: string, data: object, given: string | undefined) {
    const def = this.#opts.registry.get(name);
    if (!def) throw new Error(`job "${name}" is not registered`);
    return { def, singletonKey: def.queuedOncePer ? def.queuedOncePer(data) : given };
  }

  /**
   * Worker role: take jobs of every registered type. pg-boss waits one polling interval
   * between fetches even when it found work, so each fetch takes a batch and runs it
   * concurrently; a failing job is failed on its own (to be retried) and the rest complete.
   */
  async work(): Promise<void> {
    const pollingIntervalSeconds = this.#opts.pollingIntervalSeconds ?? 0.5;
    for (const def of this.#opts.registry.all()) {
      if (def.fairBy) {
        this.#fairWorkers.push(
          startFairWorker({
            db: this.#opts.db,
            boss: this.#boss,
            schema: SCHEMA,
            def: def as JobDefinition<unknown> & { fairBy: string },
            logger: this.#opts.logger,
            pollingIntervalSeconds,
            track: (p) => this.#track(p),
          }),
        );
        continue;
      }
      await this.#boss.work<object>(
        def.name,
        { pollingIntervalSeconds, batchSize: def.batchSize ?? 8, includeMetadata: true },
        async (jobs) => {
          await Promise.all(
            (jobs as PgBoss.JobWithMetadata<object>[]).map(async (job) => {
              try {
                await def.handler(job.data, { jobId: job.id, retryCount: job.retryCount });
              } catch (err) {
                this.#opts.logger.warn(
                  { err, job: def.name, jobId: job.id, retry: job.retryCount },
                  'job failed; it will be retried',
                );
                await this.#boss.fail(def.name, job.id, { message: err instanceof Error ? err.message : String(err) });
              }
            }),
          );
        },
      );
    }
    this.startSchedules();
  }

  /** Work under way that stop() must wait for (the fair workers' fetches and jobs). */
  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p);
    const forget = () => this.#inFlight.delete(p);
    p.then(forget, forget);
    return p;
  }

  /**
   * Every worker ticks every schedule; pg-boss's throttle (one job per name per period)
   * makes the job exist once per period however many workers tick.
   */
  private startSchedules(): void {
    for (const def of this.#opts.registry.all()) {
      const every = def.everySeconds;
      if (!every) continue;
      const tick = () =>
        this.#boss
          .sendThrottled(def.name, {}, {}, every, 'schedule')
          .catch((err) => this.#opts.logger.error({ err, job: def.name }, 'could not schedule job'));
      void tick();
      const t = setInterval(tick, Math.min(every, 60) * 1000);
      t.unref();
      this.#timers.push(t);
    }
  }

  /**
   * Stops fetching, lets running jobs finish, then waits until no pg-boss query or handler
   * is under way: pg-boss 10 completes a job without awaiting it, and a fetch in flight
   * may still hand out jobs, so the caller must not close the database before this returns.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await Promise.all(this.#fairWorkers.splice(0).map((w) => w.stop(timeoutMs)));
    await this.#boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
    const deadline = Date.now() + timeoutMs;
    let quietChecks = 0;
    while (quietChecks < 2 && Date.now() < deadline) {
      if (this.#inFlight.size > 0) {
        quietChecks = 0;
        await Promise.allSettled([...this.#inFlight]);
      } else {
        quietChecks++;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** For tests and tools: wait until no job of these types is queued or running. */
  async idle(names: string[], timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    for (;;) {
      const { rows } = await this.#opts.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${SCHEMA}.job WHERE name = ANY($1) AND state IN ('created', 'retry', 'active')`,
        [names],
      );
      if (rows[0]?.n === 0) return;
      if (Date.now() - t0 > timeoutMs) throw new Error(`jobs ${names.join(', ')} still queued after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
