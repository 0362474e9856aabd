import type { Queryable } from '../../../db/database.js';
import type { Features } from './features.js';

export interface CorpusRow {
  documents: number;
  mass: number;
  terms: Map<string, { df: number; mass: number }>;
}

export interface ClassifierTopicRow {
  id: string;
  name: string;
  description: string;
  examples: number;
  mass: number;
  norm2: number;
  style_norm2: number;
}

/** The local classifier's SQL; the sums themselves are kept by the triggers of migrations 0005 and 0008. */
export const localModelRepository = {
  /** The user's corpus statistics for these terms. */
  async corpus(q: Queryable, userId: string, terms: string[]): Promise<CorpusRow> {
    const [stats, rows] = await Promise.all([
      q.query<{ documents: number; mass: number }>('SELECT documents, mass FROM classifier_user_stats WHERE user_id = $1', [
        userId,
      ]),
      terms.length === 0
        ? Promise.resolve({ rows: [] as { term: string; df: number; mass: number }[] })
        : q.query<{ term: string; df: number; mass: number }>(
            'SELECT term, df, mass FROM classifier_user_terms WHERE user_id = $1 AND term = ANY($2::text[])',
            [userId, terms],
          ),
    ]);
    return {
      documents: stats.rows[0]?.documents ?? 0,
      mass: stats.rows[0]?.mass ?? 0,
      terms: new Map(rows.rows.map((r) => [r.term, { df: r.df, mass: r.mass }])),
    };
  },

  /** Stores (or replaces) a document's features; the triggers update corpus and topic sums. */
  async saveFeatures(
    q: Queryable,
    d: { documentId: string; userId: string; features: Features; style: Features },
  ): Promise<void> {
    await q.query(
      `INSERT INTO classifier_documents (document_id, user_id, terms, weights, style_terms, style_weights)
       VALUES ($1, $2, $3::text[], $4::float8[], $5::text[], $6::float8[])
       ON CONFLICT (document_id) DO UPDATE SET terms = excluded.terms, weights = excluded.weights,
         style_terms = excluded.style_terms, style_weights = excluded.style_weights
       WHERE classifier_documents.user_id = excluded.user_id`,
      [d.documentId, d.userId, d.features.terms, d.features.weights, d.style.terms, d.style.weights],
    );
  },

  async featuresOf(q: Queryable, where: { documentId: string; userId: string }): Promise<Features | null> {
    const { rows } = await q.query<Features>(
      'SELECT terms, weights FROM classifier_documents WHERE document_id = $1 AND user_id = $2',
      [where.documentId, where.userId],
    );
    return rows[0] ?? null;
  },

  /** The user's topics with their learned totals. */
  async topics(q: Queryable, userId: string): Promise<ClassifierTopicRow[]> {
    const { rows } = await q.query<ClassifierTopicRow>(
      `SELECT t.id, t.name, t.description, coalesce(s.examples, 0) AS examples, coalesce(s.mass, 0) AS mass, coalesce(s.norm2, 0) AS norm2,
              coalesce(s.style_norm2, 0) AS style_norm2
         FROM topics t LEFT JOIN classifier_topic_stats s ON s.topic_id = t.id AND s.user_id = t.user_id
        WHERE t.user_id = $1 ORDER BY t.id`,
      [userId],
    );
    return rows;
  },

  /** Learned mass per (topic, term), for these terms only, of either channel. */
  async topicTermMass(
    q: Queryable,
    userId: string,
    terms: string[],
    channel: 'terms' | 'style' = 'terms',
  ): Promise<Map<string, Map<string, number>>> {
    const byTopic = new Map<string, Map<string, number>>();
    if (terms.length === 0) return byTopic;
    const table = channel === 'style' ? 'classifier_topic_style_terms' : 'classifier_topic_terms';
    const { rows } = await q.query<{ topic_id: string; term: string; mass: number }>(
      `SELECT topic_id, term, mass FROM ${table} WHERE user_id = $1 AND term = ANY($2::text[])`,
      [userId, terms],
    );
    for (const r of rows) {
      let m = byTopic.get(r.topic_id);
      if (!m) byTopic.set(r.topic_id, (m = new Map()));
      m.set(r.term, r.mass);
    }
    return byTopic;
  },

  /**
   * Negative examples: the features of documents the user took out of an automatically
   * assigned topic, newest first, at most `limit` (the document being classified left out).
   */
  async rejections(
    q: Queryable,
    where: { userId: string; exceptDocumentId: string; limit: number },
  ): Promise<{ topic_id: string; terms: string[]; weights: number[] }[]> {
    const { rows } = await q.query<{ topic_id: string; terms: string[]; weights: number[] }>(
      `SELECT r.topic_id, c.terms, c.weights
         FROM document_topic_rejections r
         JOIN classifier_documents c ON c.document_id = r.document_id AND c.user_id = r.user_id
        WHERE r.user_id = $1 AND r.document_id <> $2
        ORDER BY r.created_at DESC LIMIT $3`,
      [where.userId, where.exceptDocumentId, where.limit],
    );
    return rows;
  },
};
