import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { formatSize, notAvailablePage, passwordPage, readyPage, sharePageCsp } from './share-page.html.js';

describe('share page HTML', () => {
  it('when a filename carries markup, then the page shows it as text', () => {
    const html = readyPage({
      token: 'T'.repeat(43),
      filename: '<img src=x onerror=alert(1)>"&.pdf',
      sizeBytes: 2048,
      expiresAt: null,
    });
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;&quot;&amp;.pdf'));
    assert.match(html, /2\.0 KB/);
    assert.match(html, /does not expire/);
  });

  it('when the page has a stylesheet, then the CSP allows exactly it by hash and nothing else loads or runs', () => {
    const html = notAvailablePage();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const csp = sharePageCsp([]);
    assert.ok(csp.includes(`'sha256-${createHash('sha256').update(style).digest('base64')}'`));
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /form-action 'self'(;|$)/);
    assert.ok(!/script/.test(html) && !/script-src/.test(csp));
    assert.match(sharePageCsp(['http://files.example.com']), /form-action 'self' http:\/\/files\.example\.com;/);
  });

  it('when a password is owed, then the page has the form and no file details', () => {
    const html = passwordPage({ token: 'T'.repeat(43), error: 'That password is not right.' });
    assert.match(html, /<form method="post" action="\/s\/T{43}\/unlock">/);
    assert.match(html, /<input id="password" name="password" type="password"/);
    assert.match(html, /That password is not right\./);
  });

  it('when sizes are formatted, then they read as people expect', () => {
    assert.equal(formatSize(1), '1 byte');
    assert.equal(formatSize(1023), '1023 bytes');
    assert.equal(formatSize(200 * 1024), '200 KB');
    assert.equal(formatSize(5.5 * 1024 * 1024), '5.5 MB');
  });
});
