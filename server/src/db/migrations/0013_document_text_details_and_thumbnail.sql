-- Scanned paper (issue 15): how a document's extracted text was had, and its thumbnail.
-- text_ocr: some of the text was read by OCR; text_pages: pages of a PDF or TIFF (1 for an
-- image, NULL for files without pages or not extracted yet); text_truncated: pages past
-- OCR_MAX_PAGES or characters past the cap were left out.
-- thumbnail_key: a derived object `{user_id}/{document_id}/derived/{uuid}.webp`, never
-- charged to the quota, removed with the document; the object sweep removes one no row
-- names (unique: the sweep looks rows up by it).
ALTER TABLE documents
  ADD COLUMN text_ocr boolean NOT NULL DEFAULT false,
  ADD COLUMN text_pages integer CHECK (text_pages IS NULL OR text_pages >= 0),
  ADD COLUMN text_truncated boolean NOT NULL DEFAULT false,
  ADD COLUMN thumbnail_key text UNIQUE;
