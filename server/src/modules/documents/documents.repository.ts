import type { Database, Queryable } from '../../db/database.js';

export type DocumentStatus = 'pending' | 'uploaded' | 'classified' | 'classification_failed';

export interface DocumentRow {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  declared_bytes: number | null;
  storage_backend: 'local' | 's3';
  object_key: string;
  status: DocumentStatus;
  error: string | null;
  created_at: Date;
  confirmed_at: Date | null;
  classified_at: Date | null;
  /** The thumbnail, a derived object (migration 0013); null until extraction made one. */
  thumbnail_key: string | null;
}

export interface DocumentTopicRow {
  document_id: string;
  id: string;
  name: string;
  source: 'auto' | 'manual';
  confidence: number | null;
}

export interface ListFilter {
  userId: string;
  status?: DocumentStatus;
  topicId?: string;
  /** Full-text query, already free of characters PostgreSQL text cannot hold. */
  search?: string;
  limit: number;
  offset: number;
}

// extracted_text can be large and no response carries it yet; every other column is listed.
const COLUMN_NAMES = (
  'id user_id filename content_type size_bytes declared_bytes storage_backend object_key ' +
  'status error created_at confirmed_at classified_at thumbnail_key'
).split(' ');
const COLUMNS = COLUMN_NAMES.join(', ');
const D_COLUMNS = COLUMN_NAMES.map((c) => `d.${c}`).join(', ');

// Search: `search_vector` is a stored column over filename (weight A) and
// extracted text (weight B), see migration 0006. The snippet marks hits with \u0001 and
// \u0002, characters that neither a filename nor extracted text can contain; the
// presenter escapes the text and turns them into <mark> tags.
const HEADLINE = `ts_headline('english', left(coalesce(hit.extracted_text, hit.filename), 50000), hit.q,
  'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxFragments=2, MaxWords=18, MinWords=5, FragmentDelimiter=" … "')`;

/**
 * Runs one search statement with sequential scans ruled out. The planner does not cost
 * the de-TOASTing of a tsvector that `@@` needs, so for a user who owns most of the table
 * it prefers reading every row and testing each vector (270 ms at 100,000 documents) to
 * the GIN index, whose answer needs no vector at all (20 ms). Index scans on the user's
 * documents stay allowed. SET LOCAL ends with the statement's own transaction.
 */
function searchQuery<T>(db: Database, sql: string, params: unknown[]) {
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_seqscan = off');
    return tx.query<T>(sql, params);
  });
}

/**
 * The query as the filename part of `search_vector` is indexed: `.`, `_`, `-`, `/` and `\`
 * between two letters or digits become spaces (migration 0006 splits filenames the same
 * way), so "invoice_2026-01" or "scan-0007.pdf" finds the file named so. PostgreSQL's parser
 * would otherwise read them as one compound token that only the whole name matches. A
 * leading `-` (websearch's "not") is left alone.
 */
export function searchText(q: string): string {
  return q.replace(/([\p{L}\p{N}])[._/\\-]+(?=[\p{L}\p{N}])/gu, '$1 ');
}

/** Search hits ranked together: see `list`. */
export const RANK_WINDOW = 1000;

