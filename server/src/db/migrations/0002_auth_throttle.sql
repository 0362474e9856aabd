-- Login, 2FA and registration throttling (SPEC §6). The counters live here, not in process
-- memory, so every API process in front of one PostgreSQL shares them. A bucket is a
-- fixed window: `hits` attempts since `window_started_at`; an expired window restarts at
-- the next attempt. Keys carry a hash of the account or address, never the raw value.

CREATE TABLE auth_throttle (
  bucket            text PRIMARY KEY CHECK (length(bucket) <= 200),
  hits              integer NOT NULL CHECK (hits >= 0),
  window_started_at timestamptz NOT NULL
);
CREATE INDEX auth_throttle_window_idx ON auth_throttle (window_started_at);

-- Backup codes are looked up by (user, hash) when one is spent.
CREATE INDEX backup_codes_user_hash_idx ON backup_codes (user_id, code_hash);
