/**
 * The OCR acceptance suite, run by ocr-program.test.ts (the tesseract program) and
 * ocr-wasm.test.ts (tesseract.js, the program off PATH) on both databases (named *.test.ts
 * so the production build leaves it out; on its own this file holds no tests).
 *
 * Five topics (Brown corpus genres) with two born-digital examples each; then Brown texts
 * the classifier has not seen, set as scanned pages (PNG, JPEG, a two-page TIFF, image-only
 * PDFs) and also uploaded as .txt. Over real HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { databaseKinds, startTestApp, type TestApp } from '../../test-support/test-app.js';
import { vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';
import { findTesseractProgram } from './extraction/ocr/ocr-engine.js';
import { makePdf } from '../../test-support/file-fixtures.js';
import { brownFiles, brownText, makePdfWithPages, makeScan, makeWordPage, wordAccuracy, words } from './scan-fixtures.test.js';

/** Five Brown genres as topics, with what a user would write as their descriptions. */
export const GENRE_TOPICS: Record<string, string> = {
  news: 'Press reportage: news reports on politics, government, elections, sports, society, spot news, finance and local events.',
  religion: 'Religion: church, God, faith, Christian theology, the Bible, worship, prayer, sermons and spiritual life.',
  hobbies:
    'Skills and hobbies: how-to articles on gardening, cooking, crafts, sports, boats, cars, pets, home building and tools.',
  government:
    'Government documents and reports: official publications, federal and state programs, agencies, budgets, regulations, industry reports.',
  romance: 'Romance and love stories: a girl and a man, love, kisses, marriage, feelings and heartbreak.',
};

interface ScanCase {
  genre: string;
  format: 'png' | 'jpeg' | 'tiff' | 'pdf';
  /** The text of each page. */
  pages: string[];
}

const WORDS_PER_PAGE = 130;

/** Texts the classifier never saw as examples: the 5th file of each genre (examples are the 1st and 2nd). */
function scanCases(): ScanCase[] {
  const page = (genre: string, n: number) =>
    brownText(brownFiles(genre)[4]!, { skip: n * WORDS_PER_PAGE, words: WORDS_PER_PAGE });
  return [
    { genre: 'news', format: 'png', pages: [page('news', 0)] },
    { genre: 'religion', format: 'jpeg', pages: [page('religion', 0)] },
    { genre: 'hobbies', format: 'tiff', pages: [page('hobbies', 0), page('hobbies', 1)] },
    { genre: 'government', format: 'pdf', pages: [page('government', 0)] },
    { genre: 'romance', format: 'pdf', pages: [page('romance', 0)] },
  ];
}

const TYPES = { png: 'image/png', jpeg: 'image/jpeg', tiff: 'image/tiff', pdf: 'application/pdf' } as const;
const EXT = { png: 'png', jpeg: 'jpg', tiff: 'tif', pdf: 'pdf' } as const;

/** A word of `text` of 8+ letters found in no other text of the set: what a user would search for. */
function distinctiveWord(text: string, others: string[]): string {
  const elsewhere = new Set(others.flatMap((o) => words(o)));
  const candidates = words(text).filter((w) => /^[a-z]{8,}$/.test(w) && !elsewhere.has(w));
  assert.ok(candidates.length > 0, 'every page has a word of its own');
  return candidates.sort((a, b) => b.length - a.length)[0]!;
}

