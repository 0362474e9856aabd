import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { isUuid } from '../../http/schemas.js';
import type { JobQueue } from '../../jobs/job-registry.js';
import { queueSecurityAlert } from '../../mail/send-security-alert.job.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { bucketKey, type Throttle } from '../auth/throttle.js';
import { downloadContentType } from '../documents/document-fields.js';
import { presentShare } from './shares.presenter.js';
import { sharesRepository as shares, type OpenShareRow } from './shares.repository.js';
import { DEFAULT_EXPIRY_DAYS, type CreateShareInput, type CreatedShare, type PresentedShare } from './shares.schemas.js';
import { newShareToken, shareTokenHash, type UnlockProof } from './share-token.js';

/** Every limit of the public side, in one place. */
export const SHARE_LIMITS = {
  /** Wrong passwords on one link per window (then 429 until the window ends). */
  passwordPerLink: 10,
  /** Wrong share passwords from one address, over all links. */
  passwordPerAddress: 30,
  /** How long a password success keeps a link unlocked in that browser. */
  unlockSeconds: 15 * 60,
} as const;

export interface ShareServiceDeps {
  db: Database;
  blobs: BlobStore;
  queue: JobQueue;
  /** Password attempts (15-minute window). */
  passwordThrottle: Throttle;
  /** Downloads per link (one-minute window). */
  downloadThrottle: Throttle;
  proof: UnlockProof;
  settings: { urlTtlSeconds: number; downloadsPerMinute: number };
  clock?: () => Date;
}

/** Who is at the other end of a public request, for throttling and the owner's alert. */
export interface Visitor {
  ip: string;
  userAgent?: string;
  /** The unlock cookie the browser sent for this link's path, if any. */
  unlockCookie?: string;
}

export type PageView = { kind: 'not_available' } | { kind: 'locked'; link: OpenShareRow } | { kind: 'ready'; link: OpenShareRow };

export type UnlockOutcome =
  | { kind: 'not_available' }
  | { kind: 'not_needed' }
  | { kind: 'wrong'; link: OpenShareRow }
  | { kind: 'unlocked'; cookie: { value: string; expires: Date } };

export type DownloadOutcome =
  { kind: 'not_available' } | { kind: 'locked'; link: OpenShareRow } | { kind: 'redirect'; url: string };

export type ShareService = ReturnType<typeof createShareService>;

/**
 * Share links. The owner side is scoped like documents (another user's document or link
 * is a 404). The public side knows only a token; every way a link can be closed gives
 * the same answer, and the only thing it can reach is the one document's bytes, through
 * a storage URL issued after the checks and valid for seconds.
 */
