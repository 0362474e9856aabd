import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeDocx, makeDocxBomb, makePdf, makeZip } from '../../../test-support/file-fixtures.js';
import { DEFAULT_EXTRACTION_LIMITS, ExtractionError } from './extraction-limits.js';
import { createExtractionPool } from './extraction-pool.js';
import { fileKind } from './file-kind.js';
import { htmlToText } from './html-text.js';
import { readCapped } from './read-capped.js';
import { capChars, decodeText } from './text-decode.js';
import { assertZipWithinBudget } from './zip-guard.js';
import { Readable } from 'node:stream';

describe('text extraction', () => {
  it('when a file is named, then its type picks the extractor, a generic type falls back to the extension', () => {
    assert.equal(fileKind('application/pdf', 'x.bin'), 'pdf');
    assert.equal(fileKind('application/octet-stream', 'Report.PDF'), 'pdf');
    assert.equal(fileKind('text/markdown; charset=utf-8', 'a'), 'text');
    assert.equal(fileKind('application/octet-stream', 'notes.md'), 'text');
    assert.equal(fileKind('text/csv', 'a.csv'), 'text');
    assert.equal(fileKind('image/png', 'scan.png'), 'image');
    assert.equal(fileKind('application/octet-stream', 'scan.TIFF'), 'image');
    assert.equal(fileKind('image/svg+xml', 'logo.svg'), 'none');
    assert.equal(fileKind('application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'a'), 'docx');
  });

  it('when HTML is read, then only visible text remains: scripts, styles and comments dropped, entities decoded', () => {
    const html = `<!doctype html><html><head><title>Trip &amp; stay</title><style>body{color:red}</style>
      <script>document.write("evil")</script></head><body><h1>Hotel</h1><p>Check-in&nbsp;at <b>14:00</b><!-- hidden --></p>
      <noscript>enable js</noscript><div>Room&#32;12</div><script src="x.js"></script></body></html>`;
    const text = htmlToText(html, 10_000).replace(/\s+/g, ' ').trim();
    assert.equal(text, 'Trip & stay Hotel Check-in at 14:00 Room 12');
    assert.equal(htmlToText('<p>' + 'word '.repeat(100_000) + '</p>', 1000).length < 70_000, true, 'stops early at the cap');
  });

  it('when text bytes are decoded, then BOMs, UTF-16, NULs and invalid bytes are handled', () => {
    assert.equal(decodeText(Buffer.from('\ufeffhello\u0000world', 'utf8')), 'hello world');
    assert.equal(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße', 'utf16le')])), 'Grüße');
    assert.equal(decodeText(Buffer.from([0x61, 0xff, 0x62])), 'a\ufffdb');
    assert.equal(capChars('ab\ud83d\ude00', 3), 'ab', 'a surrogate pair is never cut in half');
  });

  it('when a stream is read with a cap, then text is cut and binaries are refused', async () => {
    const stream = () => Readable.from([Buffer.alloc(600, 97), Buffer.alloc(600, 98)]);
    assert.equal((await readCapped(stream(), { maxBytes: 1000, truncate: true, tooLarge: 'x' })).length, 1000);
    await assert.rejects(
      readCapped(stream(), { maxBytes: 1000, truncate: false, tooLarge: 'too large' }),
      (e: Error) => e instanceof ExtractionError && e.message === 'too large',
    );
  });

  it('when a ZIP is checked, then honest and lying bombs, broken archives and ZIP64 are refused; a DOCX passes', () => {
    const budget = 10 * 1024 * 1024;
    assert.doesNotThrow(() => assertZipWithinBudget(makeDocx(['hello']), budget));
    assert.throws(() => assertZipWithinBudget(makeDocxBomb(20 * 1024 * 1024), budget), /expands to more than 10 MB/);
    assert.throws(
      () => assertZipWithinBudget(makeDocxBomb(20 * 1024 * 1024, { lie: true }), budget),
      /expands to more than 10 MB/,
    );
    const mismatch = makeZip([{ name: 'a.xml', data: Buffer.from('<a/>'.repeat(100)), declaredSize: 5 }]);
    assert.throws(() => assertZipWithinBudget(mismatch, budget), /not the size its header declares/);
    assert.throws(() => assertZipWithinBudget(Buffer.from('PK\u0003\u0004 broken'), budget), /not a valid ZIP/);
  });

  it('when files go through the pool, then PDF, DOCX, HTML and text come out; hostile ones fail plainly and the pool recovers', async () => {
    const pool = createExtractionPool({ limits: DEFAULT_EXTRACTION_LIMITS, size: 1 });
    try {
      assert.equal((await pool.extract('pdf', makePdf([['Hello PDF'], ['page two']]))).text, 'Hello PDF\n\npage two');
      assert.equal((await pool.extract('docx', makeDocx(['Hello', 'DOCX']))).text, 'Hello\n\nDOCX');
      assert.equal((await pool.extract('text', Buffer.from('plain'))).text, 'plain');
      assert.equal((await pool.extract('none', Buffer.from('x'))).text, '');
      await assert.rejects(pool.extract('pdf', Buffer.from('%PDF-1.4 nonsense')), ExtractionError);
      await assert.rejects(pool.extract('docx', makeDocxBomb(80 * 1024 * 1024, { lie: true })), /ZIP bomb/);
      assert.equal((await pool.extract('text', Buffer.from('still working'))).text, 'still working');
    } finally {
      await pool.close();
    }
  });

  it('when extraction runs over its time limit, then the thread is ended, the file fails and the next one works', async () => {
    const pool = createExtractionPool({
      limits: { ...DEFAULT_EXTRACTION_LIMITS, timeoutMs: 200, maxPdfPages: 100_000 },
      size: 1,
    });
    try {
      const slow = makePdf(Array.from({ length: 3000 }, (_, i) => [`page ${i} `.repeat(20)]));
      await assert.rejects(pool.extract('pdf', slow), /took longer than/);
      assert.equal((await pool.extract('text', Buffer.from('after the timeout'))).text, 'after the timeout');
    } finally {
      await pool.close();
    }
  });

  it('when extraction runs out of its heap, then the file fails plainly, the process stays up and the next one works', async () => {
    const pool = createExtractionPool({
      limits: { ...DEFAULT_EXTRACTION_LIMITS, maxHeapMb: 32, maxChars: 50_000_000, timeoutMs: 20_000 },
      size: 1,
    });
    try {
      const big = Buffer.from(`<p>${'many words here '.repeat(3_000_000)}</p>`);
      await assert.rejects(pool.extract('html', big), /too much memory|made the text extractor fail/);
      assert.equal((await pool.extract('text', Buffer.from('after the crash'))).text, 'after the crash');
    } finally {
      await pool.close();
    }
  });
});
