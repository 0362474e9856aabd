import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
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

/** A bank's letter of about 2.5 KB: an ordinary real-length document. */
const STATEMENT_LETTER = `Northfield Savings Bank - Annual account statement and interest summary
Account holder: Maria Keller. Current account 4471 2093 88. Statement period 1 January to 31 December 2024.

Dear Ms Keller,
please find enclosed the annual statement of your current account and the summary of the interest and fees
charged over the year. The opening balance on 1 January was 3,412.77 EUR; the closing balance on 31 December
was 5,903.10 EUR. Your salary was credited on the last working day of each month, and twelve standing orders
were paid from the account: the rent, the electricity bill, the mortgage instalment on your flat, the car loan
and the premiums of your household and liability insurance.

Interest. Your savings pocket earned 1.25% interest per year, credited quarterly: 18.40 EUR, 19.02 EUR,
19.55 EUR and 20.11 EUR. Tax on interest income was withheld where your exemption order was exceeded.

Fees. The monthly account fee of 4.90 EUR was charged twelve times. Two international payments were charged
at 1.50 EUR each. An overdraft occurred for three days in August; overdraft interest of 0.87 EUR was charged.

Direct debits and cards. Your debit card payments in shops and online are itemised in the monthly statements.
Three direct debits were returned unpaid in March because the payee's mandate had expired; no fee was charged.
Your credit card balance is settled in full from this account on the 15th of every month.

Loans. The remaining principal of your car loan is 6,250.00 EUR after this year's repayments; the next annual
review of the interest rate on your mortgage is due in May. You can make an unscheduled repayment of up to 10%
of the principal each year without a penalty.

Budget. Your spending in 2024 by category: housing 44%, transport 13%, groceries 17%, insurance 6%,
leisure 9%, other 11%. Setting a monthly budget in online banking helps you keep track of your bills and
payments. If you have questions about this statement, any invoice or payment listed in it, please contact
your branch or call our customer service. Keep this statement with your financial records for tax purposes.

Kind regards,
Northfield Savings Bank, Customer Accounts`;

/** Bytes of files no extractor reads: the name alone is the document's text. */
const NO_TEXT_FILES: [name: string, type: string, bytes: () => Buffer][] = [
  ['New Text Document.txt', 'text/plain', () => Buffer.alloc(0)],
  ['archive (2).zip', 'application/zip', () => makeDocx(['Minutes of the allotment society, spring meeting.'])],
  [
    'setup.exe',
    'application/vnd.microsoft.portable-executable',
    () => Buffer.concat([Buffer.from('MZ\x90\x00This program cannot be run in DOS mode.\r\r\n$PE\x00\x00', 'latin1'), randomBytes(4096)]),
  ],
  // macOS's name for a screen recording: "recording" shares a stem with Health's "Medical records".
  [
    'Screen Recording 2024-03-12 at 10.11.12.mp4',
    'video/mp4',
    () => Buffer.concat([Buffer.from('\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41', 'latin1'), randomBytes(8192)]),
  ],
];

forEachDatabase('the local classifier through HTTP', (dbKind) => {
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

  it('when an empty file, a zip, an exe and an mp4 with meaningless names are uploaded, then they are left unfiled (classified, no topic) while a real-length letter is filed', async () => {
    // A new user: a vault of these files alone, with the three topics (bench/classifier-floor's "new vault").
    const v = await c.user('nothing');
    for (const [name, description] of FHT_TOPICS) await c.topic(v.token, name, description);
    const ids = [];
    for (const [name, type, bytes] of NO_TEXT_FILES) ids.push([name, await c.upload(v.token, name, type, bytes())] as const);
    const letter = await c.upload(v.token, 'northfield-2024.txt', 'text/plain', STATEMENT_LETTER);
    for (const [name, id] of ids) {
      const doc = await c.settled(v.token, id);
      assert.equal(doc.status, 'classified', `${name}: ${doc.error}`);
      assert.deepEqual(doc.topics, [], `${name} is not guessed into a topic`);
    }
    const filed = await c.settled(v.token, letter);
    assert.equal(filed.status, 'classified');
    assert.deepEqual(c.topicNames(filed), ['Finance']);
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
