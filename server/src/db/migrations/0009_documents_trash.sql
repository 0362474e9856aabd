-- Trash (SPEC §7.3): a trashed document keeps its row, object and quota charge until it is
-- restored or purged. Added ahead of the features that use it (trash, share links) so that
-- both build on one column.
ALTER TABLE documents ADD COLUMN trashed_at timestamptz;
CREATE INDEX documents_trashed_idx ON documents (trashed_at) WHERE trashed_at IS NOT NULL;
