import mammoth from 'mammoth';
import { getDocumentProxy } from 'unpdf';
import { ExtractionError, type ExtractionLimits } from './extraction-limits.js';
import type { FileKind } from './file-kind.js';
import { htmlToText } from './html-text.js';
import { assertPdfStreamsWithinBudget } from './pdf-guard.js';
import { capChars, cleanText, decodeText } from './text-decode.js';
import { assertZipWithinBudget } from './zip-guard.js';

/**
 * The text of one file. Runs inside an extraction process (see extraction-pool.ts), which
 * bounds its time and memory; the parsers here bound pages, inflated bytes and characters.
 * Throws ExtractionError with a message fit for the user.
 */
export async function extractText(kind: FileKind, bytes: Uint8Array, limits: ExtractionLimits): Promise<string> {
  switch (kind) {
    case 'pdf':
      return capChars(cleanText(await pdfText(bytes, limits)), limits.maxChars);
    case 'docx':
      return capChars(
        cleanText(await docxText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits)),
        limits.maxChars,
      );
    case 'html':
      return capChars(cleanText(htmlToText(decodeText(Buffer.from(bytes)), limits.maxChars)), limits.maxChars);
    case 'text':
      return capChars(
        decodeText(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, limits.maxChars * 4))),
        limits.maxChars,
      );
    case 'image': // read by OCR: extract-document.ts
    case 'none':
      return '';
  }
}

export type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;

/** Opens a PDF with pdf.js (inside unpdf); refuses what is not one, or is locked, or has too many pages. */
export async function openPdf(bytes: Uint8Array, limits: ExtractionLimits): Promise<PdfDocument> {
  if (Buffer.from(bytes.subarray(0, 1024)).indexOf('%PDF-') < 0)
    throw new ExtractionError('The file is not a PDF (no PDF header)');
  assertPdfStreamsWithinBudget(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
    maxStreamBytes: limits.maxPdfStreamBytes,
    maxTotalBytes: limits.maxPdfInflatedBytes,
  });
  let pdf: PdfDocument;
  try {
    // pdf.js wants a plain Uint8Array, not a Buffer.
    const data = Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
    pdf = await getDocumentProxy(data, {
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: false,
    });
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'PasswordException') throw new ExtractionError('The PDF is password-protected; its text cannot be read');
    throw new ExtractionError(`The PDF could not be read (corrupt or unsupported): ${shortMessage(e)}`);
  }
  if (pdf.numPages > limits.maxPdfPages) {
    await pdf.destroy().catch(() => {});
    throw new ExtractionError(`The PDF has ${pdf.numPages} pages; at most ${limits.maxPdfPages} are read`);
  }
  return pdf;
}

/** A pdf.js failure while reading pages, as the user sees it. */
export function pdfReadError(e: unknown): ExtractionError {
  if (e instanceof ExtractionError) return e;
  return new ExtractionError(`The PDF could not be read (corrupt or unsupported): ${shortMessage(e)}`);
}

async function pdfText(bytes: Uint8Array, limits: ExtractionLimits): Promise<string> {
  const pdf = await openPdf(bytes, limits);
  try {
    const parts: string[] = [];
    let length = 0;
    for (let n = 1; n <= pdf.numPages && length < limits.maxChars; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const s = item.str + (item.hasEOL ? '\n' : ' ');
        parts.push(s);
        length += s.length;
      }
      parts.push('\n\n');
      page.cleanup();
    }
    return parts.join('');
  } catch (e) {
    throw pdfReadError(e);
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

async function docxText(zip: Buffer, limits: ExtractionLimits): Promise<string> {
  assertZipWithinBudget(zip, limits.maxDocxInflatedBytes);
  try {
    const result = await mammoth.extractRawText({ buffer: zip });
    return result.value;
  } catch (e) {
    throw new ExtractionError(`The DOCX file could not be read (corrupt or not a Word document): ${shortMessage(e)}`);
  }
}

/** A parser's own message, one line, short, with nothing that looks like a path. */
function shortMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // Cut before the pattern runs: a parser's message may quote the file.
  return m
    .slice(0, 1000)
    .split('\n')[0]!
    .replace(/(\/[\w.-]+){2,}/g, '…')
    .slice(0, 160);
}
