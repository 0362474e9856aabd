import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { DOCX_TYPE, FHT_TOPICS, vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';
import { makeDocx, makePdf } from '../../test-support/file-fixtures.js';

const FINANCE_TXT = `ACME Energy Ltd - Invoice 2024-0815
Invoice date: 12 March 2024. Amount due: 1,284.50 EUR. Please pay the outstanding bill by bank transfer
to our account within 30 days. Payment reference INV-20240815. Your monthly statement shows the balance,
previous payments received and the direct debit schedule for next quarter.`;

const HEALTH_PDF = [
  ['City Hospital - Department of Internal Medicine'],
  ['Patient letter following your visit on 4 April.'],
  ['Your blood test results from the lab are normal; cholesterol slightly raised.'],
  ['The doctor renewed your prescription for three months.'],
  ['Please book a follow-up appointment with the clinic and bring your vaccination record.'],
];

const TRAVEL_DOCX = [
  'Booking confirmation - your trip to Lisbon',
  'Flight TP 579 departs Frankfurt 08:40, arrives Lisbon 10:35. Your boarding pass and e-ticket are attached.',
  'Hotel reservation: Hotel Avenida, 3 nights, check-in 14 June. Train ticket from the airport to the city centre included.',
  'Please carry your passport; no visa is needed for this itinerary.',
];

const TAX_1 = `Income tax return 2023 - summary. Taxable income, deductions for home office and charitable donations,
tax withheld by employer, estimated refund. Filed with the tax office on 30 April; reference TX-2023-118.`;
const TAX_2 = `Notice of assessment from the tax authority: your income tax for 2022 has been assessed.
Deductions accepted, tax credit applied, refund to be paid. You may object to this assessment within one month.`;
const TAX_3 = `Tax office letter regarding your 2024 income tax return: the assessment lists allowable deductions,
the tax withheld and a refund of 412 euros. Keep this notice with your tax records.`;

for (const dbKind of databaseKinds()) {
  describe(`the local classifier through HTTP (${dbKind})`, () => {
    let app: TestApp;
    let c: ReturnType<typeof vaultClient>;
    let u: TestUser;
    const topicId: Record<string, string> = {};

    before(async () => {
      app = await startTestApp({ db: dbKind });
      c = vaultClient(app);
      u = await c.user();
      for (const [name, description] of FHT_TOPICS) topicId[name] = await c.topic(u.token, name, description);
    });
    after(() => app.close());

    it('when a .txt, a .pdf and a .docx are uploaded to a user with only topic names and descriptions, then each is classified under the right topic', async () => {
      const txt = await c.upload(u.token, 'acme-invoice.txt', 'text/plain', FINANCE_TXT);
      const pdf = await c.upload(u.token, 'letter-0404.pdf', 'application/pdf', makePdf([HEALTH_PDF.flat()]));
      const docx = await c.upload(u.token, 'booking.docx', DOCX_TYPE, makeDocx(TRAVEL_DOCX));
      for (const [id, expected] of [
        [txt, 'Finance'],
        [pdf, 'Health'],
        [docx, 'Travel'],
      ] as const) {
        const doc = await c.settled(u.token, id);
        assert.equal(doc.status, 'classified', `${expected}: ${doc.error}`);
        assert.deepEqual(c.topicNames(doc), [expected], JSON.stringify(doc.topics));
        const t = doc.topics[0];
        assert.equal(t.source, 'auto');
        assert.ok(t.confidence > 0 && t.confidence <= 1, String(t.confidence));
        assert.equal(doc.error, null);
        assert.ok(doc.classified_at);
      }
    });

    it('when two documents are moved by hand to a new topic "Taxes", then a third tax document is classified under "Taxes"', async () => {
      topicId.Taxes = await c.topic(u.token, 'Taxes');
      const examples = [
        await c.upload(u.token, 'return-2023.txt', 'text/plain', TAX_1),
        await c.upload(u.token, 'assessment-2022.txt', 'text/plain', TAX_2),
      ];
      for (const id of examples) {
        await c.settled(u.token, id);
        const r: { status: number; text: string; body: any } = await c.req('PATCH', `/api/documents/${id}`, {
          token: u.token,
          json: { topic_ids: [topicId.Taxes] },
        });
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(
          r.body.topics.map((t: { name: string; source: string }) => [t.name, t.source]),
          [['Taxes', 'manual']],
          'manual replaces automatic',
        );
      }
      const { rows } = await app.runtime.db.query<{ examples: number }>(
        'SELECT examples FROM classifier_topic_stats WHERE topic_id = $1',
        [topicId.Taxes],
      );
      assert.equal(rows[0]?.examples, 2, 'both examples learned');
      const third = await c.settled(u.token, await c.upload(u.token, 'tax-letter-2024.txt', 'text/plain', TAX_3));
      assert.equal(third.status, 'classified');
      assert.equal(third.topics[0]?.name, 'Taxes', JSON.stringify(third.topics));
    });

    it('when a document is classified again, then the result is the same (idempotent) and manual topics are kept without automatic ones', async () => {
      const id = await c.upload(u.token, 'acme-invoice-2.txt', 'text/plain', FINANCE_TXT);
      const first = await c.settled(u.token, id);
      const again = await c.req('POST', `/api/documents/${id}/classify`, { token: u.token });
      assert.equal(again.status, 202);
      const second = await c.settled(u.token, id, { after: first.classified_at });
      assert.deepEqual(second.topics, first.topics);
      assert.equal(second.status, 'classified');

      await c.req('PATCH', `/api/documents/${id}`, { token: u.token, json: { topic_ids: [topicId.Health] } });
      const manualAt = (await c.doc(u.token, id)).classified_at;
      await c.req('POST', `/api/documents/${id}/classify`, { token: u.token });
      const third = await c.settled(u.token, id, { after: manualAt });
      assert.deepEqual(
        third.topics.map((t: { name: string; source: string }) => [t.name, t.source]),
        [['Health', 'manual']],
      );
    });

    it('when a document matches none of the topics, then it is classified with no topic', async () => {
      const id = await c.upload(
        u.token,
        'poem.txt',
        'text/plain',
        'The quiet owl sings beneath silver branches while the river hums an old tune.',
      );
      const doc = await c.settled(u.token, id);
      assert.equal(doc.status, 'classified');
      assert.deepEqual(doc.topics, []);
    });

    it('when the provider is none or auto-classify is off, then uploads stay uploaded but searchable; POST /classify classifies when auto-classify is off', async () => {
      const v = await c.user('none');
      const fin = await c.topic(v.token, 'Finance', FHT_TOPICS[0]![1]);
      await c.settings(v.token, { provider: 'none' });
      const a = await c.upload(v.token, 'invoice.txt', 'text/plain', FINANCE_TXT);
      await app.runtime.jobs.idle(['extract-and-classify']);
      let doc = await c.doc(v.token, a);
      assert.equal(doc.status, 'uploaded');
      assert.deepEqual(doc.topics, []);
      const found = await c.req('GET', '/api/documents?q=outstanding', { token: v.token });
      assert.deepEqual(
        found.body.items.map((d: { id: string }) => d.id),
        [a],
        'text extracted all the same',
      );

      await c.settings(v.token, { provider: 'local', auto_classify: false });
      const b = await c.upload(v.token, 'invoice-2.txt', 'text/plain', FINANCE_TXT);
      await app.runtime.jobs.idle(['extract-and-classify']);
      assert.equal((await c.doc(v.token, b)).status, 'uploaded');
      assert.equal((await c.req('POST', `/api/documents/${b}/classify`, { token: v.token })).status, 202);
      doc = await c.settled(v.token, b);
      assert.deepEqual(
        doc.topics.map((t: { id: string }) => t.id),
        [fin],
      );
    });
  });
}
