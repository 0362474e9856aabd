import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient, type ApiUser } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { assertAccessible } from './support/axe.js';
import { artifactPath, launchBrowser, newSession, type Session } from './support/browser.js';
import { withFailureShots } from './support/failures.js';
import { assertNoHorizontalOverflow, documentRow, nav, rowAction, signIn } from './support/ui.js';

/**
 * Everything else a person does with documents and topics: topics page, setting topics by
 * hand, filters, paging, rename, reclassify, the classification settings, by keyboard too.
 */
describe('documents and topics: organising, filtering, settings, keyboard', () => {
  let app: AppServer;
  let provider: FakeProvider;
  let browser: Browser;
  let session: Session;
  let api: ApiClient;
  let person: ApiUser;
  const shots = (fn: () => Promise<void>) => withFailureShots(() => [session?.page], fn);

  before(async () => {
    provider = await startFakeProvider();
    // The fake AI provider below listens on loopback, which the server refuses unless allowed.
    app = await startApp({ AI_ALLOW_PRIVATE_URLS: 'true' });
    api = new ApiClient(app.baseUrl);
    person = await api.createUser('kim@example.test', 'kim passphrase 333');
    // Documents stay "Uploaded" until asked: what this spec files and filters is its own doing.
    await api.ok('PUT', '/api/settings', { token: person.token, body: { auto_classify: false } });
    // 23 documents: more than one page of 20.
    for (let i = 1; i <= 21; i++)
      await api.uploadDocument(person.token, `note-${String(i).padStart(2, '0')}.txt`, `Note number ${i}`);
    await api.uploadDocument(
      person.token,
      'lease-agreement.txt',
      'Lease agreement between landlord and tenant; rent due monthly.',
    );
    await api.uploadDocument(person.token, 'blood-test.txt', 'Blood test results: haemoglobin, cholesterol, glucose.');
    browser = await launchBrowser();
    session = await newSession(browser, app.baseUrl);
    // The duplicate topic name below is answered 409, which the browser logs.
    session.console.expect(/Failed to load resource: the server responded with a status of 409 .*\/api\/topics/);
  });

  after(async () => {
    await session?.context.close();
    await browser?.close();
    await app?.stop();
    await provider?.close();
  });

  it(
    'when topics are created, renamed, described and deleted on the Topics page, then the list shows them with counts',
    shots(async () => {
      const { page } = session;
      await signIn(page, person.email, person.password);
      await nav(page, 'Topics').click();
      await page.getByText('No topics yet').waitFor();
      for (const [name, description] of [
        ['Housing', 'Rent, lease, landlord'],
        ['Health', 'Medical results and prescriptions'],
        ['Misc', ''],
      ] as const) {
        await page.getByLabel('Name').fill(name);
        await page.getByLabel('Description (optional)').fill(description);
        await page.getByRole('button', { name: 'Add topic' }).click();
        await page.locator(`li[data-topic="${name}"]`).waitFor();
      }
      // A duplicate name is refused in plain words.
      await page.getByLabel('Name').fill('health');
      await page.getByRole('button', { name: 'Add topic' }).click();
      await page.getByRole('alert').filter({ hasText: 'You already have a topic called “health”.' }).waitFor();
      await page.getByLabel('Name').fill('');

      await page.getByRole('button', { name: 'Edit Misc' }).click();
      const edit = page.getByRole('dialog', { name: 'Edit Misc' });
      await edit.getByLabel('Name').fill('Receipts');
      await edit.getByLabel('Description (optional)').fill('Shop receipts and warranties');
      await assertAccessible(page, 'topic edit dialog');
      await edit.getByRole('button', { name: 'Save' }).click();
      await page.locator('li[data-topic="Receipts"]').getByText('Shop receipts and warranties').waitFor();

      await page.getByRole('button', { name: 'Delete Receipts' }).click();
      const del = page.getByRole('dialog', { name: 'Delete topic?' });
      await del.getByRole('button', { name: 'Delete topic' }).click();
      await page.locator('li[data-topic="Receipts"]').waitFor({ state: 'detached' });
      assert.equal(await page.locator('li[data-topic="Housing"] .topic-count').textContent(), '0 documents');
      await assertAccessible(page, 'topics page');
      await page.screenshot({ path: artifactPath('page-topics-1280.png'), fullPage: true });
    }),
  );

  it(
    'when topics are set by hand with the keyboard, then the chips show them and the topic filter finds the document',
    shots(async () => {
      const { page } = session;
      await nav(page, 'Documents').click();
      const menuButton = documentRow(page, 'lease-agreement.txt').getByRole('button', {
        name: 'Actions for lease-agreement.txt',
      });
      await menuButton.focus();
      await page.keyboard.press('Enter');
      const menu = page.getByRole('menu', { name: 'Actions for lease-agreement.txt' });
      await menu.waitFor();
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Download', 'the first item has focus');
      await assertAccessible(page, 'documents with a row menu open');
      // Download, Share, Rename, Set topics
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Set topics');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Set topics' });
      await dialog.waitFor();
      await assertAccessible(page, 'set topics dialog');

      // Focus stays inside the dialog however far one tabs.
      for (let i = 0; i < 8; i++) {
        await page.keyboard.press('Tab');
        assert.ok(await dialog.evaluate((d) => d.contains(document.activeElement)), `focus stays in the dialog (Tab ${i + 1})`);
      }
      await dialog.getByLabel('Housing').check();
      await dialog.getByRole('button', { name: 'Save topics' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(
        await page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
        'Actions for lease-agreement.txt',
        'focus returns to the menu button',
      );
      await documentRow(page, 'lease-agreement.txt').getByRole('link', { name: 'Housing' }).waitFor();

      await page.getByLabel('Topic', { exact: true }).selectOption({ label: 'Housing' });
      await page.waitForURL(/topic=/);
      await page.locator('li.doc-row').first().waitFor();
      await waitForCount(page, 1);
      assert.deepEqual(await page.locator('li.doc-row h3').allTextContents(), ['lease-agreement.txt']);
      await page.getByRole('button', { name: 'Clear' }).click();
      await waitForCount(page, 20);
    }),
  );

  it(
    'when there are more documents than fit a page, then Next and Previous page through them',
    shots(async () => {
      const { page } = session;
      const pager = page.getByRole('navigation', { name: 'Document pages' });
      await pager.getByText('1–20 of 23').waitFor();
      await pager.getByRole('button', { name: 'Next' }).click();
      await pager.getByText('21–23 of 23').waitFor();
      await waitForCount(page, 3);
      await pager.getByRole('button', { name: 'Previous' }).click();
      await pager.getByText('1–20 of 23').waitFor();
    }),
  );

  it(
    'when a document is renamed, then the list shows the new name; Esc closes a dialog and gives focus back',
    shots(async () => {
      const { page } = session;
      await rowAction(page, 'blood-test.txt', 'Rename');
      let dialog = page.getByRole('dialog', { name: 'Rename document' });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Actions for blood-test.txt');

      await rowAction(page, 'blood-test.txt', 'Rename');
      dialog = page.getByRole('dialog', { name: 'Rename document' });
      await dialog.getByLabel('Name').fill('blood-test-2024.txt');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await documentRow(page, 'blood-test-2024.txt').waitFor();
      await page.getByRole('status').getByText('Renamed to blood-test-2024.txt').waitFor();
    }),
  );

  it(
    'when an unclassified document is reclassified, then it goes from "Uploaded" to "Classified" without a reload',
    shots(async () => {
      const { page } = session;
      const row = documentRow(page, 'blood-test-2024.txt');
      await row.locator('.badge', { hasText: 'Uploaded' }).waitFor();
      await rowAction(page, 'blood-test-2024.txt', 'Reclassify');
      await page.getByRole('status').getByText('Classifying blood-test-2024.txt again').waitFor();
      await row.locator('.badge', { hasText: 'Classified' }).waitFor({ timeout: 30_000 });
    }),
  );

  it(
    'when the classifier settings are saved, then the API key is write-only and shows as "Key set"',
    shots(async () => {
      const { page } = session;
      await nav(page, 'Settings').click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await assertAccessible(page, 'settings page');
      await page.getByLabel(/OpenAI-compatible/).check();
      await page.getByLabel('Model', { exact: true }).fill('gpt-4o-mini');
      await page.getByLabel('Base URL', { exact: true }).fill('https://1.1.1.1/v1');
      await page.getByLabel('API key').fill('sk-test-never-shown-again');
      await assertAccessible(page, 'settings page, remote provider');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByTestId('key-set').waitFor();
      await page.screenshot({ path: artifactPath('page-settings-1280.png'), fullPage: true });
      await page.reload();
      await page.getByTestId('key-set').waitFor();
      assert.equal(await page.getByLabel('Model', { exact: true }).inputValue(), 'gpt-4o-mini');
      const html = await page.content();
      assert.ok(!html.includes('sk-test-never-shown-again'), 'the key is never shown');
      const settings = await api.ok<{ api_key_set: boolean; provider: string }>('GET', '/api/settings', { token: person.token });
      assert.deepEqual([settings.provider, settings.api_key_set], ['openai', true]);

      await page.getByRole('button', { name: 'Remove key' }).click();
      await page.getByLabel('API key').waitFor();
      assert.equal((await api.ok<{ api_key_set: boolean }>('GET', '/api/settings', { token: person.token })).api_key_set, false);

      // Back to the built-in classifier, and no automatic classification.
      await page.getByLabel(/Built-in/).check();
      await page.getByLabel('Classify new uploads automatically').uncheck();
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('status').getByText('Settings saved').waitFor();
      const saved = await api.ok<{ auto_classify: boolean; provider: string }>('GET', '/api/settings', { token: person.token });
      assert.deepEqual([saved.provider, saved.auto_classify], ['local', false]);
    }),
  );

  it(
    'when auto-classify is off, then a new upload shows "Uploaded", not "Classifying"',
    shots(async () => {
      const { page } = session;
      await api.uploadDocument(person.token, 'aaa-manual-only.txt', 'Filed by hand only');
      await nav(page, 'Documents').click();
      await page.getByLabel('Search documents').fill('manual');
      await page.getByText('1 result for “manual”').waitFor();
      await documentRow(page, 'aaa-manual-only.txt').locator('.badge', { hasText: 'Uploaded' }).waitFor();
    }),
  );

  it(
    'when the classifier refuses a document, then the list shows "Failed" with the reason',
    shots(async () => {
      const { page } = session;
      await api.ok('PUT', '/api/settings', {
        token: person.token,
        body: {
          provider: 'openai',
          model: 'gpt-test',
          base_url: `${provider.url}/v1`,
          api_key: 'sk-wrong-key-for-the-test',
          auto_classify: true,
        },
      });
      // With no topics there is nothing to ask the provider; give it one to be asked about.
      await api.ok('POST', '/api/topics', { token: person.token, body: { name: 'Refusals', description: 'documents the provider refuses' } });
      // Settings changed behind the page's back: come to Documents afresh, as a person who
      // changed them on the Settings page would (the page reads auto-classify when it opens).
      await nav(page, 'Topics').click();
      await nav(page, 'Documents').click();
      await api.uploadDocument(person.token, 'refused.txt', 'A document the provider will not classify');
      await page.getByLabel('Search documents').fill('refused');
      const row = documentRow(page, 'refused.txt');
      await row.locator('.badge', { hasText: 'Failed' }).waitFor({ timeout: 30_000 });
      const error = (await row.locator('.doc-error').textContent()) ?? '';
      assert.ok(error.trim().length > 0, 'the reason is shown');
      assert.ok(!error.includes('sk-wrong-key-for-the-test'), 'the key is not in the message');
      assert.ok(provider.calls > 0, 'the provider was called');
      await assertAccessible(page, 'documents with a failed classification');
      await page.screenshot({ path: artifactPath('page-documents-failed-1280.png') });
      await api.ok('PUT', '/api/settings', {
        token: person.token,
        body: { provider: 'local', api_key: null, auto_classify: false },
      });
      await page.getByLabel('Search documents').fill('');
    }),
  );

  it(
    'when every page is shown at 390 px, then nothing scrolls sideways and axe finds nothing serious',
    shots(async () => {
      const { page } = session;
      await page.setViewportSize({ width: 390, height: 844 });
      for (const [link, heading] of [
        ['Documents', 'Documents'],
        ['Topics', 'Topics'],
        ['Settings', 'Settings'],
        ['Security', 'Security'],
      ]) {
        await nav(page, link!).click();
        await page.getByRole('heading', { level: 1, name: heading! }).waitFor();
        await page.waitForLoadState('networkidle');
        await assertNoHorizontalOverflow(page, `${heading} at 390 px`);
        await assertAccessible(page, `${heading} at 390 px`);
        await page.screenshot({ path: artifactPath(`page-${heading!.toLowerCase()}-390.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 860 });
    }),
  );

  it('then Chromium logged no console errors', () => {
    session.console.assertClean();
  });
});

async function waitForCount(page: import('playwright-core').Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => document.querySelectorAll('li.doc-row').length === n && !document.querySelector('.doc-list[aria-busy]'),
    n,
  );
}

interface FakeProvider {
  url: string;
  calls: number;
  close(): Promise<void>;
}

/** An OpenAI-compatible endpoint that refuses every key, as the real one does (401). */
async function startFakeProvider(): Promise<FakeProvider> {
  const state = { calls: 0 };
  const server = createServer((req, res) => {
    state.calls++;
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', code: 'invalid_api_key' },
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get calls() {
      return state.calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
