/**
 * Accuracy of the local classifier on two public labelled corpora, beside two baselines
 * trained on the same examples in the same run. Prints figures; asserts nothing.
 *
 *   node --import tsx bench/classify-accuracy/run.ts            # from the repository root
 *   BENCH_SEEDS=1,2,3 BENCH_CORPORA=brown node --import tsx bench/classify-accuracy/run.ts
 *
 * For every corpus and seed: a stratified 80/20 split. The 20% are the test documents in
 * every column, so the columns are comparable:
 *   (a)  topic names + descriptions only, no examples;
 *   (b)  5 and 20 manual examples per topic, drawn from the 80% (all of a smaller class);
 *   (c)  all of the 80% as examples.
 * The local classifier runs its production code (tokenizer, features, scoring) over an
 * in-memory copy of the statistics the database keeps (migrations 0005 and 0008): every document of
 * the corpus is "uploaded" first, in a random order, each weighed against the corpus as it
 * was at its arrival (as the extraction job does), then the examples are filed by hand.
 * The baselines see the same examples plus each topic's name + description as one more
 * example; they use plain lower-cased word tokens. Accuracy and macro-F1 of the top topic.
 */
import { styleFeatures, topTerms, type Features } from '../../server/src/modules/classification/local/features.js';
import {
  bestTopic,
  DEFAULT_PARAMS,
  scoreTopics,
  type ClassifierParams,
} from '../../server/src/modules/classification/local/local-classifier.js';
import { termCounts } from '../../server/src/modules/classification/local/tokenize.js';
import { DEFAULT_EXTRACTION_LIMITS } from '../../server/src/modules/classification/extraction/extraction-limits.js';
import { trainMultinomialNb, trainTfidfCentroid, wordCounts, type Counts, type Example } from './baselines.js';
import { brown, spamAssassin, type Corpus } from './corpora.js';
import { InMemoryVault, rng, shuffle } from './vault.js';

// 30 seeds: with 5, the standard error of a mean (sd 3–5 points / √5) was larger than the differences judged.
const SEEDS = (process.env.BENCH_SEEDS ?? Array.from({ length: 30 }, (_, i) => i + 1).join(',')).split(',').map(Number);
const CORPORA = (process.env.BENCH_CORPORA ?? 'brown,spam').split(',');
const PARAMS: ClassifierParams = { ...DEFAULT_PARAMS, ...(process.env.BENCH_PARAMS ? JSON.parse(process.env.BENCH_PARAMS) : {}) };

function score(pred: string[], gold: string[], labels: string[]) {
  const acc = pred.filter((p, i) => p === gold[i]).length / gold.length;
  let f1 = 0;
  for (const l of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    pred.forEach((p, i) => {
      if (p === l && gold[i] === l) tp++;
      else if (p === l) fp++;
      else if (gold[i] === l) fn++;
    });
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    f1 += precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  }
  return { acc, f1: f1 / labels.length };
}

const SETTINGS: [string, number][] = [
  ['(a) names+descriptions', 0],
  ['(b) 5 per topic', 5],
  ['(b) 20 per topic', 20],
  ['(c) 80% split', Infinity],
];
const MODELS = ['local', 'multinomial NB', 'tf-idf centroid'] as const;

