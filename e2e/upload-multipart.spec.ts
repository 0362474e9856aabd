import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request } from 'playwright-core';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { createTestDatabaseUrl, dropTestDatabase } from '../server/src/test-support/postgres-server.ts';
import { getTestS3, type TestS3Server } from '../server/src/test-support/s3-server.ts';
import { ApiClient } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { launchBrowser, newSession, type Session } from './support/browser.js';
import { MiB } from './support/files.js';
import { signUp } from './support/ui.js';

/**
 * The web UI's multipart upload (SPEC §7.1), in Chromium against the real server, on the
 * disk backend (parts PUT to the app) and on the S3 test server (parts PUT straight to
 * S3 through presigned UploadPart URLs). The server's UPLOAD_MULTIPART_THRESHOLD_BYTES (read by the UI from
 * GET /api/documents/upload-options) is lowered to 16 MiB so a 40 MiB file goes up in
 * five 8 MiB parts, as a 300 MiB file would at the default 64 MiB.
 */
const THRESHOLD = 16 * MiB;
const FILE_BYTES = 40 * MiB;
const PART_PATH = '/api/storage/part/';

type Backend = 'disk' | 's3';
/** A part PUT's URL on either backend: the app's part route, or S3's UploadPart. */
const isPartUrl = (url: URL) =>
  url.pathname.startsWith(PART_PATH) || (url.searchParams.has('partNumber') && url.searchParams.has('uploadId'));
const partNumberOf = (url: URL) => Number(url.searchParams.get('part') ?? url.searchParams.get('partNumber'));

const kinds = (() => {
  const only = process.env.TEST_DB;
  return only === 'pglite' || only === 'postgres' ? [only] : ['pglite', 'postgres'];
})();

/** Every part PUT the page makes: part number, when it started, how it ended. */
function recordPartPuts(page: Page) {
  const puts: { part: number; request: Request; outcome: 'pending' | number | 'failed'; order: number }[] = [];
  let clock = 0;
  const ended: { part: number; ok: boolean; order: number }[] = [];
  const partOf = (r: Request) => partNumberOf(new URL(r.url()));
  const isPart = (r: Request) => r.method() === 'PUT' && isPartUrl(new URL(r.url()));
  page.on('request', (r) => {
    if (isPart(r)) puts.push({ part: partOf(r), request: r, outcome: 'pending', order: clock++ });
  });
  page.on('requestfinished', (r) => {
    const p = puts.find((x) => x.request === r);
    if (!p) return;
    void r.response().then((res) => {
      p.outcome = res?.status() ?? 0;
    });
    ended.push({ part: p.part, ok: true, order: clock++ });
  });
  page.on('requestfailed', (r) => {
    const p = puts.find((x) => x.request === r);
    if (!p) return;
    p.outcome = 'failed';
    ended.push({ part: p.part, ok: false, order: clock++ });
  });
  return { puts, ended, isPart, partOf };
}

function uploadRow(page: Page, name: string) {
  return page.locator(`[data-upload-row="${name}"]`);
}

async function chooseFile(page: Page, path: string): Promise<void> {
  await page.locator('input[type="file"]').first().setInputFiles(path);
}

const ok = (status: number) => status >= 200 && status < 300;

