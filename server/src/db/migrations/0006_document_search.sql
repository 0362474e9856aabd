-- Full-text search over a document's filename (weight A) and extracted text (weight B)
-- (issue 6). A stored generated column: PostgreSQL and PGlite keep it current on every
-- write of filename or extracted_text, with no trigger and no application code, and the
-- GIN index answers `search_vector @@ websearch_to_tsquery(...)`. Filenames are also split
-- at . _ - / \ so "invoice_2026-01.pdf" is found by "invoice"; the whole name stays too.
-- extracted_text is capped by the extraction job (200,000 characters), well inside the
-- 1 MB limit of a tsvector.
ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english'::regconfig, filename || ' ' || regexp_replace(filename, '[._/\\-]+', ' ', 'g')), 'A')
  || setweight(to_tsvector('english'::regconfig, coalesce(extracted_text, '')), 'B')
) STORED;

CREATE INDEX documents_search_idx ON documents USING gin (search_vector);
