import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createDatabase } from '../../db/create-database.js';
import { migrate, readMigrations } from '../../db/migrate.js';
import { forEachDatabase } from '../../test-support/test-app.js';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { searchPage } from './document-search.js';
import { cutPassages, PASSAGE_CHARS } from './search-passages.js';

const squash = (s: string) => s.replace(/\s+/g, '');

describe('cutting a text into search passages', () => {
  it('when a long text is cut, then every passage is bounded and together they hold every word in order', () => {
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i}${i % 9 === 0 ? '\n\n' : ' '}`).join('');
    const passages = cutPassages(words);
    assert.ok(passages.length > words.length / PASSAGE_CHARS - 1);
    for (const p of passages) {
      assert.ok((p.length <= PASSAGE_CHARS && p.length >= PASSAGE_CHARS * 0.8 - 10) || p === passages.at(-1), `${p.length}`);
      assert.equal(p, p.trim(), 'no whitespace at a cut');
    }
    assert.equal(passages.join(' ').split(/\s+/).join(' '), words.trim().split(/\s+/).join(' '), 'no word is lost or split');
  });

  it('when a run has no whitespace, then it is cut at the size, never inside a surrogate pair', () => {
    const emoji = '😀'.repeat(3000); // 6,000 UTF-16 units
    const passages = cutPassages(emoji, 999);
    assert.equal(passages.join(''), emoji);
    for (const p of passages) assert.ok(p.length <= 999 && !/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(p), 'whole characters');
    assert.deepEqual(cutPassages(' \n\t '), []);
    assert.deepEqual(cutPassages('one'), ['one']);
  });
});

forEachDatabase('migration 0010 on a vault with documents', (kind) => {
  it('when a database with stored texts is upgraded, then their passages exist and search finds and quotes a late word', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dv-search-migration-'));
    const url = kind === 'postgres' ? await createTestDatabaseUrl() : undefined;
    const db = await createDatabase({ databaseUrl: url, dataDir: dir });
    try {
      const all = readMigrations();
      await migrate(
        db,
        all.filter((m) => m.version < 10),
      );
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO users (email, password_hash) VALUES ('old@example.com', 'x') RETURNING id`,
      );
      const userId = rows[0]!.id;
      const text = `${'ordinary words of an older letter. '.repeat(3000)}the quarterly zanzibarite report ${'closing words. '.repeat(200)}`;
      await db.query(
        `INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status, extracted_text)
         VALUES (gen_random_uuid(), $1, 'old-letter.txt', 'text/plain', 1, 'local', 'k/1', 'classified', $2),
                (gen_random_uuid(), $1, 'no-text.pdf', 'application/pdf', 1, 'local', 'k/2', 'classification_failed', NULL)`,
        [userId, text],
      );
      assert.deepEqual(
        await migrate(db, all),
        all.filter((m) => m.version >= 10).map((m) => m.version),
      );
      const passages = await db.query<{ body: string }>('SELECT body FROM document_passages ORDER BY seq');
      assert.ok(passages.rows.length >= text.length / 2100, `${passages.rows.length} passages`);
      assert.ok(passages.rows.every((p) => p.body.length <= 4000));
      assert.equal(squash(passages.rows.map((p) => p.body).join('')), squash(text), 'the passages hold the whole text');
      const scope = { params: [userId], inTrash: false, filters: [] };
      const page = { limit: 50, offset: 0, columns: ['id', 'filename'] };
      const found = await searchPage(db, scope, 'zanzibarite', page);
      assert.equal(await found.total, 1);
      assert.match((await found.snippets()).get(found.rows[0]!.id)!, /quarterly \u0001zanzibarite\u0002 report/);
      const byName = await searchPage(db, scope, 'no-text', page);
      assert.equal(await byName.total, 1, 'a document without text is found by its name');
      // A hit deleted between its page and its snippets keeps its filename as its snippet.
      await db.query('DELETE FROM documents WHERE id = $1', [found.rows[0]!.id]);
      assert.deepEqual([...(await found.snippets())], [[found.rows[0]!.id, 'old-letter.txt']]);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      if (url) await dropTestDatabase(url);
    }
  });
});
