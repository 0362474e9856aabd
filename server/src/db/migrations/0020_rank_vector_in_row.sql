-- Ranking reads rank_vector for every hit of a rank window (up to 1,000 rows per search,
-- document-search.ts). Over the filename and the first 3,000 characters it was ~6 KB, kept
-- out of line: reading 1,000 of them (TOAST lookups) took ~16 ms, half of a search over long
-- texts. Now it covers the filename and the first 1,000 characters (~2.4 KB: the heading and
-- opening, where a document says what it is) and stays in the row (STORAGE MAIN), where 1,000
-- of them rank in ~3 ms. The longer columns (text, vectors) still go out of line first.
ALTER TABLE documents DROP COLUMN rank_vector;
ALTER TABLE documents ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
  search_filename_words(filename) || setweight(search_words(left(coalesce(extracted_text, ''), 1000)), 'B')
) STORED, ALTER COLUMN rank_vector SET STORAGE MAIN;
