import type { Queryable } from '../../db/database.js';
import type { DocumentRow } from './documents.repository.js';

/**
 * SQL over sets of one user's documents: the trash, bulk actions, topic assignments and the
 * facts a list shows beside each row. Every statement names the owner and takes the ids as
 * one array, so a bulk action of 500 documents is a handful of statements.
 */

export interface DocumentFlags {
  /** The oldest other document of the same owner with the same bytes. */
  duplicate_of: string | null;
}

const COLUMNS =
  'id, user_id, filename, content_type, size_bytes, declared_bytes, storage_backend, object_key, status, error, ' +
  'created_at, confirmed_at, classified_at, trashed_at, sha256, thumbnail_key';

export const documentSetsRepository = {
  /** Locks the rows of these ids that the user owns and returns them (the caller compares counts). */
  async lockOwned(q: Queryable, userId: string, ids: string[]): Promise<DocumentRow[]> {
    const { rows } = await q.query<DocumentRow>(
      `SELECT ${COLUMNS} FROM documents WHERE user_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [userId, ids],
    );
    return rows;
  },

  /** Into the trash (those already there keep their date). */
  async trash(q: Queryable, userId: string, ids: string[]): Promise<number> {
    const r = await q.query(`UPDATE documents SET trashed_at = now() WHERE user_id = $1 AND id = ANY($2::uuid[]) AND trashed_at IS NULL`, [
      userId,
      ids,
    ]);
    return r.rowCount ?? 0;
  },

  async restore(q: Queryable, userId: string, ids: string[]): Promise<number> {
    const r = await q.query(
      `UPDATE documents SET trashed_at = NULL WHERE user_id = $1 AND id = ANY($2::uuid[]) AND trashed_at IS NOT NULL`,
      [userId, ids],
    );
    return r.rowCount ?? 0;
  },

  async deleteMany(q: Queryable, userId: string, ids: string[]): Promise<DocumentRow[]> {
    const { rows } = await q.query<DocumentRow>(
      `DELETE FROM documents WHERE user_id = $1 AND id = ANY($2::uuid[]) RETURNING ${COLUMNS}`,
      [userId, ids],
    );
    return rows;
  },

  /**
   * Trashed documents past their retention, oldest first, locked for the purge (SKIP LOCKED:
   * a document being restored right now is left alone).
   */
  async lockExpiredTrash(q: Queryable, opts: { olderThanDays: number; limit: number }): Promise<DocumentRow[]> {
    const { rows } = await q.query<DocumentRow>(
      `SELECT ${COLUMNS} FROM documents
        WHERE trashed_at IS NOT NULL AND trashed_at <= now() - make_interval(days => $1)
        ORDER BY trashed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [opts.olderThanDays, opts.limit],
    );
    return rows;
  },

  /** Which of these topic ids belong to the user. */
  async ownedTopicIds(q: Queryable, userId: string, topicIds: string[]): Promise<Set<string>> {
    if (topicIds.length === 0) return new Set();
    const { rows } = await q.query<{ id: string }>('SELECT id FROM topics WHERE user_id = $1 AND id = ANY($2::uuid[])', [
      userId,
      topicIds,
    ]);
    return new Set(rows.map((r) => r.id));
  },

  /**
   * Files the documents under the topics by hand: new assignments are manual, an automatic
   * one becomes manual (the triggers of migration 0005 teach the local classifier), and a
   * topic the user once rejected for a document is no longer rejected.
   */
  async addManualTopics(q: Queryable, userId: string, ids: string[], topicIds: string[]): Promise<void> {
    if (topicIds.length === 0 || ids.length === 0) return;
    await q.query(
      `INSERT INTO document_topics (document_id, topic_id, user_id, source, confidence)
       SELECT d, t, $1, 'manual', NULL FROM unnest($2::uuid[]) AS d CROSS JOIN unnest($3::uuid[]) AS t
       ON CONFLICT (document_id, topic_id) DO UPDATE SET source = 'manual', confidence = NULL`,
      [userId, ids, topicIds],
    );
    await q.query(
      'DELETE FROM document_topic_rejections WHERE user_id = $1 AND document_id = ANY($2::uuid[]) AND topic_id = ANY($3::uuid[])',
      [userId, ids, topicIds],
    );
  },

  /**
   * Takes the documents out of topics: `topicIds` names the topics to remove, or with
   * `except`, the ones to keep. An automatic assignment removed this way is recorded as
   * rejected, so classification never puts it back and the local classifier learns from it.
   */
  async removeTopics(q: Queryable, userId: string, ids: string[], sel: { topicIds: string[]; except: boolean }): Promise<void> {
    if (ids.length === 0) return;
    const match = sel.except ? 'NOT (topic_id = ANY($3::uuid[]))' : 'topic_id = ANY($3::uuid[])';
    await q.query(
      `INSERT INTO document_topic_rejections (document_id, topic_id, user_id)
       SELECT document_id, topic_id, user_id FROM document_topics
        WHERE user_id = $1 AND document_id = ANY($2::uuid[]) AND source = 'auto' AND ${match}
       ON CONFLICT (document_id, topic_id) DO NOTHING`,
      [userId, ids, sel.topicIds],
    );
    await q.query(`DELETE FROM document_topics WHERE user_id = $1 AND document_id = ANY($2::uuid[]) AND ${match}`, [
      userId,
      ids,
      sel.topicIds,
    ]);
  },

  /** Duplicate flags of these documents (by the stored SHA-256 of their bytes). */
  async flagsOf(q: Queryable, userId: string, ids: string[]): Promise<Map<string, DocumentFlags>> {
    if (ids.length === 0) return new Map();
    const { rows } = await q.query<{ id: string; duplicate_of: string | null }>(
      `SELECT d.id,
              (SELECT o.id FROM documents o
                WHERE o.user_id = d.user_id AND o.sha256 = d.sha256 AND o.id <> d.id
                  AND (o.created_at, o.id) < (d.created_at, d.id)
                ORDER BY o.created_at, o.id LIMIT 1) AS duplicate_of
         FROM documents d
        WHERE d.user_id = $1 AND d.id = ANY($2::uuid[]) AND d.sha256 IS NOT NULL`,
      [userId, ids],
    );
    return new Map(rows.map((r) => [r.id, { duplicate_of: r.duplicate_of }]));
  },
};
