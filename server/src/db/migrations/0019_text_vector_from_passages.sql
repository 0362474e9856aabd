-- Storing a long text without holding the database (issue 12).
--
-- Until now search_vector was generated from the whole text: storing a 500 KB text parsed it
-- in one statement (twice: English and simple), and its passages (0010) parsed it again.
-- On the embedded database that one statement held the only session for a second or more.
--
-- Now the text's words are `text_vector`, assembled from the passages' own vectors, which
-- the application writes a few passages per statement before the transaction that stores
-- the text (classification.repository). Assembling concatenates vectors already parsed, in
-- one short statement; search_vector is that plus the owner's key and the filename's words,
-- as before, and keeps its GIN index and meaning.
--
-- A row written otherwise (an INSERT or UPDATE of extracted_text that does not set
-- text_vector) gets it parsed from the text by a trigger, as before.
ALTER TABLE documents ADD COLUMN text_vector tsvector;

-- Concatenation in order: positions continue from one passage to the next.
CREATE AGGREGATE search_vector_agg(tsvector) (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');

-- The text's words (weight B) parsed from the text; a text whose words do not fit a tsvector
-- (1 MB) keeps the English half, then a cut one (as 0010's search_document_vector).
CREATE FUNCTION search_text_vector(body text) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN setweight(search_words(body), 'B'); EXCEPTION WHEN program_limit_exceeded THEN
  BEGIN
    RETURN setweight(to_tsvector('english'::regconfig, body), 'B'); EXCEPTION WHEN program_limit_exceeded THEN
    RETURN setweight(to_tsvector('english'::regconfig, left(body, 200000)), 'B'); END; END
$$;

-- The text's words from the document's passages (no parsing); from the text itself when
-- they do not fit one tsvector.
CREATE FUNCTION search_passages_vector(doc uuid, body text) RETURNS tsvector LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT setweight(search_vector_agg(p.vector ORDER BY p.seq), 'B') FROM document_passages p WHERE p.document_id = doc); EXCEPTION WHEN program_limit_exceeded THEN
  RETURN search_text_vector(body); END
$$;

CREATE FUNCTION documents_text_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.extracted_text IS NULL THEN NEW.text_vector := NULL; ELSIF TG_OP = 'INSERT' THEN
    IF NEW.text_vector IS NULL THEN NEW.text_vector := search_text_vector(NEW.extracted_text); END IF; ELSIF NEW.extracted_text IS DISTINCT FROM OLD.extracted_text AND NEW.text_vector IS NOT DISTINCT FROM OLD.text_vector THEN
    NEW.text_vector := search_text_vector(NEW.extracted_text); END IF; RETURN NEW; END
$$;

CREATE TRIGGER documents_text_vector BEFORE INSERT OR UPDATE OF extracted_text, text_vector ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_text_vector();

-- The texts already stored: their passages exist (0010), so no text is parsed again.
UPDATE documents d SET text_vector = search_passages_vector(d.id, d.extracted_text) WHERE d.extracted_text IS NOT NULL;

-- search_vector as before (owner's key, filename A, text B), from text_vector. Should the
-- three not fit one tsvector, the filename's words give way, then the text's.
CREATE FUNCTION search_document_vector(owner uuid, filename text, text_vector tsvector) RETURNS tsvector LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN search_key('owner', owner) || search_filename_words(filename) || coalesce(text_vector, ''); EXCEPTION WHEN program_limit_exceeded THEN
  BEGIN
    RETURN search_key('owner', owner) || coalesce(text_vector, ''); EXCEPTION WHEN program_limit_exceeded THEN
    RETURN search_key('owner', owner) || search_filename_words(filename); END; END
$$;

DROP INDEX documents_search_idx;
ALTER TABLE documents DROP COLUMN search_vector;
DROP FUNCTION search_document_vector(uuid, text, text);
ALTER TABLE documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (search_document_vector(user_id, filename, text_vector)) STORED;
CREATE INDEX documents_search_idx ON documents USING gin (search_vector);
