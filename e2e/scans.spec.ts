import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { brownFiles, brownText, makeScan } from '../server/src/modules/classification/scan-fixtures.test.ts';
import { ApiClient, type ApiUser } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { assertAccessible } from './support/axe.js';
import { artifactPath, launchBrowser, newSession, type Session } from './support/browser.js';
import { withFailureShots } from './support/failures.js';
import { assertNoHorizontalOverflow, documentRow, dropFiles, signIn } from './support/ui.js';

/**
 * A scanned PDF: uploaded from the browser, read by OCR while the list says so, then shown
 * with its thumbnail; its page shows the file, the text read from it and its topics, which
 * can be changed there. At desktop and phone width, by keyboard, with axe.
 */
describe('scanned paper: OCR, thumbnails and the document page', () => {
  let app: AppServer;
  let browser: Browser;
  let session: Session;
  let person: ApiUser;
  const source = brownText(brownFiles('hobbies')[7]!, { words: 70 });
  const shots = (fn: () => Promise<void>) => withFailureShots(() => [session?.page], fn);
  let scan: Buffer;
  let documentPath = '';

  before(async () => {
    // One after the other: a loaded machine starts the server slowly enough already.
    app = await startApp();
    scan = await makeScan([source], 'pdf');
    const api = new ApiClient(app.baseUrl);
    person = await api.createUser('scan@example.test', 'scan passphrase 444');
    await api.ok('POST', '/api/topics', {
      token: person.token,
      body: { name: 'Hobbies', description: 'Crafts, gardens, tools' },
    });
    await api.ok('POST', '/api/topics', {
      token: person.token,
      body: { name: 'Taxes', description: 'Tax returns and receipts' },
    });
    browser = await launchBrowser();
    session = await newSession(browser, app.baseUrl);
  });

  after(async () => {
    await session?.context.close();
    await browser?.close();
    await app?.stop();
  });

  it(
    'when a scanned PDF is uploaded, then the row says "Reading text…", then shows its thumbnail, and its page shows the preview and the text read by OCR',
    shots(async () => {
      const { page } = session;
      await signIn(page, person.email, person.password);
      // The list has loaded (and its drop zone listens) before the file is dropped.
      await page.getByText('Drop files anywhere on this page').waitFor();
      await dropFiles(page, [{ name: 'workshop-scan.pdf', mimeType: 'application/pdf', buffer: scan }]);
      const row = documentRow(page, 'workshop-scan.pdf');
      await row.getByText('Reading text…').waitFor({ timeout: 30_000 });
      await row.locator('img.doc-thumb-image').waitFor({ timeout: 180_000 });
      await row.locator('[data-status="classified"]').waitFor({ timeout: 30_000 });

      // By keyboard: the name is a link to the document's page.
      await row.getByRole('link', { name: 'workshop-scan.pdf' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'workshop-scan.pdf' }).waitFor();
      assert.match(page.url(), /\/documents\/[0-9a-f-]{36}$/);
      documentPath = new URL(page.url()).pathname;

      const textSection = page.getByRole('region', { name: 'Text' });
      await textSection.getByText('Read by OCR').waitFor();
      const firstWords = source.split(' ').slice(0, 3).join(' ');
      await textSection.getByText(firstWords, { exact: false }).waitFor();
      // The preview: the PDF's page drawn by pdf.js.
      await page.getByRole('img', { name: 'Page 1 of workshop-scan.pdf' }).waitFor({ timeout: 30_000 });
      const details = page.getByRole('region', { name: 'Details' });
      await details.getByText('application/pdf').waitFor();
      await page.screenshot({ path: artifactPath('scans/document-page-1280.png'), fullPage: true });
      await assertAccessible(page, 'the document page');
    }),
  );

  it(
    'when a topic is changed on the document page by keyboard, then it shows as filed by you',
    shots(async () => {
      const { page } = session;
      const topics = page.getByRole('region', { name: 'Topics' });
      await topics.getByRole('button', { name: 'Change topics' }).focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: /topics/i });
      await dialog.waitFor();
      await dialog.getByRole('checkbox', { name: 'Taxes' }).focus();
      await page.keyboard.press('Space');
      await dialog.getByRole('button', { name: 'Save topics' }).focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      const line = topics.getByRole('listitem').filter({ hasText: 'Taxes' });
      await line.getByText('Filed by you').waitFor();
      await assertAccessible(page, 'the document page after a topic change');
    }),
  );

  it(
    'when the document page is opened on a phone (390 px), then it fits the width and still shows the text',
    shots(async () => {
      const phone = await newSession(browser, app.baseUrl, { width: 390, height: 844 });
      try {
        const { page } = phone;
        await signIn(page, person.email, person.password);
        const row = documentRow(page, 'workshop-scan.pdf');
        await row.locator('img.doc-thumb-image').waitFor();
        await assertNoHorizontalOverflow(page, 'the documents list with thumbnails on a phone');
        await row.getByRole('link', { name: 'workshop-scan.pdf' }).click();
        await page.getByRole('heading', { level: 1, name: 'workshop-scan.pdf' }).waitFor();
        await page.getByRole('region', { name: 'Text' }).getByText('Read by OCR').waitFor();
        await page.getByRole('img', { name: 'Page 1 of workshop-scan.pdf' }).waitFor({ timeout: 30_000 });
        await assertNoHorizontalOverflow(page, 'the document page on a phone');
        await page.screenshot({ path: artifactPath('scans/document-page-390.png'), fullPage: true });
        await assertAccessible(page, 'the document page on a phone');
      } finally {
        await phone.context.close();
      }
    }),
  );

  it(
    'when Delete is pressed on the document page, then the document moves to the trash with Undo, as from the list, and is not deleted for good',
    shots(async () => {
      const { page } = session;
      const api = new ApiClient(app.baseUrl);
      const id = documentPath.split('/').pop()!;
      const trashedAt = async () =>
        (await api.ok<{ trashed_at: string | null }>('GET', `/api/documents/${id}`, { token: person.token })).trashed_at;
      await page.goto(documentPath);
      await page.getByRole('heading', { level: 1, name: 'workshop-scan.pdf' }).waitFor();

      // By keyboard: Move to trash, then Undo from the notice brings the document back to its page.
      await page.getByRole('button', { name: 'Move to trash' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Moved workshop-scan.pdf to the trash').waitFor();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      assert.notEqual(await trashedAt(), null, 'in the trash');
      await page.getByRole('button', { name: 'Undo' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('Restored workshop-scan.pdf').waitFor();
      await page.getByRole('heading', { level: 1, name: 'workshop-scan.pdf' }).waitFor();
      assert.equal(await trashedAt(), null, 'restored');

      // Moved again, it waits in the Trash view; its page there offers Restore and Delete for good.
      await page.getByRole('button', { name: 'Move to trash' }).click();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      await documentRow(page, 'workshop-scan.pdf').waitFor({ state: 'detached' });
      await page.goto('/?in=trash');
      await page.getByRole('heading', { level: 1, name: 'Trash' }).waitFor();
      await documentRow(page, 'workshop-scan.pdf').getByRole('link', { name: 'workshop-scan.pdf' }).click();
      await page.getByRole('heading', { level: 1, name: 'workshop-scan.pdf' }).waitFor();
      await page.getByText('In the trash').first().waitFor();
      await page.getByRole('button', { name: 'Restore' }).waitFor();
      await page.getByRole('button', { name: 'Delete for good' }).waitFor();
      await assertAccessible(page, 'the page of a document in the trash');
      assert.notEqual(await trashedAt(), null, 'still in the trash, not deleted');
      await page.getByRole('button', { name: 'Restore' }).click();
      await page.getByText('Restored workshop-scan.pdf').waitFor();
      await page.getByRole('button', { name: 'Move to trash' }).waitFor();
      assert.equal(await trashedAt(), null, 'restored from its page');
    }),
  );
});
