/** Bounds on reading and extracting one document; every one protects the worker process. */
export interface ExtractionLimits {
  /** Bytes read from storage at most; a PDF or DOCX larger than this is refused, text is cut. */
  maxBytes: number;
  /** Characters of text kept (for search and classification). */
  maxChars: number;
  /** Wall-clock time for one document's extraction. */
  timeoutMs: number;
  /** Pages a PDF may have; more is treated as hostile. */
  maxPdfPages: number;
  /** Total inflated size of the parts of a DOCX that are read. */
  maxDocxInflatedBytes: number;
  /** Inflated size of one PDF stream (FlateDecode, checked before pdf.js reads the file). */
  maxPdfStreamBytes: number;
  /** Total inflated size of a PDF's compressed streams (images excepted, text extraction never decodes them). */
  maxPdfInflatedBytes: number;
  /**
   * Memory of each extraction process, enforced by the kernel (RLIMIT_DATA; see
   * limited-child.ts). A process that needs more is ended and the document fails.
   */
  maxMemoryMb: number;
  /** V8 heap of each extraction process; below maxMemoryMb. */
  maxHeapMb: number;
  /** Reading scans: images and PDF pages without a text layer (ocr/). */
  ocr: OcrLimits;
}

export interface OcrLimits {
  /** Tesseract language codes joined by `+` (OCR_LANGUAGES). */
  languages: string;
  /** Pages read by OCR at most; the rest of the document is left out, marked truncated (OCR_MAX_PAGES). */
  maxPages: number;
  /** Decoded pixels of one image or rendered page at most (decompression bombs). */
  maxPixels: number;
  /** Wall-clock time added to the document's limit for each page read by OCR. */
  pageTimeoutMs: number;
  /** `auto`: the tesseract program when on PATH, else tesseract.js. The others force one (tests, bench). */
  engine: 'auto' | 'program' | 'wasm';
  /**
   * Memory (RLIMIT_DATA, MiB) of an extraction process that reads scans with tesseract.js:
   * its WebAssembly heap and worker thread live in the process itself (the program runs as
   * a process of its own, with its own copy of the limit), so it needs more than maxMemoryMb.
   * A 300 dpi letter page peaks at ~300 MiB RSS there; 448 MiB is the least that reads one.
   */
  wasmMemoryMb: number;
}

export const DEFAULT_OCR_LIMITS: OcrLimits = {
  languages: 'eng',
  maxPages: 50,
  // A 600 dpi A4 scan is 35 million; decoded as RGB it already takes 105 MB of the process's memory.
  maxPixels: 40_000_000,
  pageTimeoutMs: 60_000,
  engine: 'auto',
  wasmMemoryMb: 512,
};

/** The memory limit of an extraction process: more when scans are read by tesseract.js (see wasmMemoryMb). */
export function processMemoryMb(limits: ExtractionLimits, wasm: boolean): number {
  return wasm ? Math.max(limits.maxMemoryMb, limits.ocr.wasmMemoryMb) : limits.maxMemoryMb;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxChars: 500_000,
  timeoutMs: 30_000,
  maxPdfPages: 2_000,
  maxDocxInflatedBytes: 50 * 1024 * 1024,
  maxPdfStreamBytes: 64 * 1024 * 1024,
  maxPdfInflatedBytes: 256 * 1024 * 1024,
  // Two processes at most (the pool's size): ~2 × 320 MiB beside the app, under 1 GiB in all.
  maxMemoryMb: 320,
  maxHeapMb: 192,
  ocr: DEFAULT_OCR_LIMITS,
};

/** The message of a document whose reading needed more memory than its process may have. */
export const NEEDS_TOO_MUCH_MEMORY = 'The file needs more memory than allowed to read its text; it is not read';

/** The longest one document's extraction may take: the base limit plus a page's worth per OCR page. */
export function longestExtractionMs(limits: ExtractionLimits): number {
  return limits.timeoutMs + limits.ocr.maxPages * limits.ocr.pageTimeoutMs;
}

/** A file we could not take text from; the message is plain and safe to show the user. */
export class ExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractionError';
  }
}
