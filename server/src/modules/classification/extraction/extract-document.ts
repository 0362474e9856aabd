import { extractText, openPdf, pdfReadError, type PdfDocument } from './extract-text.js';
import { ExtractionError, type ExtractionLimits } from './extraction-limits.js';
import type { FileKind } from './file-kind.js';
import type { OcrEngine } from './ocr/ocr-engine.js';
import type { OcrImage } from './ocr/page-images.js';
import { capChars, cleanText } from './text-decode.js';

/** What extraction learns of a document: its text and how it was had, and a thumbnail. */
export interface ExtractedDocument {
  text: string;
  /** Some of the text was read by OCR. */
  ocr: boolean;
  /** Pages of a PDF or TIFF (1 for other images); null for files without pages. */
  pages: number | null;
  /** Text was left out: pages past OCR_MAX_PAGES, or characters past the cap. */
  truncated: boolean;
  /** WebP, at most 400 px wide, of the first page or the image; null when there is none. */
  thumbnail: Uint8Array | null;
}

export interface ExtractionHooks {
  /** Called before each page read by OCR (the pool extends the time limit by a page's worth). */
  onOcrPage?(): void;
}

/**
 * The OCR and image modules (sharp, pdf.js drawing on @napi-rs/canvas, Tesseract), loaded
 * on the first PDF or image: a process reading text, HTML or DOCX never maps their native
 * libraries, and a PDF refused by the stream pre-check never does either. This keeps each
 * extraction process's memory low under its RLIMIT_DATA.
 */
let ocrModules:
  | Promise<{
      engine: typeof import('./ocr/ocr-engine.js');
      images: typeof import('./ocr/page-images.js');
      pdfPages: typeof import('./ocr/pdf-pages.js');
    }>
  | undefined;
function loadOcr() {
  ocrModules ??= Promise.all([import('./ocr/ocr-engine.js'), import('./ocr/page-images.js'), import('./ocr/pdf-pages.js')]).then(
    ([engine, images, pdfPages]) => ({ engine, images, pdfPages }),
  );
  return ocrModules;
}

// One engine per extraction process, kept between documents (tesseract.js loads its model once).
let engine: { key: string; engine: OcrEngine } | undefined;
async function ocrEngine(limits: ExtractionLimits): Promise<OcrEngine> {
  const { createOcrEngine } = (await loadOcr()).engine;
  const key = `${limits.ocr.engine}:${limits.ocr.languages}`;
  if (engine?.key !== key) {
    void engine?.engine.close();
    engine = { key, engine: createOcrEngine(limits.ocr) };
  }
  return engine.engine;
}

/** Ends the OCR engine (its worker thread), so the process can exit on its own. */
export async function closeOcr(): Promise<void> {
  await engine?.engine.close();
  engine = undefined;
}

/**
 * The text of one file, in the extraction process. PDFs are read page by page: a page with
 * a text layer gives its text (fast, exact), a page that is only an image is drawn at
 * 300 dpi and read by OCR; images are read by OCR. At most OCR_MAX_PAGES pages are read by
 * OCR; what is left out marks the result truncated. Throws ExtractionError with a message
 * fit for the user.
 */
export async function extractDocument(
  kind: FileKind,
  bytes: Uint8Array,
  limits: ExtractionLimits,
  hooks: ExtractionHooks = {},
): Promise<ExtractedDocument> {
  switch (kind) {
    case 'pdf':
      return pdfDocument(bytes, limits, hooks);
    case 'image':
      return imageDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), limits, hooks);
    default: {
      const text = await extractText(kind, bytes, limits);
      return { text, ocr: false, pages: null, truncated: text.length >= limits.maxChars, thumbnail: null };
    }
  }
}

function finish(parts: string[], limits: ExtractionLimits, rest: Omit<ExtractedDocument, 'text'>): ExtractedDocument {
  const all = cleanText(parts.join('\n\n'));
  const text = capChars(all, limits.maxChars);
  return { ...rest, text, truncated: rest.truncated || text.length < all.length };
}

