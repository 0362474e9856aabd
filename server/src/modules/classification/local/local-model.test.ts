import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { Queryable } from '../../../db/database.js';
import { forEachDatabase, startTestApp, type TestApp } from '../../../test-support/test-app.js';
import { vaultClient, type TestUser } from '../../../test-support/classification-fixtures.js';

/** Per (topic, term), the summed weights of one channel over the manually filed documents. */
async function manualSums(db: Queryable, userId: string, channel: 'terms, f.weights' | 'style_terms, f.style_weights') {
  const { rows } = await db.query<{ topic_id: string; term: string; mass: number; examples: number }>(
    `SELECT dt.topic_id, x.term, sum(x.w) AS mass, count(*)::int AS examples
       FROM document_topics dt JOIN classifier_documents f ON f.document_id = dt.document_id AND f.user_id = dt.user_id,
            unnest(f.${channel}) AS x(term, w)
      WHERE dt.user_id = $1 AND dt.source = 'manual' GROUP BY 1, 2 ORDER BY 1, 2`,
    [userId],
  );
  return rows;
}

/** The classifier's sums recomputed from scratch, to compare with what the triggers kept. */
async function recomputed(db: Queryable, userId: string) {
  const userTerms = await db.query<{ term: string; df: number; mass: number }>(
    `SELECT x.term, count(*)::int AS df, sum(x.w) AS mass FROM classifier_documents f, unnest(f.terms, f.weights) AS x(term, w)
      WHERE f.user_id = $1 GROUP BY 1 ORDER BY 1`,
    [userId],
  );
  const docs = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM classifier_documents WHERE user_id = $1', [userId]);
  return {
    topicTerms: await manualSums(db, userId, 'terms, f.weights'),
    styleTerms: await manualSums(db, userId, 'style_terms, f.style_weights'),
    userTerms: userTerms.rows,
    documents: docs.rows[0]!.n,
  };
}

