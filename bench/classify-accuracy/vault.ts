import { weigh, type CorpusView, type Features } from '../../server/src/modules/classification/local/features.js';
import type { TopicModel } from '../../server/src/modules/classification/local/local-classifier.js';

/** The statistics the database keeps for one user (migrations 0005, 0008), in memory, for the classifier benchmarks. */

/** One topic's learned sums in one channel. */
export interface Sums {
  examples: number;
  mass: number;
  norm2: number;
  termMass: Map<string, number>;
}

/** Adds one unit vector to a topic's sums, as classifier_learn_with(+1) does. */
export function addTo(s: Sums, f: Features): void {
  let dot = 0;
  let self = 0;
  f.terms.forEach((t, i) => {
    const w = f.weights[i]!;
    dot += (s.termMass.get(t) ?? 0) * w;
    self += w * w;
    s.mass += w;
    s.termMass.set(t, (s.termMass.get(t) ?? 0) + w);
  });
  s.examples++;
  s.norm2 += 2 * dot + self;
}

export const emptySums = (): Sums => ({ examples: 0, mass: 0, norm2: 0, termMass: new Map() });

/** The user's corpus and topics as the database keeps them (migrations 0005, 0008), in memory. */
export class InMemoryVault {
  readonly df = new Map<string, number>();
  readonly mass = new Map<string, number>();
  documents = 0;
  totalMass = 0;
  readonly topics = new Map<string, Sums>();
  readonly styles = new Map<string, Sums>();

  corpus(): CorpusView {
    return { documents: this.documents, df: (t) => this.df.get(t) ?? 0 };
  }

  /** Extraction: weigh against the corpus so far, then add to it. */
  upload(counts: Map<string, number>): Features {
    const f = weigh(counts, this.corpus());
    f.terms.forEach((t, i) => {
      this.df.set(t, (this.df.get(t) ?? 0) + 1);
      this.mass.set(t, (this.mass.get(t) ?? 0) + f.weights[i]!);
      this.totalMass += f.weights[i]!;
    });
    this.documents++;
    return f;
  }

  /** A manual assignment, as classifier_learn_both(+1): both channels. */
  file(topic: string, f: Features, style: Features): void {
    if (!this.topics.has(topic)) this.topics.set(topic, emptySums());
    if (!this.styles.has(topic)) this.styles.set(topic, emptySums());
    addTo(this.topics.get(topic)!, f);
    addTo(this.styles.get(topic)!, style);
  }

  models(priors: Map<string, Map<string, number>>): TopicModel[] {
    return [...priors].map(([id, counts]) => {
      const s = this.topics.get(id) ?? emptySums();
      const style = this.styles.get(id) ?? emptySums();
      return { id, prior: weigh(counts, this.corpus()), ...s, style: { norm2: style.norm2, termMass: style.termMass } };
    });
  }
}

export function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
export function shuffle<T>(a: T[], r: () => number): T[] {
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
