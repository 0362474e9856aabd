import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachmentDisposition } from './content-disposition.js';

describe('attachmentDisposition', () => {
  it('when the name is plain ASCII, then only a quoted filename is given', () => {
    assert.equal(attachmentDisposition('report-2026.pdf'), 'attachment; filename="report-2026.pdf"');
  });

  it('when the name has non-ASCII letters, then filename* carries it in UTF-8 and the fallback is ASCII', () => {
    assert.equal(
      attachmentDisposition('Rechnung März 2026.pdf'),
      `attachment; filename="Rechnung M_rz 2026.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%202026.pdf`,
    );
    assert.equal(attachmentDisposition('報告.txt'), `attachment; filename="__.txt"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.txt`);
  });

  it('when the name has quotes, backslashes, percent signs or slashes, then the fallback replaces them', () => {
    const header = attachmentDisposition(`a"b\\c%20d/e's (1)*.txt`);
    assert.equal(
      header,
      `attachment; filename="a_b_c_20d_e's (1)*.txt"; filename*=UTF-8''a%22b%5Cc%2520d%2Fe%27s%20%281%29%2A.txt`,
    );
  });

  it('when the name has CR, LF or other control characters, then they are dropped so no header can be injected', () => {
    const header = attachmentDisposition('x\r\nSet-Cookie: a=b\u0000.txt');
    assert.doesNotMatch(header, /[\r\n\u0000]/);
    assert.equal(header, 'attachment; filename="xSet-Cookie: a=b.txt"');
  });

  it('when the name is empty or only control characters, then "download" is used', () => {
    assert.equal(attachmentDisposition(''), 'attachment; filename="download"');
    assert.equal(attachmentDisposition('\n\t '), 'attachment; filename="download"');
  });

  it('when the name has a lone surrogate, then it is replaced instead of throwing', () => {
    assert.equal(attachmentDisposition('a\uD800b'), `attachment; filename="a_b"; filename*=UTF-8''a%EF%BF%BDb`);
  });

  it('when the header is decoded as RFC 5987 says, then the exact name comes back', () => {
    const name = 'Ünïcødé 😀 – "quoted" (v2).pdf';
    const ext = /filename\*=UTF-8''(.+)$/.exec(attachmentDisposition(name))?.[1];
    assert.equal(decodeURIComponent(ext ?? ''), name);
  });
});