async function kept(db: Queryable, userId: string) {
  const topicTerms = await db.query<{ topic_id: string; term: string; mass: number; examples: number }>(
    'SELECT topic_id, term, mass, examples FROM classifier_topic_terms WHERE user_id = $1 ORDER BY 1, 2',
    [userId],
  );
  const userTerms = await db.query<{ term: string; df: number; mass: number }>(
    'SELECT term, df, mass FROM classifier_user_terms WHERE user_id = $1 ORDER BY 1',
    [userId],
  );
  const stats = await db.query<{ documents: number }>('SELECT documents FROM classifier_user_stats WHERE user_id = $1', [userId]);
  const topics = await db.query<{ topic_id: string; examples: number; mass: number; norm2: number; style_norm2: number }>(
    'SELECT topic_id, examples, mass, norm2, style_norm2 FROM classifier_topic_stats WHERE user_id = $1 ORDER BY 1',
    [userId],
  );
  const styleTerms = await db.query<{ topic_id: string; term: string; mass: number; examples: number }>(
    'SELECT topic_id, term, mass, examples FROM classifier_topic_style_terms WHERE user_id = $1 ORDER BY 1, 2',
    [userId],
  );
  return {
    topicTerms: topicTerms.rows,
    styleTerms: styleTerms.rows,
    userTerms: userTerms.rows,
    documents: stats.rows[0]?.documents ?? 0,
    topics: topics.rows,
  };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9 * Math.max(1, Math.abs(a));

function assertSameSums(k: Awaited<ReturnType<typeof kept>>, r: Awaited<ReturnType<typeof recomputed>>) {
  assert.equal(k.documents, r.documents, 'documents');
  assert.deepEqual(
    k.userTerms.map((t) => [t.term, t.df]),
    r.userTerms.map((t) => [t.term, t.df]),
    'document frequencies',
  );
  k.userTerms.forEach((t, i) => assert.ok(close(t.mass, r.userTerms[i]!.mass), `corpus mass of ${t.term}`));
  assert.deepEqual(
    k.topicTerms.map((t) => [t.topic_id, t.term, t.examples]),
    r.topicTerms.map((t) => [t.topic_id, t.term, t.examples]),
    'topic terms',
  );
  k.topicTerms.forEach((t, i) => assert.ok(close(t.mass, r.topicTerms[i]!.mass), `topic mass of ${t.term}`));
  // Per topic: examples, summed mass and the squared length of the summed vector.
  const byTopic = new Map<string, { mass: number; norm2: number }>();
  for (const t of r.topicTerms) {
    const s = byTopic.get(t.topic_id) ?? { mass: 0, norm2: 0 };
    s.mass += t.mass;
    s.norm2 += t.mass * t.mass;
    byTopic.set(t.topic_id, s);
  }
  assert.deepEqual(k.topics.map((t) => t.topic_id).sort(), [...byTopic.keys()].sort(), 'topics with examples');
  for (const t of k.topics) {
    assert.ok(close(t.mass, byTopic.get(t.topic_id)!.mass), 'topic mass');
    assert.ok(
      Math.abs(t.norm2 - byTopic.get(t.topic_id)!.norm2) < 1e-6,
      `topic norm2 ${t.norm2} vs ${byTopic.get(t.topic_id)!.norm2}`,
    );
  }
  // The style channel: the same sums over the plain-word vectors.
  assert.equal(r.styleTerms.length > 0, r.topicTerms.length > 0, 'the style channel learns whenever the terms do');
  assert.deepEqual(
    k.styleTerms.map((t) => [t.topic_id, t.term, t.examples]),
    r.styleTerms.map((t) => [t.topic_id, t.term, t.examples]),
    'style terms',
  );
  k.styleTerms.forEach((t, i) => assert.ok(close(t.mass, r.styleTerms[i]!.mass), `style mass of ${t.term}`));
  const styleNorm2 = new Map<string, number>();
  for (const t of r.styleTerms) styleNorm2.set(t.topic_id, (styleNorm2.get(t.topic_id) ?? 0) + t.mass * t.mass);
  for (const t of k.topics) {
    const expected = styleNorm2.get(t.topic_id) ?? 0;
    assert.ok(Math.abs(t.style_norm2 - expected) < 1e-6, `style norm2 ${t.style_norm2} vs ${expected}`);
  }
}

forEachDatabase("the local classifier's incremental statistics", (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof vaultClient>;
  let u: TestUser;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = vaultClient(app);
    u = await c.user();
  });
  after(() => app.close());

  it('when documents are filed, refiled, unfiled, re-extracted and deleted, and topics deleted, then the kept sums equal a full recomputation', async () => {
    const [a, b, t3] = [await c.topic(u.token, 'Alpha'), await c.topic(u.token, 'Beta'), await c.topic(u.token, 'Gamma')];
    const texts = [
      'invoice bank payment salary',
      'doctor blood test hospital',
      'flight hotel boarding pass',
      'tax return refund deduction',
      'bank loan mortgage payment',
    ];
    const docs: string[] = [];
    for (const [i, text] of texts.entries()) docs.push(await c.upload(u.token, `d${i}.txt`, 'text/plain', text));
    for (const id of docs) await c.settled(u.token, id);
    const check = async (step: string) => {
      try {
        assertSameSums(await kept(app.runtime.db, u.id), await recomputed(app.runtime.db, u.id));
      } catch (e) {
        throw new Error(`after "${step}": ${(e as Error).message}`);
      }
    };
    await check('extracted');
    const patch = (id: string, topic_ids: string[]) =>
      c.req('PATCH', `/api/documents/${id}`, { token: u.token, json: { topic_ids } });
    await patch(docs[0]!, [a]);
    await patch(docs[1]!, [a, b]);
    await patch(docs[2]!, [b, t3]);
    await patch(docs[4]!, [a]);
    await check('filed');
    await patch(docs[1]!, [b]);
    await patch(docs[2]!, []);
    await check('refiled and unfiled');
    const classifiedAt = (await c.doc(u.token, docs[0]!)).classified_at;
    await c.req('POST', `/api/documents/${docs[0]}/classify`, { token: u.token });
    await c.settled(u.token, docs[0]!, { after: classifiedAt });
    await check('re-extracted');
    assert.equal((await c.req('DELETE', `/api/documents/${docs[4]}`, { token: u.token })).status, 204);
    await check('document deleted');
    assert.equal((await c.req('DELETE', `/api/topics/${b}`, { token: u.token })).status, 204);
    await check('topic deleted');
    const stats = await kept(app.runtime.db, u.id);
    assert.deepEqual(
      stats.topics.map((t) => [t.topic_id, t.examples]),
      [[a, 1]],
    );
  });
});
