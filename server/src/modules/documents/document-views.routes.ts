import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import type { DocumentViewService } from './document-views.service.js';

const IdParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'Document id' }) });
const ErrorBody = Type.Object({ detail: Type.Unknown(), code: Type.String() }, { description: 'Error' });
const TextResponse = Type.Object({
  text: Type.String({ description: 'The extracted text; empty until extraction ran, or for files without text' }),
  truncated: Type.Boolean({ description: 'Pages past OCR_MAX_PAGES or characters past the cap were left out' }),
  ocr: Type.Boolean({ description: 'Some of the text was read by OCR (a scan or an image)' }),
  pages: Type.Union([Type.Integer(), Type.Null()], { description: 'Pages of a PDF or TIFF, 1 for an image, else null' }),
});
const PreviewResponse = Type.Object({
  url: Type.String({ description: 'Shown inline by the browser, with Content-Security-Policy: sandbox' }),
  expires_at: Type.String({ format: 'date-time' }),
  content_type: Type.String({ description: 'The type the URL serves: application/pdf, an image type or text/plain' }),
});

const tags = ['documents'];
const security = [{ bearer: [] }];

/** /api/documents/{id}/text, /thumbnail and /preview-url: what the document page shows. */
export const documentViewsRoutes: FastifyPluginAsync<{ service: DocumentViewService }> = async (instance, { service }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const auth = { onRequest: app.authenticate };

  app.get(
    '/api/documents/:id/text',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'The extracted text of a document, and whether it was read by OCR',
        params: IdParams,
        response: { 200: TextResponse, 404: ErrorBody },
      },
    },
    async (request) => service.text(currentUser(request), request.params.id),
  );

  app.get(
    '/api/documents/:id/thumbnail',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'A small WebP image of the first page or the image (404 while there is none)',
        params: IdParams,
        response: {
          200: Type.Unknown({ description: 'image/webp, at most 400 px wide' }),
          304: Type.Null({ description: 'Not modified (If-None-Match)' }),
          404: ErrorBody,
        },
      },
    },
    async (request, reply) => {
      const { stream, etag } = await service.thumbnail(currentUser(request), request.params.id);
      // Private: it is the owner's; the ETag (a new one with every new thumbnail) makes revalidation cheap.
      reply.headers({
        'cache-control': 'private, max-age=300',
        etag,
        vary: 'authorization',
        'x-content-type-options': 'nosniff',
      });
      if (request.headers['if-none-match'] === etag) {
        (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
        return reply.status(304).send(null);
      }
      return reply.type('image/webp').send(stream);
    },
  );

  app.get(
    '/api/documents/:id/preview-url',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'A short-lived URL showing the file in the browser: PDFs, images and plain text only',
        params: IdParams,
        response: { 200: PreviewResponse, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => service.previewUrl(currentUser(request), request.params.id),
  );
};
