import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { ApiClient } from './api.js';
import { makePdf, makeText, MiB, type TestFile } from './files.js';
import { percentages, startUploadRecorder, stepsSeen, uploadLog, uploadShifts } from './upload-recorder.js';
import { documentRow, dropFiles, quotaBar, waitForQuotaText } from './ui.js';

/**
 * The three files of the upload acceptance: a PDF whose text is about photosynthesis, a
 * small invoice in plain text, and 2 MiB of field notes (big enough to watch the
 * percentage rise under a throttled uplink).
 */
export function threeFiles(): { pdf: TestFile; invoice: TestFile; big: TestFile; all: TestFile[] } {
  const pdf = makePdf('photosynthesis.pdf', [
    'Photosynthesis in green plants',
    'Chlorophyll in the leaf cells absorbs light and the plant turns carbon dioxide and water into glucose.',
    'Botany lecture notes on chloroplasts, stomata and plant biology.',
  ]);
  const invoice = makeText(
    'invoice-march.txt',
    600,
    'Invoice 2024-031. Amount due: 1,250.00 EUR. Payment by bank transfer within 30 days. VAT and tax included; billing address on file.',
  );
  const big = makeText(
    'field-notes.txt',
    2 * MiB,
    'Field notes: plant cells, leaves, chlorophyll and photosynthesis observed in the greenhouse.',
  );
  return { pdf, invoice, big, all: [pdf, invoice, big] };
}

/** Slows the page's uploads (not its downloads) so progress is observable. */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await cdp.detach();
  };
}

/**
 * Drops the three files on the documents page and checks what a person sees: each row
 * goes preparing → uploading with a rising percentage → confirming → done, rows never
 * change height while progress moves, at most three files move at once, and the quota
 * bar shows the new total without a reload. Returns the files.
 */
export async function uploadThreeFilesAndWatch(t: TestContext, page: Page, api: ApiClient, token: string) {
  const files = threeFiles();
  const before = await api.quota(token);
  await startUploadRecorder(page);
  // ~2 s for the 2 MiB file on a 1 MiB/s uplink.
  const unthrottle = await throttleUploads(page, 1 * MiB);
  const navigationsBefore = await page.evaluate(
    () => performance.getEntriesByType('navigation').length + ':' + performance.timeOrigin,
  );

  await dropFiles(page, files.all);
  for (const f of files.all) {
    await page.locator(`[data-upload-row="${f.name}"].upload-done`).waitFor({ timeout: 60_000 });
  }
  await unthrottle();

  const log = await uploadLog(page);
  for (const f of files.all) {
    const rows = log[f.name] ?? [];
    const steps = stepsSeen(rows).filter((s) => s !== 'queued');
    assert.deepEqual(
      steps,
      ['preparing', 'uploading', 'confirming', 'done'],
      `${f.name}: steps seen ${JSON.stringify(rows.map((r) => r.text))}`,
    );
    assert.ok(
      rows.some((r) => r.text.includes('Preparing')),
      `${f.name}: "Preparing…" shown`,
    );
    assert.ok(
      rows.some((r) => r.text.includes('Confirming')),
      `${f.name}: "Confirming…" shown`,
    );
    assert.ok(
      rows.some((r) => /Uploading \d+%/.test(r.text)),
      `${f.name}: "Uploading n%" shown`,
    );
    const heights = new Set(rows.map((r) => Math.round(r.height)));
    assert.equal(heights.size, 1, `${f.name}: the row kept one height while progressing (${[...heights].join(', ')} px)`);
  }
  const shifts = await uploadShifts(page);
  assert.deepEqual(shifts, [], 'nothing inside the upload rows moved while progress updated (layout-shift entries)');
  const pct = percentages(log[files.big.name] ?? []);
  const distinct = [...new Set(pct)];
  t.diagnostic(`2 MiB file percentages seen: ${distinct.join(' ')}`);
  assert.ok(distinct.length >= 4, `the 2 MiB upload showed a rising percentage (saw ${distinct.join(', ')})`);
  assert.deepEqual(
    distinct,
    [...distinct].sort((a, b) => a - b),
    'percentages only rise',
  );
  assert.ok(
    distinct.some((p) => p > 0 && p < 100),
    'an intermediate percentage was shown',
  );

  // The quota bar, without a reload: the new total, equal to what the server charged.
  const total = files.all.reduce((n, f) => n + f.buffer.length, 0);
  const after = await api.quota(token);
  assert.equal(after.used_bytes, before.used_bytes + total, 'the server charged exactly the three files');
  await waitForQuotaText(page, `${humanBytes(after.used_bytes)} of ${humanBytes(after.limit_bytes)}`);
  const bar = await quotaBar(page);
  assert.equal(bar.used, after.used_bytes, 'the quota bar shows the used bytes the server reports');
  const navigationsAfter = await page.evaluate(
    () => performance.getEntriesByType('navigation').length + ':' + performance.timeOrigin,
  );
  assert.equal(navigationsAfter, navigationsBefore, 'the page was not reloaded');

  // The documents appear in the list.
  for (const f of files.all) await documentRow(page, f.name).waitFor();
  return files;
}

/**
 * Each document reaches "Classified" with the expected topic chip. A document still
 * "Classifying" after a minute means no classification ran: said plainly in the failure.
 */
export async function expectClassified(page: Page, expected: Record<string, string>, timeoutMs = 60_000) {
  for (const [name, topic] of Object.entries(expected)) {
    const row = documentRow(page, name);
    try {
      await row.locator('.badge', { hasText: 'Classified' }).waitFor({ timeout: timeoutMs });
    } catch {
      const badge =
        (await row
          .locator('.badge')
          .textContent()
          .catch(() => null)) ?? 'no row';
      throw new Error(
        `${name} did not reach "Classified" within ${timeoutMs / 1000} s (it shows "${badge}"). ` +
          'If it stays "Classifying", the extract-and-classify job is not classifying (issue 6 not on the server yet).',
      );
    }
    await row.getByRole('link', { name: topic }).waitFor();
  }
}

/** The same human units the UI uses, computed independently: decimal SI units, three significant digits. */
export function humanBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1000;
  let i = 0;
  while (v >= 999.5 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 2 })} ${units[i]}`;
}

/**
 * Through the API: the two topics the files should be filed under, and three unrelated
 * documents already in the vault. The local classifier scores a document against the
 * user's own corpus, so an account whose only documents are the ones being classified
 * has nothing to tell a topic's words from everyday ones; a real vault is never empty.
 */
export async function seedLibrary(api: ApiClient, token: string): Promise<void> {
  await api.createTopic(token, 'Biology', 'Plants, cells, photosynthesis, chlorophyll, leaves, botany');
  await api.createTopic(token, 'Finance', 'Invoices, payments, amounts due, tax, billing, bank transfers');
  await api.uploadDocument(
    token,
    'pancakes.txt',
    'Pancake recipe: flour, eggs, milk, butter. Whisk and fry in a hot pan until golden.',
  );
  await api.uploadDocument(
    token,
    'lyon-trip.txt',
    'Travel itinerary: train to Lyon on Monday, hotel near the station, museum visit on Tuesday.',
  );
  await api.uploadDocument(
    token,
    'car-service.txt',
    'Car maintenance: oil change every 10,000 km, check tyre pressure monthly, replace wiper blades.',
  );
}
