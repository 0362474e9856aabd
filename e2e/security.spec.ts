import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { ApiClient, type ApiUser } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { assertAccessible } from './support/axe.js';
import { artifactPath, launchBrowser, newSession, type Session } from './support/browser.js';
import { withFailureShots } from './support/failures.js';
import { totp } from './support/totp.js';
import { signIn, signOut } from './support/ui.js';

describe('security: two-step verification and the password', () => {
  let app: AppServer;
  let browser: Browser;
  let session: Session;
  let person: ApiUser;
  let other: ApiUser;
  let api: ApiClient;
  /** Every Content-Security-Policy violation any page of the session reported. */
  const cspViolations: string[] = [];
  let secret = '';
  let codes: string[] = [];
  let password = 'first passphrase 123';
  const shots = (fn: () => Promise<void>) => withFailureShots(() => [session?.page], fn);

  before(async () => {
    app = await startApp();
    api = new ApiClient(app.baseUrl);
    person = await api.createUser('noor@example.test', password); // the first account: an admin
    // Another user with 2FA on, for the admin's reset.
    other = await api.createUser('sam@example.test', 'sam passphrase 789');
    const setup = await api.ok<{ secret: string }>('POST', '/api/auth/2fa/setup', {
      token: other.token,
      body: { password: other.password },
    });
    await api.ok('POST', '/api/auth/2fa/enable', { token: other.token, body: { password: other.password, code: totp(setup.secret) } });
    browser = await launchBrowser();
    session = await newSession(browser, app.baseUrl, { clipboard: true });
    await session.context.exposeBinding('__reportCspViolation', (_source, text: string) => void cspViolations.push(text));
    await session.context.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation(
          `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`,
        ),
      ),
    );
  });

  after(async () => {
    await session?.context.close();
    await browser?.close();
    await app?.stop();
  });

  it(
    'when 2FA is set up with the shown secret, then the backup codes are shown once and can be copied and downloaded',
    shots(async () => {
      const { page } = session;
      await signIn(page, person.email, password);
      await page.getByRole('link', { name: 'Security' }).click();
      await page.getByRole('heading', { level: 1, name: 'Security' }).waitFor();
      assert.equal(await page.getByTestId('twofa-state').textContent(), 'Off');
      await assertAccessible(page, 'security page');

      await page.getByRole('button', { name: 'Set up two-step verification' }).click();
      // The current password first: a session alone cannot turn 2FA on.
      session.console.expect(/Failed to load resource: the server responded with a status of 403 .*\/api\/auth\/2fa\/setup/);
      await page.getByLabel('Your password').fill('not my password at all');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('alert').filter({ hasText: 'That is not your current password.' }).waitFor();
      await page.getByLabel('Your password').fill(password);
      await page.getByRole('button', { name: 'Continue' }).click();
      const qr = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
      await qr.waitFor();
      assert.ok((await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the QR code renders');
      secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s+/g, '');
      assert.match(secret, /^[A-Z2-7]{16,}$/);
      await assertAccessible(page, 'security page, 2FA setup');
      await page.screenshot({ path: artifactPath('page-security-setup-1280.png'), fullPage: true });

      await page.getByLabel('Code', { exact: true }).fill(totp(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      const dialog = page.getByRole('dialog', { name: 'Save your backup codes' });
      await dialog.waitFor();
      codes = (await dialog.locator('.backup-codes code').allTextContents()).map((c) => c.trim());
      assert.equal(codes.length, 10, 'ten backup codes are shown');
      await assertAccessible(page, 'backup codes dialog');

      await page.screenshot({ path: artifactPath('page-security-backup-codes-1280.png') });
      await dialog.getByRole('button', { name: 'Copy codes' }).click();
      await dialog.getByRole('button', { name: 'Copied' }).waitFor();
      const clipboard = await page.evaluate(() => navigator.clipboard.readText());
      assert.deepEqual(clipboard.split('\n'), codes, 'the clipboard holds the codes');

      const download = page.waitForEvent('download');
      await dialog.getByRole('button', { name: 'Download' }).click();
      const file = await readFile((await (await download).path())!, 'utf8');
      for (const c of codes) assert.ok(file.includes(c), `the downloaded file has ${c}`);

      await dialog.getByRole('button', { name: 'I have saved them' }).click();
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.getByTestId('twofa-state').textContent(), 'On');
      assert.equal(await page.locator('.backup-codes').count(), 0, 'the codes are not shown again');
    }),
  );

  it(
    'when signing in again, then a code from the app completes the sign-in',
    shots(async () => {
      const { page } = session;
      await signOut(page);
      await signIn(page, person.email, password);
      await page.getByRole('heading', { level: 1, name: 'Two-step verification' }).waitFor();
      await assertAccessible(page, 'sign-in, second step');
      // A TOTP step is accepted once: the next step (inside the ±1 window) is a fresh code.
      await page.getByLabel('Authentication code').fill(totp(secret, { offset: 1 }));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
    }),
  );

  it(
    'when signing in with a backup code instead, then it works',
    shots(async () => {
      const { page } = session;
      await signOut(page);
      await signIn(page, person.email, password);
      await page.getByRole('button', { name: 'Use a backup code instead' }).click();
      await page.getByLabel('Backup code').fill(codes[0]!);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
    }),
  );

  it(
    'when the password is changed, then the new one signs in',
    shots(async () => {
      const { page } = session;
      await page.getByRole('link', { name: 'Security' }).click();
      const next = 'second passphrase 456';
      await page.getByLabel('Current password').fill(password);
      await page.getByLabel('New password', { exact: true }).fill(next);
      await page.getByLabel('Repeat new password').fill(next);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Password changed. Your other sessions were signed out.').waitFor();
      password = next;
      await signOut(page);
      await signIn(page, person.email, password);
      await page.getByRole('button', { name: 'Use a backup code instead' }).click();
      await page.getByLabel('Backup code').fill(codes[1]!);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
    }),
  );

  it(
    'when 2FA is turned off with the password and a backup code, then sign-in needs the password only',
    shots(async () => {
      const { page } = session;
      await page.getByRole('link', { name: 'Security' }).click();
      await page.getByRole('button', { name: 'Turn off' }).click();
      await page.getByLabel('Your password').fill(password);
      await page.getByLabel('Code from your app, or a backup code').fill(codes[2]!);
      await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
      await page.getByTestId('twofa-state').filter({ hasText: 'Off' }).waitFor();
      await signOut(page);
      await signIn(page, person.email, password);
      await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
    }),
  );

  it(
    'when an admin resets the 2FA of a user who lost their phone, then after confirming, that user signs in with the password only',
    shots(async () => {
      const { page } = session;
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
      assert.equal(await page.getByRole('button', { name: `Reset two-step verification of ${person.email}` }).count(), 0, 'not for yourself');
      await page.getByRole('button', { name: `Reset two-step verification of ${other.email}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Reset two-step verification?' });
      await dialog.waitFor();
      await assertAccessible(page, 'reset 2FA confirmation');
      await dialog.getByRole('button', { name: 'Reset two-step verification' }).click();
      await page.getByText(`Two-step verification is off for ${other.email}; they were emailed`).waitFor();
      await page.getByRole('button', { name: `Reset two-step verification of ${other.email}` }).waitFor({ state: 'detached' });
      const login = await api.request<{ access_token?: string }>('POST', '/api/auth/login', {
        body: { email: other.email, password: other.password },
      });
      assert.ok(login.body.access_token, 'a password sign-in gives tokens at once');
    }),
  );

  it(
    'when an AI base URL hides loopback in an IPv6 form, then the settings page says why beside the field and how a local Ollama is allowed',
    shots(async () => {
      const { page } = session;
      session.console.expect(/Failed to load resource: the server responded with a status of 422 .*\/api\/settings/);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      await page.getByRole('radio', { name: /OpenAI-compatible/ }).check();
      const field = page.getByLabel('Base URL', { exact: true });
      assert.match((await page.locator(`[id="${(await field.getAttribute('aria-describedby'))!.split(' ')[0]}"]`).textContent()) ?? '', /AI_ALLOW_PRIVATE_URLS=true/);
      await field.fill('http://[::ffff:0:127.0.0.1]/');
      await page.getByRole('button', { name: 'Save settings' }).click();
      const error = page.locator('.field-error');
      await error.waitFor();
      assert.match((await error.textContent()) ?? '', /^Its host must be a public internet address/);
      assert.equal(await field.getAttribute('aria-invalid'), 'true');
      assert.ok((await field.getAttribute('aria-describedby'))!.includes((await error.getAttribute('id'))!), 'the error is tied to the field');
      await assertAccessible(page, 'settings page, refused base URL');
      await page.screenshot({ path: artifactPath('page-settings-base-url-refused-1280.png'), fullPage: true });
    }),
  );

  it('then every page came with a strict Content-Security-Policy, no page broke it, and Chromium logged no console errors', async () => {
    const response = await session.page.reload();
    const csp = (await response!.allHeaders())['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self';/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.deepEqual(cspViolations, []);
    session.console.assertClean();
  });
});
