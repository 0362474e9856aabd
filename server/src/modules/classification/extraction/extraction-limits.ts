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
};

/** The message of a document whose reading needed more memory than its process may have. */
export const NEEDS_TOO_MUCH_MEMORY = 'The file needs more memory than allowed to read its text; it is not read';

/** A file we could not take text from; the message is plain and safe to show the user. */
export class ExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractionError';
  }
}
