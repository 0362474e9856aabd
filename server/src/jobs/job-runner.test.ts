import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queryable } from '../db/database.js';
import { databaseKinds, startTestApp, type TestApp } from '../test-support/test-app.js';
import { JOB_NAMES, JobNames } from './job-names.js';
import { JobRegistry, defineJob } from './job-registry.js';
import { JobRunner, MissingJobHandlerError, UnknownJobTypeError } from './job-runner.js';

for (const kind of databaseKinds()) {
  describe(`jobs on ${kind}`, () => {
    const runs: Array<{ marker: string }> = [];
    let ticks = 0;
    let app: TestApp;

    before(async () => {
      app = await startTestApp({
        db: kind,
        extraJobs: [
          defineJob<{ marker: string }>({ name: 'test-record', handler: async (d) => void runs.push(d) }),
          defineJob({ name: 'test-tick', everySeconds: 1, handler: async () => void ticks++ }),
          // Settings unlike extract-and-classify's, so the row comparison below sees them.
          defineJob({
            name: 'test-shaped',
            retryLimit: 1,
            retryDelaySeconds: 0,
            expireInSeconds: 90,
            handler: async () => {},
          }),
        ],
      });
    });
    after(() => app.close());

    it('when a job is queued inside a transaction that rolls back, then it never runs', async () => {
      const { db, jobs } = app.runtime;
      await assert.rejects(
        db.transaction(async (tx) => {
          await jobs.send('test-record', { marker: 'rolled-back' }, { tx });
          throw new Error('abort');
        }),
        /abort/,
      );
      await db.transaction(async (tx) => void (await jobs.send('test-record', { marker: 'committed' }, { tx })));
      await jobs.idle(['test-record']);
      await sleep(300);
      assert.deepEqual(
        runs.map((r) => r.marker),
        ['committed'],
      );
    });

    it('when a job is queued in a committed transaction, then it runs exactly once', async () => {
      const { db, jobs } = app.runtime;
      await db.transaction(async (tx) => void (await jobs.send('test-record', { marker: 'once' }, { tx })));
      await jobs.idle(['test-record']);
      await sleep(1500);
      assert.equal(runs.filter((r) => r.marker === 'once').length, 1);
    });

    /** The stored job, every column but its id (pg-boss 10: the whole row of pgboss.job). */
    const storedJob = async (q: Queryable, id: string | null) => {
      assert.ok(id, 'a job was inserted');
      const { rows } = await q.query<{ job: Record<string, unknown> }>(
        `SELECT to_jsonb(j) - 'id' AS job FROM pgboss.job j WHERE id = $1`,
        [id],
      );
      assert.equal(rows.length, 1);
      return rows[0]!.job;
    };
    const insertedBySql = async (q: Queryable, name: 'extract-and-classify' | 'test-shaped', data: object) => {
      const params: unknown[] = [];
      const fragment = app.runtime.jobs.insertSql(name, data, params, 'go');
      const { rows } = await q.query<{ id: string | null }>(
        `WITH go AS (SELECT 1), queued AS (${fragment}) SELECT (SELECT id FROM queued) AS id`,
        params,
      );
      return rows[0]!.id;
    };
    const ROLLED_BACK = new Error('rolled back on purpose');
    /** Runs fn in a transaction that is then rolled back: no worker ever sees its jobs. */
    const inRolledBack = (fn: (tx: Queryable) => Promise<void>) =>
      assert.rejects(
        app.runtime.db.transaction(async (tx) => {
          await fn(tx);
          throw ROLLED_BACK;
        }),
        (e) => e === ROLLED_BACK,
      );

    for (const name of ['extract-and-classify', 'test-shaped'] as const) {
      it(`when a ${name} job is inserted by our own SQL (job-insert-sql.ts) and by pg-boss's send, then both rows are the same but for the id`, async () => {
        const data = { documentId: randomUUID(), userId: randomUUID() };
        await inRolledBack(async (tx) => {
          // One transaction: now() is the same for both, so every timestamp column must agree too.
          const sentId = await app.runtime.jobs.send(name, data, { tx });
          const sent = await storedJob(tx, sentId);
          await tx.query('DELETE FROM pgboss.job WHERE name = $1 AND id = $2', [name, sentId]);
          const ours = await storedJob(tx, await insertedBySql(tx, name, data));
          assert.deepEqual(ours, sent);
          // The comparison is not vacuous: the queue's settings are in the row.
          if (name === 'test-shaped') {
            assert.equal(ours.retry_limit, 1);
            assert.equal(ours.retry_delay, 1, 'backoff makes a zero delay one second, as pg-boss does');
            assert.equal(ours.policy, 'standard');
            assert.equal(ours.singleton_key, null);
          } else {
            assert.equal(ours.policy, 'short');
            assert.equal(ours.singleton_key, data.documentId);
          }
        });
      });
    }

    it('when a job of the same singleton key is waiting, then our insert adds none and returns no id', async () => {
      const data = { documentId: randomUUID(), userId: randomUUID() };
      await inRolledBack(async (tx) => {
        assert.ok(await app.runtime.jobs.send('extract-and-classify', data, { tx }));
        assert.equal(await insertedBySql(tx, 'extract-and-classify', data), null);
        const { rows } = await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'extract-and-classify' AND singleton_key = $1`,
          [data.documentId],
        );
        assert.equal(rows[0]!.n, 1);
      });
    });

    it('when a schedule is registered, then it fires, once per period', async () => {
      const t0 = ticks;
      await sleep(3500);
      const fired = ticks - t0;
      assert.ok(fired >= 2 && fired <= 5, `fired ${fired} times in 3.5 s with a 1 s period`);
    });

    it('when the registry lacks a handler for a job the code can send, then the runner refuses to start and names it', async () => {
      const registry = new JobRegistry([
        ...JOB_NAMES.filter((n) => n !== JobNames.sweepTempFiles).map((name) => defineJob({ name, handler: async () => {} })),
      ]);
      const logger = { info() {}, warn() {}, error() {} };
      const runner = new JobRunner({ db: app.runtime.db, registry, logger });
      await assert.rejects(
        runner.start(),
        (e: unknown) => e instanceof MissingJobHandlerError && e.names.join() === JobNames.sweepTempFiles,
      );
    });

    it('when an unregistered job type is queued, then the next start refuses', async () => {
      const { db } = app.runtime;
      await db.query(`SELECT pgboss.create_queue('ghost-job', '{"policy": "standard"}'::json)`);
      await db.query(`INSERT INTO pgboss.job (name, data) VALUES ('ghost-job', '{}')`);
      await assert.rejects(app.runtime.jobs.assertEveryQueuedJobHasAHandler(), UnknownJobTypeError);
      await db.query(`DELETE FROM pgboss.job WHERE name = 'ghost-job'`);
    });
  });
}

describe('job start', () => {
  it('when the database holds a queued job with no handler, then starting the runtime fails', async () => {
    const first = await startTestApp({
      extraJobs: [defineJob({ name: 'test-orphan', handler: async () => {} })],
      env: { ROLE: 'api' },
    });
    await first.runtime.jobs.send('test-orphan', {});
    const { dataDir } = first;
    await first.runtime.close();
    const { loadConfig } = await import('../config/load-config.js');
    const { startRuntime } = await import('../runtime.js');
    await assert.rejects(startRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' })), UnknownJobTypeError);
  });
});
