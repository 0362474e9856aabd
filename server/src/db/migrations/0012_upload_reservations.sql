-- Reserved quota (SPEC §7.1). upload-url reserves bytes on the quota row in the statement
-- that checks the room (used + reserved + n <= limit); the pending document remembers what
-- it holds, so confirm, delete, the sweep and abort give back exactly that. pending_uploads
-- counts open uploads for MAX_PENDING_UPLOADS. reconcile-quotas recomputes both from the
-- pending rows. Rows pending before this migration hold nothing.
ALTER TABLE quotas ADD COLUMN reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0);
ALTER TABLE quotas ADD COLUMN pending_uploads integer NOT NULL DEFAULT 0 CHECK (pending_uploads >= 0);
ALTER TABLE documents ADD COLUMN reserved_bytes bigint NOT NULL DEFAULT 0 CHECK (reserved_bytes >= 0);
UPDATE quotas q SET pending_uploads = (SELECT count(*) FROM documents d WHERE d.user_id = q.user_id AND d.status = 'pending');
-- Multipart uploads: the backend's upload id (S3 UploadId, or the disk backend's own), and
-- the part size the server chose; NULL for single-PUT uploads.
ALTER TABLE documents ADD COLUMN multipart_upload_id text;
ALTER TABLE documents ADD COLUMN part_size bigint CHECK (part_size IS NULL OR part_size > 0);
-- When a multipart upload last moved (parts asked for or listed): a long upload is not
-- "abandoned" while it is still being sent. The sweep judges by this, else created_at.
ALTER TABLE documents ADD COLUMN upload_touched_at timestamptz;
