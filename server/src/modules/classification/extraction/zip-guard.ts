import { inflateRawSync } from 'node:zlib';
import { ExtractionError } from './extraction-limits.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_ENTRIES = 5_000;

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const notZip = () => new ExtractionError('The DOCX file is not a valid ZIP archive (corrupt or not a DOCX)');

function centralDirectory(zip: Buffer): Entry[] {
  // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65535 bytes).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notZip();
  const count = zip.readUInt16LE(eocd + 10);
  const cdSize = zip.readUInt32LE(eocd + 12);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ExtractionError('The DOCX file uses ZIP64, which is not read');
  if (count > MAX_ENTRIES) throw new ExtractionError(`The DOCX file has more than ${MAX_ENTRIES} parts`);
  if (cdOffset + cdSize > eocd) throw notZip();
  const entries: Entry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw notZip();
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    entries.push({
      method: zip.readUInt16LE(p + 10),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Refuses a ZIP (DOCX) that would inflate to more than `maxInflatedBytes`, before any ZIP
 * library sees it. The sizes the central directory declares are checked first (cheap);
 * then every part is really inflated with an output cap, because a hostile archive can
 * declare small sizes and still inflate to gigabytes, or point many entries at the same
 * compressed data. What passes here inflates to at most the budget in total.
 */
export function assertZipWithinBudget(zip: Buffer, maxInflatedBytes: number): void {
  if (zip.length < 22) throw notZip();
  const entries = centralDirectory(zip);
  const budgetMb = Math.round(maxInflatedBytes / 1024 / 1024);
  const bomb = () => new ExtractionError(`The DOCX file expands to more than ${budgetMb} MB (a ZIP bomb?); it is not read`);
  const declared = entries.reduce((n, e) => n + e.size, 0);
  if (declared > maxInflatedBytes) throw bomb();
  let remaining = maxInflatedBytes;
  for (const e of entries) {
    const p = e.localOffset;
    if (p + 30 > zip.length || zip.readUInt32LE(p) !== LOCAL) throw notZip();
    const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
    const data = zip.subarray(start, start + e.compressedSize);
    if (data.length !== e.compressedSize) throw notZip();
    let inflatedSize: number;
    if (e.method === 0) inflatedSize = data.length;
    else if (e.method === 8) {
      try {
        inflatedSize = inflateRawSync(data, { maxOutputLength: Math.max(1, remaining) }).length;
      } catch (err) {
        if (err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bomb();
        throw new ExtractionError(`The DOCX file is corrupt (part "${e.name.slice(0, 100)}" does not inflate)`);
      }
    } else throw new ExtractionError('The DOCX file uses an unsupported ZIP compression method');
    if (inflatedSize !== e.size)
      throw new ExtractionError('The DOCX file is corrupt (a part is not the size its header declares)');
    remaining -= inflatedSize;
    if (remaining < 0) throw bomb();
  }
}
