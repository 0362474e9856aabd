/** Test documents made here, so the specs need no binary fixtures in the repository. */

export interface TestFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A small but valid PDF whose text (Helvetica, one line per entry) a PDF extractor can read. */
export function makePdf(name: string, lines: string[]): TestFile {
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `BT /F1 12 Tf 72 720 Td 16 TL ${lines.map((l) => `(${esc(l)}) '`).join(' ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return { name, mimeType: 'application/pdf', buffer: Buffer.from(pdf, 'latin1') };
}

/** A plain-text file of exactly `bytes` bytes, made of the given sentence repeated. */
export function makeText(name: string, bytes: number, sentence: string): TestFile {
  const unit = `${sentence.trim()}\n`;
  const text = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
  return { name, mimeType: 'text/plain', buffer: Buffer.from(text, 'utf8') };
}

export const MiB = 1024 * 1024;
