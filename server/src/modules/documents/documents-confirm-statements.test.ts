import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../db/database.js';
import { JobNames } from '../../jobs/job-names.js';
import { docsClient, documentRow, documentService, jobsFor, usedBytes } from '../../test-support/document-fixtures.js';
import { databaseKinds, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { uploadsRepository } from './uploads.repository.js';

/**
 * How many statements a confirm sends to the database (each one a round trip): the real
 * service over the real database, wrapped to count what goes through it.
 */
for (const kind of databaseKinds()) {
  describe(`confirm statements on ${kind}`, () => {
    let app: TestApp;
    let c: ReturnType<typeof docsClient>;

    before(async () => {
      app = await startTestApp({ db: kind });
      c = docsClient({ baseUrl: app.baseUrl, db: app.runtime.db, blobs: app.runtime.blobs });
    });
    after(() => app.close());

    /** The app's database, counting every statement and transaction sent through it. */
    function counted(db: Database) {
      const sent: string[] = [];
      const prepared: string[] = [];
      const wrapped: Database = {
        kind: db.kind,
        query: (sql, params, opts) => {
          sent.push(sql);
          if (opts?.prepare) prepared.push(sql);
          return db.query(sql, params, opts);
        },
        transaction: (fn) => {
          sent.push('BEGIN');
          return db.transaction((tx) =>
            fn({
              query: (sql, params) => {
                sent.push(sql);
                return tx.query(sql, params);
              },
            }),
          );
        },
        execScript: (sql) => {
          sent.push(sql);
          return db.execScript(sql);
        },
        queryWith: (settings, sql, params) => {
          sent.push(sql);
          return db.queryWith(settings, sql, params);
        },
        close: () => db.close(),
      };
      return { db: wrapped, sent, prepared };
    }

    it('when a single-PUT upload is confirmed, then two statements are sent: the row read, then flip + charge + classification job in one, with no transaction', async () => {
      const u = await c.user();
      const { id } = await c.upload(u.token, { bytes: Buffer.alloc(2048, 0x61), sizeBytes: 2048, confirm: false });
      const { db, sent, prepared } = counted(app.runtime.db);
      const service = documentService(app, db);
      const answer = await service.confirmUpload({ id: u.id, role: 'user' }, id);
      assert.deepEqual(answer, { id, size_bytes: 2048, used_bytes: 2048, status: 'uploaded' });
      assert.equal(sent.length, 2, sent.join('\n---\n'));
      assert.deepEqual(prepared, sent, 'both are prepared statements: on PostgreSQL each connection parses them once');
      assert.match(sent[0]!, /^SELECT .* FROM documents WHERE id = \$1 AND user_id = \$2$/s);
      assert.match(sent[1]!, /UPDATE quotas/);
      assert.match(sent[1]!, /UPDATE documents/);
      assert.match(sent[1]!, /INSERT INTO pgboss\.job/);
      assert.equal(await jobsFor(app.runtime.db, JobNames.extractAndClassify, id), 1);
      assert.equal(await usedBytes(app.runtime.db, u.id), 2048);
    });

    it('when the charge no longer fits, then the one confirm statement writes nothing: row pending, quota as it was, no job', async () => {
      const u = await c.user({ limitBytes: 1000 });
      const { id } = await c.upload(u.token, { bytes: Buffer.alloc(600, 0x61), sizeBytes: 600, confirm: false });
      await app.runtime.db.query('UPDATE quotas SET limit_bytes = 500 WHERE user_id = $1', [u.id]);
      const quotaRow = async () =>
        (
          await app.runtime.db.query(
            'SELECT used_bytes, reserved_bytes, pending_uploads, limit_bytes FROM quotas WHERE user_id = $1',
            [u.id],
          )
        ).rows[0];
      const before = await quotaRow();
      const outcome = await uploadsRepository.confirmAndCharge(
        app.runtime.db,
        { id, userId: u.id, sizeBytes: 600 },
        (params, when) => app.runtime.jobs.insertSql(JobNames.extractAndClassify, { documentId: id, userId: u.id }, params, when),
      );
      assert.deepEqual(outcome, { kind: 'over' });
      assert.equal((await documentRow(app.runtime.db, id))?.status, 'pending');
      assert.deepEqual(await quotaRow(), before);
      assert.deepEqual(before, { used_bytes: 0, reserved_bytes: 600, pending_uploads: 1, limit_bytes: 500 });
      assert.equal(await jobsFor(app.runtime.db, JobNames.extractAndClassify, id), 0);
      // The same statement once the limit fits again: charged and queued.
      await app.runtime.db.query('UPDATE quotas SET limit_bytes = 1000 WHERE user_id = $1', [u.id]);
      const charged = await uploadsRepository.confirmAndCharge(
        app.runtime.db,
        { id, userId: u.id, sizeBytes: 600 },
        (params, when) => app.runtime.jobs.insertSql(JobNames.extractAndClassify, { documentId: id, userId: u.id }, params, when),
      );
      assert.equal(charged.kind, 'charged');
      assert.deepEqual(await quotaRow(), { used_bytes: 600, reserved_bytes: 0, pending_uploads: 0, limit_bytes: 1000 });
      assert.equal(await jobsFor(app.runtime.db, JobNames.extractAndClassify, id), 1);
    });
  });
}
