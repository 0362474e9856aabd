import type { Page } from 'playwright-core';

export interface RowSnapshot {
  t: number;
  text: string;
  height: number;
  step: string;
}

// Plain JavaScript in a string: functions passed to page.evaluate from tsx-compiled code
// may carry esbuild's __name helper, which does not exist in the page.
const RECORDER = `(() => {
  if (window.__uploadLog) return;
  const log = {};
  let maxActive = 0;
  window.__uploadLog = log;
  window.__uploadMaxActive = () => maxActive;
  const snap = () => {
    let active = 0;
    for (const row of document.querySelectorAll('[data-upload-row]')) {
      const name = row.dataset.uploadRow;
      const text = row.querySelector('.upload-status')?.textContent ?? '';
      const step = ([...row.classList].find((c) => c.startsWith('upload-') && c !== 'upload-row') ?? '').slice(7);
      if (step === 'preparing' || step === 'uploading' || step === 'confirming') active++;
      const list = (log[name] ??= []);
      const last = list[list.length - 1];
      if (!last || last.text !== text || last.step !== step) {
        list.push({ t: performance.now(), text, step, height: row.getBoundingClientRect().height });
      }
    }
    maxActive = Math.max(maxActive, active);
  };
  new MutationObserver(snap).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['class'] });
  // Layout shifts of anything inside the upload panel once its rows exist: progress must move nothing.
  window.__uploadShifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const inside = (e.sources || []).filter((s) => s.node && s.node.closest && s.node.closest('.upload-list'));
      if (inside.length) window.__uploadShifts.push({ value: e.value, nodes: inside.map((s) => s.node.className || s.node.nodeName) });
    }
  }).observe({ type: 'layout-shift', buffered: false });
})()`;

/**
 * Records every upload row's status text, step and height each time the DOM changes
 * (MutationObserver), so a test can see the steps a person saw, however brief, and the
 * largest number of files moving at once.
 */
export async function startUploadRecorder(page: Page): Promise<void> {
  await page.evaluate(RECORDER);
}

export async function maxActiveUploads(page: Page): Promise<number> {
  return page.evaluate('window.__uploadMaxActive ? window.__uploadMaxActive() : 0') as Promise<number>;
}

/** Layout shifts recorded inside the upload rows since the recorder started. */
export async function uploadShifts(page: Page): Promise<Array<{ value: number; nodes: string[] }>> {
  return page.evaluate('window.__uploadShifts || []') as Promise<Array<{ value: number; nodes: string[] }>>;
}

export async function uploadLog(page: Page): Promise<Record<string, RowSnapshot[]>> {
  return page.evaluate(() => (window as unknown as { __uploadLog?: Record<string, RowSnapshot[]> }).__uploadLog ?? {});
}

/** Percentages shown while uploading, in order. */
export const percentages = (rows: RowSnapshot[]) =>
  rows
    .map((r) => /Uploading (\d+)%/.exec(r.text))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));

/** The distinct steps in the order they appeared. */
export const stepsSeen = (rows: RowSnapshot[]) => rows.map((r) => r.step).filter((s, i, a) => i === 0 || a[i - 1] !== s);