export function createShareService(deps: ShareServiceDeps) {
  const { db, blobs, proof } = deps;
  const now = deps.clock ?? (() => new Date());

  async function ownedDocument(q: Queryable, user: AuthUser, documentId: string) {
    // A malformed id cannot name anyone's document: the same 404, and no SQL error.
    const doc = isUuid(documentId) ? await shares.findOwnedDocument(q, { id: documentId, userId: user.id }) : null;
    if (!doc) throw errors.notFound('document');
    return doc;
  }

  async function openLink(token: string): Promise<OpenShareRow | null> {
    const hash = shareTokenHash(token);
    return hash ? shares.findOpen(db, hash) : null;
  }

  const unlocked = (link: OpenShareRow, visitor: Visitor) =>
    link.password_hash === null || proof.verify(link.id, visitor.unlockCookie, now());

  return {
    /** A new link; its URL (with the token) is in this answer only. */
    async create(user: AuthUser, documentId: string, input: CreateShareInput, origin: string): Promise<CreatedShare> {
      const doc = await ownedDocument(db, user, documentId);
      if (doc.status === 'pending') throw errors.documentPending();
      if (doc.trashed_at) throw errors.documentTrashed();
      const token = newShareToken();
      const passwordHash = input.password ? await hashPassword(input.password) : null;
      const row = await shares.insert(db, {
        id: randomUUID(),
        documentId: doc.id,
        userId: user.id,
        tokenHash: shareTokenHash(token)!,
        passwordHash,
        expiresInDays: input.expires_in_days === undefined ? DEFAULT_EXPIRY_DAYS : input.expires_in_days,
        maxDownloads: input.max_downloads ?? null,
        notifyOwner: input.notify_owner ?? true,
      });
      return { ...presentShare(row, now()), url: `${origin}/s/${token}` };
    },

    async list(user: AuthUser, documentId: string): Promise<PresentedShare[]> {
      const doc = await ownedDocument(db, user, documentId);
      const rows = await shares.listForDocument(db, { documentId: doc.id, userId: user.id });
      const at = now();
      return rows.map((r) => presentShare(r, at));
    },

    async revoke(user: AuthUser, shareId: string): Promise<void> {
      const row = isUuid(shareId) ? await shares.revoke(db, { id: shareId, userId: user.id }) : null;
      if (!row) throw errors.notFound('share link');
    },

    /** What GET /s/{token} shows. */
    async view(token: string, visitor: Visitor): Promise<PageView> {
      const link = await openLink(token);
      if (!link) return { kind: 'not_available' };
      await shares.touch(db, link.id);
      return unlocked(link, visitor) ? { kind: 'ready', link } : { kind: 'locked', link };
    },

    /**
     * A password attempt, throttled per link and per address before the (slow) check;
     * a success gives its slots back, so in effect failures count. 429 as an AppError.
     */
    async unlock(token: string, password: string, visitor: Visitor): Promise<UnlockOutcome> {
      const link = await openLink(token);
      if (!link) return { kind: 'not_available' };
      if (link.password_hash === null) return { kind: 'not_needed' };
      const ticket = await deps.passwordThrottle.attempt([
        { key: bucketKey('share-password', 'link', link.id), limit: SHARE_LIMITS.passwordPerLink },
        { key: bucketKey('share-password', 'address', visitor.ip), limit: SHARE_LIMITS.passwordPerAddress },
      ]);
      if (!(await verifyPassword(link.password_hash, password.slice(0, 1024)))) return { kind: 'wrong', link };
      await deps.passwordThrottle.refund(ticket);
      return { kind: 'unlocked', cookie: proof.issue(link.id, now(), SHARE_LIMITS.unlockSeconds) };
    },

    /**
     * One download: throttled per link, then authorised and counted by one UPDATE (with
     * the owner's first-download alert queued in its transaction), then a storage URL
     * that lives `urlTtlSeconds`.
     */
    async download(token: string, visitor: Visitor): Promise<DownloadOutcome> {
      const link = await openLink(token);
      if (!link) return { kind: 'not_available' };
      if (!unlocked(link, visitor)) return { kind: 'locked', link };
      await deps.downloadThrottle.attempt([
        { key: bucketKey('share-download', 'link', link.id), limit: deps.settings.downloadsPerMinute },
      ]);
      const authorised = await db.transaction(async (tx) => {
        const row = await shares.countDownload(tx, link.id);
        if (row && row.download_count === 1 && row.notify_owner) {
          await queueSecurityAlert(deps.queue, tx, {
            user_id: row.user_id,
            kind: 'share_link_downloaded',
            occurred_at: now().toISOString(),
            ip_address: visitor.ip,
            user_agent: visitor.userAgent?.slice(0, 500) ?? null,
            document_name: row.filename,
          });
        }
        return row;
      });
      if (!authorised) return { kind: 'not_available' };
      const presigned = await blobs.presignDownload({
        key: authorised.object_key,
        filename: authorised.filename,
        contentType: downloadContentType(authorised.content_type),
        ttlSeconds: deps.settings.urlTtlSeconds,
      });
      return { kind: 'redirect', url: presigned.url };
    },
  };
}
