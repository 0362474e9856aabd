import { porterStem } from './porter-stemmer.js';

// A common English stop list (function words carry no topic).
const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other ' +
    'our ours ourselves out over own same she should so some such than that the their theirs them themselves then there ' +
    'these they this those through to too under until up very was we were what when where which while who whom why will ' +
    'with would you your yours yourself yourselves also may might must shall us one two said says say get got like well ' +
    'upon much many every even still yet ever let whose within without would could via per re mr mrs ms dr etc'
  ).split(' '),
);

const MAX_TOKENS = 20_000;

/**
 * Words of a text as classifier terms: Unicode-aware, lower-cased, accents folded, stop
 * words and pure numbers dropped, English words Porter-stemmed ("invoices" → "invoic").
 * The first 20,000 words are enough to tell a topic and bound the work per document.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const folded = fold(text);
  for (const m of folded.matchAll(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu)) {
    let w = m[0].replace(/['’].*$/, '');
    if (w.length < 2 || w.length > 30) continue;
    if (!/\p{L}/u.test(w)) continue; // numbers alone name no topic
    if (STOPWORDS.has(w)) continue;
    if (/^[a-z]+$/.test(w)) w = porterStem(w);
    out.push(w);
    if (out.length >= MAX_TOKENS) break;
  }
  return out;
}

/** Term frequencies of a text's words. */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenize(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Lower case, accents folded ("Café" → "cafe"). */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/**
 * Frequencies of a text's plain words — every run of letters and digits, lower-cased and
 * accents folded, nothing dropped or stemmed — up to the same 20,000 words.
 */
export function plainWordCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let n = 0;
  for (const m of fold(text).matchAll(/[\p{L}\p{N}]+/gu)) {
    if (m[0].length > 30) continue;
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    if (++n >= MAX_TOKENS) break;
  }
  return counts;
}
