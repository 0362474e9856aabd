import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { sampleTreeRss } from '../../test-support/process-tree.js';
import { createTestDatabaseUrl, dropTestDatabase } from '../../test-support/postgres-server.js';
import { buildOnce, spawnServer, waitHealthy, type ServerProcess } from '../../test-support/spawn-server.js';
import { databaseKinds, startTestApp, type StorageKind, type TestApp } from '../../test-support/test-app.js';
import { purgeTrash } from '../documents/purge-trash.job.js';
import { sweepObjects } from '../documents/sweep-objects.job.js';
import { vaultClient, type TestUser } from '../../test-support/classification-fixtures.js';
import { makeHugePng, makePdfWithPages, makeTiffBomb, makeWordPage } from './scan-fixtures.test.js';
import { DEFAULT_EXTRACTION_LIMITS, processMemoryMb } from './extraction/extraction-limits.js';

const GiB = 1024 ** 3;
const OCR_MAX_PAGES = 6;
const FIRST_PAGES = ['Apple', 'Bread', 'Candle', 'Dragon', 'Garden', 'Forest'];

for (const dbKind of databaseKinds()) {
  describe(`OCR bounds, thumbnails and previews (${dbKind})`, () => {
    let app: TestApp;
    let c: ReturnType<typeof vaultClient>;
    let u: TestUser;
    let other: TestUser;
    let wordJpeg: Buffer;

    before(async () => {
      app = await startTestApp({ db: dbKind, env: { OCR_MAX_PAGES: String(OCR_MAX_PAGES) } });
      c = vaultClient(app);
      [u, other] = await Promise.all([c.user('owner'), c.user('other')]);
      // A user without topics has nothing to be filed into: documents would stay `uploaded`.
      await c.topic(u.token, 'Notes', 'Notes, letters and words');
      wordJpeg = (await makeWordPage('Lighthouse')).jpeg;
    });
    after(() => app?.close());

    const thumbnailKey = async (id: string) =>
      (await app.runtime.db.query<{ thumbnail_key: string | null }>('SELECT thumbnail_key FROM documents WHERE id = $1', [id]))
        .rows[0]?.thumbnail_key ?? null;

    it('when a 60-page scan is uploaded, then OCR stops at OCR_MAX_PAGES and the text is marked truncated', async () => {
      const first = await Promise.all(FIRST_PAGES.map((w) => makeWordPage(w)));
      const rest = await makeWordPage('Overflow');
      const pages = [...first, ...Array.from({ length: 60 - first.length }, () => rest)].map((image) => ({ image }));
      const id = await c.upload(u.token, 'sixty.pdf', 'application/pdf', makePdfWithPages(pages));
      const doc = await c.settled(u.token, id, { timeoutMs: 300_000 });
      assert.equal(doc.status, 'classified', doc.error);
      const t = (await c.req('GET', `/api/documents/${id}/text`, { token: u.token })).body;
      assert.equal(t.pages, 60);
      assert.equal(t.ocr, true);
      assert.equal(t.truncated, true);
      for (const w of FIRST_PAGES) assert.match(t.text, new RegExp(w, 'i'), `page "${w}" was read`);
      assert.ok(!/overflow/i.test(t.text), 'no page past OCR_MAX_PAGES was read');
    });

    it('when a scan has been read, then its thumbnail (WebP, at most 400 px wide) and text are its owner’s only', async () => {
      const id = await c.upload(u.token, 'note.jpg', 'image/jpeg', wordJpeg);
      const doc = await c.settled(u.token, id, { timeoutMs: 120_000 });
      assert.equal(doc.has_thumbnail, true);

      const thumb = await fetch(`${app.baseUrl}/api/documents/${id}/thumbnail`, {
        headers: { authorization: `Bearer ${u.token}` },
      });
      assert.equal(thumb.status, 200);
      assert.equal(thumb.headers.get('content-type'), 'image/webp');
      assert.match(thumb.headers.get('cache-control') ?? '', /private/);
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      assert.equal(meta.format, 'webp');
      assert.ok(meta.width! <= 400 && meta.width! > 0, `width ${meta.width}`);
      const again = await fetch(`${app.baseUrl}/api/documents/${id}/thumbnail`, {
        headers: { authorization: `Bearer ${u.token}`, 'if-none-match': thumb.headers.get('etag')! },
      });
      assert.equal(again.status, 304, 'cacheable: the same ETag is not sent again');

      for (const path of ['text', 'thumbnail', 'preview-url']) {
        const r = await c.req('GET', `/api/documents/${id}/${path}`, { token: other.token });
        assert.equal(r.status, 404, `${path} for another user`);
        assert.equal(r.body.detail, 'Document not found');
        const anonymous = await c.req('GET', `/api/documents/${id}/${path}`);
        assert.equal(anonymous.status, 401);
      }
      const text = await c.req('GET', `/api/documents/${id}/text`, { token: u.token });
      assert.equal(text.status, 200);

      // A document without pages (plain text) has no thumbnail: 404, not an error.
      const txt = await c.settled(u.token, await c.upload(u.token, 'plain.txt', 'text/plain', 'A note about the harbour.'));
      assert.equal(txt.has_thumbnail, false);
      assert.equal((await c.req('GET', `/api/documents/${txt.id}/thumbnail`, { token: u.token })).status, 404);
    });

    it('when a document is deleted (or purged from the trash), then its thumbnail goes too; the sweep removes thumbnails no document names', async () => {
      const id = await c.upload(u.token, 'gone.jpg', 'image/jpeg', wordJpeg);
      await c.settled(u.token, id, { timeoutMs: 120_000 });
      const key = await thumbnailKey(id);
      assert.ok(key && (await app.runtime.blobs.stat({ key })), 'the thumbnail is stored');
      assert.equal((await c.req('DELETE', `/api/documents/${id}`, { token: u.token })).status, 204);
      assert.equal(await app.runtime.blobs.stat({ key: key! }), null, 'removed with the document');

      // Moved to the trash, it keeps its thumbnail; purged from the trash, the thumbnail goes with it.
      const trashed = await c.upload(u.token, 'trashed.jpg', 'image/jpeg', wordJpeg);
      await c.settled(u.token, trashed, { timeoutMs: 120_000 });
      const trashedKey = (await thumbnailKey(trashed))!;
      assert.equal((await c.req('POST', `/api/documents/${trashed}/trash`, { token: u.token })).status, 200);
      assert.ok(await app.runtime.blobs.stat({ key: trashedKey }), 'kept while in the trash');
      const purged = await purgeTrash({
        db: app.runtime.db,
        blobs: app.runtime.blobs,
        settings: { trashRetentionDays: 0, cleanupIntervalSeconds: 60 },
      });
      assert.equal(purged.documents, 1);
      assert.equal(await app.runtime.blobs.stat({ key: trashedKey }), null, 'purged with the document');

      const kept = await c.upload(u.token, 'kept.jpg', 'image/jpeg', wordJpeg);
      await c.settled(u.token, kept, { timeoutMs: 120_000 });
      const keptKey = (await thumbnailKey(kept))!;
      // What a crash between storing a thumbnail and its row (or before removing an old one) leaves.
      const orphan = `${u.id}/${kept}/derived/00000000-0000-4000-8000-000000000000.webp`;
      await app.runtime.blobs.put({ key: orphan, body: Buffer.from('RIFF'), contentType: 'image/webp' });
      const settings = { uploadUrlTtlSeconds: 900, cleanupIntervalSeconds: 1800 };
      const deps = { db: app.runtime.db, blobs: app.runtime.blobs, settings };
      await sweepObjects(deps, new Date(Date.now() + 1000 * 1000));
      assert.equal(await app.runtime.blobs.stat({ key: orphan }), null, 'the orphan thumbnail is swept');
      assert.ok(await app.runtime.blobs.stat({ key: keptKey }), 'a thumbnail its document names stays');
    });

    it('when a preview URL is asked for, then PDFs, images and plain text are shown inline in a sandbox, and HTML or SVG never', async () => {
      const img = await c.upload(u.token, 'preview.jpg', 'image/jpeg', wordJpeg);
      const txt = await c.upload(u.token, 'preview.md', 'text/markdown', '# Heading\n<script>alert(1)</script>');
      const html = await c.upload(u.token, 'page.html', 'text/html', '<html><body><script>alert(1)</script></body></html>');
      const svg = await c.upload(
        u.token,
        'logo.svg',
        'image/svg+xml',
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      );

      const shown = async (id: string, type: string) => {
        const r = await c.req('GET', `/api/documents/${id}/preview-url`, { token: u.token });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.content_type, type);
        const url = r.body.url.startsWith('http') ? r.body.url : app.baseUrl + r.body.url;
        const got = await fetch(url);
        assert.equal(got.status, 200);
        assert.equal(got.headers.get('content-type'), type);
        assert.match(got.headers.get('content-disposition') ?? '', /^inline; filename=/);
        assert.equal(got.headers.get('content-security-policy'), 'sandbox');
        assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
        return Buffer.from(await got.arrayBuffer());
      };
      assert.deepEqual(await shown(img, 'image/jpeg'), wordJpeg);
      assert.match((await shown(txt, 'text/plain; charset=utf-8')).toString(), /<script>/, 'served as text, never run');
      for (const id of [html, svg]) {
        const r = await c.req('GET', `/api/documents/${id}/preview-url`, { token: u.token });
        assert.equal(r.status, 409);
        assert.equal(r.body.code, 'preview_unavailable');
      }
      // A download stays an attachment.
      const d = await c.req('GET', `/api/documents/${img}/download-url`, { token: u.token });
      const got = await fetch(d.body.url.startsWith('http') ? d.body.url : app.baseUrl + d.body.url);
      assert.match(got.headers.get('content-disposition') ?? '', /^attachment;/);
      // An inline URL cannot be turned into another (the disposition is signed).
      const p = await c.req('GET', `/api/documents/${img}/preview-url`, { token: u.token });
      const forged = (p.body.url.startsWith('http') ? p.body.url : app.baseUrl + p.body.url).replace(
        'type=image%2Fjpeg',
        'type=text%2Fhtml',
      );
      assert.equal((await fetch(forged)).status, 403);
    });
  });

  describe(`hostile images, within the memory bound (${dbKind})`, () => {
    // The app runs as its own process, as `npm start` runs it, so the memory measured is the
    // app's alone (server, PGlite's WASM heap on the embedded default, extraction children)
    // and not the test runner's.
    let server: ServerProcess;
    let dataDir: string;
    let databaseUrl: string | undefined;
    let c: ReturnType<typeof vaultClient>;
    let u: TestUser;
    let wordJpeg: Buffer;
    before(async () => {
      buildOnce();
      wordJpeg = (await makeWordPage('Lighthouse')).jpeg;
      dataDir = mkdtempSync(join(tmpdir(), 'dv-ocr-bounds-'));
      const env: Record<string, string> = {
        DATA_DIR: dataDir,
        SECRET_KEY: randomBytes(32).toString('hex'),
        DEFAULT_QUOTA_BYTES: String(GiB),
      };
      if (dbKind === 'postgres') env.DATABASE_URL = databaseUrl = await createTestDatabaseUrl();
      server = await spawnServer(env);
      await waitHealthy(server, 150_000);
      c = vaultClient(server);
      u = await c.user('owner');
      await c.topic(u.token, 'Notes', 'Notes, letters and words');
    });
    after(async () => {
      await server?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    });

    it('when an image is huge (30,000 × 30,000 PNG), a decompression bomb (TIFF) or a corrupt JPEG, then classification_failed with a plain error, memory stays under 1 GiB, and the next scan is read', async (t) => {
      // The hostile files are made before sampling starts: they are the test's, not the app's.
      const corrupt = Buffer.concat([wordJpeg.subarray(0, Math.floor(wordJpeg.length * 0.4)), Buffer.alloc(64, 0x55)]);
      const files = { huge: makeHugePng(30_000, 30_000), bomb: makeTiffBomb(40_000), corrupt };
      const rss = sampleTreeRss(server.child.pid!);
      let peak: ReturnType<typeof rss.stop>;
      try {
        const ids = await Promise.all([
          c.upload(u.token, 'huge.png', 'image/png', files.huge),
          c.upload(u.token, 'bomb.tif', 'image/tiff', files.bomb),
          c.upload(u.token, 'broken.jpg', 'image/jpeg', files.corrupt),
        ]);
        const [huge, bomb, broken] = await Promise.all(ids.map((id) => c.settled(u.token, id, { timeoutMs: 120_000 })));
        assert.equal(huge.status, 'classification_failed');
        assert.match(huge.error, /The image is 30,000 × 30,000 pixels; at most 40 million pixels are read/);
        assert.equal(bomb.status, 'classification_failed');
        assert.match(bomb.error, /The image is 40,000 × 40,000 pixels/);
        assert.equal(broken.status, 'classification_failed');
        assert.match(broken.error, /The image could not be read \(corrupt or unsupported\)/);
        for (const d of [huge, bomb, broken]) assert.ok(!/\/(tmp|work|home|usr)\//.test(d.error), `no paths: ${d.error}`);

        const fine = await c.settled(u.token, await c.upload(u.token, 'fine.jpg', 'image/jpeg', wordJpeg), {
          timeoutMs: 120_000,
        });
        assert.equal(fine.status, 'classified', fine.error);
        const text = await c.req('GET', `/api/documents/${fine.id}/text`, { token: u.token });
        assert.match(text.body.text, /lighthouse/i);
        assert.deepEqual(
          { ocr: text.body.ocr, pages: text.body.pages, truncated: text.body.truncated },
          { ocr: true, pages: 1, truncated: false },
        );
      } finally {
        peak = rss.stop();
      }
      const mib = (b: number) => Math.round(b / 2 ** 20);
      t.diagnostic(
        `peak RSS of the app's process tree: ${mib(peak.peakBytes)} MiB (${peak.breakdown} MiB); largest of ${peak.children} extraction processes: ${mib(peak.largestChildBytes)} MiB`,
      );
      // The bound of SPEC §7.5: every extraction process stays under the memory limit the OS
      // enforces on it (the larger, tesseract.js one, when the program is absent).
      assert.ok(peak.children > 0, 'the images were read in extraction processes');
      assert.ok(
        peak.largestChildBytes < processMemoryMb(DEFAULT_EXTRACTION_LIMITS, true) * 2 ** 20,
        `an extraction process reached ${mib(peak.largestChildBytes)} MiB`,
      );
      // And the whole app stays under 1 GiB, on either database. On the embedded default the
      // server process also holds PGlite: the tree peaked at 588–603 MiB in three runs, the
      // server 384–402 of it (README, "The embedded database's memory").
      assert.ok(peak.peakBytes < GiB, `the app's process tree peaked at ${mib(peak.peakBytes)} MiB (${peak.breakdown} MiB)`);
    });
  });
}

describe('preview URLs on S3', () => {
  const storage: StorageKind = 's3';
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ db: databaseKinds()[0], storage });
  });
  after(() => app?.close());

  it('when a preview URL is presigned on S3, then the object is served inline with the chosen type', async () => {
    const c = vaultClient(app);
    const u = await c.user('s3');
    const id = await c.upload(u.token, 'notes.txt', 'text/plain', 'Plain words for the preview.');
    const r = await c.req('GET', `/api/documents/${id}/preview-url`, { token: u.token });
    assert.equal(r.status, 200, r.text);
    const got = await fetch(r.body.url);
    assert.equal(got.status, 200);
    assert.match(got.headers.get('content-disposition') ?? '', /^inline; filename="notes.txt"/);
    assert.equal(got.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await got.text(), 'Plain words for the preview.');
  });
});
