-- The local classifier's second channel: each document's plain words (function words
-- kept, not stemmed, sublinear tf with no idf, a unit vector) — its word choice and style,
-- which tell genres apart where topic words do not (a report from an editorial, a
-- mystery from a romance). Per topic the same sufficient statistics as the first channel
-- (migration 0005), for a cosine: the summed vectors of the documents filed there by hand
-- and the squared length of that sum. No corpus statistics: the weights need no idf.
--
-- The triggers of 0005 are replaced by versions that keep both channels; documents
-- extracted before this migration have an empty style vector until they are re-extracted
-- (POST /documents/{id}/classify), and meanwhile simply add nothing to this channel.

ALTER TABLE classifier_documents
  ADD COLUMN style_terms text[] NOT NULL DEFAULT '{}',
  ADD COLUMN style_weights double precision[] NOT NULL DEFAULT '{}',
  ADD CONSTRAINT classifier_documents_style_check CHECK (cardinality(style_weights) = cardinality(style_terms));

ALTER TABLE classifier_topic_stats ADD COLUMN style_norm2 double precision NOT NULL DEFAULT 0;

CREATE TABLE classifier_topic_style_terms (
  user_id  uuid NOT NULL,
  term     text NOT NULL,
  topic_id uuid NOT NULL,
  mass     double precision NOT NULL,
  examples integer NOT NULL,
  PRIMARY KEY (user_id, term, topic_id),
  FOREIGN KEY (topic_id, user_id) REFERENCES topics (id, user_id) ON DELETE CASCADE
);
CREATE INDEX classifier_topic_style_terms_topic_idx ON classifier_topic_style_terms (topic_id);

-- Adds (1) or removes (-1) one document's style vector to or from one topic. The topic's
-- stats row is kept by classifier_learn_with: call this after it when adding, before it
-- when removing (the row may go when its last example does).
CREATE FUNCTION classifier_learn_style_with(p_user uuid, p_topic uuid, p_terms text[], p_weights double precision[], p_sign integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_dot double precision
  ; v_self double precision
; BEGIN
  IF cardinality(p_terms) = 0 THEN
    RETURN
  ; END IF
  ; SELECT coalesce(sum(tt.mass * x.w), 0) INTO v_dot
    FROM unnest(p_terms, p_weights) AS x(term, w)
    JOIN classifier_topic_style_terms tt ON tt.user_id = p_user AND tt.term = x.term AND tt.topic_id = p_topic
  ; SELECT coalesce(sum(w * w), 0) INTO v_self FROM unnest(p_weights) AS x(w)
  ; IF p_sign > 0 THEN
      INSERT INTO classifier_topic_style_terms AS tt (user_id, term, topic_id, mass, examples)
        SELECT p_user, x.term, p_topic, x.w, 1 FROM unnest(p_terms, p_weights) AS x(term, w) ORDER BY x.term
        ON CONFLICT (user_id, term, topic_id) DO UPDATE SET mass = tt.mass + excluded.mass, examples = tt.examples + 1
    ; UPDATE classifier_topic_stats SET style_norm2 = style_norm2 + 2 * v_dot + v_self
       WHERE topic_id = p_topic AND user_id = p_user
  ; ELSE
      UPDATE classifier_topic_style_terms tt SET mass = tt.mass - x.w, examples = tt.examples - 1
        FROM unnest(p_terms, p_weights) AS x(term, w)
       WHERE tt.user_id = p_user AND tt.topic_id = p_topic AND tt.term = x.term
    ; DELETE FROM classifier_topic_style_terms
       WHERE user_id = p_user AND topic_id = p_topic AND term = ANY (p_terms) AND examples <= 0
    ; UPDATE classifier_topic_stats SET style_norm2 = greatest(0, style_norm2 - 2 * v_dot + v_self)
       WHERE topic_id = p_topic AND user_id = p_user
  ; END IF
; END
$$;

-- Both channels of one document, to or from one topic.
CREATE FUNCTION classifier_learn_both(p_user uuid, p_topic uuid, f classifier_documents, p_sign integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_sign > 0 THEN
    PERFORM classifier_learn_with(p_user, p_topic, f.terms, f.weights, 1)
    ; PERFORM classifier_learn_style_with(p_user, p_topic, f.style_terms, f.style_weights, 1)
  ; ELSE
    PERFORM classifier_learn_style_with(p_user, p_topic, f.style_terms, f.style_weights, -1)
    ; PERFORM classifier_learn_with(p_user, p_topic, f.terms, f.weights, -1)
  ; END IF
; END
$$;

CREATE OR REPLACE FUNCTION classifier_learn(p_document uuid, p_topic uuid, p_user uuid, p_sign integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  f classifier_documents
; BEGIN
  SELECT * INTO f FROM classifier_documents WHERE document_id = p_document AND user_id = p_user
  ; IF FOUND THEN
    PERFORM classifier_learn_both(p_user, p_topic, f, p_sign)
  ; END IF
; END
$$;

CREATE OR REPLACE FUNCTION classifier_on_document_features() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  t record
; BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    FOR t IN SELECT topic_id FROM document_topics
              WHERE document_id = OLD.document_id AND user_id = OLD.user_id AND source = 'manual' LOOP
      PERFORM classifier_learn_both(OLD.user_id, t.topic_id, OLD, -1)
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
      PERFORM classifier_learn_both(NEW.user_id, t.topic_id, NEW, 1)
    ; END LOOP
  ; END IF
  ; RETURN NULL
; END
$$;
