/**
 * The two baselines, textbook versions on textbook features (lower-cased word tokens):
 * a multinomial naive Bayes in log space with Laplace smoothing and class priors, and a
 * nearest centroid over sublinear tf-idf unit vectors (idf from the training examples).
 */
export type Counts = Map<string, number>;

export function wordCounts(text: string): Counts {
  const counts = new Map<string, number>();
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  return counts;
}

export interface Example {
  counts: Counts;
  label: string;
}

export interface Classifier {
  predict(counts: Counts): string;
}

export function trainMultinomialNb(examples: Example[], labels: string[]): Classifier {
  const termCounts = new Map(labels.map((l) => [l, new Map<string, number>()]));
  const totals = new Map(labels.map((l) => [l, 0]));
  const docs = new Map(labels.map((l) => [l, 0]));
  const vocabulary = new Set<string>();
  for (const e of examples) {
    docs.set(e.label, docs.get(e.label)! + 1);
    const m = termCounts.get(e.label)!;
    for (const [t, k] of e.counts) {
      m.set(t, (m.get(t) ?? 0) + k);
      totals.set(e.label, totals.get(e.label)! + k);
      vocabulary.add(t);
    }
  }
  const V = vocabulary.size;
  const logPrior = new Map(labels.map((l) => [l, Math.log((docs.get(l)! + 1) / (examples.length + labels.length))]));
  return {
    predict(counts) {
      let best = labels[0]!;
      let bestScore = -Infinity;
      for (const l of labels) {
        const m = termCounts.get(l)!;
        const denominator = Math.log(totals.get(l)! + V);
        let s = logPrior.get(l)!;
        for (const [t, k] of counts) if (vocabulary.has(t)) s += k * (Math.log((m.get(t) ?? 0) + 1) - denominator);
        if (s > bestScore) [best, bestScore] = [l, s];
      }
      return best;
    },
  };
}

export function trainTfidfCentroid(examples: Example[], labels: string[]): Classifier {
  const df = new Map<string, number>();
  for (const e of examples) for (const t of e.counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const N = examples.length;
  const idf = (t: string) => Math.log((1 + N) / (1 + (df.get(t) ?? 0))) + 1;
  const vector = (counts: Counts) => {
    const v = new Map<string, number>();
    let n2 = 0;
    for (const [t, k] of counts) {
      if (!df.has(t)) continue;
      const x = (1 + Math.log(k)) * idf(t);
      v.set(t, x);
      n2 += x * x;
    }
    const n = Math.sqrt(n2) || 1;
    for (const [t, x] of v) v.set(t, x / n);
    return v;
  };
  const centroids = new Map(labels.map((l) => [l, new Map<string, number>()]));
  for (const e of examples) {
    const c = centroids.get(e.label)!;
    for (const [t, x] of vector(e.counts)) c.set(t, (c.get(t) ?? 0) + x);
  }
  for (const c of centroids.values()) {
    const n = Math.sqrt([...c.values()].reduce((a, x) => a + x * x, 0)) || 1;
    for (const [t, x] of c) c.set(t, x / n);
  }
  return {
    predict(counts) {
      const q = vector(counts);
      let best = labels[0]!;
      let bestScore = -Infinity;
      for (const l of labels) {
        const c = centroids.get(l)!;
        let s = 0;
        for (const [t, x] of q) s += x * (c.get(t) ?? 0);
        if (s > bestScore) [best, bestScore] = [l, s];
      }
      return best;
    },
  };
}
