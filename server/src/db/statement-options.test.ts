import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../test-support/test-app.js';
import type { Database } from './database.js';

forEachDatabase('a statement sent with its own settings, or prepared', (kind) => {
  let app: TestApp;
  let db: Database;
  before(async () => {
    app = await startTestApp({ db: kind });
    db = app.runtime.db;
  });
  after(() => app.close());

  const shown = `SELECT current_setting('enable_seqscan') AS seqscan, current_setting('statement_timeout') AS timeout,
                        current_setting('search_path') AS path, $1::int AS echo`;

  it('when a statement runs with settings, then they are in force for it, and for no statement without them', async () => {
    const settings = { enable_seqscan: 'off', statement_timeout: '1234', search_path: 'public, pg_catalog' };
    // Side by side, as a search sends them: on PostgreSQL, more than one connection of its pool.
    const withThem = await Promise.all([1, 2, 3].map((n) => db.queryWith(settings, shown, [n])));
    for (const [i, r] of withThem.entries()) {
      assert.deepEqual(r.rows, [{ seqscan: 'off', timeout: '1234ms', path: 'public, pg_catalog', echo: i + 1 }]);
    }
    const plain = await Promise.all([1, 2, 3].map((n) => db.query<{ seqscan: string; timeout: string }>(shown, [n])));
    for (const r of plain)
      assert.deepEqual([r.rows[0]!.seqscan, r.rows[0]!.timeout], ['on', '0'], 'the settings stay with the statements given them');
    const other = await db.queryWith({ enable_seqscan: 'on' }, shown, [4]);
    assert.deepEqual([other.rows[0]!.seqscan, other.rows[0]!.timeout], ['on', '0'], 'other settings, other connections');
  });

  if (kind === 'postgres') {
    it('when a statement runs longer than its statement_timeout, then it is cancelled with 57014', async () => {
      await assert.rejects(db.queryWith({ statement_timeout: '50' }, 'SELECT pg_sleep(2)'), { code: '57014' });
      assert.equal(
        (await db.queryWith({ statement_timeout: '50' }, 'SELECT 1 AS one')).rows[0]!.one,
        1,
        'the pool serves the next one',
      );
    });
  }

  const sum = 'SELECT $1::int + $2::int AS n, $3::text AS label';

  it('when a statement is sent prepared, again and side by side, then each time it answers for its own values', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => db.query<{ n: number; label: string }>(sum, [i, 100, `call ${i}`], { prepare: true })),
    );
    assert.deepEqual(
      answers.map((r) => r.rows[0]),
      Array.from({ length: 12 }, (_, i) => ({ n: i + 100, label: `call ${i}` })),
    );
    const inside = await db.transaction(
      async (tx) => (await tx.query<{ n: number }>(sum, [1, 2, 'tx'], { prepare: true })).rows[0]!.n,
    );
    assert.equal(inside, 3);
  });

  if (kind === 'postgres') {
    it('when a connection runs a prepared statement many times, then it parsed it once and keeps it by a name from its text', async () => {
      const kept = await db.transaction(async (tx) => {
        for (let i = 0; i < 3; i++) await tx.query(sum, [i, i, 'again'], { prepare: true });
        await tx.query(`${sum} -- another text`, [1, 1, 'other'], { prepare: true });
        await tx.query('SELECT 1 AS not_prepared');
        return (
          await tx.query<{ name: string; statement: string }>(
            `SELECT name, statement FROM pg_prepared_statements WHERE statement IN ($1, $2, 'SELECT 1 AS not_prepared') ORDER BY statement`,
            [sum, `${sum} -- another text`],
          )
        ).rows;
      });
      assert.deepEqual(
        kept.map((r) => r.statement),
        [sum, `${sum} -- another text`],
        'one prepared statement per text on the connection; an unprepared one is not kept',
      );
      assert.match(kept[0]!.name, /^dv_[0-9a-f]{32}$/);
      assert.notEqual(kept[0]!.name, kept[1]!.name);
    });
  }
});
