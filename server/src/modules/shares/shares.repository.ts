import type { Queryable } from '../../db/database.js';

export interface ShareLinkRow {
  id: string;
  document_id: string;
  user_id: string;
  password_hash: string | null;
  expires_at: Date | null;
  max_downloads: number | null;
  download_count: number;
  notify_owner: boolean;
  created_at: Date;
  last_accessed_at: Date | null;
  revoked_at: Date | null;
}

/** A link as its public page sees it: the link and the few facts of its document it may show. */
export interface OpenShareRow extends ShareLinkRow {
  filename: string;
  size_bytes: number;
}

/** What an authorised download needs to hand out the bytes. */
export interface AuthorisedDownloadRow {
  download_count: number;
  notify_owner: boolean;
  user_id: string;
  object_key: string;
  filename: string;
  content_type: string;
}

const COLUMN_NAMES = (
  'id document_id user_id password_hash expires_at max_downloads download_count notify_owner ' +
  'created_at last_accessed_at revoked_at'
).split(' ');
const COLUMNS = COLUMN_NAMES.join(', ');
const S_COLUMNS = COLUMN_NAMES.map((c) => `s.${c}`).join(', ');

/**
 * A link that still opens: not revoked, not expired, not used up, its document still
 * there, uploaded and not in the trash, and its owner's account not disabled. The one
 * definition, used by the page, the unlock, the download (inside its UPDATE) and the
 * `shared` flag of the document list.
 */
const OPEN = `s.revoked_at IS NULL
  AND (s.expires_at IS NULL OR s.expires_at > now())
  AND (s.max_downloads IS NULL OR s.download_count < s.max_downloads)
  AND d.trashed_at IS NULL AND d.status <> 'pending'
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = s.user_id AND u.disabled)`;

/** The share-link SQL. Owner routes name the owner in every statement. */
export const sharesRepository = {
  async insert(
    q: Queryable,
    s: {
      id: string;
      documentId: string;
      userId: string;
      tokenHash: Buffer;
      passwordHash: string | null;
      expiresInDays: number | null;
      maxDownloads: number | null;
      notifyOwner: boolean;
    },
  ): Promise<ShareLinkRow> {
    const { rows } = await q.query<ShareLinkRow>(
      `INSERT INTO share_links (id, document_id, user_id, token_hash, password_hash, expires_at, max_downloads, notify_owner)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::int IS NULL THEN NULL ELSE now() + make_interval(days => $6::int) END, $7, $8)
       RETURNING ${COLUMNS}`,
      [s.id, s.documentId, s.userId, s.tokenHash, s.passwordHash, s.expiresInDays, s.maxDownloads, s.notifyOwner],
    );
    return rows[0]!;
  },

  /** The owner's document, with what decides whether it may be shared. */
  async findOwnedDocument(
    q: Queryable,
    where: { id: string; userId: string },
  ): Promise<{ id: string; status: string; trashed_at: Date | null } | null> {
    const { rows } = await q.query<{ id: string; status: string; trashed_at: Date | null }>(
      'SELECT id, status, trashed_at FROM documents WHERE id = $1 AND user_id = $2',
      [where.id, where.userId],
    );
    return rows[0] ?? null;
  },

  async listForDocument(q: Queryable, where: { documentId: string; userId: string }): Promise<ShareLinkRow[]> {
    const { rows } = await q.query<ShareLinkRow>(
      `SELECT ${COLUMNS} FROM share_links WHERE user_id = $1 AND document_id = $2 ORDER BY created_at DESC, id DESC`,
      [where.userId, where.documentId],
    );
    return rows;
  },

  /** Marks the link revoked (once; a second revoke keeps the first time). Null when not the owner's. */
  async revoke(q: Queryable, where: { id: string; userId: string }): Promise<ShareLinkRow | null> {
    const { rows } = await q.query<ShareLinkRow>(
      `UPDATE share_links SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [where.id, where.userId],
    );
    return rows[0] ?? null;
  },

  /** The open link with this token hash, or null (unknown, or closed for any reason). */
  async findOpen(q: Queryable, tokenHash: Buffer): Promise<OpenShareRow | null> {
    const { rows } = await q.query<OpenShareRow>(
      `SELECT ${S_COLUMNS}, d.filename, d.size_bytes
         FROM share_links s JOIN documents d ON d.id = s.document_id AND d.user_id = s.user_id
        WHERE s.token_hash = $1 AND ${OPEN}`,
      [tokenHash],
    );
    return rows[0] ?? null;
  },

  /**
   * Authorises and counts one download in one statement: the row is updated only while
   * the link is open, so of any number of concurrent downloads no more than the limit
   * match (PostgreSQL re-checks the WHERE on the row version left by the one before).
   */
  async countDownload(q: Queryable, linkId: string): Promise<AuthorisedDownloadRow | null> {
    const { rows } = await q.query<AuthorisedDownloadRow>(
      `UPDATE share_links s SET download_count = s.download_count + 1, last_accessed_at = now()
         FROM documents d
        WHERE s.id = $1 AND d.id = s.document_id AND d.user_id = s.user_id AND ${OPEN}
        RETURNING s.download_count, s.notify_owner, s.user_id, d.object_key, d.filename, d.content_type`,
      [linkId],
    );
    return rows[0] ?? null;
  },

  /** The page was opened: the owner's list shows when a link was last used. */
  async touch(q: Queryable, linkId: string): Promise<void> {
    await q.query('UPDATE share_links SET last_accessed_at = now() WHERE id = $1', [linkId]);
  },

  /** Which of these documents have at least one open link (the `shared` flag of the list). */
  async sharedDocumentIds(q: Queryable, userId: string, documentIds: string[]): Promise<Set<string>> {
    if (documentIds.length === 0) return new Set();
    const { rows } = await q.query<{ document_id: string }>(
      `SELECT DISTINCT s.document_id
         FROM share_links s JOIN documents d ON d.id = s.document_id AND d.user_id = s.user_id
        WHERE s.user_id = $1 AND s.document_id = ANY($2::uuid[]) AND ${OPEN}`,
      [userId, documentIds],
    );
    return new Set(rows.map((r) => r.document_id));
  },
};
