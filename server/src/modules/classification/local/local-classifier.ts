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
 *     vector;
 *  3. a second nearest centroid over the document's plain words (function words kept, not
 *     stemmed, no idf: features.ts, styleFeatures) — its style, which tells genres apart
 *     where topic words do not (a report from an editorial, a mystery from a romance). It
 *     learns from examples only; it has no opinion on a topic without any, which keeps the
 *     share expert 2 gives it.
 *
 * Each expert's scores become a distribution over the topics by a softmax, and they are
 * mixed (a linear opinion pool) with credibility weights of the form n / (n + n₀), n the
 * mean number of examples per topic: naive Bayes gets λ = n / (n + n₀) — it estimates a
 * whole word distribution per topic, which needs data; with few examples its variance is
 * high and the centroids (more bias, far less variance) are the better judges, with many
 * the roles swap (the weighting of Bühlmann credibility or James–Stein shrinkage). The
 * centroids share 1 − λ, the style channel's part of it growing the same way with its own
 * n₀ (it has no prior to start from). The mix is the topic's confidence, in [0, 1].
 *
 * Learning is incremental: a manual (un)assignment adds (subtracts) one vector to (from)
 * one topic's sums, in the database, in the same transaction (see migrations 0005 and 0008); a
 * classification reads only the rows of the document's own terms. Nothing is retrained.
 *
 * Threshold rule (pickTopics): a topic is assigned when (a) there is evidence for it: the
 * cosine between the document and the topic is at least 0.05 (a document sharing no
 * weighted word with a topic, or only a stray common one, gets nothing), (b) its pooled
 * confidence is above uniform (1/K for K topics: the experts prefer it to a blind guess),
 * (c) it is within 75% of the best topic's confidence, and (d) at least two of the
 * document's terms are words of the topic (MIN_SHARED_TERMS): one word — a file with no
 * text whose name happens to contain "record" or "document" — is a coincidence, not
 * evidence, and the document is left unfiled rather than guessed. At most three topics. So
 * a document that matches no topic gets none, and a near tie files it under both.
 */
/**
 * (d) below: the evidence floor, measured in bench/classifier-floor (figures in its README).
 * On Brown and SpamAssassin, files with no text under meaningless names ("Screen Recording
 * 2024-03-12", "document (3)", "program") were filed 3–7% of the time on one shared word,
 * with a pooled confidence of up to 1.0 — the confidence is relative to the other topics and
 * cannot tell one word from a letter — while real-length documents share dozens of terms with
 * the topic they are filed under. Two shared terms file none of those names and leave the
 * real documents' figures unchanged; a name of two topic words ("boarding-pass") still files.
 */
export const MIN_SHARED_TERMS = 2;

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
  /** Softmax sharpness of the style cosines, and the n₀ of the style channel's share. */
  styleSharpness: number;
  styleCredibility: number;
  maxTopics: number;
  /** (c) above: a topic within this fraction of the best one's confidence is assigned too. */
  closeToBest: number;
  /** (a) above: the least cosine that counts as evidence. */
  minCosine: number;
  /** A floor on the pooled confidence (0: none; bench/classifier-floor measured it and found no use for one). */
  minConfidence: number;
  /** (d) above: how many of the document's terms the topic must share with it (its name, description or examples). */
  minSharedTerms: number;
}

export const DEFAULT_PARAMS: ClassifierParams = {
  priorWeight: 1,
  smoothing: 1,
  nbSharpness: 1,
  cosineSharpness: 300,
  credibility: 40,
  styleSharpness: 300,
  styleCredibility: 10,
  maxTopics: 3,
  closeToBest: 0.75,
  minCosine: 0.05,
  minConfidence: 0,
  minSharedTerms: MIN_SHARED_TERMS,
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
  /** The style channel's learned sums (absent or norm2 0: no examples with a style vector). */
  style?: { norm2: number; termMass: Map<string, number> };
}

