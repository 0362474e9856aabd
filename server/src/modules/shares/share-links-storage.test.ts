import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { getTestS3 } from '../../test-support/s3-server.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';
import { sleep } from '../../test-support/document-fixtures.js';
import { shareClient } from '../../test-support/share-fixtures.js';

/**
 * The storage URL a share download is sent to: issued only after the checks, valid for
 * SHARE_URL_TTL_SECONDS (5 here, so the test waits seconds, not the default's half minute),
 * refused once it has expired. On the disk backend the app signs and checks it; on S3 the
 * S3 server does (Swift checks presigned expiry; s3rver checks nothing and is skipped).
 */
const TTL_SECONDS = 5;
/** An X-Amz-Date (20261201T051500Z) in milliseconds. */
const amzTime = (v: string) => Date.parse(v.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
const s3 = await getTestS3();
after(() => s3.stop());

for (const storage of ['local', 's3'] as const) {
  const skip = storage === 's3' && s3.kind !== 'swift' ? { skip: `${s3.kind} does not check presigned URLs` } : {};
  describe(
    `share downloads through short-lived storage URLs (${storage === 'local' ? 'disk' : `S3 on ${s3.kind}`})`,
    skip,
    () => {
      let app: TestApp;
      after(() => app?.close());

      it('when the storage URL is used at once, then the bytes are the document’s; replayed after its TTL, then refused', async () => {
        app = await startTestApp({ ...(storage === 's3' ? { s3 } : {}), env: { SHARE_URL_TTL_SECONDS: String(TTL_SECONDS) } });
        const c = shareClient({ baseUrl: app.baseUrl, db: app.runtime.db });
        const { user, documentId, bytes } = await c.owner();
        const link = await c.link(user.token, documentId, { password: 'storage check password' });
        const cookie = (await c.unlock(link.path, 'storage check password')).cookie!;

        const page = await c.page(link.path, cookie);
        const formAction = /form-action ([^;]+)/.exec(page.headers.get('content-security-policy')!)![1]!;
        const d = await c.download(link.path, cookie);
        assert.equal(d.status, 303, d.text);
        const url = new URL(d.location!);
        if (storage === 's3') {
          assert.equal(url.origin, new URL(s3.endpoint).origin);
          assert.equal(url.searchParams.get('X-Amz-Expires'), String(TTL_SECONDS));
          // The browser follows the form's redirect only to origins the page's CSP names.
          assert.ok(formAction.split(' ').includes(url.origin), formAction);
        } else {
          assert.equal(url.origin, app.baseUrl);
          // Whole seconds, rounded up: at most one second more than the TTL from now.
          assert.ok(Number(url.searchParams.get('expires')) * 1000 <= Date.now() + (TTL_SECONDS + 1) * 1000);
        }
        const first = await c.fetchBytes(d.location!);
        assert.equal(first.status, 200);
        assert.ok(first.bytes.equals(bytes));

        // Replayed once the URL's own expiry (as signed, not as this test guessed it) is past.
        const expiresAt =
          storage === 's3'
            ? amzTime(url.searchParams.get('X-Amz-Date')!) + TTL_SECONDS * 1000
            : Number(url.searchParams.get('expires')) * 1000;
        assert.ok(Number.isFinite(expiresAt), 'the URL names its expiry');
        await sleep(Math.max(0, expiresAt + 1500 - Date.now()));
        const replay = await c.fetchBytes(d.location!);
        assert.equal(replay.status, 403, `replay after expiry: ${replay.status}`);
        assert.ok(!replay.bytes.includes(bytes.subarray(0, 64)), 'no document bytes in the refusal');
        // One download counted, whatever happened to the URL afterwards.
        assert.equal((await c.list(user.token, documentId)).body[0].download_count, 1);
      });
    },
  );
}
