import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { ErrorBody } from '../../http/schemas.js';
import type { DocumentViewService } from './document-views.service.js';
import { DocumentIdParams as IdParams, PreviewResponse, TextResponse } from './documents.schemas.js';

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
