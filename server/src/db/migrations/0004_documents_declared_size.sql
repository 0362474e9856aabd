-- The size a client declared at upload-url (size_bytes), kept on the pending row so that
-- confirm can refuse an object of any other size even where the backend could not enforce
-- the bound (a chunked PUT to S3 may exceed a signed Content-Length). NULL = none declared.
ALTER TABLE documents ADD COLUMN declared_bytes bigint CHECK (declared_bytes IS NULL OR declared_bytes >= 0);
