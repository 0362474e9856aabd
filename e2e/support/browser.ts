import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './app-server.js';

/** Debian's Chromium; the specs never download a browser. CI installs the package. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'e2e/artifacts');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Playwright gives every launch a fresh temporary user-data dir, removed on close. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The e2e specs drive Debian's Chromium ` +
        `(apt-get install chromium) and never download a browser; set CHROMIUM_PATH to use another binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/**
 * Console errors and uncaught page errors of every page in a context. The browser also
 * logs each 4xx/5xx answer as a console error ("Failed to load resource"); a spec that
 * provokes one on purpose (the 413 of a file that does not fit) names it in `expected`.
 */
export class ConsoleWatch {
  readonly errors: string[] = [];

  constructor(private readonly expected: RegExp[] = []) {}

  attach(page: Page): void {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = `${m.text()} ${m.location().url ?? ''}`.trim();
      if (!this.expected.some((re) => re.test(text))) this.errors.push(`[console] ${text}`);
    });
    page.on('pageerror', (e) => this.errors.push(`[pageerror] ${e.message}`));
  }

  expect(re: RegExp): void {
    this.expected.push(re);
  }

  assertClean(): void {
    if (this.errors.length) throw new Error(`Chromium logged errors:\n${this.errors.join('\n')}`);
  }
}

export interface Session {
  context: BrowserContext;
  page: Page;
  console: ConsoleWatch;
}

/** A fresh context (cookies, storage) with one page and console watching. */
export async function newSession(
  browser: Browser,
  baseUrl: string,
  opts: { width?: number; height?: number; clipboard?: boolean } = {},
): Promise<Session> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 },
    acceptDownloads: true,
  });
  if (opts.clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  context.setDefaultTimeout(15_000);
  const watch = new ConsoleWatch();
  context.on('page', (p) => watch.attach(p));
  const page = await context.newPage();
  return { context, page, console: watch };
}

export function artifactPath(name: string): string {
  const path = join(ARTIFACTS, name);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}