export function ocrAcceptanceSuite(engineLabel: string, opts: { program: boolean; env?: Record<string, string> }) {
  // The extraction processes inherit this PATH: it decides the engine.
  assert.equal(findTesseractProgram() !== null, opts.program, `the tesseract program is ${opts.program ? '' : 'not '}on PATH`);
  for (const dbKind of databaseKinds()) {
    describe(`OCR of scans with ${engineLabel} (${dbKind})`, () => {
      let app: TestApp;
      let c: ReturnType<typeof vaultClient>;
      let u: TestUser;
      /** A second user with the same topics and examples, who uploads the scans' texts as .txt. */
      let t: TestUser;
      const cases = scanCases();
      const scanIds: string[] = [];
      const txtIds: string[] = [];
      let bornDigitalId: string;
      let mixedId: string;
      const settled: Record<string, any> = {};

      async function userWithExamples(tag: string): Promise<TestUser> {
        const user = await c.user(tag);
        const topicIds: Record<string, string> = {};
        for (const [genre, description] of Object.entries(GENRE_TOPICS))
          topicIds[genre] = await c.topic(user.token, genre, description);
        // A few born-digital examples, filed by hand: the local classifier learns from them.
        // One after the other, so both users' corpora grow in the same order.
        for (const genre of Object.keys(GENRE_TOPICS)) {
          for (const file of brownFiles(genre).slice(0, 3)) {
            const id = await c.upload(user.token, `${file}.txt`, 'text/plain', brownText(file, { words: 400 }));
            await c.settled(user.token, id, { timeoutMs: 120_000 });
            const r = await c.req('PATCH', `/api/documents/${id}`, { token: user.token, json: { topic_ids: [topicIds[genre]] } });
            assert.equal(r.status, 200);
          }
        }
        return user;
      }

      before(async () => {
        const scans = Promise.all(cases.map((k) => makeScan(k.pages, k.format)));
        const mixedPages = Promise.all([makeWordPage('Pineapple'), makeWordPage('Marmalade')]);
        app = await startTestApp({ db: dbKind, env: opts.env });
        c = vaultClient(app);
        [u, t] = await Promise.all([userWithExamples('ocr'), userWithExamples('txt')]);
        // One case at a time, the scan and its text side by side: each user's corpus then grows
        // in the same order, so the two are classified against the same statistics.
        const bytes = await scans;
        for (const [i, k] of cases.entries()) {
          const [scanId, txtId] = await Promise.all([
            c.upload(u.token, `scan-${i}.${EXT[k.format]}`, TYPES[k.format], bytes[i]!),
            c.upload(t.token, `text-${i}.txt`, 'text/plain', k.pages.join('\n\n')),
          ]);
          scanIds.push(scanId);
          txtIds.push(txtId);
          settled[scanId] = await c.settled(u.token, scanId, { timeoutMs: 600_000 });
          settled[txtId] = await c.settled(t.token, txtId, { timeoutMs: 600_000 });
        }
        bornDigitalId = await c.upload(
          u.token,
          'letter.pdf',
          'application/pdf',
          makePdf([['Dear council, the budget hearing on zoning appeals', 'is moved to Thursday evening.']]),
        );
        const [pineapple, marmalade] = await mixedPages;
        // Page 1: a scan made searchable (an invisible text layer over an image); page 2: a bare scan.
        mixedId = await c.upload(
          u.token,
          'mixed.pdf',
          'application/pdf',
          makePdfWithPages([
            { image: pineapple, lines: ['Searchable layer:', 'quarterly harbour report'], invisible: true },
            { image: marmalade },
          ]),
        );
        for (const id of [bornDigitalId, mixedId]) settled[id] = await c.settled(u.token, id, { timeoutMs: 600_000 });
      });
      after(() => app?.close());

      const textOf = async (id: string) => {
        const r = await c.req('GET', `/api/documents/${id}/text`, { token: u.token });
        assert.equal(r.status, 200, r.text);
        return r.body as { text: string; ocr: boolean; pages: number | null; truncated: boolean };
      };

      it('when scans (PNG, JPEG, a two-page TIFF, image-only PDFs) are uploaded, then OCR reads them with at least 95% word accuracy', async () => {
        for (const [i, k] of cases.entries()) {
          const doc = settled[scanIds[i]!];
          assert.equal(doc.status, 'classified', `${k.format}: ${doc.error}`);
          const t = await textOf(scanIds[i]!);
          assert.equal(t.ocr, true, k.format);
          assert.equal(t.pages, k.pages.length, k.format);
          assert.equal(t.truncated, false);
          const accuracy = wordAccuracy(k.pages.join(' '), t.text);
          assert.ok(accuracy >= 0.95, `${k.format} (${k.genre}): word accuracy ${(accuracy * 100).toFixed(1)}%`);
          assert.equal(doc.has_thumbnail, true, `${k.format} has a thumbnail`);
        }
      });

      it('when a distinctive word of any scanned page is searched for, then that document is found', async () => {
        const allPages = cases.flatMap((k, i) => k.pages.map((p) => ({ page: p, id: scanIds[i]! })));
        for (const { page, id } of allPages) {
          const word = distinctiveWord(
            page,
            allPages.filter((p) => p.page !== page).map((p) => p.page),
          );
          const r = await c.req('GET', `/api/documents?q=${encodeURIComponent(word)}`, { token: u.token });
          assert.equal(r.status, 200);
          const ids = r.body.items.map((d: { id: string }) => d.id);
          assert.ok(ids.includes(id), `"${word}" finds its scan`);
        }
      });

      it('when the same texts are uploaded as .txt, then the scans are filed as well (within 5 points)', async () => {
        const right = (ids: string[]) =>
          ids.filter((id, i) => c.topicNames(settled[id]).includes(cases[i]!.genre)).length / ids.length;
        const scans = right(scanIds);
        const texts = right(txtIds);
        const filed = cases.map(
          (k, i) => `${k.genre}: scan ${c.topicNames(settled[scanIds[i]!])} / text ${c.topicNames(settled[txtIds[i]!])}`,
        );
        // Better than chance (one in five), or the comparison says nothing.
        assert.ok(texts > 0.2, `the .txt uploads are filed better than chance (${texts}): ${filed.join('; ')}`);
        assert.ok(
          scans >= texts - 0.05,
          `scans ${(scans * 100).toFixed(0)}% vs text ${(texts * 100).toFixed(0)}%: ${filed.join('; ')}`,
        );
      });

      it('when a PDF is born digital, then its text comes from its text layer and nothing is read by OCR', async () => {
        const t = await textOf(bornDigitalId);
        assert.equal(settled[bornDigitalId].status, 'classified');
        assert.equal(t.ocr, false);
        assert.equal(t.pages, 1);
        assert.match(t.text, /Dear council, the budget hearing on zoning appeals\s+is moved to Thursday evening\./);
        assert.equal(settled[bornDigitalId].has_thumbnail, true, 'a PDF gets a thumbnail of its first page');
      });

      it('when a PDF mixes a searchable page and a bare scan, then only the bare scan is read by OCR', async () => {
        const t = await textOf(mixedId);
        assert.equal(t.ocr, true);
        assert.equal(t.pages, 2);
        assert.match(t.text, /Searchable layer:\s+quarterly harbour report/, 'page 1 from its text layer');
        assert.ok(!/pineapple/i.test(t.text), 'page 1 was not read by OCR (its image says Pineapple)');
        assert.match(t.text, /marmalade/i, 'page 2 was read by OCR');
      });
    });
  }
}
