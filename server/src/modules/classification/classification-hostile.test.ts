import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { forEachDatabase, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { DOCX_TYPE, FHT_TOPICS, vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';
import { makeDocxBomb, makePdf } from '../../test-support/file-fixtures.js';

forEachDatabase('hostile and broken files', (dbKind) => {
  let app: TestApp;
  let c: ReturnType<typeof vaultClient>;
  let u: TestUser;

  before(async () => {
    app = await startTestApp({ db: dbKind });
    c = vaultClient(app);
    u = await c.user();
    for (const [name, description] of FHT_TOPICS) await c.topic(u.token, name, description);
  });
  after(() => app.close());

  async function failsWith(filename: string, type: string, bytes: Buffer | string, error: RegExp) {
    const doc = await c.settled(u.token, await c.upload(u.token, filename, type, bytes));
    assert.equal(doc.status, 'classification_failed', `${filename}: ${doc.status}`);
    assert.match(doc.error, error);
    assert.ok(!/\/(tmp|work|home|usr)\//.test(doc.error), `no paths in errors: ${doc.error}`);
    return doc;
  }

  it('when a PDF is corrupt, truncated or not a PDF at all, then classification_failed with a plain error', async () => {
    const good = makePdf([['Invoice for the bank transfer']]);
    await failsWith(
      'broken.pdf',
      'application/pdf',
      Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\ngarbage'),
      /The PDF could not be read/,
    );
    await failsWith('cut.pdf', 'application/pdf', good.subarray(0, Math.floor(good.length / 3)), /The PDF could not be read/);
    await failsWith('fake.pdf', 'application/pdf', 'just text pretending', /not a PDF/);
  });

  it('when a DOCX is a zip bomb (honest or lying about its sizes), or not a zip, then classification_failed', async () => {
    await failsWith('bomb.docx', DOCX_TYPE, makeDocxBomb(120 * 1024 * 1024), /expands to more than 50 MB/);
    await failsWith('liar.docx', DOCX_TYPE, makeDocxBomb(120 * 1024 * 1024, { lie: true }), /expands to more than 50 MB/);
    await failsWith('fake.docx', DOCX_TYPE, 'PK? no, just text', /not a valid ZIP/);
  });

  it('when a PDF has a huge page count, then classification_failed without reading its pages', async () => {
    const pages = Array.from({ length: 2100 }, (_, i) => [`page ${i}`]);
    await failsWith('huge.pdf', 'application/pdf', makePdf(pages), /2100 pages; at most 2000/);
  });

  it('when broken files were processed, then the worker keeps working: the next documents are classified, concurrently too', async () => {
    const ids = await Promise.all([
      c.upload(u.token, 'bomb-2.docx', DOCX_TYPE, makeDocxBomb(80 * 1024 * 1024, { lie: true })),
      c.upload(
        u.token,
        'bill.txt',
        'text/plain',
        'Monthly bank statement: salary payment received, loan instalment and insurance premium paid.',
      ),
      c.upload(
        u.token,
        'page.html',
        'text/html',
        '<html><head><title>Flight booking</title><script>var hotel="x"</script><style>.bill{}</style></head><body><p>Your boarding pass for the flight to Rome &amp; hotel voucher.</p></body></html>',
      ),
    ]);
    const [bomb, bill, page] = await Promise.all(ids.map((id) => c.settled(u.token, id)));
    assert.equal(bomb.status, 'classification_failed');
    assert.equal(bill.status, 'classified');
    assert.deepEqual(c.topicNames(bill), ['Finance']);
    assert.equal(page.status, 'classified');
    assert.deepEqual(c.topicNames(page), ['Travel']);
    const { rows } = await app.runtime.db.query<{ extracted_text: string }>(
      'SELECT extracted_text FROM documents WHERE id = $1',
      [ids[2]],
    );
    assert.match(rows[0]!.extracted_text, /Flight booking/);
    assert.match(rows[0]!.extracted_text, /boarding pass for the flight to Rome & hotel voucher/);
    assert.ok(!/var hotel|\.bill/.test(rows[0]!.extracted_text), 'script and style dropped');
  });

  it('when a file type has no extractor, then it is classified by its filename alone', async () => {
    const doc = await c.settled(
      u.token,
      await c.upload(u.token, 'flight-boarding-pass.heic', 'image/heic', Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70])),
    );
    assert.equal(doc.status, 'classified');
    assert.deepEqual(c.topicNames(doc), ['Travel']);
  });
});
