import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from './database.js';
import { createPgliteDatabase } from './pglite-database.js';

describe('the embedded database in its own thread', () => {
  let db: Database;
  before(async () => {
    db = await createPgliteDatabase({});
    await db.query('CREATE TABLE t (x int PRIMARY KEY, b bytea)');
  });
  after(() => db.close());

  it('when a statement runs long, then the server thread keeps serving timers meanwhile', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const heavy = db.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, 3000000) AS g WHERE g % 7 = 0');
    let ticksWhileRunning = -1;
    const first = await Promise.race([heavy.then(() => 'heavy'), new Promise((r) => setTimeout(() => r('tick'), 5))]);
    if (first === 'tick') ticksWhileRunning = ticks;
    const { rows } = await heavy;
    clearInterval(timer);
    assert.equal(rows[0]!.n, 428571);
    assert.equal(first, 'tick', 'a timer fired before the statement ended');
    assert.ok(ticksWhileRunning > 0);
  });

  it('when transactions wait for the session, then a statement outside them goes after the one running, before the others', async () => {
    const order: string[] = [];
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const a = db.transaction(async (tx) => {
      await tx.query('INSERT INTO t (x) VALUES (1)');
      entered();
      await hold;
      order.push('a');
    });
    await inside;
    const b = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      order.push('b');
    });
    const c = db.transaction(async (tx) => {
      await tx.query('SELECT 1');
      order.push('c');
    });
    const single = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t').then((r) => {
      order.push('single');
      return r.rows[0]!.n;
    });
    // The three requests were posted to the thread before the end of the running transaction is.
    release();
    await Promise.all([a, b, c]);
    assert.equal(await single, 1, 'it sees what the transaction before it committed');
    assert.deepEqual(order.slice(0, 2), ['a', 'single']);
    assert.deepEqual(new Set(order), new Set(['a', 'single', 'b', 'c']));
  });

  it('when a statement fails, then the error keeps PostgreSQL’s fields, and a failed transaction leaves nothing', async () => {
    await db.query('INSERT INTO t (x, b) VALUES (2, $1)', [Buffer.from('bytes')]);
    const { rows } = await db.query<{ b: Uint8Array }>('SELECT b FROM t WHERE x = 2');
    assert.equal(Buffer.from(rows[0]!.b).toString(), 'bytes');
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t (x) VALUES (3)');
        await tx.query('INSERT INTO t (x) VALUES (2)');
      }),
      (e: { code?: string; constraint?: string }) => e.code === '23505' && e.constraint === 't_pkey',
    );
    const left = await db.query('SELECT 1 FROM t WHERE x = 3');
    assert.equal(left.rows.length, 0);
  });
});

describe('the embedded database on a data directory', () => {
  let dir: string;
  before(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'dv-pglite-')), 'db');
  });
  after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('when the directory is new, then the cluster is created there (owner-only), kept across a restart, with a 32 MB buffer pool', async () => {
    const first = await createPgliteDatabase({ dir });
    try {
      assert.ok(existsSync(join(dir, 'PG_VERSION')), 'the cluster is in the directory');
      assert.equal(statSync(join(dir, 'PG_VERSION')).mode & 0o077, 0, 'no access for group or others');
      const { rows } = await first.query<{ shared_buffers: string }>('SHOW shared_buffers');
      assert.equal(rows[0]!.shared_buffers, '32MB');
      await first.query('CREATE TABLE kept (x int)');
      await first.query('INSERT INTO kept VALUES (42)');
    } finally {
      await first.close();
    }
    const again = await createPgliteDatabase({ dir });
    try {
      const { rows } = await again.query<{ x: number }>('SELECT x FROM kept');
      assert.deepEqual(rows, [{ x: 42 }]);
      const sb = await again.query<{ shared_buffers: string }>('SHOW shared_buffers');
      assert.equal(sb.rows[0]!.shared_buffers, '32MB');
    } finally {
      await again.close();
    }
  });
});
