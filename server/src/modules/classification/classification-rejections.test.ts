import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { FHT_TOPICS, sleep, vaultClient } from '../../test-support/classification-fixtures.js';

const INVOICE = `ACME Energy Ltd - Invoice 2024-0815
Invoice date: 12 March 2024. Amount due: 1,284.50 EUR. Please pay the outstanding bill by bank transfer
to our account within 30 days. Payment reference INV-20240815. Your monthly statement shows the balance,
previous payments received and the direct debit schedule for next quarter.`;

forEachDatabase('automatic topics the user removed, and users without topics', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof vaultClient>;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = vaultClient(app);
  });
  after(() => app.close());

  /** Waits until no job is at work on the document (the server's `processing`), then returns it. */
  async function idle(token: string, id: string) {
    for (let i = 0; i < 200; i++) {
      const d = await c.doc(token, id);
      if (!d.processing) return d;
      await sleep(150);
    }
    throw new Error(`document ${id} still processing`);
  }

  it('when an automatic topic is removed by hand, then reclassifying does not add it back, and a look-alike document is not filed there either', async () => {
    const u = await c.user();
    const ids: Record<string, string> = {};
    for (const [name, description] of FHT_TOPICS) ids[name] = await c.topic(u.token, name, description);
    const doc = await c.upload(u.token, 'acme-invoice.txt', 'text/plain', INVOICE);
    const classified = await c.settled(u.token, doc);
    assert.deepEqual(c.topicNames(classified, 'auto'), ['Finance'], 'the classifier files it first');

    const patched = await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { topic_ids: [] } });
    assert.equal(patched.status, 200);
    assert.deepEqual(patched.body.topics, []);

    const again = await c.req('POST', `/api/documents/${doc}/classify`, { token: u.token });
    assert.equal(again.status, 202);
    const after = await idle(u.token, doc);
    assert.equal(after.status, 'classified');
    assert.notEqual(after.classified_at, classified.classified_at, 'it was classified again');
    assert.deepEqual(after.topics, [], 'Finance stays removed');

    // The removal is a negative example: the same invoice again is not put under Finance.
    const copy = await c.upload(u.token, 'acme-invoice-copy.txt', 'text/plain', `${INVOICE}\nCopy for your records.`);
    const copyDoc = await idle(u.token, copy);
    assert.ok(!c.topicNames(copyDoc).includes('Finance'), JSON.stringify(copyDoc.topics));

    // Filing it under Finance by hand again lifts the rejection for that document.
    await c.req('PATCH', `/api/documents/${doc}`, { token: u.token, json: { topic_ids: [ids.Finance] } });
    const rows = await app.runtime.db.query('SELECT 1 FROM document_topic_rejections WHERE document_id = $1', [doc]);
    assert.equal(rows.rows.length, 0);
  });

  it('when a file has no text and its name says nothing, then it is left unfiled even though its extension is in every example', async () => {
    const u = await c.user();
    const notes = await c.topic(u.token, 'Notes', 'Meeting notes and minutes');
    for (const [name, body] of [
      ['minutes-march.txt', 'Minutes of the March meeting: attendees, agenda, decisions and action items.'],
      ['minutes-april.txt', 'Minutes of the April meeting: agenda, decisions taken, action items and next steps.'],
    ]) {
      const id = await c.upload(u.token, name!, 'text/plain', body!);
      await idle(u.token, id);
      await c.req('PATCH', `/api/documents/${id}`, { token: u.token, json: { topic_ids: [notes] } });
    }
    for (const name of ['empty.txt', 'IMG_2041.txt']) {
      const id = await c.upload(u.token, name, 'text/plain', '');
      const d = await idle(u.token, id);
      assert.deepEqual(d.topics, [], `${name}: ${JSON.stringify(d.topics)}`);
    }
  });

  it('when a user has no topics, then an upload stays "uploaded" with no topics instead of claiming to be classified', async () => {
    const u = await c.user();
    const doc = await c.upload(u.token, 'acme-invoice.txt', 'text/plain', INVOICE);
    const d = await idle(u.token, doc);
    assert.equal(d.status, 'uploaded');
    assert.deepEqual(d.topics, []);
    assert.equal(d.error, null);
  });
});
