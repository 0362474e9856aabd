import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
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
