-- The local classifier's statistics (issue 6). Everything is per user and goes with the
-- user, the topic or the document it belongs to.
--
-- classifier_documents: each extracted document's features, its top terms with their
--   tf-idf weights (unit vector), written by the extract-and-classify job.
-- classifier_user_terms / classifier_user_stats: the user's corpus, from those features:
--   document frequency per term (for idf) and the summed weights (the background model).
-- classifier_topic_terms / classifier_topic_stats: per topic, the summed features of the
--   documents the user filed there BY HAND (document_topics.source = 'manual').
--
-- The sums are kept by triggers, so every path that changes an input (PATCH topic_ids, a
-- document or topic deleted, a document re-extracted, a user deleted) updates them in its
-- own transaction, with nothing recomputed: adding or removing one example touches only
-- that example's terms. Trigger bodies write `;` at line starts because the migration
-- runner splits statements at a `;` that ends a line.

CREATE TABLE classifier_documents (
  document_id uuid PRIMARY KEY,
  user_id     uuid NOT NULL,
  terms       text[] NOT NULL,
  weights     double precision[] NOT NULL CHECK (cardinality(weights) = cardinality(terms)),
  FOREIGN KEY (document_id, user_id) REFERENCES documents (id, user_id) ON DELETE CASCADE
);

CREATE TABLE classifier_user_terms (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  term    text NOT NULL,
  df      integer NOT NULL,
  mass    double precision NOT NULL,
  PRIMARY KEY (user_id, term)
);

CREATE TABLE classifier_user_stats (
  user_id   uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  documents integer NOT NULL,
  mass      double precision NOT NULL
);

CREATE TABLE classifier_topic_terms (
  user_id  uuid NOT NULL,
  term     text NOT NULL,
  topic_id uuid NOT NULL,
  mass     double precision NOT NULL,
  examples integer NOT NULL,
  PRIMARY KEY (user_id, term, topic_id),
  FOREIGN KEY (topic_id, user_id) REFERENCES topics (id, user_id) ON DELETE CASCADE
);
CREATE INDEX classifier_topic_terms_topic_idx ON classifier_topic_terms (topic_id);

-- norm2 is the squared length of the topic's summed vector, kept exactly as examples come
-- and go (|S ± x|² = |S|² ± 2 S·x + |x|²), so a cosine needs no scan of the topic's terms.
CREATE TABLE classifier_topic_stats (
  topic_id uuid PRIMARY KEY,
  user_id  uuid NOT NULL,
  examples integer NOT NULL,
  mass     double precision NOT NULL,
  norm2    double precision NOT NULL,
  FOREIGN KEY (topic_id, user_id) REFERENCES topics (id, user_id) ON DELETE CASCADE
);