/** A document as scored: its terms and, for the style channel, its plain words. */
export interface DocumentFeatures extends Features {
  style?: Features;
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
  /** How many of the document's terms the topic knows (from its name, description or examples). */
  shared: number;
  /** Style cosine (0 for a topic the style channel knows nothing of). */
  styleCosine: number;
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
export function scoreTopics(
  doc: DocumentFeatures,
  topics: TopicModel[],
  background: Background,
  p = DEFAULT_PARAMS,
): TopicScore[] {
  if (topics.length === 0) return [];
  // One average document's mass of smoothing per unit of `smoothing`.
  const mu = p.smoothing * (background.documents > 0 ? background.totalMass / background.documents : 1);
  const nb: number[] = [];
  const cos: number[] = [];
  const shared: number[] = [];
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
    let known = 0;
    for (let i = 0; i < doc.terms.length; i++) {
      const t = doc.terms[i]!;
      const q = doc.weights[i]!;
      const m = (topic.termMass.get(t) ?? 0) + (prior.get(t) ?? 0);
      // The document itself is part of the corpus, so its terms have mass > 0; the floor only guards.
      const pBg = Math.max(background.termMass(t), 1e-9) / Math.max(background.totalMass, 1e-9);
      s += q * Math.log((m + mu * pBg) / ((mass + mu) * pBg));
      dot += q * m;
      if (m > 0) known++;
    }
    nb.push(s);
    cos.push(dot / norm);
    shared.push(known);
  }
  const pNb = softmax(nb, p.nbSharpness);
  const pCos = softmax(cos, p.cosineSharpness);
  const style = styleCosines(doc.style, topics);
  const pStyle = styleOpinion(style, pCos, p.styleSharpness);
  const n = topics.reduce((a, t) => a + t.examples, 0) / topics.length;
  const lambda = n / (n + p.credibility);
  const w = n / (n + p.styleCredibility);
  return topics.map((t, i) => ({
    topicId: t.id,
    nb: nb[i]!,
    cosine: cos[i]!,
    shared: shared[i]!,
    styleCosine: Number.isNaN(style[i]!) ? 0 : style[i]!,
    confidence: lambda * pNb[i]! + (1 - lambda) * ((1 - w) * pCos[i]! + w * pStyle[i]!),
  }));
}

/** The cosine of the document's style vector with each topic's; NaN where the topic has none. */
function styleCosines(doc: Features | undefined, topics: TopicModel[]): number[] {
  return topics.map((t) => {
    if (!doc || doc.terms.length === 0 || !t.style || t.style.norm2 <= 0) return NaN;
    let dot = 0;
    for (let i = 0; i < doc.terms.length; i++) dot += doc.weights[i]! * (t.style.termMass.get(doc.terms[i]!) ?? 0);
    return dot / Math.sqrt(t.style.norm2);
  });
}

/**
 * The style expert's distribution. Over the topics it knows (K), a softmax of the cosines,
 * scaled to the probability the centroid expert gives K as a whole; elsewhere it abstains
 * and repeats the centroid expert. So it reorders the topics it has seen examples of and
 * never pushes a new topic out.
 */
function styleOpinion(style: number[], pCos: number[], sharpness: number): number[] {
  const known = style.map((x, i) => (Number.isNaN(x) ? -1 : i)).filter((i) => i >= 0);
  if (known.length === 0) return pCos;
  const share = known.reduce((a, i) => a + pCos[i]!, 0);
  const within = softmax(
    known.map((i) => style[i]!),
    sharpness,
  );
  const out = [...pCos];
  known.forEach((i, j) => (out[i] = share * within[j]!));
  return out;
}

/** The threshold rule of the doc comment above: the topics to assign, best first. */
export function pickTopics(scores: TopicScore[], p = DEFAULT_PARAMS): TopicScore[] {
  if (scores.length === 0) return [];
  const sorted = [...scores].sort((a, b) => b.confidence - a.confidence);
  const best = sorted[0]!.confidence;
  const aboveUniform = (s: TopicScore) => scores.length === 1 || s.confidence > 1 / scores.length;
  return sorted
    .filter(
      (s) =>
        s.cosine >= p.minCosine &&
        s.shared >= p.minSharedTerms &&
        s.confidence >= p.minConfidence &&
        aboveUniform(s) &&
        s.confidence >= p.closeToBest * best,
    )
    .slice(0, p.maxTopics);
}

/** The single best topic regardless of thresholds (what the accuracy benchmark scores). */
export function bestTopic(scores: TopicScore[]): TopicScore | undefined {
  return [...scores].sort((a, b) => b.confidence - a.confidence)[0];
}
