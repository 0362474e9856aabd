import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../http/errors.js';
import { checkContentType, displayFilename, downloadContentType, searchText } from './document-fields.js';

const refused = (fn: () => unknown) => assert.throws(fn, (e: unknown) => e instanceof AppError && e.status === 422);

describe('document fields', () => {
  it('when a filename is given, then it is trimmed, 1–255 characters, and free of control characters', () => {
    assert.equal(displayFilename('  a b.txt \t'), 'a b.txt');
    assert.equal(displayFilename('évil\u202Etxt.exe'), 'évil\u202Etxt.exe');
    assert.equal(displayFilename('🎉'.repeat(255)), '🎉'.repeat(255));
    for (const bad of ['', ' \n ', 'a\u0000', 'a\rb', 'a\u001b[31m', 'a\u0085', 'x'.repeat(256), 'a\uDC00'])
      refused(() => displayFilename(bad));
  });

  it('when a content type is given, then only a media type with optional parameters passes', () => {
    for (const ok of [
      'text/plain',
      'application/pdf',
      'text/plain; charset=utf-8',
      'text/plain;charset="a b"',
      'application/vnd.ms-excel',
      'image/svg+xml',
    ]) {
      assert.equal(checkContentType(ok), ok);
    }
    for (const bad of [
      '',
      'text',
      'text/',
      'text/plain\r\nSet-Cookie: a=b',
      'text/plain; a',
      'text/plain;a="unterminated',
      'a b/c',
      'a/b c',
      'x'.repeat(250) + '/abcdefgh',
    ]) {
      refused(() => checkContentType(bad));
    }
  });

  it('when a type could render as a page, then downloads serve it as opaque bytes', () => {
    for (const t of [
      'text/html',
      'TEXT/HTML; charset=utf-8',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/rss+xml',
      'application/javascript',
      'multipart/x-mixed-replace',
    ]) {
      assert.equal(downloadContentType(t), 'application/octet-stream', t);
    }
    for (const t of ['application/pdf', 'text/plain', 'image/png', 'text/csv']) assert.equal(downloadContentType(t), t);
  });

  it('when search text has NULs, controls or lone surrogates, then they are neutralised; blank means no search', () => {
    assert.equal(searchText('a\u0000b'), 'a b');
    assert.equal(searchText('x\uD800y'), 'xy');
    assert.equal(searchText('   '), undefined);
    assert.equal(searchText(undefined), undefined);
  });
});
