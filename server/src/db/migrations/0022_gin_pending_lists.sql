-- GIN indexes take new entries into a pending list (fastupdate), which every search reads
-- whole and which is merged into the index only when it outgrows gin_pending_list_limit
-- (4 MB) or by VACUUM. The embedded database has no autovacuum: its lists stayed near 4 MB,
-- a search over 2,000 long texts spent half its time reading them (a one-word search 60 ms,
-- 32 ms once merged), and the insert that crossed 4 MB merged them all while holding the one
-- session (~0.8 s). On PostgreSQL autovacuum merges them, but only now and then.
--
-- Filenames: no pending list; a name's few trigrams go straight into the index.
ALTER INDEX documents_filename_trgm_idx SET (fastupdate = off);
-- Texts: a list of at most 1 MB, merged by the insert that outgrows it: a quarter of the
-- reading per search and of the merge's pause, four times as often (a 30 KB text's words
-- are ~60 kB of entries). 256 kB made storing every 500 KB text pay its own merge (+0.6 s on
-- the embedded database).
ALTER INDEX documents_search_idx SET (gin_pending_list_limit = 1024);
SELECT gin_clean_pending_list('documents_filename_trgm_idx'::regclass);
SELECT gin_clean_pending_list('documents_search_idx'::regclass);
