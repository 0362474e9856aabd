/**
 * bench/classifier-floor: where the local classifier should stop filing and leave a document
 * unfiled. For candidate floors (the least cosine to the topic that counts as evidence, and
 * the least pooled confidence) it prints, per corpus and per amount of teaching:
 *
 *   - on real-length documents (the held-out 20% of Brown and SpamAssassin, as in
 *     bench/classify-accuracy): the precision of what is filed (its first topic is the right
 *     one) and the share left unfiled;
 *   - on inputs with nothing to go on: files with no extractable text (empty files, zip, exe,
 *     mp4 — the job classifies them by the name alone, as `name without extension + "\n"`)
 *     under meaningless names (camera and installer names, "Untitled", random strings), and
 *     binary bytes read as text (a zip, an exe or an mp4 uploaded as .txt): the share filed,
 *     which should be 0.
 *
 *   node --import tsx bench/classifier-floor/run.ts           # from the repository root, ~2 minutes
 *   BENCH_SEEDS=1,2 BENCH_CORPORA=brown node --import tsx bench/classifier-floor/run.ts
 *
 * Prints figures; asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { styleFeatures, topTerms, weigh, type Features } from '../../server/src/modules/classification/local/features.js';
import {
  DEFAULT_PARAMS,
  pickTopics,
  scoreTopics,
  type Background,
  type ClassifierParams,
  type TopicModel,
} from '../../server/src/modules/classification/local/local-classifier.js';
import { termCounts } from '../../server/src/modules/classification/local/tokenize.js';
import { DEFAULT_EXTRACTION_LIMITS } from '../../server/src/modules/classification/extraction/extraction-limits.js';
import { decodeText } from '../../server/src/modules/classification/extraction/text-decode.js';
import { nameWithoutExtension } from '../../server/src/modules/classification/extract-and-classify.job.js';
import { brown, spamAssassin, type Corpus } from '../classify-accuracy/corpora.js';
import { InMemoryVault, rng, shuffle } from '../classify-accuracy/vault.js';

const SEEDS = (process.env.BENCH_SEEDS ?? '1,2,3,4,5').split(',').map(Number);
const CORPORA = (process.env.BENCH_CORPORA ?? 'brown,spam').split(',');

/**
 * Candidate rules. The first is the rule before this benchmark (cosine ≥ 0.05 and the relative
 * tests only); then floors on the cosine, on the pooled confidence, and on the number of the
 * document's terms the topic shares (`minSharedTerms`, the floor chosen).
 */
const CANDIDATES: [string, Partial<ClassifierParams>][] = [
  ['before: cosine ≥ 0.05', { minSharedTerms: 0 }],
  ['cosine ≥ 0.1', { minSharedTerms: 0, minCosine: 0.1 }],
  ['cosine ≥ 0.2', { minSharedTerms: 0, minCosine: 0.2 }],
  ['confidence ≥ 0.5', { minSharedTerms: 0, minConfidence: 0.5 }],
  ['confidence ≥ 0.7', { minSharedTerms: 0, minConfidence: 0.7 }],
  ['confidence ≥ 0.9', { minSharedTerms: 0, minConfidence: 0.9 }],
  ['shared terms ≥ 2', { minSharedTerms: 2 }],
  ['shared terms ≥ 3', { minSharedTerms: 3 }],
  ['shared terms ≥ 5', { minSharedTerms: 5 }],
];

/** [name, manual examples per topic, documents in the vault (Infinity: the whole corpus)]. */
const SETTINGS: [string, number, number][] = [
  ['(a) names only, a new vault of 25 documents', 0, 25],
  ['(a) names only', 0, Infinity],
  ['(b) 5 examples per topic', 5, Infinity],
  ['(b) 20 examples per topic', 20, Infinity],
  ['(c) 80% as examples', Infinity, Infinity],
];

/** Names that say nothing about what a file is about: what cameras, installers and "Save as" make, and random strings. */
/** Names that do say what a file is about: one or two words of its topic's description ("church-sermon.zip"). */
function signalNames(corpus: Corpus, r: () => number): { text: string; gold: string }[] {
  return Object.entries(corpus.descriptions).flatMap(([label, description]) => {
    const words = description.split(/[^A-Za-z]+/).filter((w) => w.length > 3);
    return Array.from({ length: 4 }, (_, i) => {
      const pick = () => words[Math.floor(r() * words.length)]!.toLowerCase();
      const name = i % 2 ? `${pick()}-${pick()}` : pick();
      return { text: `${name}\n`, gold: label };
    });
  });
}

