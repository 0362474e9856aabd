import { independently, type Database, type Queryable } from '../../db/database.js';
import { listConditions, orderBy, trashCondition, trashedCondition, type ListPlacement } from './document-list-filter.js';
import { searchPage, type SearchPage } from './document-search.js';

export type DocumentStatus = 'pending' | 'uploaded' | 'classified' | 'classification_failed';

export interface DocumentRow {
  id: string;
  user_id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  declared_bytes: number | null;
  /** Bytes this upload holds on the quota while pending (SPEC §7.1). */
  reserved_bytes: number;
  /** The backend's multipart upload id; null for a single-PUT upload. */
  multipart_upload_id: string | null;
  part_size: number | null;
  storage_backend: 'local' | 's3';
  object_key: string;
  status: DocumentStatus;
  error: string | null;
  created_at: Date;
  confirmed_at: Date | null;
  classified_at: Date | null;
  trashed_at: Date | null;
  sha256: string | null;
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
  /** List or trash, type family, dates (document-list-filter.ts); default: the list, unfiltered. */
  placement?: ListPlacement;
  /** A SORT_VALUES value; applies to `list` (a search's hits are ranked). */
  sort?: string;
  limit: number;
  offset: number;
}

// extracted_text can be large and no response carries it yet; every other column is listed.
const COLUMN_NAMES = (
  'id user_id filename content_type size_bytes declared_bytes reserved_bytes multipart_upload_id part_size ' +
  'storage_backend object_key status error created_at confirmed_at classified_at trashed_at sha256 thumbnail_key'
).split(' ');
export const COLUMNS = COLUMN_NAMES.join(', ');
export const D_COLUMNS = COLUMN_NAMES.map((c) => `d.${c}`).join(', ');

/** The SQL conditions of a list filter beyond the owner ($1) and the trash, over `d` (documents). */
function listScope(f: ListFilter): { params: unknown[]; filters: string[]; placement: ListPlacement } {
  const params: unknown[] = [f.userId];
  const filters: string[] = [];
  if (f.status) {
    params.push(f.status);
    filters.push(`d.status = $${params.length}`);
  }
  if (f.topicId) {
    params.push(f.topicId);
    filters.push(
      `EXISTS (SELECT 1 FROM document_topics dt WHERE dt.document_id = d.id AND dt.user_id = d.user_id AND dt.topic_id = $${params.length})`,
    );
  }
  const placement = f.placement ?? { inTrash: false };
  listConditions(placement, filters, params);
  return { params, filters, placement };
}

/** The documents SQL. Every statement that reads or changes one document names its owner. */
export const documentsRepository = {
  async findOwned(
    q: Queryable,
    where: { id: string; userId: string },
    opts: { lock?: boolean } = {},
  ): Promise<DocumentRow | null> {
    const { rows } = await q.query<DocumentRow>(
      `SELECT ${COLUMNS} FROM documents WHERE id = $1 AND user_id = $2${opts.lock ? ' FOR UPDATE' : ''}`,
      [where.id, where.userId],
      { prepare: true },
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

  /**
   * One page of the filter's documents that match `f.search` (a query already free of
   * characters PostgreSQL text cannot hold: see document-search.ts), best first; its total
   * and snippets may still be running when it returns (SearchPage).
   */
  async search(db: Database, f: ListFilter & { search: string }): Promise<SearchPage<DocumentRow>> {
    const { params, filters, placement } = listScope(f);
    const scope = { params, inTrash: placement.inTrash, filters };
    return searchPage<DocumentRow>(db, scope, f.search, { limit: f.limit, offset: f.offset, columns: COLUMN_NAMES });
  },

  /** One page of the filter's documents in its order, and their number (no search: see `search`). */
  async list(db: Database, f: ListFilter): Promise<{ rows: DocumentRow[]; total: number }> {
    const { params, filters, placement } = listScope(f);
    const where = ['d.user_id = $1', trashCondition(placement), ...filters];
    const whereSql = where.join(' AND ');
    // Without other filters, the owner's documents (kept, or in the trash) are counted from
    // search's narrow table, in its (user_id, trashed, created_at) index (migration 0024), not
    // by visiting every wide row: 100,000 documents took ~90 ms.
    const countSql =
      filters.length === 0
        ? `SELECT count(*)::int AS n FROM document_search WHERE user_id = $1 AND ${trashedCondition(placement)}`
        : `SELECT count(*)::int AS n FROM documents d WHERE ${whereSql}`;
    const [count, page] = await independently(db, [
      () => db.query<{ n: number }>(countSql, params),
      () =>
        db.query<DocumentRow>(
          `SELECT ${D_COLUMNS} FROM documents d WHERE ${whereSql}
            ORDER BY ${orderBy(f.sort, { inTrash: placement.inTrash })}
            LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
          [...params, f.limit, f.offset],
        ),
    ] as const);
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

  /** The owner's rows with these ids, by id; an id missing from the map names none of them. */
  async findOwnedMany(q: Queryable, userId: string, ids: string[]): Promise<Map<string, DocumentRow>> {
    if (ids.length === 0) return new Map();
    const { rows } = await q.query<DocumentRow>(`SELECT ${COLUMNS} FROM documents WHERE user_id = $1 AND id = ANY($2::uuid[])`, [
      userId,
      ids,
    ]);
    return new Map(rows.map((r) => [r.id, r]));
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
