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
  /** Heap of the extraction thread. */
  maxHeapMb: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxChars: 500_000,
  timeoutMs: 30_000,
  maxPdfPages: 2_000,
  maxDocxInflatedBytes: 50 * 1024 * 1024,
  maxHeapMb: 384,
};

/** A file we could not take text from; the message is plain and safe to show the user. */
export class ExtractionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExtractionError';
  }
}
