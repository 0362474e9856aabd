import type { Queryable } from '../../db/database.js';
import { replacePassages } from '../documents/search-passages.js';

export interface JobDocumentRow {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  object_key: string;
  status: 'pending' | 'uploaded' | 'classified' | 'classification_failed';
  trashed_at: Date | null;
  sha256: string | null;
}

/** What the extract-and-classify job reads and writes of a document: its text, status, error and automatic topics. */
export const classificationRepository = {
  async findDocument(
    q: Queryable,
    where: { id: string; userId: string },
    opts: { lock?: boolean } = {},
  ): Promise<JobDocumentRow | null> {
    const { rows } = await q.query<JobDocumentRow>(
      `SELECT id, user_id, filename, content_type, object_key, status, trashed_at, sha256 FROM documents WHERE id = $1 AND user_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
      [where.id, where.userId],
    );
    return rows[0] ?? null;
  },

  /**
   * First step of storing an extracted text: its search passages, a few per statement, on
   * the database itself (not in a transaction). `saveText` with the same text follows.
   */
  async savePassages(db: Queryable, where: { id: string; userId: string }, text: string | null): Promise<void> {
    await replacePassages(db, where, text);
  },

  /**
   * The extracted text (null = filename-only) and how it was had, after `savePassages` of the
   * same text: the document's word vector is assembled from the passages' vectors, not parsed
   * again (migration 0019), so this statement stays short however long the text.
   */
  async saveText(
    q: Queryable,
    where: { id: string; userId: string },
    text: string | null,
    about: { ocr: boolean; pages: number | null; truncated: boolean } = { ocr: false, pages: null, truncated: false },
  ): Promise<void> {
    await q.query(
      `UPDATE documents SET extracted_text = $3, text_ocr = $4, text_pages = $5, text_truncated = $6,
                            text_vector = CASE WHEN $3::text IS NULL THEN NULL ELSE search_passages_vector(id, $3::text) END
        WHERE id = $1 AND user_id = $2 AND status <> 'pending'`,
      [where.id, where.userId, text, about.ocr, about.pages, about.truncated],
    );
  },

  /** The SHA-256 of the stored bytes (duplicates are found by it). */
  async saveSha256(q: Queryable, where: { id: string; userId: string }, sha256: string): Promise<void> {
    await q.query(`UPDATE documents SET sha256 = $3 WHERE id = $1 AND user_id = $2 AND status <> 'pending'`, [
      where.id,
      where.userId,
      sha256,
    ]);
  },

  /** Points the document at a new thumbnail (or none); returns the key it named before, to remove. */
  async replaceThumbnail(q: Queryable, where: { id: string; userId: string }, key: string | null): Promise<string | null> {
    const { rows } = await q.query<{ old: string | null }>(
      `UPDATE documents d SET thumbnail_key = $3
         FROM (SELECT thumbnail_key AS old FROM documents WHERE id = $1 AND user_id = $2) prev
        WHERE d.id = $1 AND d.user_id = $2
        RETURNING prev.old`,
      [where.id, where.userId, key],
    );
    return rows[0]?.old ?? null;
  },

  /** Topics the user took this document out of by hand: classification never puts them back. */
  async rejectedTopicIds(q: Queryable, where: { id: string; userId: string }): Promise<Set<string>> {
    const { rows } = await q.query<{ topic_id: string }>(
      'SELECT topic_id FROM document_topic_rejections WHERE document_id = $1 AND user_id = $2',
      [where.id, where.userId],
    );
    return new Set(rows.map((r) => r.topic_id));
  },

  async userHasTopics(q: Queryable, userId: string): Promise<boolean> {
    const { rows } = await q.query('SELECT 1 FROM topics WHERE user_id = $1 LIMIT 1', [userId]);
    return rows.length > 0;
  },

  async textOf(q: Queryable, where: { id: string; userId: string }): Promise<string | null> {
    const { rows } = await q.query<{ extracted_text: string | null }>(
      'SELECT extracted_text FROM documents WHERE id = $1 AND user_id = $2',
      [where.id, where.userId],
    );
    return rows[0]?.extracted_text ?? null;
  },

  async hasManualTopics(q: Queryable, where: { id: string; userId: string }): Promise<boolean> {
    const { rows } = await q.query(
      `SELECT 1 FROM document_topics WHERE document_id = $1 AND user_id = $2 AND source = 'manual' LIMIT 1`,
      [where.id, where.userId],
    );
    return rows.length > 0;
  },

  /** The automatic topics become exactly `picks`; manual ones are never touched. */
  async replaceAutoTopics(
    q: Queryable,
    where: { id: string; userId: string },
    picks: { topicId: string; confidence: number }[],
  ): Promise<void> {
    await q.query(`DELETE FROM document_topics WHERE document_id = $1 AND user_id = $2 AND source = 'auto'`, [
      where.id,
      where.userId,
    ]);
    if (picks.length === 0) return;
    // Only the user's own topics: the composite foreign key refuses any other, and the join
    // skips a topic deleted since it was picked.
    await q.query(
      `INSERT INTO document_topics (document_id, topic_id, user_id, source, confidence)
       SELECT $1, t.id, $2, 'auto', p.confidence
         FROM unnest($3::uuid[], $4::real[]) AS p(topic_id, confidence)
         JOIN topics t ON t.id = p.topic_id AND t.user_id = $2
       ON CONFLICT (document_id, topic_id) DO NOTHING`,
      [where.id, where.userId, picks.map((p) => p.topicId), picks.map((p) => p.confidence)],
    );
  },

  async markClassified(q: Queryable, where: { id: string; userId: string }): Promise<void> {
    await q.query(
      `UPDATE documents SET status = 'classified', error = NULL, classified_at = now() WHERE id = $1 AND user_id = $2 AND status <> 'pending'`,
      [where.id, where.userId],
    );
  },

  /**
   * Text extracted, nothing classified (provider `none`, or automatic classification off):
   * a classified document keeps its topics and status; a failed one is merely uploaded now.
   */
  async markExtracted(q: Queryable, where: { id: string; userId: string }): Promise<void> {
    await q.query(
      `UPDATE documents SET status = CASE WHEN status = 'classification_failed' THEN 'uploaded' ELSE status END, error = NULL
        WHERE id = $1 AND user_id = $2 AND status <> 'pending'`,
      [where.id, where.userId],
    );
  },

  async markFailed(q: Queryable, where: { id: string; userId: string }, error: string): Promise<void> {
    await q.query(
      `UPDATE documents SET status = 'classification_failed', error = $3, classified_at = NULL WHERE id = $1 AND user_id = $2 AND status <> 'pending'`,
      [where.id, where.userId, error.slice(0, 1000)],
    );
  },
};
