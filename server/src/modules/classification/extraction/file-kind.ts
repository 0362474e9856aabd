/**
 * How a document's text is taken out of it; `none` keeps the document filename-only.
 * `image` is read by OCR (ocr/), as are the pages of a `pdf` that have no text layer.
 */
export type FileKind = 'pdf' | 'docx' | 'html' | 'text' | 'image' | 'none';

const BY_TYPE: Record<string, FileKind> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/plain': 'text',
  'text/markdown': 'text',
  'text/x-markdown': 'text',
  'text/csv': 'text',
  'text/tab-separated-values': 'text',
  'application/csv': 'text',
  'image/png': 'image',
  'image/jpeg': 'image',
  'image/pjpeg': 'image',
  'image/tiff': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'image/bmp': 'image',
  'image/x-ms-bmp': 'image',
};
const BY_EXTENSION: Record<string, FileKind> = {
  pdf: 'pdf',
  docx: 'docx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  txt: 'text',
  text: 'text',
  md: 'text',
  markdown: 'text',
  csv: 'text',
  tsv: 'text',
  log: 'text',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  tif: 'image',
  tiff: 'image',
  webp: 'image',
  gif: 'image',
  bmp: 'image',
};

/**
 * The declared content type decides; a generic one (application/octet-stream, or none we
 * know) falls back to the file extension. Parsers check the bytes themselves, so a
 * mislabelled file fails plainly rather than being misread.
 */
export function fileKind(contentType: string, filename: string): FileKind {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const byType = BY_TYPE[type];
  if (byType) return byType;
  const ext = /\.([a-z0-9]{1,10})$/i.exec(filename)?.[1]?.toLowerCase();
  return (ext && BY_EXTENSION[ext]) || 'none';
}
