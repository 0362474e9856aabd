import type { Queryable } from '../../db/database.js';

export interface TopicRow {
  id: string;
  user_id: string;
  name: string;
  description: string;
  created_at: Date;
  document_count: number;
}

// Every statement names the owner: another user's topic is never read, changed or counted.
// A topic's count leaves out the documents in the trash (they are hidden everywhere else too).
const SELECT_TOPIC = `SELECT t.id, t.user_id, t.name, t.description, t.created_at,
  (SELECT count(*)::int FROM document_topics dt JOIN documents d ON d.id = dt.document_id AND d.user_id = dt.user_id
    WHERE dt.topic_id = t.id AND dt.user_id = t.user_id AND d.trashed_at IS NULL) AS document_count
  FROM topics t`;

/** A unique-index violation: the name is taken (case-insensitively) by another topic of this user. */
export const isDuplicateName = (e: unknown) => (e as { code?: string }).code === '23505';

/** The topics SQL. */
export const topicsRepository = {
  /** Which of these topic ids belong to the user. */
  async ownedIds(q: Queryable, userId: string, topicIds: string[]): Promise<Set<string>> {
    if (topicIds.length === 0) return new Set();
    const { rows } = await q.query<{ id: string }>('SELECT id FROM topics WHERE user_id = $1 AND id = ANY($2::uuid[])', [
      userId,
      topicIds,
    ]);
    return new Set(rows.map((r) => r.id));
  },

  async list(q: Queryable, userId: string): Promise<TopicRow[]> {
    const { rows } = await q.query<TopicRow>(`${SELECT_TOPIC} WHERE t.user_id = $1 ORDER BY lower(t.name), t.id`, [userId]);
    return rows;
  },

  async findOwned(q: Queryable, where: { id: string; userId: string }): Promise<TopicRow | null> {
    const { rows } = await q.query<TopicRow>(`${SELECT_TOPIC} WHERE t.id = $1 AND t.user_id = $2`, [where.id, where.userId]);
    return rows[0] ?? null;
  },

  /** null when the user already has a topic of that name in any letter case. */
  async insert(q: Queryable, t: { userId: string; name: string; description: string }): Promise<string | null> {
    const { rows } = await q.query<{ id: string }>(
      `INSERT INTO topics (user_id, name, description) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
      [t.userId, t.name, t.description],
    );
    return rows[0]?.id ?? null;
  },

  /** false when no such topic of this user; throws a unique violation on a taken name. */
  async update(q: Queryable, t: { id: string; userId: string; name?: string; description?: string }): Promise<boolean> {
    const { rowCount } = await q.query(
      `UPDATE topics SET name = coalesce($3, name), description = coalesce($4, description)
        WHERE id = $1 AND user_id = $2`,
      [t.id, t.userId, t.name ?? null, t.description ?? null],
    );
    return rowCount > 0;
  },

  /** Its assignments go with it (foreign keys); the documents stay. */
  async delete(q: Queryable, where: { id: string; userId: string }): Promise<boolean> {
    const { rowCount } = await q.query('DELETE FROM topics WHERE id = $1 AND user_id = $2', [where.id, where.userId]);
    return rowCount > 0;
  },
};