-- Adds (p_sign = 1) or removes (-1) one document's features to or from one topic. Only
-- UPDATEs on removal: during a cascade the topic row may already be gone.
CREATE FUNCTION classifier_learn_with(p_user uuid, p_topic uuid, p_terms text[], p_weights double precision[], p_sign integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_dot double precision
  ; v_self double precision
  ; v_mass double precision
; BEGIN
  SELECT coalesce(sum(tt.mass * x.w), 0) INTO v_dot
    FROM unnest(p_terms, p_weights) AS x(term, w)
    JOIN classifier_topic_terms tt ON tt.user_id = p_user AND tt.term = x.term AND tt.topic_id = p_topic
  ; SELECT coalesce(sum(w * w), 0), coalesce(sum(w), 0) INTO v_self, v_mass FROM unnest(p_weights) AS x(w)
  ; IF p_sign > 0 THEN
      INSERT INTO classifier_topic_terms AS tt (user_id, term, topic_id, mass, examples)
        SELECT p_user, x.term, p_topic, x.w, 1 FROM unnest(p_terms, p_weights) AS x(term, w) ORDER BY x.term
        ON CONFLICT (user_id, term, topic_id) DO UPDATE SET mass = tt.mass + excluded.mass, examples = tt.examples + 1
    ; INSERT INTO classifier_topic_stats AS s (topic_id, user_id, examples, mass, norm2)
        VALUES (p_topic, p_user, 1, v_mass, v_self)
        ON CONFLICT (topic_id) DO UPDATE SET examples = s.examples + 1, mass = s.mass + v_mass,
          norm2 = s.norm2 + 2 * v_dot + v_self
  ; ELSE
      UPDATE classifier_topic_terms tt SET mass = tt.mass - x.w, examples = tt.examples - 1
        FROM unnest(p_terms, p_weights) AS x(term, w)
       WHERE tt.user_id = p_user AND tt.topic_id = p_topic AND tt.term = x.term
    ; DELETE FROM classifier_topic_terms
       WHERE user_id = p_user AND topic_id = p_topic AND term = ANY (p_terms) AND examples <= 0
    ; UPDATE classifier_topic_stats SET examples = examples - 1, mass = greatest(0, mass - v_mass),
        norm2 = greatest(0, norm2 - 2 * v_dot + v_self)
       WHERE topic_id = p_topic AND user_id = p_user
    ; DELETE FROM classifier_topic_stats WHERE topic_id = p_topic AND user_id = p_user AND examples <= 0
  ; END IF
; END
$$;

-- The same, for a document whose stored features are used (none stored yet: nothing to learn).
CREATE FUNCTION classifier_learn(p_document uuid, p_topic uuid, p_user uuid, p_sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  f record
; BEGIN
  SELECT terms, weights INTO f FROM classifier_documents WHERE document_id = p_document AND user_id = p_user
  ; IF FOUND THEN
    PERFORM classifier_learn_with(p_user, p_topic, f.terms, f.weights, p_sign)
  ; END IF
; END
$$;

-- A manual assignment made, removed, or turned from automatic into manual (or back).
CREATE FUNCTION classifier_on_document_topic() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.source = 'manual' THEN
    PERFORM classifier_learn(OLD.document_id, OLD.topic_id, OLD.user_id, -1)
  ; END IF
  ; IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.source = 'manual' THEN
    PERFORM classifier_learn(NEW.document_id, NEW.topic_id, NEW.user_id, 1)
  ; END IF
  ; RETURN NULL
; END
$$;

CREATE TRIGGER document_topics_classifier
  AFTER INSERT OR DELETE OR UPDATE OF source, topic_id, document_id ON document_topics
  FOR EACH ROW EXECUTE FUNCTION classifier_on_document_topic();

-- A document's features written, replaced or removed: the corpus statistics follow, and so
-- do the topics it was filed under by hand.
CREATE FUNCTION classifier_on_document_features() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  t record
; BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    FOR t IN SELECT topic_id FROM document_topics
              WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND source = 'manual' LOOP
      PERFORM classifier_learn_with(OLD.user_id, t.topic_id, OLD.terms, OLD.weights, -1)
    ; END LOOP
    ; UPDATE classifier_user_terms ut SET df = ut.df - 1, mass = ut.mass - x.w
        FROM unnest(OLD.terms, OLD.weights) AS x(term, w)
       WHERE ut.user_id = OLD.user_id AND ut.term = x.term
    ; DELETE FROM classifier_user_terms WHERE user_id = OLD.user_id AND term = ANY (OLD.terms) AND df <= 0
    ; UPDATE classifier_user_stats SET documents = documents - 1,
        mass = greatest(0, mass - (SELECT coalesce(sum(w), 0) FROM unnest(OLD.weights) AS x(w)))
       WHERE user_id = OLD.user_id
  ; END IF
  ; IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO classifier_user_terms AS ut (user_id, term, df, mass)
      SELECT NEW.user_id, x.term, 1, x.w FROM unnest(NEW.terms, NEW.weights) AS x(term, w) ORDER BY x.term
      ON CONFLICT (user_id, term) DO UPDATE SET df = ut.df + 1, mass = ut.mass + excluded.mass
    ; INSERT INTO classifier_user_stats AS s (user_id, documents, mass)
      VALUES (NEW.user_id, 1, (SELECT coalesce(sum(w), 0) FROM unnest(NEW.weights) AS x(w)))
      ON CONFLICT (user_id) DO UPDATE SET documents = s.documents + 1, mass = s.mass + excluded.mass
    ; FOR t IN SELECT topic_id FROM document_topics
              WHERE document_id = NEW.document_id AND user_id = NEW.user_id AND source = 'manual' LOOP
      PERFORM classifier_learn_with(NEW.user_id, t.topic_id, NEW.terms, NEW.weights, 1)
    ; END LOOP
  ; END IF
  ; RETURN NULL
; END
$$;

CREATE TRIGGER classifier_documents_stats
  AFTER INSERT OR DELETE OR UPDATE ON classifier_documents
  FOR EACH ROW EXECUTE FUNCTION classifier_on_document_features();

-- A document deleted on its own: its manual assignments and its features go first, one
-- statement each, so the triggers above subtract them while the other still exists. (The
-- foreign-key cascades alone would not do: PostgreSQL fires the triggers of cascaded
-- deletes only after every cascade has run, when neither row is there to read.) When the
-- whole user goes, every statistic goes with the user, and nothing needs subtracting.
CREATE FUNCTION classifier_on_document_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN
    DELETE FROM document_topics WHERE document_id = OLD.id AND user_id = OLD.user_id
    ; DELETE FROM classifier_documents WHERE document_id = OLD.id AND user_id = OLD.user_id
  ; END IF
  ; RETURN OLD
; END
$$;

CREATE TRIGGER documents_classifier_delete
  BEFORE DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION classifier_on_document_delete();
