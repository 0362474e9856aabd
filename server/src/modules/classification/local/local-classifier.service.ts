import type { Queryable } from '../../../db/database.js';
import { styleFeatures, topTerms, weigh, type CorpusView, type Features } from './features.js';
import { DEFAULT_PARAMS, pickTopics, scoreTopics, type ClassifierParams, type TopicModel } from './local-classifier.js';
import { localModelRepository as model } from './local-model.repository.js';
import { termCounts } from './tokenize.js';

/**
 * Negative examples. When the user takes a document out of a topic the classifier chose,
 * that document becomes a counter-example for the topic: a new document is filed there
 * with its confidence scaled by (1 − s), s its greatest cosine to the topic's
 * counter-examples, and not at all when s ≥ NEGATIVE_VETO — a near copy of a document the
 * user said does not belong is not put back by its look-alike. The topic sums (learnt from
 * manual filings only) are left as they are: a rejection says what a topic is not, not what
 * it is. The newest MAX_NEGATIVES rejections of the user are read.
 */
export const NEGATIVE_VETO = 0.5;
const MAX_NEGATIVES = 200;

function maxSimilarity(doc: Features, others: { terms: string[]; weights: number[] }[]): number {
  if (others.length === 0) return 0;
  const w = new Map(doc.terms.map((t, i) => [t, doc.weights[i]!]));
  let best = 0;
  for (const o of others) {
    let dot = 0;
    for (let i = 0; i < o.terms.length; i++) dot += (w.get(o.terms[i]!) ?? 0) * Number(o.weights[i]);
    best = Math.max(best, dot);
  }
  return best;
}

export interface LocalPick {
  topicId: string;
  confidence: number;
}

/**
 * The local classifier against the database: computes a document's features from the
 * user's corpus, stores them (the triggers of migrations 0005 and 0008 update the corpus and, for
 * manually filed documents, the topics), and scores the user's topics. Every query names
 * the user; nothing of another user's corpus or topics is ever read.
 */
export function createLocalClassifier(opts: { params?: ClassifierParams } = {}) {
  const params = opts.params ?? DEFAULT_PARAMS;

  return {
    /**
     * Stores the document's features and returns the topics to assign. Call inside one
     * transaction. Idempotent: the document's own earlier features are left out of the
     * corpus it is weighed against, so a second run computes the same features.
     */
    async learnAndClassify(tx: Queryable, d: { documentId: string; userId: string; text: string }): Promise<LocalPick[]> {
      const counts = topTerms(d.text);
      const topics = await model.topics(tx, d.userId);
      const priorCounts = new Map(topics.map((t) => [t.id, termCounts(`${t.name}. ${t.description}`)]));
      const allTerms = [...new Set([...counts.keys(), ...[...priorCounts.values()].flatMap((c) => [...c.keys()])])];

      const previous = await model.featuresOf(tx, d);
      const before = await model.corpus(tx, d.userId, allTerms);
      const own = new Set(previous?.terms ?? []);
      const corpus: CorpusView = {
        documents: before.documents - (previous ? 1 : 0),
        df: (t) => (before.terms.get(t)?.df ?? 0) - (own.has(t) ? 1 : 0),
      };
      const features = weigh(counts, corpus);
      const style = styleFeatures(d.text);
      await model.saveFeatures(tx, { documentId: d.documentId, userId: d.userId, features, style });
      if (topics.length === 0 || features.terms.length === 0) return [];

      // After the save the corpus includes this document (its own words have mass > 0).
      const after = await model.corpus(tx, d.userId, features.terms);
      const termMass = await model.topicTermMass(tx, d.userId, allTerms);
      const styleMass = await model.topicTermMass(tx, d.userId, style.terms, 'style');
      const models: TopicModel[] = topics.map((t) => ({
        id: t.id,
        prior: weigh(priorCounts.get(t.id)!, corpus),
        examples: t.examples,
        mass: t.mass,
        norm2: t.norm2,
        termMass: termMass.get(t.id) ?? new Map(),
        style: { norm2: t.style_norm2, termMass: styleMass.get(t.id) ?? new Map() },
      }));
      const scores = scoreTopics(
        { ...features, style },
        models,
        {
          documents: after.documents,
          totalMass: after.mass,
          termMass: (t) => after.terms.get(t)?.mass ?? 0,
        },
        params,
      );
      const picks = pickTopics(scores, params);
      const negatives = picks.length === 0 ? [] : await model.rejections(tx, { userId: d.userId, exceptDocumentId: d.documentId, limit: MAX_NEGATIVES });
      return picks.flatMap((s) => {
        const likeRejected = maxSimilarity(features, negatives.filter((n) => n.topic_id === s.topicId));
        if (likeRejected >= NEGATIVE_VETO) return [];
        return [{ topicId: s.topicId, confidence: Math.round(s.confidence * (1 - likeRejected) * 1000) / 1000 }];
      });
    },
  };
}

export type LocalClassifier = ReturnType<typeof createLocalClassifier>;
export type { Features };
