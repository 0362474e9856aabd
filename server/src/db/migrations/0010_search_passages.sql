-- Search over long texts (issue 12, SPEC §7.5).
--
-- 1. search_vector (which documents match, and the exact total) now holds each word twice:
--    English-stemmed and as typed (the `simple` configuration), so a German or French word is
--    found as written and an English one by its stem. A text whose words do not fit one
--    tsvector (1 MB of distinct words) keeps the English half only, then a cut one, rather
--    than failing the write. Re-adding the generated column recomputes it for every row.
-- 2. rank_vector: the same over the filename and the first 3,000 characters only. Ranking
--    reads it instead of search_vector, so the cost of ranking a hit does not grow with the
--    length of its text (a 500 KB text's vector is ~0.5 MB to de-TOAST; this one ~2 KB).
-- 3. document_passages: the text cut into passages of about 2,000 characters, each with its
--    own vector. A snippet is made from the first passage that holds the words (read in
--    order), so ts_headline reads a few hundred characters of it, never the whole text. The application writes them with the text
--    (classification.repository); existing texts are cut here, once.
-- 4. pg_trgm: filenames are also matched fuzzily ("nvoice_2026" finds "invoice_2026-01.pdf").
--    pg_trgm is a trusted extension (PostgreSQL 13+); PGlite ships it.
-- 5. The per-user GIN index (0007) gives way to an owner's key inside search_vector (below).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION search_words(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('english'::regconfig, t) || to_tsvector('simple'::regconfig, t)
$$;

CREATE FUNCTION search_filename_words(filename text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(search_words(filename || ' ' || regexp_replace(filename, '[._/\\-]+', ' ', 'g')), 'A')
$$;

-- (The migration runner splits statements at a semicolon that ends a line, so the body keeps
-- its semicolons inside lines.)
-- The owner's key: a lexeme no parsed word can equal (it holds spaces). Matching
-- `vector @@ (query && key)` intersects the word's postings with the owner's inside the GIN
-- index, the way a (user_id, vector) index would — but unlike one, no plan can use the
-- index for the owner alone and test every row's vector, which the planner (it does not
-- cost de-TOASTing a long text's vector) otherwise prefers: 300 rows of 50 KB texts took
-- 25 ms that way, 0.5 ms through the index.
CREATE FUNCTION search_key(kind text, id uuid) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_to_tsvector(ARRAY[' ' || kind || ' ' || id::text])
$$;

CREATE FUNCTION search_document_vector(owner uuid, filename text, body text) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN search_key('owner', owner) || search_filename_words(filename) || setweight(search_words(coalesce(body, '')), 'B'); EXCEPTION WHEN program_limit_exceeded THEN
  BEGIN
    RETURN search_key('owner', owner) || search_filename_words(filename) || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B'); EXCEPTION WHEN program_limit_exceeded THEN
    RETURN search_key('owner', owner) || search_filename_words(filename) || setweight(to_tsvector('english'::regconfig, left(body, 200000)), 'B'); END; END
$$;

DROP INDEX IF EXISTS documents_user_search_idx;
ALTER TABLE documents DROP COLUMN search_vector;
ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (search_document_vector(user_id, filename, extracted_text)) STORED;
ALTER TABLE documents ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
  search_filename_words(filename) || setweight(search_words(left(coalesce(extracted_text, ''), 3000)), 'B')
) STORED;
-- Filenames by trigram, for all users: a name typed inexactly matches few names.
CREATE INDEX documents_search_idx ON documents USING gin (search_vector);
CREATE INDEX documents_filename_trgm_idx ON documents USING gin (filename gin_trgm_ops);

CREATE TABLE document_passages (
  document_id uuid NOT NULL,
  user_id     uuid NOT NULL,
  seq         integer NOT NULL,
  body        text NOT NULL,
  vector      tsvector GENERATED ALWAYS AS (search_words(body)) STORED,
  PRIMARY KEY (document_id, seq),
  FOREIGN KEY (document_id, user_id) REFERENCES documents (id, user_id) ON DELETE CASCADE
);
-- No index on the passages' vectors: a snippet reads one document's passages in order (by
-- the primary key) until one matches, which is usually the first.

-- The texts already stored, cut at whitespace into passages of about 2,000 characters (a
-- run of more than 4,000 characters without whitespace is cut short). New texts are cut by
-- the application (search-passages.ts) the same way, without this function's cost.
CREATE FUNCTION search_passages_of(t text) RETURNS TABLE (seq integer, body text) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (c / 2000)::int, left(string_agg(w, ' ' ORDER BY n), 4000)
    FROM (SELECT w, n, sum(length(w) + 1) OVER (ORDER BY n) - length(w) - 1 AS c
            FROM regexp_split_to_table(t, '\s+') WITH ORDINALITY AS x(w, n)
           WHERE w <> '') s
   GROUP BY c / 2000
$$;

INSERT INTO document_passages (document_id, user_id, seq, body)
SELECT d.id, d.user_id, p.seq, p.body
  FROM documents d CROSS JOIN LATERAL search_passages_of(d.extracted_text) p
 WHERE d.extracted_text IS NOT NULL;
