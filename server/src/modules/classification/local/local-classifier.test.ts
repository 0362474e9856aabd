import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { styleFeatures, topTerms, weigh, type CorpusView, type Features } from './features.js';
import { DEFAULT_PARAMS, pickTopics, scoreTopics, type Background, type TopicModel } from './local-classifier.js';
import { porterStem } from './porter-stemmer.js';
import { termCounts, tokenize } from './tokenize.js';

const corpusOf = (texts: string[]): CorpusView => {
  const df = new Map<string, number>();
  for (const t of texts) for (const term of termCounts(t).keys()) df.set(term, (df.get(term) ?? 0) + 1);
  return { documents: texts.length, df: (t) => df.get(t) ?? 0 };
};

function setup(docs: string[], topics: Record<string, string>, examples: Record<string, string[]> = {}) {
  const corpus = corpusOf(docs);
  const features = docs.map((d) => weigh(topTerms(d), corpus));
  const bgMass = new Map<string, number>();
  let total = 0;
  for (const f of features)
    f.terms.forEach((t, i) => (bgMass.set(t, (bgMass.get(t) ?? 0) + f.weights[i]!), (total += f.weights[i]!)));
  const background: Background = { documents: docs.length, totalMass: total, termMass: (t) => bgMass.get(t) ?? 0 };
  const models: TopicModel[] = Object.entries(topics).map(([name, description]) => {
    const termMass = new Map<string, number>();
    let mass = 0;
    const sum = new Map<string, number>();
    for (const text of examples[name] ?? []) {
      const f = weigh(topTerms(text), corpus);
      f.terms.forEach((t, i) => (sum.set(t, (sum.get(t) ?? 0) + f.weights[i]!), (mass += f.weights[i]!)));
    }
    for (const [t, m] of sum) termMass.set(t, m);
    const norm2 = [...sum.values()].reduce((a, b) => a + b * b, 0);
    return {
      id: name,
      prior: weigh(termCounts(`${name}. ${description}`), corpus),
      examples: (examples[name] ?? []).length,
      mass,
      norm2,
      termMass,
    };
  });
  return { features, background, models, corpus };
}