/** The documents SQL. Every statement that reads or changes one document names its owner. */
export const documentsRepository = {
  async insertPending(
    q: Queryable,
    d: {
      id: string;
      userId: string;
      filename: string;
      contentType: string;
      declaredBytes: number | null;
      storageBackend: 'local' | 's3';
      objectKey: string;
    },
  ): Promise<DocumentRow> {
    const { rows } = await q.query<DocumentRow>(
      `INSERT INTO documents (id, user_id, filename, content_type, declared_bytes, storage_backend, object_key, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')
       RETURNING ${COLUMNS}`,
      [d.id, d.userId, d.filename, d.contentType, d.declaredBytes, d.storageBackend, d.objectKey],
    );
    return rows[0]!;
  },

  async findOwned(
    q: Queryable,
    where: { id: string; userId: string },
    opts: { lock?: boolean } = {},
  ): Promise<DocumentRow | null> {
    const { rows } = await q.query<DocumentRow>(
      `SELECT ${COLUMNS} FROM documents WHERE id = $1 AND user_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
      [where.id, where.userId],
    );
    return rows[0] ?? null;
  },

  /**
   * pending → uploaded, only if still pending: of several concurrent confirms exactly one
   * gets the row back; the others wait on the row lock, then match nothing.
   */
  async markUploaded(q: Queryable, where: { id: string; userId: string; sizeBytes: number }): Promise<DocumentRow | null> {
    const { rows } = await q.query<DocumentRow>(
      `UPDATE documents SET status = 'uploaded', size_bytes = $3, confirmed_at = now()
        WHERE id = $1 AND user_id = $2 AND status = 'pending'
        RETURNING ${COLUMNS}`,
      [where.id, where.userId, where.sizeBytes],
    );
    return rows[0] ?? null;
  },

  /** Deletes the row and says what it was (a concurrent confirm is seen if it committed first). */
  async deleteOwned(q: Queryable, where: { id: string; userId: string }): Promise<DocumentRow | null> {
    const { rows } = await q.query<DocumentRow>(`DELETE FROM documents WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`, [
      where.id,
      where.userId,
    ]);
    return rows[0] ?? null;
  },

  async updateFilename(q: Queryable, where: { id: string; userId: string; filename: string }): Promise<void> {
    await q.query('UPDATE documents SET filename = $3 WHERE id = $1 AND user_id = $2', [where.id, where.userId, where.filename]);
  },

  /** With `search`: best match first, each row with a highlighted snippet. */
  async list(db: Database, f: ListFilter): Promise<{ rows: (DocumentRow & { snippet?: string })[]; total: number }> {
    const params: unknown[] = [f.userId];
    const where = ['d.user_id = $1'];
    if (f.status) {
      params.push(f.status);
      where.push(`d.status = $${params.length}`);
    }
    if (f.topicId) {
      params.push(f.topicId);
      where.push(
        `EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = d.id AND dt.user_id = d.user_id AND dt.topic_id = $${params.length})`,
      );
    }
    if (f.search) {
      params.push(searchText(f.search));
      // websearch_to_tsquery accepts any text without a syntax error (unlike to_tsquery);
      // text with no searchable word is an empty query, which matches nothing.
      const from = `documents d CROSS JOIN websearch_to_tsquery('english', $${params.length}) AS q`;
      const whereSql = [...where, 'd.search_vector @@ q'].join(' AND ');
      // Ranking reads every candidate's tsvector (a GIN index finds hits, it cannot order
      // them), so it is bounded: hits are taken newest first in windows of RANK_WINDOW and
      // ranked within their window. A query with at most RANK_WINDOW hits — nearly every
      // query of nearly every vault — is ranked exactly; for a word in thousands of one
      // user's documents the best matches among the newest RANK_WINDOW come first, then
      // the next window's, and pages stay consistent. Only the windows up to the requested
      // page are read. The count needs no tsvector and runs beside the page.
      const windowRows = Math.ceil((f.offset + f.limit) / RANK_WINDOW) * RANK_WINDOW;
      const n = params.length;
      const [page, count] = await Promise.all([
        searchQuery<DocumentRow & { snippet: string }>(
          db,
          `SELECT ${COLUMN_NAMES.map((c) => `hit.${c}`).join(', ')}, ${HEADLINE} AS snippet
             FROM (SELECT ${D_COLUMNS}, d.extracted_text, c.q, ts_rank(d.search_vector, c.q, 1) AS rank,
                          (c.n - 1) / ${RANK_WINDOW} AS window_no
                     FROM (SELECT d.id, q, row_number() OVER (ORDER BY d.created_at DESC, d.id DESC) AS n
                             FROM ${from} WHERE ${whereSql}
                            ORDER BY d.created_at DESC, d.id DESC
                            LIMIT $${n + 1}) AS c
                     JOIN documents d ON d.id = c.id AND d.user_id = $1
                    ORDER BY window_no, rank DESC, d.created_at DESC, d.id DESC
                    LIMIT $${n + 2} OFFSET $${n + 3}) AS hit
            ORDER BY hit.window_no, hit.rank DESC, hit.created_at DESC, hit.id DESC`,
          [...params, windowRows, f.limit, f.offset],
        ),
        searchQuery<{ n: number }>(db, `SELECT count(*)::int AS n FROM ${from} WHERE ${whereSql}`, params),
      ]);
      return { rows: page.rows, total: count.rows[0]!.n };
    }
    const whereSql = where.join(' AND ');
    const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM documents d WHERE ${whereSql}`, params);
    const page = await db.query<DocumentRow>(
      `SELECT ${D_COLUMNS} FROM documents d WHERE ${whereSql}
        ORDER BY d.created_at DESC, d.id DESC
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, f.limit, f.offset],
    );
    return { rows: page.rows, total: count.rows[0]?.n ?? 0 };
  },

  async topicsOf(q: Queryable, userId: string, documentIds: string[]): Promise<DocumentTopicRow[]> {
    if (documentIds.length === 0) return [];
    const { rows } = await q.query<DocumentTopicRow>(
      `SELECT dt.document_id, t.id, t.name, dt.source, dt.confidence
         FROM document_topics dt
         JOIN topics t ON t.id = dt.topic_id AND t.user_id = dt.user_id
        WHERE dt.user_id = $1 AND dt.document_id = ANY($2::uuid[])
        ORDER BY lower(t.name), t.id`,
      [userId, documentIds],
    );
    return rows;
  },

  /**
   * The document's topics become exactly `topicIds`, all manual: the user's choice
   * overrides the classifier's, so the automatic assignments go; one the user
   * kept turns manual. The composite foreign keys refuse a topic of another owner even if
   * a check raced. (Manual assignments teach the local classifier, by trigger, see
   * migration 0005.)
   */
  async replaceManualTopics(q: Queryable, d: { documentId: string; userId: string; topicIds: string[] }): Promise<void> {
    await q.query(`DELETE FROM document_topics WHERE document_id = $1 AND user_id = $2 AND NOT (topic_id = ANY($3::uuid[]))`, [
      d.documentId,
      d.userId,
      d.topicIds,
    ]);
    if (d.topicIds.length === 0) return;
    await q.query(
      `INSERT INTO document_topics (document_id, topic_id, user_id, source, confidence)
       SELECT $1, t, $2, 'manual', NULL FROM unnest($3::uuid[]) AS t
       ON CONFLICT (document_id, topic_id) DO UPDATE SET source = 'manual', confidence = NULL`,
      [d.documentId, d.userId, d.topicIds],
    );
  },

  /**
   * Removes up to `limit` pending rows created more than `olderThanSeconds` ago (database
   * clock) and returns their object keys. SKIP LOCKED: a row being confirmed right now is
   * left to its confirm.
   */
  async deleteAbandoned(q: Queryable, opts: { olderThanSeconds: number; limit: number }): Promise<string[]> {
    const { rows } = await q.query<{ object_key: string }>(
      `DELETE FROM documents WHERE id IN (
         SELECT id FROM documents
          WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1)
          ORDER BY created_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED)
       RETURNING object_key`,
      [opts.olderThanSeconds, opts.limit],
    );
    return rows.map((r) => r.object_key);
  },

  /** The rows that hold these object keys, by key; a key missing from the map has no row. */
  async rowsByObjectKey(q: Queryable, keys: string[]): Promise<Map<string, DocumentRow>> {
    if (keys.length === 0) return new Map();
    const { rows } = await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE object_key = ANY($1::text[])`, [keys]);
    return new Map(rows.map((r) => [r.object_key, r]));
  },

  /** Of these derived-object keys, those a document names (the rest are orphans). */
  async derivedKeysInUse(q: Queryable, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await q.query<{ thumbnail_key: string }>(
      'SELECT thumbnail_key FROM documents WHERE thumbnail_key = ANY($1::text[])',
      [keys],
    );
    return new Set(rows.map((r) => r.thumbnail_key));
  },

  /** The extracted text and what is known of it (GET /{id}/text). */
  async textOf(
    q: Queryable,
    where: { id: string; userId: string },
  ): Promise<{ extracted_text: string | null; text_ocr: boolean; text_pages: number | null; text_truncated: boolean } | null> {
    const { rows } = await q.query<{
      extracted_text: string | null;
      text_ocr: boolean;
      text_pages: number | null;
      text_truncated: boolean;
    }>('SELECT extracted_text, text_ocr, text_pages, text_truncated FROM documents WHERE id = $1 AND user_id = $2', [
      where.id,
      where.userId,
    ]);
    return rows[0] ?? null;
  },

  /** A confirmed document's stored size, after its object was found to have changed. */
  async setSize(q: Queryable, where: { id: string; userId: string; sizeBytes: number }): Promise<void> {
    await q.query(`UPDATE documents SET size_bytes = $3 WHERE id = $1 AND user_id = $2 AND status <> 'pending'`, [
      where.id,
      where.userId,
      where.sizeBytes,
    ]);
  },
};
