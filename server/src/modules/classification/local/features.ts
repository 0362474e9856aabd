import { plainWordCounts, termCounts } from './tokenize.js';

/** A document as the local classifier sees it: its top terms and their tf-idf weights (a unit vector). */
export interface Features {
  terms: string[];
  weights: number[];
}

/** The user's corpus as far as some terms go: how many documents, and how many contain each term. */
export interface CorpusView {
  documents: number;
  df(term: string): number;
}

/** Terms kept per document: the most frequent ones; the rest (mostly one-off words) add little. */
export const MAX_TERMS = 3000;

/** Smoothed inverse document frequency over the user's own documents. */
export function idf(corpus: Pick<CorpusView, 'documents'>, df: number): number {
  return Math.log((corpus.documents + 1) / (df + 1)) + 1;
}

/** The `max` most frequent of these terms (ties by term, so the choice is deterministic). */
function mostFrequent(counts: Map<string, number>, max: number): Map<string, number> {
  if (counts.size <= max) return counts;
  return new Map([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max));
}

/** The most frequent terms of a text. */
export function topTerms(text: string, max = MAX_TERMS): Map<string, number> {
  return mostFrequent(termCounts(text), max);
}

/**
 * Sublinear tf × idf, scaled to unit length: long and short documents weigh the same, a
 * word used 100 times counts about 5 times a word used once, and words common in this
 * user's documents count little. Sorted by term.
 */
export function weigh(counts: Map<string, number>, corpus: CorpusView): Features {
  const terms = [...counts.keys()].sort();
  const raw = terms.map((t) => (1 + Math.log(counts.get(t)!)) * idf(corpus, corpus.df(t)));
  const norm = Math.sqrt(raw.reduce((s, x) => s + x * x, 0)) || 1;
  return { terms, weights: raw.map((x) => x / norm) };
}

/** A corpus that makes every idf 1: weigh() then gives sublinear tf alone. */
const NO_CORPUS: CorpusView = { documents: 0, df: () => 0 };

/**
 * The style channel: a text's plain words (function words kept, not stemmed), sublinear tf
 * with no idf, scaled to unit length, sorted by term. How often a text says "the", "I",
 * "said" or "would" marks its genre (a report, a letter, a story) where its topic words do
 * not; with no idf the vector depends on the text alone.
 */
export function styleFeatures(text: string, max = MAX_TERMS): Features {
  return weigh(mostFrequent(plainWordCounts(text), max), NO_CORPUS);
}