describe('the local classifier (maths)', () => {
  it('when words are stemmed, then Porter’s published examples hold', () => {
    for (const [w, s] of [
      ['caresses', 'caress'],
      ['ponies', 'poni'],
      ['relational', 'relat'],
      ['hopping', 'hop'],
      ['generalizations', 'gener'],
      ['invoices', 'invoic'],
      ['taxes', 'tax'],
    ]) {
      assert.equal(porterStem(w!), s, w);
    }
  });

  it('when text is tokenized, then case, accents, stop words and bare numbers go', () => {
    assert.deepEqual(tokenize('The Café invoices of 2024, for Zoë’s 1099-MISC!'), ['cafe', 'invoic', 'zoe', 'misc']);
  });

  it('when a document is weighed, then it is a unit vector sorted by term, rare words weighing more', () => {
    const corpus = corpusOf(['bank bank statement', 'bank invoice', 'bank loan', 'bank fees', 'bank card', 'bank rates']);
    const f = weigh(topTerms('bank bank invoice'), corpus);
    assert.deepEqual(f.terms, ['bank', 'invoic']);
    assert.ok(Math.abs(f.weights.reduce((a, w) => a + w * w, 0) - 1) < 1e-9);
    assert.ok(f.weights[1]! > f.weights[0]!, 'rare "invoice" outweighs "bank" used twice');
  });

  it('when topics have only descriptions, then a matching document scores its topic best and is assigned it', () => {
    const docs = [
      'Invoice: amount due, pay by bank transfer.',
      'Blood test results from the hospital lab.',
      'Boarding pass for your flight; hotel booked.',
    ];
    const { features, background, models } = setup(docs, {
      Finance: 'invoices bills payments bank statements',
      Health: 'doctor hospital blood test results prescriptions',
      Travel: 'flights hotels boarding passes trips',
    });
    for (const [i, expected] of ['Finance', 'Health', 'Travel'].entries()) {
      const scores = scoreTopics(features[i]!, models, background);
      assert.ok(Math.abs(scores.reduce((a, s) => a + s.confidence, 0) - 1) < 1e-9, 'confidences sum to 1');
      assert.deepEqual(
        pickTopics(scores).map((s) => s.topicId),
        [expected],
      );
    }
  });

  it('when a document shares nothing with any topic, then it gets no topic; a single topic needs evidence too', () => {
    const docs = ['The owl sings beneath silver branches.', 'Invoice for bank transfer.'];
    const { features, background, models } = setup(docs, { Finance: 'invoices bank payments', Health: 'doctor hospital' });
    assert.deepEqual(pickTopics(scoreTopics(features[0]!, models, background)), []);
    const one = [models[0]!];
    assert.deepEqual(pickTopics(scoreTopics(features[0]!, one, background)), []);
    assert.deepEqual(
      pickTopics(scoreTopics(features[1]!, one, background)).map((s) => s.topicId),
      ['Finance'],
    );
  });

  it('when examples are learned, then they outweigh a misleading description', () => {
    const docs = [
      'income tax return deductions refund',
      'tax assessment notice deductions',
      'tax office letter: deductions and refund',
      'bank statement payments',
    ];
    const { features, background, models } = setup(
      docs,
      { Finance: 'money bank payments tax', Filing: 'paperwork to keep' },
      { Filing: [docs[0]!, docs[1]!] },
    );
    assert.equal(pickTopics(scoreTopics(features[2]!, models, background))[0]?.topicId, 'Filing');
    assert.equal(pickTopics(scoreTopics(features[3]!, models, background))[0]?.topicId, 'Finance');
  });

  it('when two topics tie, then both are assigned, best first, at most maxTopics', () => {
    const tie = [
      { topicId: 'a', nb: 1, cosine: 0.3, shared: 9, styleCosine: 0, confidence: 0.4 },
      { topicId: 'b', nb: 1, cosine: 0.3, shared: 9, styleCosine: 0, confidence: 0.38 },
      { topicId: 'c', nb: 1, cosine: 0.02, shared: 1, styleCosine: 0, confidence: 0.22 },
    ];
    assert.deepEqual(
      pickTopics(tie).map((s) => s.topicId),
      ['a', 'b'],
    );
    const many = Array.from({ length: 5 }, (_, i) => ({
      topicId: String(i),
      nb: 1,
      cosine: 0.5,
      shared: 15,
      styleCosine: 0,
      confidence: 0.2,
    }));
    assert.equal(pickTopics(many, { ...DEFAULT_PARAMS }).length, 0, 'exactly uniform is no preference');
    const four = Array.from({ length: 4 }, (_, i) => ({
      topicId: String(i),
      nb: 1,
      cosine: 0.5,
      shared: 15,
      styleCosine: 0,
      confidence: i === 3 ? 0.01 : 0.33,
    }));
    assert.equal(pickTopics(four).length, 3);
  });

  it('when the features of a long text are taken, then at most MAX_TERMS terms are kept, the most frequent', () => {
    const words = Array.from({ length: 4000 }, (_, i) => `w${i.toString(36)}x`);
    const counts = topTerms(`${words.join(' ')} ${'often '.repeat(50)}`);
    assert.equal(counts.size, 3000);
    assert.equal(counts.get('often'), 50);
    const f: Features = weigh(counts, { documents: 1, df: () => 0 });
    assert.equal(f.terms.length, 3000);
  });

  it('when a text is read for its style, then every plain word counts, folded but not stemmed or dropped, in a unit vector', () => {
    const f = styleFeatures('The Café and the cafés: THE end');
    assert.deepEqual(f.terms, ['and', 'cafe', 'cafes', 'end', 'the']);
    assert.ok(Math.abs(f.weights.reduce((a, w) => a + w * w, 0) - 1) < 1e-9);
    assert.ok(f.weights[4]! > f.weights[0]!, '"the" three times outweighs "and" once');
  });

  it('when two topics share their words and differ in style, then the style channel tells them apart, and a topic without examples is not pushed out', () => {
    // The same garden words in both topics; a diary says "I" and "my", a manual "you" and "your".
    const diary = ['I plant my roses and I water my beans in my garden', 'I pick my tomatoes and I dig my garden'];
    const manual = [
      'you plant your roses and you water your beans in your garden',
      'you pick your tomatoes and you dig your garden',
    ];
    const doc = 'I water my tomatoes and I plant my beans in my garden';
    const { background, corpus } = setup([...diary, ...manual, doc], {});
    const sums = (texts: string[]) => {
      const termMass = new Map<string, number>();
      const style = new Map<string, number>();
      let mass = 0;
      for (const t of texts) {
        const f = weigh(topTerms(t), corpus);
        f.terms.forEach((x, i) => (termMass.set(x, (termMass.get(x) ?? 0) + f.weights[i]!), (mass += f.weights[i]!)));
        const g = styleFeatures(t);
        g.terms.forEach((x, i) => style.set(x, (style.get(x) ?? 0) + g.weights[i]!));
      }
      const norm2 = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b * b, 0);
      return { examples: texts.length, mass, norm2: norm2(termMass), termMass, style: { norm2: norm2(style), termMass: style } };
    };
    const empty = weigh(new Map(), corpus);
    const topics: TopicModel[] = [
      { id: 'Diary', prior: empty, ...sums(diary) },
      { id: 'Manual', prior: empty, ...sums(manual) },
    ];
    const features = { ...weigh(topTerms(doc), corpus), style: styleFeatures(doc) };
    const withStyle = scoreTopics(features, topics, background);
    const withoutStyle = scoreTopics({ ...features, style: undefined }, topics, background);
    const diaryOf = (scores: typeof withStyle) => scores.find((s) => s.topicId === 'Diary')!;
    assert.ok(diaryOf(withStyle).styleCosine > withStyle.find((s) => s.topicId === 'Manual')!.styleCosine);
    assert.ok(Math.abs(diaryOf(withoutStyle).confidence - 0.5) < 1e-9, 'by topic words alone, a coin toss');
    assert.ok(diaryOf(withStyle).confidence > 0.55, `the style channel breaks the tie: ${diaryOf(withStyle).confidence}`);
    assert.equal(bestOf(withStyle), 'Diary');

    // A third topic with a name and a description only: the style channel has no opinion
    // on it, so it keeps exactly the share the centroid expert gives it.
    const gardening = {
      id: 'Gardening',
      prior: weigh(termCounts('Gardening. roses beans tomatoes garden'), corpus),
      examples: 0,
      mass: 0,
      norm2: 0,
      termMass: new Map<string, number>(),
    };
    const three = scoreTopics(features, [...topics, gardening], background);
    const threeNoStyle = scoreTopics({ ...features, style: undefined }, [...topics, gardening], background);
    const g = (xs: typeof three) => xs.find((s) => s.topicId === 'Gardening')!.confidence;
    assert.equal(three.find((s) => s.topicId === 'Gardening')!.styleCosine, 0);
    assert.ok(Math.abs(g(three) - g(threeNoStyle)) < 1e-12, `${g(three)} vs ${g(threeNoStyle)}`);
    assert.ok(Math.abs(three.reduce((a, s) => a + s.confidence, 0) - 1) < 1e-9, 'still a distribution');
  });
});

function bestOf(scores: { topicId: string; confidence: number }[]): string {
  return [...scores].sort((a, b) => b.confidence - a.confidence)[0]!.topicId;
}
