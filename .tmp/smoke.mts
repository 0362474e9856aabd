import { createPgliteDatabase } from '/work/wt/h12b/server/src/db/pglite-database.ts';
const db = await createPgliteDatabase({});
console.log((await db.query('SELECT 1::int8 AS a, now() AS t, $1::bytea AS b', [Buffer.from('hi')])).rows);
try { await db.query('SELECT * FROM nope'); } catch (e: any) { console.log('err', e.message, e.code); }
await db.query('CREATE TABLE t (x int primary key)');
const r = await db.transaction(async (tx) => { await tx.query('INSERT INTO t VALUES (1)'); return (await tx.query('SELECT count(*) FROM t')).rows; });
console.log('tx', r);
try { await db.transaction(async (tx) => { await tx.query('INSERT INTO t VALUES (2)'); throw new Error('boom'); }); } catch (e: any) { console.log('rolled', e.message); }
try { await db.transaction(async (tx) => { await tx.query('INSERT INTO t VALUES (1)'); }); } catch (e: any) { console.log('dup', e.code, e.constraint); }
console.log((await db.query('SELECT array_agg(x) FROM t')).rows, (await db.execScript('SELECT 1; SELECT 2 AS two')).rows);
await Promise.all([1,2,3].map((i) => db.transaction(async (tx) => { await tx.query('INSERT INTO t VALUES ($1)', [10+i]); })));
console.log((await db.query('SELECT array_agg(x) FROM t')).rows);
await db.close();
console.log('closed');
