import type { Queryable } from '../../../db/database.js';
import { styleFeatures, topTerms, weigh, type CorpusView, type Features } from './features.js';
import { DEFAULT_PARAMS, pickTopics, scoreTopics, type ClassifierParams, type TopicModel } from './local-classifier.js';
import { localModelRepository as model } from './local-model.repository.js';
import { termCounts } from './tokenize.js';

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
      return pickTopics(scores, params).map((s) => ({ topicId: s.topicId, confidence: Math.round(s.confidence * 1000) / 1000 }));
    },
  };
}

export type LocalClassifier = ReturnType<typeof createLocalClassifier>;
export type { Features };
