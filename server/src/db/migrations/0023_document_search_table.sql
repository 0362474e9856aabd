-- Search's own narrow table (issue 12: 100,000 long documents of one user).
--
-- A search counts every hit and takes the newest of them to rank (document-search.ts), so it
-- reads each hit's heap row once. Those rows were the documents' own: ~3 KB each (the rank
-- vector is kept in the row, 0020), so a word in 93% of 20,000 documents read 7,000 pages
-- (40 ms warm) and would read 35,000 at 100,000 documents. Here a hit's row is ~90 bytes —
-- the id, the owner, the creation time, whether it is in the trash, and the out-of-line
-- search vector — so the same search reads ~230 pages (the count: 7 ms).
--
-- The index also holds created_at (btree_gin): a search takes the newest hits from the
-- owner's newest documents first (`created_at >= bound` inside the same index scan) instead
-- of ordering all of them.
--
-- documents keeps text_vector (the text's words) and rank_vector; search_vector moves here,
-- kept by a trigger on every write that changes it (the filename, the text, the trash).
CREATE TABLE document_search (
  document_id uuid PRIMARY KEY,
  user_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  trashed boolean NOT NULL,
  search_vector tsvector NOT NULL,
  FOREIGN KEY (document_id, user_id) REFERENCES documents (id, user_id) ON DELETE CASCADE
) WITH (toast_tuple_target = 128);

-- (Statements inside the body end mid-line: migrations are split at a ";" that ends a line.)
CREATE FUNCTION documents_search_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO document_search (document_id, user_id, created_at, trashed, search_vector)
    VALUES (NEW.id, NEW.user_id, NEW.created_at, NEW.trashed_at IS NOT NULL,
            search_document_vector(NEW.user_id, NEW.filename, NEW.text_vector)); ELSIF NEW.filename IS DISTINCT FROM OLD.filename OR NEW.text_vector IS DISTINCT FROM OLD.text_vector THEN
    UPDATE document_search SET trashed = NEW.trashed_at IS NOT NULL,
           search_vector = search_document_vector(NEW.user_id, NEW.filename, NEW.text_vector)
     WHERE document_id = NEW.id; ELSIF (NEW.trashed_at IS NULL) IS DISTINCT FROM (OLD.trashed_at IS NULL) THEN
    UPDATE document_search SET trashed = NEW.trashed_at IS NOT NULL WHERE document_id = NEW.id; END IF; RETURN NULL; END
$$;

-- extracted_text is listed because a BEFORE trigger (0019) may set text_vector from it, and
-- an UPDATE OF trigger sees only the columns the statement itself sets.
CREATE TRIGGER documents_search_row AFTER INSERT OR UPDATE OF filename, extracted_text, text_vector, trashed_at ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_search_row();

INSERT INTO document_search (document_id, user_id, created_at, trashed, search_vector)
SELECT id, user_id, created_at, trashed_at IS NOT NULL, search_vector FROM documents;

DROP INDEX documents_search_idx;
ALTER TABLE documents DROP COLUMN search_vector;

-- Same pending-list bound as 0022 gave the index it replaces.
CREATE INDEX document_search_idx ON document_search USING gin (search_vector, created_at) WITH (gin_pending_list_limit = 1024);
