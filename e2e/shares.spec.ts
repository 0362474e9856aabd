import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient, type ApiUser } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { assertAccessible } from './support/axe.js';
import { artifactPath, launchBrowser, newSession, type Session } from './support/browser.js';
import { withFailureShots } from './support/failures.js';
import { assertNoHorizontalOverflow, documentRow, rowAction, signIn } from './support/ui.js';

/**
 * Share links as people use them: the owner makes a password-protected link in the
 * Share dialog and copies it; someone without an account opens it in another browser,
 * gives the password and downloads the file; the owner sees the download counted.
 */
describe('share links: owner shares, an anonymous visitor downloads', () => {
  let app: AppServer;
  let browser: Browser;
  let owner: Session;
  let visitor: Session;
  let person: ApiUser;
  const FILE = 'tenancy-agreement.txt';
  const TEXT = 'Tenancy agreement between the landlord and the tenant.\n'.repeat(400);
  const PASSWORD = 'share passphrase 2026';
  const shots = (fn: () => Promise<void>) => withFailureShots(() => [owner?.page, visitor?.page], fn);

  before(async () => {
    app = await startApp();
    const api = new ApiClient(app.baseUrl);
    person = await api.createUser('sam@example.test', 'sam passphrase 444');
    await api.ok('PUT', '/api/settings', { token: person.token, body: { auto_classify: false } });
    await api.uploadDocument(person.token, FILE, TEXT);
    browser = await launchBrowser();
    owner = await newSession(browser, app.baseUrl, { clipboard: true });
    visitor = await newSession(browser, app.baseUrl);
    // The wrong password is answered 401, which the browser logs.
    visitor.console.expect(/Failed to load resource: the server responded with a status of 401/);
  });

  after(async () => {
    await owner?.context.close();
    await visitor?.context.close();
    await browser?.close();
    await app?.stop();
  });

  it(
    'when the owner creates a link with a password, then a visitor without an account gives it and downloads the file',
    shots(async () => {
      const { page } = owner;
      await signIn(page, person.email, person.password);
      await documentRow(page, FILE).waitFor();
      assert.equal(await documentRow(page, FILE).getByText('Shared', { exact: true }).count(), 0);

      await rowAction(page, FILE, 'Share');
      const dialog = page.getByRole('dialog', { name: 'Share by link' });
      await dialog.getByLabel('Expires after').selectOption('30');
      await dialog.getByLabel('Password (optional)').fill(PASSWORD);
      await dialog.getByLabel('Download limit (optional)').fill('3');
      await dialog.getByRole('button', { name: 'Create link' }).click();
      const urlField = dialog.getByRole('textbox', { name: 'Share link', exact: true });
      await urlField.waitFor();
      const url = await urlField.inputValue();
      assert.match(url, new RegExp(`^${app.baseUrl}/s/[A-Za-z0-9_-]{43}$`));
      await dialog.getByRole('button', { name: 'Copy link' }).click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
      await dialog.getByText('0 downloads of 3').waitFor();
      await assertAccessible(page, 'share dialog');
      await page.screenshot({ path: artifactPath('shares/share-dialog-1280.png') });
      await dialog.getByRole('button', { name: 'Done' }).click();
      await documentRow(page, FILE).getByText('Shared', { exact: true }).waitFor();

      // Someone else, in a browser with no session of ours.
      const v = visitor.page;
      const opened = await v.goto(url);
      assert.equal(opened?.status(), 200);
      const headers = opened!.headers();
      assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/);
      assert.equal(headers['referrer-policy'], 'no-referrer');
      assert.match(headers['x-robots-tag'] ?? '', /noindex/);
      await v.getByRole('heading', { name: 'This document is protected' }).waitFor();
      assert.equal(await v.getByText(FILE).count(), 0, 'no file name before the password');
      await v.getByLabel('Password').fill('not the password');
      await v.getByRole('button', { name: 'Continue' }).click();
      await v.getByText('That password is not right.').waitFor();
      await v.getByLabel('Password').fill(PASSWORD);
      await v.getByRole('button', { name: 'Continue' }).click();
      await v.getByRole('heading', { name: FILE }).waitFor();
      await v.getByText(/^21 KB · Available until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/).waitFor();
      await v.screenshot({ path: artifactPath('shares/share-page-1280.png') });
      await v.setViewportSize({ width: 390, height: 800 });
      await assertNoHorizontalOverflow(v, 'share page at 390 px');
      await v.screenshot({ path: artifactPath('shares/share-page-390.png') });
      await v.setViewportSize({ width: 1280, height: 860 });
      const [download] = await Promise.all([v.waitForEvent('download'), v.getByRole('button', { name: 'Download' }).click()]);
      assert.equal(download.suggestedFilename(), FILE);
      const saved = artifactPath('shares/downloaded.txt');
      await download.saveAs(saved);
      assert.equal(readFileSync(saved, 'utf8'), TEXT);
      // The page uses no script and its inline style is allowed by hash: no CSP complaint.
      visitor.console.assertClean();

      // The owner sees the download counted.
      await rowAction(page, FILE, 'Share');
      await page.getByRole('dialog', { name: 'Share by link' }).getByText('1 download of 3').waitFor();
      owner.console.assertClean();
    }),
  );

  it(
    'when the owner revokes the link, then the visitor sees only that it is not available',
    shots(async () => {
      const { page } = owner;
      const dialog = page.getByRole('dialog', { name: 'Share by link' });
      await dialog.getByRole('button', { name: /^Revoke link/ }).click();
      await dialog.getByText('Revoked').waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await documentRow(page, FILE).getByText('Shared', { exact: true }).waitFor({ state: 'detached' });
      visitor.console.expect(/Failed to load resource: the server responded with a status of 404/);
      const r = await visitor.page.reload();
      assert.equal(r?.status(), 404);
      await visitor.page.getByRole('heading', { name: 'This link is not available.' }).waitFor();
    }),
  );
});
