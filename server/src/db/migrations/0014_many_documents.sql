-- Working with many documents (SPEC §7.3).
--
-- document_topic_rejections: an automatic topic the user removed by hand. The
--   extract-and-classify job never assigns it to that document again, and the local
--   classifier reads these pairs as negative examples (local-classifier.service.ts).
-- documents.sha256: the hex SHA-256 of a confirmed document's bytes, computed by the
--   extract-and-classify job from the stored object; duplicates are found by it.
-- users.must_change_password: set on an account an admin created with a temporary password.

CREATE TABLE document_topic_rejections (
  document_id uuid NOT NULL,
  topic_id    uuid NOT NULL,
  user_id     uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, topic_id),
  FOREIGN KEY (document_id, user_id) REFERENCES documents (id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (topic_id, user_id) REFERENCES topics (id, user_id) ON DELETE CASCADE
);
CREATE INDEX document_topic_rejections_topic_idx ON document_topic_rejections (user_id, topic_id, created_at DESC);

ALTER TABLE documents ADD COLUMN sha256 text CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$');
CREATE INDEX documents_user_sha256_idx ON documents (user_id, sha256) WHERE sha256 IS NOT NULL;

ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
