/**
 * Entry of an extraction process: parses files sent by extraction-pool.ts, one at a time.
 * A crash, a runaway loop or an out-of-memory here ends this process only; the pool
 * answers the job with an error and starts a fresh process for the next file.
 */
import { extractDocument, type ExtractedDocument } from './extract-document.js';
import { ExtractionError, NEEDS_TOO_MUCH_MEMORY, type ExtractionLimits } from './extraction-limits.js';
import type { FileKind } from './file-kind.js';
import { isAllocationFailure } from './limited-child.js';

export interface ExtractionRequest {
  id: number;
  kind: FileKind;
  bytes: Uint8Array;
  limits: ExtractionLimits;
}

/** `recycle`: this process ran out of memory and should be replaced. */
export type ExtractionReply =
  | { id: number; ok: true; result: ExtractedDocument }
  | { id: number; ok: false; error: string; plain: boolean; recycle?: boolean }
  /** Progress: a page is about to be read by OCR (the pool gives it its own time). */
  | { id: number; ocrPage: true };

process.on('message', (req: ExtractionRequest) => {
  void (async () => {
    let reply: ExtractionReply;
    try {
      const onOcrPage = () => process.send?.({ id: req.id, ocrPage: true } satisfies ExtractionReply);
      reply = { id: req.id, ok: true, result: await extractDocument(req.kind, req.bytes, req.limits, { onOcrPage }) };
    } catch (e) {
      reply = isAllocationFailure(e)
        ? { id: req.id, ok: false, error: NEEDS_TOO_MUCH_MEMORY, plain: true, recycle: true }
        : e instanceof ExtractionError
          ? { id: req.id, ok: false, error: e.message, plain: true }
          : { id: req.id, ok: false, error: e instanceof Error ? e.message : String(e), plain: false };
    }
    process.send?.(reply);
  })();
});
// The parent going away ends this process too.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
