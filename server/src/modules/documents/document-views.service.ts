import type { Database } from '../../db/database.js';
import type { AuthUser } from '../../http/auth-context.js';
import { errors } from '../../http/errors.js';
import { ObjectNotFoundError } from '../../storage/storage-errors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { fileKind } from '../classification/extraction/file-kind.js';
import { isUuid } from '../../http/schemas.js';
import { documentsRepository as documents, type DocumentRow } from './documents.repository.js';
import type { DocumentText, PreviewLink } from './documents.schemas.js';

export interface DocumentViewsDeps {
  db: Database;
  blobs: BlobStore;
  settings: { uploadUrlTtlSeconds: number };
}

export type DocumentViewService = ReturnType<typeof createDocumentViewService>;

// Images a browser shows as an image (TIFF only in some); always served as the type named here.
const IMAGE_TYPES: Record<string, string> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
  'image/bmp': 'image/bmp',
  'image/x-ms-bmp': 'image/bmp',
  'image/tiff': 'image/tiff',
};
const IMAGE_EXTENSIONS: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

/**
 * The type a document is previewed as, or null when it is not shown inline at all. Only
 * PDFs, images and plain text, each as a fixed type the app chooses (never the stored one
 * as is): HTML, SVG and anything that can run script are downloads only.
 */
export function previewType(contentType: string, filename: string): string | null {
  const kind = fileKind(contentType, filename);
  if (kind === 'pdf') return 'application/pdf';
  if (kind === 'text') return 'text/plain; charset=utf-8';
  if (kind === 'image') {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const ext = /\.([a-z0-9]{1,10})$/i.exec(filename)?.[1]?.toLowerCase() ?? '';
    return IMAGE_TYPES[type] ?? IMAGE_EXTENSIONS[ext] ?? null;
  }
  return null;
}

/** What the document page shows of a document besides its fields: its text, thumbnail and preview. */
export function createDocumentViewService(deps: DocumentViewsDeps) {
  const { db, blobs } = deps;

  async function owned(user: AuthUser, id: string): Promise<DocumentRow> {
    const doc = isUuid(id) ? await documents.findOwned(db, { id, userId: user.id }) : null;
    if (!doc) throw errors.notFound('document');
    return doc;
  }

  return {
    /** The extracted text ('' until extraction ran or when there is none) and how it was had. */
    async text(user: AuthUser, id: string): Promise<DocumentText> {
      const row = isUuid(id) ? await documents.textOf(db, { id, userId: user.id }) : null;
      if (!row) throw errors.notFound('document');
      return {
        text: row.extracted_text ?? '',
        truncated: row.text_truncated,
        ocr: row.text_ocr,
        pages: row.text_pages,
      };
    },

    /** The thumbnail's bytes; 404 while there is none (not extracted yet, or a type without pages). */
    async thumbnail(user: AuthUser, id: string): Promise<{ stream: NodeJS.ReadableStream; etag: string }> {
      const doc = await owned(user, id);
      if (!doc.thumbnail_key) throw errors.notFound('thumbnail');
      try {
        const stream = await blobs.get({ key: doc.thumbnail_key });
        // The key changes whenever the thumbnail does.
        const etag = `"${doc.thumbnail_key
          .split('/')
          .pop()!
          .replace(/\.\w+$/, '')}"`;
        return { stream, etag };
      } catch (e) {
        if (e instanceof ObjectNotFoundError) throw errors.notFound('thumbnail');
        throw e;
      }
    },

    /** A short-lived URL the browser shows inline: PDFs, images and plain text only. */
    async previewUrl(user: AuthUser, id: string): Promise<PreviewLink> {
      const doc = await owned(user, id);
      if (doc.status === 'pending') throw errors.documentPending();
      const type = previewType(doc.content_type, doc.filename);
      if (!type) throw errors.previewUnavailable();
      const presigned = await blobs.presignDownload({
        key: doc.object_key,
        filename: doc.filename,
        contentType: type,
        ttlSeconds: deps.settings.uploadUrlTtlSeconds,
        inline: true,
      });
      return { url: presigned.url, expires_at: presigned.expiresAt.toISOString(), content_type: type };
    },
  };
}
