import type { PresentedShare } from './shares.schemas.js';
import type { ShareLinkRow } from './shares.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Why a link does or does not open, for its owner (never shown on the public page). */
export function shareState(row: ShareLinkRow, now: Date): PresentedShare['state'] {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return 'expired';
  if (row.max_downloads !== null && row.download_count >= row.max_downloads) return 'used_up';
  return 'active';
}

/** The one shape of a link for its owner; neither token nor hash ever leaves. */
export function presentShare(row: ShareLinkRow, now: Date): PresentedShare {
  return {
    id: row.id,
    document_id: row.document_id,
    state: shareState(row, now),
    expires_at: iso(row.expires_at),
    has_password: row.password_hash !== null,
    max_downloads: row.max_downloads,
    download_count: row.download_count,
    notify_owner: row.notify_owner,
    created_at: row.created_at.toISOString(),
    last_accessed_at: iso(row.last_accessed_at),
    revoked_at: iso(row.revoked_at),
  };
}