for (const db of kinds) {
  for (const backend of ['disk', 's3'] as Backend[]) {
    describe(`the web UI's multipart upload (${backend} backend, ${db})`, () => {
      let app: AppServer;
      let s3: TestS3Server | undefined;
      let browser: Browser;
      let session: Session;
      let databaseUrl: string | undefined;
      let token = '';
      const work = mkdtempSync(join(tmpdir(), 'dv-e2e-multipart-'));
      const email = `parts-${db}@example.test`;
      const password = 'a long enough passphrase';
      const api = () => new ApiClient(app.baseUrl);

      before(async () => {
        databaseUrl = db === 'postgres' ? await createTestDatabaseUrl() : undefined;
        s3 = backend === 's3' ? await getTestS3() : undefined;
        app = await startApp({
          UPLOAD_MULTIPART_THRESHOLD_BYTES: String(THRESHOLD),
          DEFAULT_QUOTA_BYTES: String(200 * MiB),
          ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
          ...(s3
            ? {
                STORAGE_BACKEND: 's3',
                S3_ENDPOINT: s3.endpoint,
                S3_PUBLIC_ENDPOINT: s3.endpoint,
                S3_BUCKET: s3.bucket,
                S3_REGION: s3.region,
                S3_ACCESS_KEY: s3.accessKeyId,
                S3_SECRET_KEY: s3.secretAccessKey,
                S3_FORCE_PATH_STYLE: 'true',
              }
            : {}),
        });
        browser = await launchBrowser();
        session = await newSession(browser, app.baseUrl);
        // The page logs each aborted part PUT (and each API call made while offline).
        session.console.expect(/net::ERR_(INTERNET_DISCONNECTED|FAILED|ABORTED)/);
        await signUp(session.page, email, password);
        token = await api().login(email, password);
      });

      after(async () => {
        await session?.context.close();
        await browser?.close();
        await app?.stop();
        await s3?.stop();
        if (databaseUrl) await dropTestDatabase(databaseUrl);
        rmSync(work, { recursive: true, force: true });
      });

      it('when the network drops mid-upload, then the row shows it retrying, resumes without re-sending finished parts, and the stored bytes are the file’s', async () => {
        const { page, context } = session;
        const bytes = randomBytes(FILE_BYTES);
        const name = 'field-recordings.bin';
        const path = join(work, name);
        writeFileSync(path, bytes);

        const rec = recordPartPuts(page);
        // The drop: from the first finished part on, every part PUT fails as a cut connection
        // does, and the browser is offline (API calls fail too, in-flight PUTs may be cut).
        let cut = false;
        let dropped = false; // once: the parts stored after the network is back must not cut it again
        let firstDone: () => void;
        const firstPartDone = new Promise<void>((r) => (firstDone = r));
        page.on('response', (res) => {
          if (!dropped && rec.isPart(res.request()) && ok(res.status())) {
            dropped = cut = true;
            firstDone();
          }
        });
        await page.route(isPartUrl, (route) =>
          cut && route.request().method() === 'PUT' ? route.abort('internetdisconnected') : route.continue(),
        );

        await chooseFile(page, path);
        const row = uploadRow(page, name);
        await firstPartDone;
        await context.setOffline(true);
        await row.getByText(/connection lost, retrying/).waitFor({ timeout: 30_000 });
        assert.ok(
          rec.ended.some((e) => !e.ok),
          'at least one part PUT failed while the network was down',
        );
        await page.waitForTimeout(1500); // stay down across at least one backoff
        await context.setOffline(false);
        cut = false;
        await page
          .locator(`[data-upload-row="${name}"].upload-done`)
          .waitFor({ timeout: 120_000 })
          .catch(async (e: Error) => {
            const puts = rec.puts.map((p) => [p.part, p.outcome]);
            throw new Error(`${e.message}\nrow: ${await row.textContent()}\npart PUTs: ${JSON.stringify(puts)}`);
          });
        await page.unroute(isPartUrl);

        // Five parts of 8 MiB; each stored by exactly one PUT, none sent again after it was stored.
        const partCount = Math.ceil(FILE_BYTES / (8 * MiB));
        const succeeded = rec.puts.filter((p) => typeof p.outcome === 'number' && ok(p.outcome));
        assert.deepEqual(
          succeeded.map((p) => p.part).sort((a, b) => a - b),
          Array.from({ length: partCount }, (_, i) => i + 1),
          `one successful PUT per part (PUTs seen: ${JSON.stringify(rec.puts.map((p) => [p.part, p.outcome]))})`,
        );
        for (const s of succeeded) {
          const storedAt = rec.ended.find((e) => e.part === s.part && e.ok)!.order;
          const later = rec.puts.filter((p) => p.part === s.part && p.order > storedAt);
          assert.equal(later.length, 0, `part ${s.part} was not sent again after it was stored`);
        }
        assert.ok(
          rec.puts.some((p) => p.outcome === 'failed'),
          'some part PUT was cut (the retry was real, not a no-op)',
        );

        // The stored document is the file, byte for byte.
        const list = await api().ok<{ items: { id: string; filename: string; size_bytes: number }[] }>('GET', '/api/documents', {
          token,
        });
        const doc = list.items.find((d) => d.filename === name);
        assert.ok(doc, 'the document is listed');
        assert.equal(doc.size_bytes, FILE_BYTES);
        const link = await api().ok<{ url: string }>('GET', `/api/documents/${doc.id}/download-url`, { token });
        const got = Buffer.from(await (await fetch(new URL(link.url, app.baseUrl))).arrayBuffer());
        assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(bytes).digest('hex'));
        const quota = await api().ok<{ used_bytes: number; reserved_bytes: number }>('GET', '/api/auth/me/quota', { token });
        assert.deepEqual([quota.used_bytes, quota.reserved_bytes], [FILE_BYTES, 0], 'charged the file, nothing held');
      });

      it('when an upload in parts is cancelled, then its reservation is released and no part is left on storage', async () => {
        const { page } = session;
        const name = 'cancelled-archive.bin';
        const path = join(work, name);
        writeFileSync(path, randomBytes(FILE_BYTES));
        const before = await api().ok<{ used_bytes: number; reserved_bytes: number }>('GET', '/api/auth/me/quota', { token });
        // What is on storage: the disk backend's part directories, or S3's open multipart uploads.
        const multipartDir = join(app.dataDir, 'files', '.multipart');
        const uploadsOnDisk = async (): Promise<string[]> => {
          if (s3) {
            const client = new S3Client({
              endpoint: s3.endpoint,
              region: s3.region,
              forcePathStyle: true,
              credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
            });
            try {
              const r = await client.send(new ListMultipartUploadsCommand({ Bucket: s3.bucket }));
              return (r.Uploads ?? []).map((u) => u.UploadId!);
            } finally {
              client.destroy();
            }
          }
          try {
            return readdirSync(multipartDir);
          } catch {
            return [];
          }
        };
        const earlier = new Set(await uploadsOnDisk());

        // Parts after the first are held in the network until the person cancels.
        const rec = recordPartPuts(page);
        let stored = false;
        let documentId = '';
        const held: (() => void)[] = [];
        page.on('response', (res) => {
          if (rec.isPart(res.request()) && ok(res.status())) stored = true;
        });
        page.on('request', (r) => {
          const m = /\/api\/documents\/([0-9a-f-]{36})\/parts$/.exec(new URL(r.url()).pathname);
          if (m) documentId = m[1]!;
        });
        await page.route(isPartUrl, async (route) => {
          if (!stored || route.request().method() !== 'PUT') return route.continue();
          await new Promise<void>((r) => held.push(r));
          await route.abort('aborted').catch(() => {}); // the page may have dropped it already
        });

        await chooseFile(page, path);
        const row = uploadRow(page, name);
        await row.getByText(/Uploading \d+%/).waitFor();
        await waitUntil(() => documentId !== '', 'the UI asking for its parts');
        // Reserved while it runs: the whole declared size.
        const during = await api().ok<{ reserved_bytes: number }>('GET', '/api/auth/me/quota', { token });
        assert.equal(during.reserved_bytes, before.reserved_bytes + FILE_BYTES);
        await waitUntil(() => stored && held.length > 0, 'a part stored and the next one held');

        await page.getByRole('button', { name: `Cancel ${name}` }).click();
        await page.locator(`[data-upload-row="${name}"].upload-cancelled`).waitFor();
        held.forEach((release) => release());
        await page.unroute(isPartUrl);

        await waitUntil(async () => {
          const q = await api().ok<{ used_bytes: number; reserved_bytes: number }>('GET', '/api/auth/me/quota', { token });
          return q.reserved_bytes === before.reserved_bytes && q.used_bytes === before.used_bytes;
        }, 'the reservation released and nothing charged');
        const parts = await api().request('GET', `/api/documents/${documentId}/parts`, { token });
        assert.equal(parts.status, 404, 'the upload is gone');
        // A part that was streaming when the upload was deleted is dropped by the server as it ends.
        const left = async () => (await uploadsOnDisk()).filter((d) => !earlier.has(d));
        await waitUntil(async () => (await left()).length === 0, 'no multipart upload left on storage', 10_000).catch(
          async () => {
            assert.fail(
              `multipart uploads left on storage: ${JSON.stringify(await left())}\nserver log:\n${app.output().slice(-4000)}`,
            );
          },
        );
        assert.ok(rec.puts.length >= 1);
      });

      it('then Chromium logged no unexpected console errors', () => {
        session.console.assertClean();
      });
    });
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
