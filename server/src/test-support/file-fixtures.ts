/**
 * Builders of real files for the classification tests (under test-support/, which the
 * production build leaves out): a minimal valid PDF written
 * by hand, a ZIP writer and on it a DOCX, and hostile variants of both.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';

/** A one-page (or n-page) PDF whose text is `lines` in Helvetica; byte offsets in the xref are exact. */
export function makePdf(pages: string[][]): Buffer {
  const objects: string[] = [];
  const pageIds: number[] = [];
  // 1 catalog, 2 pages, 3 font, then a page + content stream per page.
  const fontId = 3;
  let next = 4;
  const pageObjects: [number, string][] = [];
  for (const lines of pages) {
    const pageId = next++;
    const contentId = next++;
    pageIds.push(pageId);
    const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
    const stream = ['BT', '/F1 12 Tf', '14 TL', '72 720 Td', ...lines.map((l) => `(${escape(l)}) Tj T*`), 'ET'].join('\n');
    pageObjects.push([
      pageId,
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${contentId} 0 R >>`,
    ]);
    pageObjects.push([contentId, `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`]);
  }
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((p) => `${p} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  objects[fontId] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  for (const [id, body] of pageObjects) objects[id] = body;

  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * A PDF bomb: one page whose FlateDecode content stream inflates to `inflatedBytes` of
 * spaces from about a thousandth of that. Built from one compressed MiB repeated (deflate
 * blocks ended by a sync flush refer only to their own output), so a 2 GB bomb takes
 * milliseconds to make.
 */
export function makePdfBomb(inflatedBytes: number): Buffer {
  const mib = deflateRawSync(Buffer.alloc(1024 * 1024, 0x20), { level: 9, finishFlush: constants.Z_SYNC_FLUSH });
  const blocks = Math.ceil(inflatedBytes / (1024 * 1024));
  const raw = Buffer.concat([...Array.from({ length: blocks }, () => mib), deflateRawSync(Buffer.alloc(0))]);
  // zlib header and a checksum PDF readers do not check.
  const stream = Buffer.concat([Buffer.from([0x78, 0xda]), raw, Buffer.alloc(4)]);
  const head = Buffer.from(
    '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
      '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
      '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n' +
      `4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`,
    'latin1',
  );
  const objOffsets = [0, 1, 2, 3].map((i) => head.indexOf(`${i + 1} 0 obj`));
  const tail = (xref: number) =>
    Buffer.from(
      '\nendstream\nendobj\n' +
        `xref\n0 5\n0000000000 65535 f \n${objOffsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
        `trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`,
      'latin1',
    );
  const xrefAt = head.length + stream.length + '\nendstream\nendobj\n'.length;
  return Buffer.concat([head, stream, tail(xrefAt)]);
}

/**
 * LZW codes (PDF's LZWDecode, EarlyChange 1) packed MSB first, with the code width the
 * decoder will expect: it learns one entry per code after the first, and widens one code
 * early.
 */
function packLzw(codes: Iterable<number>): Buffer {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  let read = 0;
  for (const code of codes) {
    const decoderNext = Math.min(4096, 258 + Math.max(0, read - 1));
    const width = decoderNext + 1 >= 2048 ? 12 : decoderNext + 1 >= 1024 ? 11 : decoderNext + 1 >= 512 ? 10 : 9;
    buffer = (buffer << width) | code;
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      out.push((buffer >>> bits) & 0xff);
    }
    buffer &= (1 << bits) - 1;
    read++;
  }
  if (bits > 0) out.push((buffer << (8 - bits)) & 0xff);
  return Buffer.from(out);
}

/** A plain LZW encoder (a string dictionary; for small inputs), ending with the end code. */
export function lzwEncode(input: Buffer): Buffer {
  const dict = new Map<string, number>();
  for (let i = 0; i < 256; i++) dict.set(String.fromCharCode(i), i);
  let next = 258;
  const codes: number[] = [];
  let w = '';
  for (const byte of input) {
    const c = String.fromCharCode(byte);
    if (dict.has(w + c)) w += c;
    else {
      codes.push(dict.get(w)!);
      if (next < 4096) dict.set(w + c, next++);
      w = c;
    }
  }
  if (w) codes.push(dict.get(w)!);
  codes.push(257);
  return packLzw(codes);
}

/** LZW of `bytes` spaces, as an encoder makes it (codes for ever longer runs, then the longest, repeated). */
export function lzwSpaces(bytes: number): Buffer {
  function* codes() {
    let left = bytes;
    yield 32;
    left--;
    for (let code = 258; code < 4096 && left > 0; code++) {
      const length = code - 256; // entry 258 is two spaces
      if (length > left) break;
      yield code;
      left -= length;
    }
    while (left >= 3839) {
      yield 4095;
      left -= 3839;
    }
    for (; left > 0; left--) yield 32;
    yield 257;
  }
  return packLzw(codes());
}

/** A one-page PDF whose content stream is `stream` with the given filter. */
export function makePdfWithStream(stream: Buffer, filter: string): Buffer {
  const head = Buffer.from(
    '%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n' +
      '2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n' +
      '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>\nendobj\n' +
      `4 0 obj\n<< /Length ${stream.length} /Filter /${filter} >>\nstream\n`,
    'latin1',
  );
  const font = '\nendstream\nendobj\n5 0 obj\n<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\nendobj\n';
  const offsets = [1, 2, 3, 4].map((i) => head.indexOf(`${i} 0 obj`));
  offsets.push(head.length + stream.length + font.indexOf('5 0 obj'));
  const xref = head.length + stream.length + font.length;
  const tail =
    `xref\n0 6\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}` +
    `trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([head, stream, Buffer.from(font + tail, 'latin1')]);
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Lie in the headers about the uncompressed size (for zip-bomb variants). */
  declaredSize?: number;
}

/** A ZIP archive (deflate), as Office files are. */
export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const compressed = deflateRawSync(e.data);
    const crc = crc32(e.data);
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, compressed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`;

const xmlEscape = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

function documentXml(paragraphs: string[], padding = ''): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs
    .map((p) => `<w:p><w:r><w:t xml:space="preserve">${xmlEscape(p)}</w:t></w:r></w:p>`)
    .join('')}${padding}</w:body></w:document>`;
}

/** A minimal DOCX that Word and mammoth open: content types, the package relation, the body. */
export function makeDocx(paragraphs: string[]): Buffer {
  return makeZip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    { name: 'word/document.xml', data: Buffer.from(documentXml(paragraphs)) },
  ]);
}

/**
 * A DOCX zip bomb: word/document.xml inflates to `inflatedBytes` of XML from a few hundred
 * kilobytes. With `lie`, the headers declare a small size, so only an inflate with an
 * output cap catches it.
 */
export function makeDocxBomb(inflatedBytes: number, opts: { lie?: boolean } = {}): Buffer {
  const pad = '<w:p/>'.repeat(Math.ceil(inflatedBytes / 6));
  const xml = Buffer.from(documentXml(['bomb'], pad));
  return makeZip([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(RELS) },
    { name: 'word/document.xml', data: xml, declaredSize: opts.lie ? 1000 : undefined },
  ]);
}
