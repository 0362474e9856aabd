import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient, type ApiUser } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { assertAccessible } from './support/axe.js';
import { artifactPath, launchBrowser, newSession, type Session } from './support/browser.js';
import { withFailureShots } from './support/failures.js';
import { assertNoHorizontalOverflow, nav, signIn } from './support/ui.js';

describe('sessions: sign-in, the refresh cookie, several tabs, sign-out', () => {
  let app: AppServer;
  let browser: Browser;
  let session: Session;
  let api: ApiClient;
  let admin: ApiUser;
  let person: ApiUser;
  const shots = (fn: () => Promise<void>) => withFailureShots(() => session?.context.pages() ?? [], fn);

  before(async () => {
    app = await startApp();
    api = new ApiClient(app.baseUrl);
    admin = await api.createUser('root@example.test', 'root passphrase 1');
    person = await api.createUser('sam@example.test', 'sam passphrase 22');
    browser = await launchBrowser();
    session = await newSession(browser, app.baseUrl);
    // The wrong password below is answered 401, which the browser logs.
    session.console.expect(/Failed to load resource: the server responded with a status of 401/);
  });

  after(async () => {
    await session?.context.close();
    await browser?.close();
    await app?.stop();
  });

  it(
    'when an anonymous visitor opens a page, then they are sent to sign in, without a refresh attempt',
    shots(async () => {
      const { page } = session;
      const refreshes: string[] = [];
      page.on('request', (r) => r.url().includes('/api/auth/refresh') && refreshes.push(r.url()));
      await page.goto('/topics');
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      assert.match(page.url(), /\/signin\?next=%2Ftopics$/);
      assert.deepEqual(refreshes, [], 'no refresh without a session to refresh');
      await assertAccessible(page, 'sign-in page');
      await page.getByRole('link', { name: 'Create an account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
      await assertAccessible(page, 'register page');
      await page.setViewportSize({ width: 390, height: 844 });
      await assertNoHorizontalOverflow(page, 'register at 390 px');
      await page.screenshot({ path: artifactPath('page-register-390.png'), fullPage: true });
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await assertNoHorizontalOverflow(page, 'sign-in at 390 px');
      await assertAccessible(page, 'sign-in at 390 px');
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.screenshot({ path: artifactPath('page-signin-1280.png'), fullPage: true });
    }),
  );

  it(
    'when the password is wrong, then the form says so in plain words',
    shots(async () => {
      const { page } = session;
      await signIn(page, person.email, 'not the password');
      await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Sign in');
    }),
  );

  it(
    'when signing in from a deep link, then the person lands where they were going, and a reload keeps them signed in',
    shots(async () => {
      const { page } = session;
      await page.goto('/topics');
      await page.getByLabel('Email').fill(person.email);
      await page.getByLabel('Password').fill(person.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Topics' }).waitFor();
      const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      assert.ok(!/eyJ/.test(storage), 'no token is kept in web storage');
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Topics' }).waitFor();
    }),
  );

  it(
    'when the access token is refused mid-session, then the client refreshes once and retries the request',
    shots(async () => {
      const { page } = session;
      const seen: string[] = [];
      // The Documents page loads the topics too: let it settle first, so that only the Topics
      // page's one request meets the routes below.
      await page.getByRole('link', { name: 'Documents' }).click();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      await page.waitForLoadState('networkidle');
      // The server would answer an expired access token so: refuse the next topics call once.
      let refused = 0;
      await page.route('**/api/auth/refresh', async (route) => {
        seen.push('refresh');
        await route.continue();
      });
      const topicsList = '**/api/topics';
      await page.route(topicsList, async (route) => {
        if (refused++ === 0) {
          seen.push('topics → 401');
          await route.fulfill({
            status: 401,
            contentType: 'application/json',
            body: JSON.stringify({ detail: 'Token expired', code: 'unauthorized' }),
          });
        } else {
          seen.push(`topics (${route.request().headers().authorization ? 'with' : 'without'} a token)`);
          await route.continue();
        }
      });
      await page.getByRole('link', { name: 'Topics' }).click();
      await page.getByRole('heading', { level: 2, name: 'Your topics' }).waitFor();
      await page.getByText('No topics yet').waitFor();
      await page.unroute(topicsList);
      await page.unroute('**/api/auth/refresh');
      assert.deepEqual(
        seen.slice(0, 3),
        ['topics → 401', 'refresh', 'topics (with a token)'],
        'one refresh between the refused call and its retry',
      );
      assert.equal(seen.filter((s) => s === 'refresh').length, 1, 'exactly one refresh');
    }),
  );

  it(
    'when two tabs load at the same moment, then they share one session (refreshes are serialised, the family is never revoked)',
    shots(async () => {
      const first = session.page;
      const second = await session.context.newPage();
      await second.goto('/settings');
      await second.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      for (let round = 0; round < 3; round++) {
        await Promise.all([first.reload(), second.reload()]);
        await Promise.all([
          first.getByRole('heading', { level: 1, name: 'Topics' }).waitFor(),
          second.getByRole('heading', { level: 1, name: 'Settings' }).waitFor(),
        ]);
      }
      // Still a live session on the server: a third tab signs in silently.
      const third = await session.context.newPage();
      await third.goto('/');
      await third.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      await third.close();

      // Signing out in one tab signs the other out too.
      await second.getByRole('button', { name: 'Sign out', exact: true }).click();
      await second.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await first.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
      await second.close();
      await first.reload();
      await first.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    }),
  );

  it(
    'when a person signs out, then the tab lets go of the session before the server ends it, and never asks for a refresh',
    shots(async () => {
      const { page } = session;
      await signIn(page, person.email, person.password);
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      // Hold the logout at the network, so "before" and "after" the server ends the session are apart.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/auth/logout', async (route) => {
        await held;
        await route.continue();
      });
      const sent: { url: string; authorization?: string }[] = [];
      const onRequest = (r: import('playwright-core').Request) =>
        r.url().includes('/api/') && sent.push({ url: new URL(r.url()).pathname, authorization: r.headers().authorization });
      page.on('request', onRequest);
      try {
        const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
        await page.getByRole('button', { name: 'Sign out', exact: true }).click();
        // Signed out here while the server has not yet heard of it.
        await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
        release();
        assert.equal((await loggedOut).status(), 204);
        assert.deepEqual(
          sent.map((r) => r.url),
          ['/api/auth/logout'],
          'after the click, only the logout goes out: no API call with the old session, no refresh',
        );
        assert.match(sent[0]!.authorization ?? '', /^Bearer \S+$/, 'the logout carries the token it ends');
        // The server ended the session: its refresh cookie is dead.
        const refresh = await page.request.post('/api/auth/refresh');
        assert.equal(refresh.status(), 401);
      } finally {
        release();
        page.off('request', onRequest);
        await page.unroute('**/api/auth/logout');
      }
    }),
  );

  it(
    'when a non-admin opens the admin page, then they see their documents instead; an admin sees Users',
    shots(async () => {
      const { page } = session;
      await signIn(page, person.email, person.password);
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0, 'no Users link for a user');
      await page.goto('/admin');
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      await page.goto('/no/such/page');
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
      await page.getByRole('button', { name: 'Sign out', exact: true }).click();
      await signIn(page, admin.email, admin.password);
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    }),
  );

  it(
    'when a person uses the keyboard, then the skip link comes first, focus is always visible, and it moves to the new page',
    shots(async () => {
      const { page } = session;
      await page.goto('/');
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
      await page.keyboard.press('Tab');
      const focusedSkip = () =>
        page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const r = el.getBoundingClientRect();
          return { text: el.textContent, visible: r.top >= 0 && r.height > 0 };
        });
      // Under load the first paint and the key press can race: give focus a moment to land.
      await page
        .waitForFunction(() => {
          const el = document.activeElement as HTMLElement;
          return el.textContent === 'Skip to content' && el.getBoundingClientRect().top >= 0;
        }, null, { timeout: 5_000 })
        .catch(() => {});
      const skip = await focusedSkip();
      assert.deepEqual(
        skip,
        { text: 'Skip to content', visible: true },
        'the skip link is the first stop and shows when focused',
      );
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
      // Every Tab stop of the (empty) documents page shows a focus ring (outline or box-shadow).
      for (let i = 0; i < 5; i++) {
        await page.keyboard.press('Tab');
        const ring = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          const cs = getComputedStyle(el);
          return {
            what: el.outerHTML.slice(0, 60),
            shown: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
          };
        });
        assert.ok(ring.shown, `focus is visible on ${ring.what}`);
      }
      await page.keyboard.press('Shift+Tab');
      await nav(page, 'Topics').focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Topics' }).waitFor();
      await page.waitForFunction(() => document.activeElement?.classList.contains('page-title'));
    }),
  );

  it('then Chromium logged no console errors but the expected 401', () => {
    session.console.assertClean();
  });
});
