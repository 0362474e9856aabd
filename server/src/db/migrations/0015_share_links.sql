-- Share links (SPEC §7.4): one document sent to someone without an account. The token is
-- never stored, only its SHA-256 (a 256-bit random token needs no slow hash), so a copy
-- of the database opens no link. A link dies with its document (deleting the row removes
-- its links); revocation keeps the row so the owner still sees what the link was used for.
-- The download counter never passes the limit: the UPDATE that authorises a download is
-- the one that counts it, and this CHECK is the last word if anything else tried.
CREATE TABLE share_links (
  id               uuid PRIMARY KEY,
  document_id      uuid NOT NULL,
  user_id          uuid NOT NULL,
  token_hash       bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  password_hash    text,
  expires_at       timestamptz,
  max_downloads    integer CHECK (max_downloads > 0),
  download_count   integer NOT NULL DEFAULT 0 CHECK (download_count >= 0),
  notify_owner     boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  last_accessed_at timestamptz,
  revoked_at       timestamptz,
  CHECK (max_downloads IS NULL OR download_count <= max_downloads),
  FOREIGN KEY (document_id, user_id) REFERENCES documents (id, user_id) ON DELETE CASCADE
);
CREATE INDEX share_links_document_idx ON share_links (user_id, document_id, created_at DESC);
