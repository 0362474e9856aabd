-- Grows a kept long-texts vault (long-texts.ts, BENCH_PG_DATABASE_URL) to five times its
-- documents by copying each one four times: new ids, object keys and creation dates (copy k
-- is k × 30 days older), the same filename, text, passages and word vectors. Passages are
-- inserted as the app writes them, so their vectors are parsed again; only the vault's own
-- search index is dropped during the copy and built once after it (as a fresh database would
-- build it). Seeding 5 GB of new text through long-texts.ts takes ~80 minutes on two cores;
-- this takes about half of that, in two sessions (psql -v part=1 and part=2 side by side).
--
--   psql "$URL" -c 'DROP INDEX document_search_idx'
--   psql "$URL" -v part=1 -f grow-vault.sql & psql "$URL" -v part=2 -f grow-vault.sql; wait
--   psql "$URL" -c 'CREATE INDEX …' (see the end of this file)
\set ON_ERROR_STOP on
\timing on
SET maintenance_work_mem = '512MB';
CREATE TEMP TABLE copies AS
  SELECT d.id AS old_id, gen_random_uuid() AS new_id, k
    FROM documents d, generate_series(2 * :part - 1, 2 * :part) AS k
   WHERE d.created_at > (SELECT max(created_at) - interval '15 days' FROM documents);
INSERT INTO documents (id, user_id, filename, content_type, size_bytes, storage_backend, object_key, status,
                       extracted_text, text_vector, created_at, confirmed_at, classified_at)
SELECT c.new_id, d.user_id, d.filename, d.content_type, d.size_bytes, d.storage_backend, d.object_key || '/copy-' || c.k, d.status,
       d.extracted_text, d.text_vector, d.created_at - c.k * interval '30 days', d.confirmed_at, d.classified_at
  FROM copies c JOIN documents d ON d.id = c.old_id;
INSERT INTO document_passages (document_id, user_id, seq, body)
SELECT c.new_id, p.user_id, p.seq, p.body FROM copies c JOIN document_passages p ON p.document_id = c.old_id;
-- After both parts:
--   CREATE INDEX document_search_idx ON document_search USING gin (search_vector, created_at) WITH (gin_pending_list_limit = 1024);
--   VACUUM ANALYZE documents; VACUUM ANALYZE document_passages; VACUUM ANALYZE document_search;
