-- The whole data model of SPEC §2. Every per-user row carries user_id NOT NULL and is
-- removed with its user; document/topic links are tied to one owner by composite keys.

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email          text NOT NULL CHECK (length(email) BETWEEN 3 AND 320),
  password_hash  text NOT NULL,
  role           text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
  totp_secret_enc text,
  totp_enabled   boolean NOT NULL DEFAULT false,
  totp_last_step bigint,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE quotas (
  user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  limit_bytes bigint NOT NULL CHECK (limit_bytes >= 0),
  used_bytes  bigint NOT NULL DEFAULT 0 CHECK (used_bytes >= 0)
);

CREATE TABLE refresh_tokens (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id   uuid NOT NULL,
  token_hash  text NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  replaced_at timestamptz,
  replaced_by uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
  revoked_at  timestamptz,
  user_agent  text,
  ip_address  text
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE backup_codes (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash  text NOT NULL,
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backup_codes_user_idx ON backup_codes (user_id);

CREATE TABLE documents (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  filename        text NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  content_type    text NOT NULL CHECK (length(content_type) BETWEEN 1 AND 255),
  size_bytes      bigint NOT NULL DEFAULT 0 CHECK (size_bytes >= 0),
  storage_backend text NOT NULL CHECK (storage_backend IN ('local', 's3')),
  object_key      text NOT NULL UNIQUE,
  status          text NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'uploaded', 'classified', 'classification_failed')),
  extracted_text  text,
  error           text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  confirmed_at    timestamptz,
  classified_at   timestamptz,
  UNIQUE (id, user_id)
);
CREATE INDEX documents_user_created_idx ON documents (user_id, created_at DESC);
CREATE INDEX documents_pending_idx ON documents (created_at) WHERE status = 'pending';

CREATE TABLE topics (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, user_id)
);
CREATE UNIQUE INDEX topics_user_name_key ON topics (user_id, lower(name));

CREATE TABLE document_topics (
  document_id uuid NOT NULL,
  topic_id    uuid NOT NULL,
  user_id     uuid NOT NULL,
  source      text NOT NULL CHECK (source IN ('auto', 'manual')),
  confidence  real CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, topic_id),
  FOREIGN KEY (document_id, user_id) REFERENCES documents (id, user_id) ON DELETE CASCADE,
  FOREIGN KEY (topic_id, user_id) REFERENCES topics (id, user_id) ON DELETE CASCADE
);
CREATE INDEX document_topics_topic_idx ON document_topics (topic_id);

CREATE TABLE user_settings (
  user_id       uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  provider      text NOT NULL DEFAULT 'local' CHECK (provider IN ('local', 'openai', 'anthropic', 'none')),
  model         text,
  base_url      text,
  api_key_enc   text,
  auto_classify boolean NOT NULL DEFAULT true,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
