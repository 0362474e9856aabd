import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { artifactPath } from './browser.js';

/**
 * Wraps a test body so a failure leaves a screenshot of each given page (and the page's
 * visible text in the error) under e2e/artifacts/failures/.
 */
export function withFailureShots(pages: () => Array<Page | undefined>, fn: (t: TestContext) => Promise<void>) {
  return async (t: TestContext) => {
    try {
      await fn(t);
    } catch (e) {
      const slug = t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      let i = 0;
      for (const page of pages()) {
        if (!page || page.isClosed()) continue;
        const path = artifactPath(`failures/${slug}-${i++}.png`);
        await page.screenshot({ path, fullPage: true }).catch(() => {});
        t.diagnostic(`screenshot: ${path}`);
      }
      throw e;
    }
  };
}
