import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  lzwEncode,
  lzwSpaces,
  makeDocx,
  makeDocxBomb,
  makePdf,
  makePdfBomb,
  makePdfWithStream,
  makeZip,
} from '../../../test-support/file-fixtures.js';
import { DEFAULT_EXTRACTION_LIMITS, ExtractionError } from './extraction-limits.js';
import { createExtractionPool } from './extraction-pool.js';
import { fileKind } from './file-kind.js';
import { htmlToText } from './html-text.js';
import { readCapped } from './read-capped.js';
import { osMemoryLimitAvailable } from './limited-child.js';
import { assertPdfStreamsWithinBudget } from './pdf-guard.js';
import { capChars, cleanText, decodeText } from './text-decode.js';
import { assertZipWithinBudget } from './zip-guard.js';
import { existsSync, readFileSync } from 'node:fs';
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
      await assert.rejects(pool.extract('html', big), /needs more memory than allowed/);
      assert.equal((await pool.extract('text', Buffer.from('after the crash'))).text, 'after the crash');
    } finally {
      await pool.close();
    }
  });

  it('when whitespace is cleaned, then runs of any kind of space collapse and blank lines stay one, in linear time', () => {
    assert.equal(cleanText('a  \t b\u00a0\u00a0c\n\n\n  d \n e\r\n\r\nf\u2003\u2003g  '), 'a b c\n\nd \n e\n\nf g');
    // 600 KB of em-spaces took 30 s under the old pattern; linear work finishes it before a test timeout notices.
    const emSpaces = decodeText(Buffer.from(`start${'\u2003'.repeat(200_000)}end`, 'utf8'));
    assert.equal(emSpaces, 'start end');
    assert.equal(cleanText(`x${' \u2003\n'.repeat(100_000)}y`), 'x\n\ny');
  });

  it('when a PDF stream inflates past the budget, then the PDF is refused before any parser reads it; ordinary PDFs pass', () => {
    const budget = { maxStreamBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 };
    const bomb = makePdfBomb(2 * 1024 * 1024 * 1024);
    assert.ok(bomb.length < 3 * 1024 * 1024, `the 2 GB bomb is a small file (${bomb.length} bytes)`);
    assert.throws(() => assertPdfStreamsWithinBudget(bomb, budget), /expands to more than 64 MB/);
    assert.doesNotThrow(() => assertPdfStreamsWithinBudget(makePdfBomb(8 * 1024 * 1024), budget));
    // Many streams each within the per-stream cap, together over the total.
    assert.throws(
      () =>
        assertPdfStreamsWithinBudget(makePdfBomb(8 * 1024 * 1024), {
          maxStreamBytes: budget.maxStreamBytes,
          maxTotalBytes: 4 * 1024 * 1024,
        }),
      /compressed contents expand to more than 4 MB/,
    );
    assert.doesNotThrow(() => assertPdfStreamsWithinBudget(makePdf([['Hello'], ['World']]), budget));
  });

  it('when an LZW stream decodes past the budget, then the PDF is refused; an ordinary LZW page is counted and read as pdf.js reads it', async () => {
    const budget = { maxStreamBytes: 64 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 };
    const bomb = makePdfWithStream(lzwSpaces(2 * 1024 ** 3), 'LZWDecode');
    assert.ok(bomb.length < 1024 * 1024, `the 2 GB LZW bomb is a small file (${bomb.length} bytes)`);
    assert.throws(() => assertPdfStreamsWithinBudget(bomb, budget), /expands to more than 64 MB/);
    // Small ones: the guard's count is exact (300,000 spaces pass a 300,000-byte cap, one more is refused)...
    const cap = { maxStreamBytes: 300_000, maxTotalBytes: budget.maxTotalBytes };
    assert.doesNotThrow(() => assertPdfStreamsWithinBudget(makePdfWithStream(lzwSpaces(300_000), 'LZWDecode'), cap));
    assert.throws(() => assertPdfStreamsWithinBudget(makePdfWithStream(lzwSpaces(300_001), 'LZWDecode'), cap), /expands/);
    // ...and pdf.js decodes what the encoder makes to the same text.
    const content = Buffer.from(`BT /F1 12 Tf 72 720 Td (Invoice paid by LZW) Tj ET${' '.repeat(5000)}`, 'latin1');
    const pool = createExtractionPool({ limits: DEFAULT_EXTRACTION_LIMITS, size: 1 });
    try {
      assert.equal((await pool.extract('pdf', makePdfWithStream(lzwEncode(content), 'LZWDecode'))).text, 'Invoice paid by LZW');
    } finally {
      await pool.close();
    }
  });

  it('when a file needs more memory than its process may have, then the OS stops it, the file fails plainly and a new process reads the next', async (t) => {
    if (!osMemoryLimitAvailable) return t.skip('no OS memory limit on this platform (the fallback is the heap flag)');
    // The stream pre-check is opened wide, so only the kernel's limit stands between pdf.js and 2 GB.
    const pool = createExtractionPool({
      limits: {
        ...DEFAULT_EXTRACTION_LIMITS,
        maxPdfStreamBytes: 4 * 1024 ** 3,
        maxPdfInflatedBytes: 4 * 1024 ** 3,
        // The default limit: a process reading a PDF now also maps pdf.js's drawing, sharp and
        // the canvas (thumbnails, OCR), so a much lower cap would stop ordinary PDFs too.
        maxMemoryMb: DEFAULT_EXTRACTION_LIMITS.maxMemoryMb,
        maxHeapMb: DEFAULT_EXTRACTION_LIMITS.maxHeapMb,
        timeoutMs: 60_000,
      },
      size: 1,
    });
    try {
      await assert.rejects(pool.extract('pdf', makePdfBomb(2 * 1024 ** 3)), (e: Error) => {
        assert.ok(e instanceof ExtractionError);
        assert.match(e.message, /needs more memory than allowed/);
        return true;
      });
      assert.equal((await pool.extract('pdf', makePdf([['after the bomb']]))).text, 'after the bomb');
    } finally {
      await pool.close();
    }
  });

  it('when a pool process is idle, then it exits within seconds', async (t) => {
    if (!existsSync('/proc/self/task')) return t.skip('no /proc to see processes in');
    const pool = createExtractionPool({ limits: DEFAULT_EXTRACTION_LIMITS, size: 1, idleMs: 200 });
    try {
      assert.equal((await pool.extract('text', Buffer.from('x'))).text, 'x');
      const children = () => childPids(process.pid);
      assert.ok(children().length >= 1, 'a process read the file');
      while (children().length > 0) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await pool.close();
    }
  });
});

/** Pids of the direct children of a process, from /proc (empty where there is no /proc). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
