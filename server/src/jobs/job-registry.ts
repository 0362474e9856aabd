import type { Queryable } from '../db/database.js';
import type { JobName } from './job-names.js';

/** What a job handler gets besides its payload. */
export interface JobContext {
  jobId: string;
  /** 0 on the first run; the handler may behave more cautiously on retries. */
  retryCount: number;
}

export interface JobDefinition<D = unknown> {
  /** One of JobNames (job-names.ts); tests register their own. */
  name: string;
  handler: (data: D, ctx: JobContext) => Promise<void>;
  /** Retries after a failure or a dead worker (expiry); delays grow exponentially. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** A run taking longer is treated as a dead worker and retried. */
  expireInSeconds?: number;
  /** Jobs taken per fetch and run concurrently by one worker process (default 8); with `fairBy`, jobs run at once. */
  batchSize?: number;
  /**
   * At most one job queued (waiting or waiting to retry) per value of this key: a send while
   * one waits merges its payload into the waiting job's (the new keys win) instead of
   * queueing another. A job already running does not count: a send then queues one more.
   */
  queuedOncePer?: (data: D) => string;
  /** A payload field (e.g. 'userId') whose values share the workers fairly; see fair-worker.ts. */
  fairBy?: string;
  /** Fired every N seconds by whichever worker gets there first; one job per period in all. */
  everySeconds?: number;
}

export function defineJob<D>(def: JobDefinition<D>): JobDefinition<D> {
  return def;
}

/** The one list of job types this deployment knows. Duplicate names are a programming error. */
export class JobRegistry {
  readonly #jobs = new Map<string, JobDefinition<never>>();

  constructor(definitions: JobDefinition<never>[]) {
    for (const d of definitions) {
      if (this.#jobs.has(d.name)) throw new Error(`job "${d.name}" is registered twice`);
      this.#jobs.set(d.name, d);
    }
  }

  get(name: string): JobDefinition<unknown> | undefined {
    return this.#jobs.get(name) as JobDefinition<unknown> | undefined;
  }

  has(name: string): boolean {
    return this.#jobs.has(name);
  }

  all(): JobDefinition<unknown>[] {
    return [...this.#jobs.values()] as JobDefinition<unknown>[];
  }
}

/** Services queue work through this, inside their own transaction when they pass `tx`. */
export interface JobQueue {
  send(
    name: JobName,
    data: object,
    opts?: { tx?: Queryable; singletonKey?: string; startAfterSeconds?: number },
  ): Promise<string | null>;
  /**
   * The job `send` would insert when none of its key is waiting, as an `INSERT … RETURNING id`
   * to embed in one's own statement as a CTE: inserted when the CTE named `when` has a row,
   * its values appended to `params`. No id back = a job of this key was already waiting
   * (nothing is merged into it: `send` does that).
   */
  insertSql(name: JobName, data: object, params: unknown[], when: string): string;
}
