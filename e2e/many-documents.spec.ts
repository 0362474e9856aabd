import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ApiClient, type ApiUser } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { assertAccessible } from './support/axe.js';
import { artifactPath, launchBrowser, newSession, type Session } from './support/browser.js';
import { withFailureShots } from './support/failures.js';
import { assertNoHorizontalOverflow, documentRow, nav, rowAction, signIn } from './support/ui.js';

const INVOICE = `ACME Energy Ltd - Invoice 2024-0815. Invoice date: 12 March 2024. Amount due: 1,284.50 EUR.
Please pay the outstanding bill by bank transfer within 30 days. Payment reference INV-20240815.
Your monthly statement shows the balance, previous payments received and the direct debit schedule.`;

/** Issue 16: a vault of many documents — status from the server, paging, trash, bulk, sorting, sessions, admin, dark mode. */
describe('working with many documents (issue 16)', () => {
  let app: AppServer;
  let browser: Browser;
  let admin: ApiUser;
  let api: ApiClient;
  const sessions: Session[] = [];
  const shots = (fn: () => Promise<void>) => withFailureShots(() => sessions.map((s) => s.page), fn);

  before(async () => {
    app = await startApp();
    api = new ApiClient(app.baseUrl);
    admin = await api.createUser('admin16@example.test', 'admin passphrase 16');
    browser = await launchBrowser();
  });
  after(async () => {
    for (const s of sessions) await s.context.close();
    await browser?.close();
    await app?.stop();
  });

  async function person(tag: string, docs: number, settings: object = { provider: 'none' }): Promise<ApiUser> {
    const u = await api.createUser(`${tag}-${Date.now()}@example.test`, `${tag} passphrase 16`);
    await api.ok('PUT', '/api/settings', { token: u.token, body: settings });
    for (let i = 1; i <= docs; i++) await api.uploadDocument(u.token, `note-${String(i).padStart(2, '0')}.txt`, `Note number ${i} `.repeat(i));
    return u;
  }
  async function open(u: ApiUser, width = 1280): Promise<Page> {
    const s = await newSession(browser, app.baseUrl, { width, height: width < 500 ? 844 : 860 });
    s.console.expect(/Failed to load resource: the server responded with a status of 4\d\d/);
    sessions.push(s);
    await signIn(s.page, u.email, u.password);
    await s.page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
    return s.page;
  }
  const rows = (page: Page) => page.locator('li.doc-row');

  for (const width of [1280, 390]) {
    it(
      `at ${width} px: with classification off, a document shows "Uploaded" once the server is done, the list stops polling, and with no topics it says to create some`,
      shots(async () => {
        const u = await person(`idle${width}`, 1);
        const page = await open(u, width);
        const row = documentRow(page, 'note-01.txt');
        await row.locator('.badge', { hasText: 'Uploaded' }).waitFor({ timeout: 30_000 });
        await row.getByRole('link', { name: 'Create topics' }).waitFor();
        let listCalls = 0;
        page.on('request', (r) => {
          if (new URL(r.url()).pathname === '/api/documents') listCalls++;
        });
        await page.waitForTimeout(4000);
        assert.equal(listCalls, 0, 'nothing is in flight: no polling');
        await assertAccessible(page, `documents at ${width}`);
        await assertNoHorizontalOverflow(page, `documents at ${width}`);
        if (width < 500) {
          const small = await page.evaluate(() =>
            [...document.querySelectorAll('input:not([type=checkbox]):not([type=hidden]), select')]
              .filter((e) => (e as HTMLElement).offsetParent !== null)
              .map((e) => parseFloat(getComputedStyle(e).fontSize))
              .filter((px) => px < 16),
          );
          assert.deepEqual(small, [], 'inputs are 16 px (no zoom on focus)');
          const cut = await page.evaluate(() =>
            [...document.querySelectorAll('.nav-link')].filter((a) => a.scrollWidth > a.clientWidth + 1).map((a) => a.textContent),
          );
          assert.deepEqual(cut, [], 'no tab is cut');
          const tiny = await page.evaluate(() =>
            [...document.querySelectorAll('.nav-link, .doc-actions button')]
              .map((e) => e.getBoundingClientRect())
              .filter((r) => r.height > 0 && r.height < 44).length,
          );
          assert.equal(tiny, 0, '44 px targets');
          await page.screenshot({ path: artifactPath('many-documents-390.png'), fullPage: true });
        }
      }),
    );
  }

  it(
    'when an automatic topic is wrong, then it can be unticked in Set topics and stays removed after reclassifying',
    shots(async () => {
      const u = await person('auto', 0, { provider: 'local', auto_classify: true });
      await api.ok('POST', '/api/topics', { token: u.token, body: { name: 'Finance', description: 'Invoices, bills, payments, bank statements' } });
      await api.ok('POST', '/api/topics', { token: u.token, body: { name: 'Health', description: 'Doctor, hospital, prescriptions' } });
      await api.uploadDocument(u.token, 'acme-invoice.txt', INVOICE);
      const page = await open(u);
      const row = documentRow(page, 'acme-invoice.txt');
      await row.getByRole('link', { name: 'Finance' }).waitFor({ timeout: 30_000 });
      await rowAction(page, 'acme-invoice.txt', 'Set topics');
      const dialog = page.getByRole('dialog', { name: 'Set topics' });
      const box = dialog.getByRole('checkbox', { name: 'Finance' });
      assert.equal(await box.isChecked(), true);
      assert.equal(await box.isEnabled(), true, 'an automatic topic can be unticked');
      await box.uncheck();
      await dialog.getByRole('button', { name: 'Save topics' }).click();
      await row.getByRole('link', { name: 'Finance' }).waitFor({ state: 'detached' });
      await rowAction(page, 'acme-invoice.txt', 'Reclassify');
      await row.locator('.badge', { hasText: 'Classified' }).waitFor({ timeout: 30_000 });
      await page.waitForTimeout(500);
      assert.equal(await row.getByRole('link', { name: 'Finance' }).count(), 0, 'Finance does not come back');
    }),
  );

  it(
    'when files with no text and meaningless names are uploaded, then their rows say "Classified · No matching topic" while a letter is filed',
    shots(async () => {
      const u = await person('unfiled', 0, { provider: 'local', auto_classify: true });
      await api.ok('POST', '/api/topics', { token: u.token, body: { name: 'Finance', description: 'Invoices, bills, payments, bank statements' } });
      await api.ok('POST', '/api/topics', { token: u.token, body: { name: 'Health', description: 'Medical records: doctor, hospital, prescriptions' } });
      const noText: [string, string, string][] = [
        ['New Text Document.txt', '', 'text/plain'],
        ['archive (2).zip', 'PK\u0003\u0004 word/document.xml', 'application/zip'],
        ['setup.exe', 'MZ This program cannot be run in DOS mode.', 'application/vnd.microsoft.portable-executable'],
        ['Screen Recording 2024-03-12 at 10.11.12.mp4', '\u0000\u0000\u0000 ftypisom moov mdat', 'video/mp4'],
      ];
      for (const [name, bytes, type] of noText) await api.uploadDocument(u.token, name, bytes, type);
      await api.uploadDocument(u.token, 'acme-invoice.txt', INVOICE);
      const page = await open(u);
      await documentRow(page, 'acme-invoice.txt').getByRole('link', { name: 'Finance' }).waitFor({ timeout: 30_000 });
      for (const [name] of noText) {
        const row = documentRow(page, name);
        await row.locator('.badge', { hasText: 'Classified' }).waitFor({ timeout: 30_000 });
        assert.equal(await row.locator('.doc-no-topics').textContent(), 'No matching topic', name);
        for (const topic of ['Finance', 'Health']) assert.equal(await row.getByRole('link', { name: topic }).count(), 0, `${name} is not in ${topic}`);
      }
    }),
  );

  it(
    'when paging, then a new page lands at the top, pages are numbered, the page size changes, and the heading counts',
    shots(async () => {
      const u = await person('pages', 25);
      const page = await open(u);
      await page.getByText('25 documents', { exact: true }).waitFor();
      const pager = page.getByRole('navigation', { name: 'Document pages' });
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await pager.getByRole('button', { name: 'Page 2' }).click();
      await pager.getByText('21–25 of 25').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('li.doc-row').length === 5);
      assert.ok((await page.evaluate(() => window.scrollY)) < 5, 'the new page starts at its top');
      await pager.getByLabel('Per page').selectOption('50');
      await pager.getByText('1–25 of 25').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('li.doc-row').length === 25);
      await page.getByLabel('Search documents').fill('number');
      await page.getByText(/^25 documents match$/).waitFor();
    }),
  );

  it(
    'when sorting by name and filtering by type, then the list follows',
    shots(async () => {
      const u = await person('sort', 3);
      await api.uploadDocument(u.token, 'A-first.pdf', '%PDF-1.4 not really', 'application/pdf');
      const page = await open(u);
      await page.getByRole('button', { name: /Sort by name/ }).click();
      await page.waitForURL(/sort=filename/);
      await documentRow(page, 'A-first.pdf').waitFor();
      assert.equal(await rows(page).first().getAttribute('data-filename'), 'A-first.pdf');
      await page.getByRole('button', { name: /Sort by name/ }).click();
      await page.waitForURL(/sort=-filename/);
      await page.waitForFunction(() => document.querySelector('li.doc-row')?.getAttribute('data-filename') === 'note-03.txt');
      await page.getByLabel('Type').selectOption('pdf');
      await page.getByText('1 document match').waitFor();
    }),
  );

  it(
    'by keyboard: select rows with Space and Shift+Space, move them to the trash, Undo, then trash and restore from the Trash view',
    shots(async () => {
      const u = await person('keys', 5);
      const page = await open(u);
      await page.getByLabel('Select note-05.txt').focus();
      await page.keyboard.press('Space');
      await page.getByLabel('Select note-03.txt').focus();
      await page.keyboard.press('Shift+Space');
      await page.getByText('3 documents selected').waitFor();
      await page.getByRole('button', { name: 'Move to trash' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('2 documents', { exact: true }).waitFor();
      await page.getByRole('button', { name: 'Undo' }).focus();
      await page.keyboard.press('Enter');
      await page.getByText('5 documents', { exact: true }).waitFor();

      await rowAction(page, 'note-01.txt', 'Move to trash');
      await page.getByText('4 documents', { exact: true }).waitFor();
      await page.getByRole('link', { name: 'Trash' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Trash' }).waitFor();
      await documentRow(page, 'note-01.txt').waitFor();
      await assertAccessible(page, 'trash');
      await rowAction(page, 'note-01.txt', 'Restore');
      await page.getByText('The trash is empty').waitFor();
      const list = await api.documents(u.token);
      assert.equal(list.total, 5);
    }),
  );

  it(
    'when every document matching the filter is selected across pages, then bulk set-topics and bulk trash apply to all of them',
    shots(async () => {
      const u = await person('bulk', 23);
      const topic = await api.ok<{ id: string }>('POST', '/api/topics', { token: u.token, body: { name: 'Archive' } });
      const page = await open(u);
      await page.getByLabel('Select all on this page').check();
      await page.getByRole('button', { name: 'Select all 23 matching' }).click();
      await page.getByText('23 documents selected').waitFor();
      await page.getByLabel('Topic to add').selectOption(topic.id);
      await page.getByRole('button', { name: 'Add topic' }).click();
      await page.getByText('23 documents updated').waitFor();
      assert.equal((await api.documents(u.token, `?topic_id=${topic.id}`)).total, 23);
      await page.getByLabel('Select all on this page').check();
      await page.getByRole('button', { name: 'Select all 23 matching' }).click();
      await page.getByRole('button', { name: 'Move to trash' }).click();
      await page.getByText('The trash is empty').or(page.getByText('Drop files anywhere on this page')).waitFor();
      assert.equal((await api.documents(u.token)).total, 0);
      assert.equal((await api.documents(u.token, '?in=trash')).total, 23);
    }),
  );

  it(
    'when a user signs out another device, then only this one is left; sign out everywhere else works too',
    shots(async () => {
      const u = await person('sess', 0);
      await api.login(u.email, u.password);
      await api.login(u.email, u.password);
      const page = await open(u);
      await nav(page, 'Security').click();
      const card = page.getByRole('region', { name: 'Signed-in devices' }).or(page.locator('section[aria-labelledby="sessions-title"]'));
      // The API client's own sign-in and the two above, and this browser.
      await page.locator('.session-row').nth(3).waitFor();
      await page.locator('.session-row').filter({ hasNot: page.getByText('This device') }).first().getByRole('button', { name: /Sign out/ }).click();
      await page.getByText('Signed out that device').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.session-row').length === 3);
      await card.getByRole('button', { name: 'Sign out everywhere else' }).click();
      await page.waitForFunction(() => document.querySelectorAll('.session-row').length === 1);
      await assertAccessible(page, 'security page');
    }),
  );

  it(
    'when the admin creates a user and deletes another, with confirmations, then the list follows; the admin cannot change their own role or access',
    shots(async () => {
      const victim = await person('victim', 1);
      const s = await newSession(browser, app.baseUrl);
      sessions.push(s);
      const page = s.page;
      await signIn(page, admin.email, admin.password);
      await nav(page, 'Users').click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      assert.equal(await page.getByLabel(`Role of ${admin.email}`).isDisabled(), true);
      await page.getByRole('button', { name: 'Create user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create user' });
      await dialog.getByLabel('Email').fill('new16@example.test');
      await dialog.getByLabel('Temporary password').fill('temporary 16 pass');
      await dialog.getByRole('button', { name: 'Create user' }).click();
      await page.locator('tr[data-user="new16@example.test"]').waitFor();
      await page.getByLabel('Search users by email').fill('victim');
      await page.locator(`tr[data-user="${victim.email}"]`).waitFor();
      await page.getByRole('button', { name: `Delete ${victim.email}` }).click();
      const confirm = page.getByRole('dialog', { name: 'Delete this account?' });
      await confirm.getByRole('button', { name: 'Delete account' }).click();
      await page.getByText(`${victim.email} is being deleted`).waitFor();
      await assertAccessible(page, 'admin page');
    }),
  );

  it(
    'when the theme is switched to dark, then the page follows and stays accessible',
    shots(async () => {
      const u = await person('dark', 2);
      const page = await open(u);
      await page.getByRole('button', { name: 'Theme: Auto' }).click();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
      await assertAccessible(page, 'documents, dark');
      await page.screenshot({ path: artifactPath('many-documents-dark-1280.png') });
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark', 'the choice is kept');
    }),
  );
});
