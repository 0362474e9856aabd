import type { Features } from './features.js';

/**
 * The local classifier: offline, per user, no model to download.
 *
 * Method. Every document is a unit vector of sublinear tf-idf weights over its stemmed
 * words (features.ts). A topic is summarised by sufficient statistics only: the summed
 * vectors of the documents the user filed there by hand, how many there are, the summed
 * weight ("mass") and the squared length of the sum. The topic's name and description
 * are one more pseudo-document, weighted like `priorWeight` examples: a Bayesian prior
 * that lets the classifier work from the first document and that real examples outweigh
 * as they come. Two standard experts read these statistics:
 *
 *  1. a multinomial naive Bayes with Dirichlet smoothing towards the user's own corpus
 *     (Zhai & Lafferty's smoothing for language models): per term the log ratio of the
 *     topic's probability to the corpus' probability, so words common everywhere cancel
 *     out and a document scores > 0 only where the topic explains it better than the
 *     user's documents at large;
 *  2. a Rocchio nearest centroid: the cosine between the document and the topic's summed
 *     vector.
 *
 * Each expert's scores become a distribution over the topics by a softmax, and the two
 * are mixed (a linear opinion pool) with a credibility weight λ = n / (n + n₀), n the mean
 * number of examples per topic: naive Bayes estimates a whole word distribution per
 * topic, which needs data — with few examples its variance is high and the centroid (more
 * bias, far less variance) is the better judge; with many the roles swap. (The same
 * weighting as Bühlmann credibility or James–Stein shrinkage.) The mix is the topic's
 * confidence, in [0, 1].
 *
 * Learning is incremental: a manual (un)assignment adds (subtracts) one vector to (from)
 * one topic's sums, in the database, in the same transaction (see migration 0005); a
 * classification reads only the rows of the document's own terms. Nothing is retrained.
 *
 * Threshold rule (pickTopics): a topic is assigned when (a) there is evidence for it: the
 * cosine between the document and the topic is at least 0.05 (a document sharing no
 * weighted word with a topic, or only a stray common one, gets nothing), (b) its pooled
 * confidence is above uniform (1/K for K topics: the experts prefer it to a blind guess),
 * and (c) it is within 75% of the best topic's confidence; at most three topics. So a
 * document that matches no topic gets none, and a near tie files it under both.
 */
export interface ClassifierParams {
  /** The name + description pseudo-document counts like this many examples. */
  priorWeight: number;
  /** Dirichlet smoothing mass, in units of one document's weight mass. */
  smoothing: number;
  /** Softmax sharpness of the naive Bayes scores and of the cosines. */
  nbSharpness: number;
  cosineSharpness: number;
  /** n₀: naive Bayes gets weight n / (n + n₀) for n examples per topic on average. */
  credibility: number;
  maxTopics: number;
  /** (c) above: a topic within this fraction of the best one's confidence is assigned too. */
  closeToBest: number;
  /** (a) above: the least cosine that counts as evidence. */
  minCosine: number;
}

export const DEFAULT_PARAMS: ClassifierParams = {
  priorWeight: 1,
  smoothing: 1,
  nbSharpness: 1,
  cosineSharpness: 300,
  credibility: 20,
  maxTopics: 3,
  closeToBest: 0.75,
  minCosine: 0.05,
};

/** What the classifier needs to know about one topic, restricted to the document's terms. */
export interface TopicModel {
  id: string;
  /** The topic's name + description as a pseudo-document (may be empty). */
  prior: Features;
  /** Learned sums over manual examples. */
  examples: number;
  mass: number;
  norm2: number;
  /** Summed learned weight of each term (only the terms asked for need be present). */
  termMass: Map<string, number>;
}

/** The user's corpus for the document's terms: summed weights, and the total. */
export interface Background {
  documents: number;
  totalMass: number;
  termMass(term: string): number;
}

export interface TopicScore {
  topicId: string;
  /** Naive Bayes log-ratio score against the background (> 0: better than the background). */
  nb: number;
  cosine: number;
  /** Pooled probability in [0, 1]; the scores of all topics sum to 1. */
  confidence: number;
}

function softmax(xs: number[], sharpness: number): number[] {
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(sharpness * (x - max)));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / z);
}

/** Scores every topic for one document. */
export function scoreTopics(doc: Features, topics: TopicModel[], background: Background, p = DEFAULT_PARAMS): TopicScore[] {
  if (topics.length === 0) return [];
  // One average document's mass of smoothing per unit of `smoothing`.
  const mu = p.smoothing * (background.documents > 0 ? background.totalMass / background.documents : 1);
  const nb: number[] = [];
  const cos: number[] = [];
  for (const topic of topics) {
    const prior = new Map(topic.prior.terms.map((t, i) => [t, p.priorWeight * topic.prior.weights[i]!]));
    const priorMass = [...prior.values()].reduce((a, b) => a + b, 0);
    const priorNorm2 = [...prior.values()].reduce((a, b) => a + b * b, 0);
    // |S + βd|² = |S|² + 2 S·βd + |βd|², with S·βd over the prior's terms.
    let crossTerm = 0;
    for (const [t, w] of prior) crossTerm += (topic.termMass.get(t) ?? 0) * w;
    const mass = topic.mass + priorMass;
    const norm = Math.sqrt(Math.max(0, topic.norm2 + 2 * crossTerm + priorNorm2)) || 1;
    let s = 0;
    let dot = 0;
    for (let i = 0; i < doc.terms.length; i++) {
      const t = doc.terms[i]!;
      const q = doc.weights[i]!;
      const m = (topic.termMass.get(t) ?? 0) + (prior.get(t) ?? 0);
      // The document itself is part of the corpus, so its terms have mass > 0; the floor only guards.
      const pBg = Math.max(background.termMass(t), 1e-9) / Math.max(background.totalMass, 1e-9);
      s += q * Math.log((m + mu * pBg) / ((mass + mu) * pBg));
      dot += q * m;
    }
    nb.push(s);
    cos.push(dot / norm);
  }
  const pNb = softmax(nb, p.nbSharpness);
  const pCos = softmax(cos, p.cosineSharpness);
  const n = topics.reduce((a, t) => a + t.examples, 0) / topics.length;
  const lambda = n / (n + p.credibility);
  return topics.map((t, i) => ({
    topicId: t.id,
    nb: nb[i]!,
    cosine: cos[i]!,
    confidence: lambda * pNb[i]! + (1 - lambda) * pCos[i]!,
  }));
}

/** The threshold rule of the doc comment above: the topics to assign, best first. */
export function pickTopics(scores: TopicScore[], p = DEFAULT_PARAMS): TopicScore[] {
  if (scores.length === 0) return [];
  const sorted = [...scores].sort((a, b) => b.confidence - a.confidence);
  const best = sorted[0]!.confidence;
  const aboveUniform = (s: TopicScore) => scores.length === 1 || s.confidence > 1 / scores.length;
  return sorted
    .filter((s) => s.cosine >= p.minCosine && aboveUniform(s) && s.confidence >= p.closeToBest * best)
    .slice(0, p.maxTopics);
}

/** The single best topic regardless of thresholds (what the accuracy benchmark scores). */
export function bestTopic(scores: TopicScore[]): TopicScore | undefined {
  return [...scores].sort((a, b) => b.confidence - a.confidence)[0];
}
