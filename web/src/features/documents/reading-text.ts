import type { DocumentItem } from '../../api/types';
import type { DisplayStatus } from './document-status';

const SCAN_TYPES = /^(application\/(x-)?pdf|image\/(png|jpeg|pjpeg|tiff|webp|gif|bmp|x-ms-bmp))\b/i;
const SCAN_EXTENSIONS = /\.(pdf|png|jpe?g|tiff?|webp|gif|bmp)$/i;

/** A file whose text may have to be read from its pages (a scan, a photo, a PDF). */
export function mayNeedOcr(doc: Pick<DocumentItem, 'content_type' | 'filename'>): boolean {
  return SCAN_TYPES.test(doc.content_type) || SCAN_EXTENSIONS.test(doc.filename);
}

/** While a scan is worked on, what it waits for is its text: say so ("Reading text…"). */
export function withReadingText(doc: DocumentItem, status: DisplayStatus): DisplayStatus {
  if (status.key !== 'classifying' || !mayNeedOcr(doc)) return status;
  return { ...status, label: 'Reading text…' };
}
