import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { getTestS3, type TestS3Server } from '../server/src/test-support/s3-server.ts';
import { ApiClient } from './support/api.js';
import { startApp, type AppServer } from './support/app-server.js';
import { launchBrowser, newSession, type Session } from './support/browser.js';
import { expectClassified, seedLibrary, uploadThreeFilesAndWatch } from './support/upload-flow.js';
import { rowAction, signIn, signUp, signOut, waitForQuotaText } from './support/ui.js';

/**
 * The upload acceptance against the S3 backend: the browser PUTs straight to a real
 * S3-protocol server (Swift with s3api where installed; it checks SigV4 and answers CORS)
 * on another origin than the app, through the presigned URL.
 */
describe('documents on the S3 backend', () => {
  let s3: TestS3Server;
  let app: AppServer;
  let browser: Browser;
  let session: Session;
  const api = () => new ApiClient(app.baseUrl);
  const email = 'grace@example.test';
  const password = 'another long passphrase';
  let token = '';

  before(async () => {
    // The S3 server `npm test` runs (TEST_S3_* env) with a bucket of our own, or else one
    // started for this file by startTestS3Server(): Swift with s3api where installed.
    s3 = await getTestS3();
    app = await startApp({
      STORAGE_BACKEND: 's3',
      S3_ENDPOINT: s3.endpoint,
      S3_PUBLIC_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_REGION: s3.region,
      S3_ACCESS_KEY: s3.accessKeyId,
      S3_SECRET_KEY: s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    });
    browser = await launchBrowser();
    session = await newSession(browser, app.baseUrl);
  });

  after(async () => {
    await session?.context.close();
    await browser?.close();
    await app?.stop();
    await s3?.stop();
  });

  it(`when a person registers and signs in, then the app runs on S3 storage`, async (t) => {
    const health = await api().ok<{ storage: string }>('GET', '/api/health');
    assert.equal(health.storage, 'ok');
    t.diagnostic(`S3: ${s3.kind} at ${s3.endpoint}, bucket ${s3.bucket}`);
    const { page } = session;
    await signUp(page, email, password);
    await signOut(page);
    await signIn(page, email, password);
    await waitForQuotaText(page, '0 B of 105 MB'); // the default 104,857,600 bytes, in decimal units
    token = await api().login(email, password);
  });

  it('when three files are dropped, then each goes preparing → uploading n% → confirming → done straight to S3, and the quota bar shows the total', async (t) => {
    const { page } = session;
    const puts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT') puts.push(new URL(r.url()).origin);
    });
    await seedLibrary(api(), token);
    const files = await uploadThreeFilesAndWatch(t, page, api(), token);
    assert.deepEqual([...new Set(puts)], [new URL(s3.endpoint).origin], 'the bytes went to the S3 endpoint, not through the app');

    const download = page.waitForEvent('download');
    await rowAction(page, files.pdf.name, 'Download');
    const d = await download;
    assert.equal(d.suggestedFilename(), files.pdf.name);
    assert.deepEqual(await readFile((await d.path())!), files.pdf.buffer, 'the presigned download serves the original bytes');

    await expectClassified(page, { [files.pdf.name]: 'Biology', [files.invoice.name]: 'Finance' });
  });

  it('then Chromium logged no console errors', () => {
    session.console.assertClean();
  });
});