function meaninglessNames(r: () => number): string[] {
  const fixed = [
    'Untitled.txt', 'empty.txt', 'New Text Document.txt', 'document (3).txt', 'file.bin', 'download.zip', 'archive.zip',
    'backup.zip', 'files.zip', 'export.zip', 'attachment.zip', 'Copy of final.zip', 'data.zip', 'setup.exe', 'install.exe',
    'installer.exe', 'program.exe', 'app.exe', 'update.exe', 'test.exe', 'video.mp4', 'movie.mp4', 'clip.mp4',
    'recording.mp4', 'output.mp4', 'VID_20240312_101112.mp4', 'IMG_4821.mp4', 'DSC_0042.mp4', 'MOV_0007.mp4',
    'WhatsApp Video 2024-03-12 at 10.11.12.mp4', 'Screen Recording 2024-03-12.mp4', 'scan0001.zip', 'a.zip', '1.mp4',
  ];
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const random = Array.from({ length: 66 }, (_, i) => {
    const n = 6 + Math.floor(r() * 10);
    const s = Array.from({ length: n }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
    return `${s}.${['zip', 'exe', 'mp4', 'txt'][i % 4]}`;
  });
  return [...fixed, ...random];
}

/** A zip, an exe and an mp4's bytes (real magic and strings, random payload) decoded as a text file would be. */
function binaryAsText(r: () => number): string[] {
  const junk = (n: number) => randomBytes(n).map((b) => (r() < 0.5 ? b : b ^ 0x55));
  const ascii = (s: string) => Buffer.from(s, 'latin1');
  const zip = () => Buffer.concat([ascii('PK\x03\x04\x14\x00\x00\x00\x08\x00'), ascii('word/document.xml'), junk(4000), ascii('PK\x01\x02'), ascii('[Content_Types].xml'), ascii('PK\x05\x06')]);
  const exe = () =>
    Buffer.concat([ascii('MZ\x90\x00\x03'), junk(60), ascii('This program cannot be run in DOS mode.\r\r\n$'), ascii('PE\x00\x00.text .rdata .data .rsrc .reloc'), junk(4000), ascii('KERNEL32.dll GetProcAddress LoadLibraryA ExitProcess')]);
  const mp4 = () => Buffer.concat([ascii('\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41'), ascii('\x00\x00\x10\x00moov\x00\x00\x00\x6cmvhd'), junk(3000), ascii('trak tkhd mdia hdlr vide VideoHandler minf stbl avc1 avcC mdat'), junk(2000)]);
  return Array.from({ length: 60 }, (_, i) => decodeText([zip, exe, mp4][i % 3]!()));
}

interface Observation {
  scores: ReturnType<typeof scoreTopics>;
  /** The right topic; null for the noise, where none is right. */
  gold: string | null;
}
type Group = 'real' | 'signal' | 'names' | 'binary';

function observe(corpus: Corpus) {
  const labels = Object.keys(corpus.descriptions);
  const ours = corpus.docs.map((d) => topTerms(d.text));
  const styles = corpus.docs.map((d) => styleFeatures(d.text));
  const priors = new Map(labels.map((l) => [l, termCounts(`${l.replace(/_/g, ' ')}. ${corpus.descriptions[l]}`)]));
  const seen = new Map<string, Observation[]>(); // `${setting}|${group}`
  const push = (setting: string, group: Group, o: Observation) => {
    const key = `${setting}|${group}`;
    if (!seen.has(key)) seen.set(key, []);
    seen.get(key)!.push(o);
  };
  for (const seed of SEEDS) {
    const r = rng(seed);
    const order = shuffle(corpus.docs.map((_, i) => i), r);
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
    const testSet = new Set(test);
    const signal = signalNames(corpus, r);
    const names = meaninglessNames(r).map((n) => `${nameWithoutExtension(n)}\n`);
    const binary = binaryAsText(r).map((t) => `notes\n${t}`);

    for (const [setting, perTopic, vaultSize] of SETTINGS) {
      // The user's documents, uploaded in a random order, each weighed against those before it.
      const vault = new InMemoryVault();
      const inVault = vaultSize === Infinity ? order : order.filter((i) => !testSet.has(i)).slice(0, vaultSize);
      const features = new Map<number, Features>();
      for (const i of inVault) features.set(i, vault.upload(ours[i]!));
      for (const l of labels)
        for (const i of shuffle(train.get(l)!, r).slice(0, perTopic === Infinity ? undefined : perTopic))
          vault.file(l, features.get(i) ?? weigh(ours[i]!, vault.corpus()), styles[i]!);
      const models: TopicModel[] = vault.models(priors);
      const background: Background = { documents: vault.documents, totalMass: vault.totalMass, termMass: (t) => vault.mass.get(t) ?? 0 };
      // A new upload: weighed against the vault, then part of it (learnAndClassify saves it first).
      const fresh = (counts: Map<string, number>, style: Features) => {
        const f = weigh(counts, vault.corpus());
        if (f.terms.length === 0) return [];
        const own = new Map(f.terms.map((t, i) => [t, f.weights[i]!]));
        const withIt: Background = {
          documents: vault.documents + 1,
          totalMass: vault.totalMass + f.weights.reduce((a, b) => a + b, 0),
          termMass: (t) => (vault.mass.get(t) ?? 0) + (own.get(t) ?? 0),
        };
        return scoreTopics({ ...f, style }, models, withIt);
      };
      for (const i of test) {
        const f = features.get(i);
        const scores = f ? scoreTopics({ ...f, style: styles[i]! }, models, background) : fresh(ours[i]!, styles[i]!);
        push(setting, 'real', { gold: corpus.docs[i]!.label, scores });
      }
      for (const s of signal) push(setting, 'signal', { gold: s.gold, scores: fresh(topTerms(s.text), styleFeatures(s.text)) });
      for (const t of names) push(setting, 'names', { gold: null, scores: fresh(topTerms(t), styleFeatures(t)) });
      for (const t of binary) push(setting, 'binary', { gold: null, scores: fresh(topTerms(t), styleFeatures(t)) });
    }
  }
  return (setting: string, group: Group) => seen.get(`${setting}|${group}`)!;
}

const pct = (x: number) => (Number.isNaN(x) ? '–' : (100 * x).toFixed(1));

function report(corpus: Corpus) {
  const t0 = performance.now();
  const seen = observe(corpus);
  const first = SETTINGS[0]![0];
  const per = (g: Group) => seen(first, g).length / SEEDS.length;
  console.log(
    `\n${corpus.name}: ${corpus.docs.length} documents, seeds ${SEEDS.join(',')}. Per seed and setting: ${per('real')} held-out ` +
      `real documents; ${per('signal')} files with no text named after their topic; ${per('names')} with no text and a meaningless ` +
      `name (empty, zip, exe, mp4); ${per('binary')} zip/exe/mp4 bytes read as text.`,
  );
  const cols = ['filed: precision', 'left unfiled', 'named: filed right', 'named: filed wrong', 'meaningless: filed', 'binary: filed'];
  for (const [setting] of SETTINGS) {
    console.log(`\n  ${setting}`);
    console.log(`  ${'rule'.padEnd(24)}${cols.map((c) => c.padStart(20)).join('')}`);
    for (const [rule, params] of CANDIDATES) {
      const p: ClassifierParams = { ...DEFAULT_PARAMS, ...params };
      const top = (o: Observation) => pickTopics(o.scores, p)[0]?.topicId;
      const real = seen(setting, 'real').map((o) => ({ gold: o.gold, pick: top(o) }));
      const filed = real.filter((x) => x.pick !== undefined);
      const signal = seen(setting, 'signal').map((o) => ({ gold: o.gold, pick: top(o) }));
      const share = (g: Group) => seen(setting, g).filter((o) => top(o) !== undefined).length / seen(setting, g).length;
      const figures = [
        filed.filter((x) => x.pick === x.gold).length / filed.length,
        1 - filed.length / real.length,
        signal.filter((x) => x.pick === x.gold).length / signal.length,
        signal.filter((x) => x.pick !== undefined && x.pick !== x.gold).length / signal.length,
        share('names'),
        share('binary'),
      ];
      console.log(`  ${rule.padEnd(24)}${figures.map((f) => `${pct(f)} %`.padStart(20)).join('')}`);
    }
  }
  console.log(`\nrun ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

console.log(`local classifier defaults: ${JSON.stringify(DEFAULT_PARAMS)}`);
for (const name of CORPORA) report(name === 'brown' ? brown() : spamAssassin(DEFAULT_EXTRACTION_LIMITS.maxChars));
