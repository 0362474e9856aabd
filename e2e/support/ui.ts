import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { TestFile } from './files.js';

/** What a person does, through the page only. */

export async function signUp(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
}

/** Drops files onto the documents page the way a drag from the desktop does. */
export async function dropFiles(page: Page, files: TestFile[], target = 'main'): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.mimeType, b64: f.buffer.toString('base64') }));
  await page.evaluate(
    ({ payload, target }) => {
      const dt = new DataTransfer();
      for (const f of payload) {
        const bin = atob(f.b64);
        const bytes = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      const el = document.querySelector(target)!;
      for (const type of ['dragenter', 'dragover', 'drop']) {
        el.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { payload, target },
  );
}

/** The quota bar's figures: text as shown, bytes from its meter. */
export async function quotaBar(page: Page): Promise<{ text: string; used: number; limit: number; warning: boolean }> {
  const section = page.getByTestId('quota');
  const meter = section.getByRole('meter');
  return {
    text: (await section.locator('.quota-text').textContent())?.trim() ?? '',
    used: Number(await meter.getAttribute('data-used')),
    limit: Number(await meter.getAttribute('data-limit')),
    warning: ((await section.getAttribute('class')) ?? '').includes('quota-warning'),
  };
}

export async function waitForQuotaText(page: Page, expected: string, timeoutMs = 15_000): Promise<void> {
  await page
    .getByTestId('quota')
    .locator('.quota-text', { hasText: new RegExp(`^${escapeRe(expected)}$`) })
    .waitFor({ timeout: timeoutMs });
}

/** A link of the main navigation (sidebar, or top bar on phones). */
export function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
}

export function documentRow(page: Page, filename: string) {
  return page.locator(`li.doc-row[data-filename="${filename.replace(/"/g, '\\"')}"]`);
}

export async function rowAction(page: Page, filename: string, action: string): Promise<void> {
  await documentRow(page, filename)
    .getByRole('button', { name: `Actions for ${filename}` })
    .click();
  await page.getByRole('menuitem', { name: action }).click();
}

/** No sideways scrolling: the page fits the viewport's width. */
export async function assertNoHorizontalOverflow(page: Page, where: string): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${where}: the page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