function runCorpus(corpus: Corpus) {
  const t0 = performance.now();
  const labels = Object.keys(corpus.descriptions);
  const ours = corpus.docs.map((d) => topTerms(d.text));
  const styles = corpus.docs.map((d) => styleFeatures(d.text));
  const words = corpus.docs.map((d) => wordCounts(d.text));
  const priorText = (l: string) => `${l.replace(/_/g, ' ')}. ${corpus.descriptions[l]}`;
  const priors = new Map(labels.map((l) => [l, termCounts(priorText(l))]));
  const descriptionExamples: Example[] = labels.map((l) => ({ label: l, counts: wordCounts(priorText(l)) }));
  const results = new Map<string, { acc: number; f1: number }[]>();
  let classifyMs = 0;
  let classified = 0;

  for (const seed of SEEDS) {
    const r = rng(seed);
    const vault = new InMemoryVault();
    const features: Features[] = [];
    for (const i of shuffle(
      corpus.docs.map((_, i) => i),
      r,
    ))
      features[i] = vault.upload(ours[i]!);
    const byLabel = new Map(labels.map((l) => [l, [] as number[]]));
    corpus.docs.forEach((d, i) => byLabel.get(d.label)!.push(i));
    const train = new Map<string, number[]>();
    const test: number[] = [];
    for (const [l, ids] of byLabel) {
      const s = shuffle(ids, r);
      const k = Math.max(1, Math.round(s.length * 0.2));
      test.push(...s.slice(0, k));
      train.set(l, s.slice(k));
    }
    const gold = test.map((i) => corpus.docs[i]!.label);

    for (const [name, perTopic] of SETTINGS) {
      const examples = labels.flatMap((l) => shuffle(train.get(l)!, r).slice(0, perTopic === Infinity ? undefined : perTopic));
      // Ours: a fresh set of topics, the examples filed by hand.
      const topics = new InMemoryVault();
      Object.assign(topics, { df: vault.df, mass: vault.mass, documents: vault.documents, totalMass: vault.totalMass });
      for (const i of examples) topics.file(corpus.docs[i]!.label, features[i]!, styles[i]!);
      const models = topics.models(priors);
      const background = {
        documents: vault.documents,
        totalMass: vault.totalMass,
        termMass: (t: string) => vault.mass.get(t) ?? 0,
      };
      const c0 = performance.now();
      const local = test.map(
        (i) => bestTopic(scoreTopics({ ...features[i]!, style: styles[i]! }, models, background, PARAMS))!.topicId,
      );
      classifyMs += performance.now() - c0;
      classified += test.length;
      // Baselines: the same examples, plus the descriptions.
      const trainingSet: Example[] = [
        ...examples.map((i) => ({ label: corpus.docs[i]!.label, counts: words[i]! as Counts })),
        ...descriptionExamples,
      ];
      const nb = trainMultinomialNb(trainingSet, labels);
      const centroid = trainTfidfCentroid(trainingSet, labels);
      const predictions = {
        local,
        'multinomial NB': test.map((i) => nb.predict(words[i]!)),
        'tf-idf centroid': test.map((i) => centroid.predict(words[i]!)),
      };
      for (const m of MODELS) {
        const key = `${name}|${m}`;
        results.set(key, [...(results.get(key) ?? []), score(predictions[m], gold, labels)]);
      }
    }
  }

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
  const pct = (x: number) => (100 * x).toFixed(1).padStart(5);
  console.log(
    `\n${corpus.name}: ${corpus.docs.length} documents, ${labels.length} topics, seeds ${SEEDS.join(',')}, test = 20% per seed`,
  );
  console.log(`${'setting'.padEnd(24)}${MODELS.map((m) => `${m} acc / macro-F1`.padStart(34)).join('')}   local beats both`);
  for (const [name] of SETTINGS) {
    const row = MODELS.map((m) => {
      const rs = results.get(`${name}|${m}`)!;
      const acc = rs.map((x) => x.acc);
      const f1 = rs.map((x) => x.f1);
      return {
        acc: mean(acc),
        f1: mean(f1),
        text: `${pct(mean(acc))} ±${pct(sd(acc)).trim()} / ${pct(mean(f1))} ±${pct(sd(f1)).trim()}`,
      };
    });
    const wins = row[0]!.acc > Math.max(row[1]!.acc, row[2]!.acc) && row[0]!.f1 > Math.max(row[1]!.f1, row[2]!.f1);
    const accWin = row[0]!.acc > Math.max(row[1]!.acc, row[2]!.acc);
    const f1Win = row[0]!.f1 > Math.max(row[1]!.f1, row[2]!.f1);
    console.log(
      `${name.padEnd(24)}${row.map((x) => x.text.padStart(34)).join('')}   ${wins ? 'yes' : `no (acc ${accWin ? 'yes' : 'no'}, F1 ${f1Win ? 'yes' : 'no'})`}`,
    );
  }
  console.log(
    `local classifier: ${(classifyMs / classified).toFixed(2)} ms per document scored; run ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
}

console.log(`local classifier parameters: ${JSON.stringify(PARAMS)}`);
for (const name of CORPORA) runCorpus(name === 'brown' ? brown() : spamAssassin(DEFAULT_EXTRACTION_LIMITS.maxChars));
