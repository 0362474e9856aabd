import { randomUUID } from 'node:crypto';

/**
 * Suffixes an object key may end with. Only a short allow-list: the extension tells an
 * operator browsing the bucket what a file is, and nothing a user typed gets further.
 */
const ALLOWED_EXTENSIONS = new Set(
  (
    'pdf txt md markdown csv tsv json xml html htm rtf doc docx odt xls xlsx ods ppt pptx odp epub eml ' +
    'png jpg jpeg gif webp tif tiff bmp heic svg zip gz 7z'
  ).split(' '),
);

/** The allow-listed, lower-cased extension of a display filename (with its dot), or ''. */
export function extensionOf(filename: string): string {
  // Whatever the client's path conventions, only the last segment's suffix counts.
  const base = filename.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return '';
  const ext = base
    .slice(dot + 1)
    .trim()
    .toLowerCase();
  return ALLOWED_EXTENSIONS.has(ext) ? `.${ext}` : '';
}

/**
 * The server-made object key `{user_id}/{document_id}/{uuid}{ext}`: only ids and an
 * allow-listed suffix, so a filename can never steer where bytes land.
 */
export function makeObjectKey(opts: { userId: string; documentId: string; filename: string }): string {
  return `${opts.userId}/${opts.documentId}/${randomUUID()}${extensionOf(opts.filename)}`;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const OBJECT_KEY_SHAPE = new RegExp(`^${UUID}/${UUID}/${UUID}(\\.[a-z0-9]{1,8})?$`);

/** Whether a key has the shape makeObjectKey produces; the object sweep touches nothing else. */
export function isDocumentObjectKey(key: string): boolean {
  return OBJECT_KEY_SHAPE.test(key);
}

/**
 * The key of an object derived from a document (its thumbnail):
 * `{user_id}/{document_id}/derived/{uuid}.webp`. Never charged to the quota; removed with
 * the document, and by the object sweep when no row names it.
 */
export function makeDerivedObjectKey(opts: { userId: string; documentId: string; ext: 'webp' | 'png' }): string {
  return `${opts.userId}/${opts.documentId}/derived/${randomUUID()}.${opts.ext}`;
}

const DERIVED_KEY_SHAPE = new RegExp(`^${UUID}/${UUID}/derived/${UUID}\\.(webp|png)$`);

/** Whether a key has the shape makeDerivedObjectKey produces. */
export function isDerivedObjectKey(key: string): boolean {
  return DERIVED_KEY_SHAPE.test(key);
}