async function imageDocument(bytes: Buffer, limits: ExtractionLimits, hooks: ExtractionHooks): Promise<ExtractedDocument> {
  const { openImage, pageForOcr, thumbnailOf } = (await loadOcr()).images;
  const image = await openImage(bytes, limits.ocr);
  const pages = Math.min(image.pages, limits.ocr.maxPages);
  // While the OCR engine (its own process, or tesseract.js' thread) reads a page, this
  // process makes the thumbnail and prepares the next page: two cores at most, briefly.
  const prepare = (i: number) => {
    const p = image.asIs ? Promise.resolve(image.asIs) : pageForOcr(image.open(i), limits.ocr);
    p.catch(() => {}); // awaited below; this only keeps an abandoned one from being "unhandled"
    return p;
  };
  const parts: string[] = [];
  let thumbnail: Promise<Uint8Array | null> | undefined;
  let next = prepare(0);
  for (let i = 0; i < pages; i++) {
    hooks.onOcrPage?.();
    const page = await next;
    thumbnail ??= thumbnailOf(image.open(0)).catch(() => null);
    if (i + 1 < pages) next = prepare(i + 1);
    parts.push(await recognize(limits, page));
  }
  return finish(parts, limits, { ocr: true, pages: image.pages, truncated: image.pages > pages, thumbnail: (await thumbnail) ?? null });
}

async function pdfDocument(bytes: Uint8Array, limits: ExtractionLimits, hooks: ExtractionHooks): Promise<ExtractedDocument> {
  const pdf = await openPdf(bytes, limits);
  try {
    const parts: string[] = [];
    let length = 0;
    let ocrPages = 0;
    let truncated = false;
    const { pageForOcr } = (await loadOcr()).images;
    const { needsOcr, pageTextLayer, renderPage } = (await loadOcr()).pdfPages;
    for (let n = 1; n <= pdf.numPages; n++) {
      if (length >= limits.maxChars) {
        truncated = true;
        break;
      }
      const page = await pdf.getPage(n);
      let text = await pageTextLayer(page);
      if (await needsOcr(page, text)) {
        if (ocrPages >= limits.ocr.maxPages) {
          truncated = true;
          page.cleanup();
          break;
        }
        ocrPages++;
        hooks.onOcrPage?.();
        const gray = await pageForOcr(await renderPage(page, { maxPixels: limits.ocr.maxPixels }), limits.ocr);
        text = await recognize(limits, gray);
      }
      page.cleanup();
      parts.push(text);
      length += text.length;
    }
    const thumbnail = await pdfThumbnail(pdf, limits);
    return finish(parts, limits, { ocr: ocrPages > 0, pages: pdf.numPages, truncated, thumbnail });
  } catch (e) {
    throw pdfReadError(e);
  } finally {
    await pdf.destroy().catch(() => {});
  }
}

async function pdfThumbnail(pdf: PdfDocument, limits: ExtractionLimits): Promise<Uint8Array | null> {
  try {
    const { images, pdfPages } = await loadOcr();
    const { thumbnailOf, THUMBNAIL_WIDTH } = images;
    const { renderPage } = pdfPages;
    const page = await pdf.getPage(1);
    const drawn = await renderPage(page, { width: THUMBNAIL_WIDTH, maxPixels: limits.ocr.maxPixels });
    const webp = await thumbnailOf(drawn);
    page.cleanup();
    return webp;
  } catch {
    return null; // a document without a thumbnail is still a document
  }
}

async function recognize(limits: ExtractionLimits, page: OcrImage): Promise<string> {
  try {
    return await (await ocrEngine(limits)).recognize(page);
  } catch (e) {
    if (e instanceof ExtractionError) throw e;
    throw new ExtractionError(`OCR failed: ${(e as Error).message?.split('\n')[0]?.slice(0, 160)}`);
  }
}
