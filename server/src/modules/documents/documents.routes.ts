import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth-context.js';
import { ErrorBody, IdParams as IdParamsOf, PageFields, UUID_PATTERN } from '../../http/schemas.js';
import type { DocumentService } from './documents.service.js';

const Status = Type.Union([
  Type.Literal('pending'),
  Type.Literal('uploaded'),
  Type.Literal('classified'),
  Type.Literal('classification_failed'),
]);
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const QuotaExceededBody = Type.Object(
  {
    detail: Type.Object({ used_bytes: Type.Integer(), limit_bytes: Type.Integer(), rejected_bytes: Type.Integer() }),
    code: Type.String(),
  },
  { description: 'The file does not fit in the quota' },
);

const IdParams = IdParamsOf('Document id');

const Topic = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: Type.Union([Type.Literal('auto'), Type.Literal('manual')]),
  confidence: Nullable(Type.Number()),
});
const DocumentBody = Type.Object({
  id: Type.String(),
  filename: Type.String({ description: 'Display name only' }),
  content_type: Type.String(),
  size_bytes: Type.Integer({ description: 'Stored size; 0 while pending' }),
  status: Status,
  error: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  confirmed_at: Nullable(Type.String({ format: 'date-time' })),
  classified_at: Nullable(Type.String({ format: 'date-time' })),
  topics: Type.Array(Topic),
  shared: Type.Boolean({ description: 'At least one share link of this document still opens' }),
  has_thumbnail: Type.Boolean({ description: 'A thumbnail is at GET /{id}/thumbnail' }),
  snippet: Type.Optional(
    Type.String({ description: 'With q only: the matching passage, HTML-escaped, with <mark> around the words found' }),
  ),
});

const UploadUrlRequest = Type.Object({
  filename: Type.String({ maxLength: 1024, description: '1–255 characters after trimming, no control characters; display only' }),
  content_type: Type.String({ maxLength: 255, description: 'MIME type the PUT will send as Content-Type' }),
  // Null first: with type coercion on, null must not become 0 (a bound of zero bytes).
  size_bytes: Type.Optional(
    Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], {
      description: 'When given, the URL accepts exactly this many bytes; null or absent = not declared',
    }),
  ),
});
const UploadUrlResponse = Type.Object({
  upload_url: Type.String({ description: 'PUT the bytes here, with the headers below' }),
  document_id: Type.String(),
  expires_at: Type.String({ format: 'date-time' }),
  upload_headers: Type.Record(Type.String(), Type.String()),
});
const ConfirmResponse = Type.Object({
  id: Type.String(),
  size_bytes: Type.Integer(),
  used_bytes: Type.Integer(),
  status: Status,
});
const ListQuery = Type.Object({
  ...PageFields,
  status: Type.Optional(Status),
  topic_id: Type.Optional(Type.String({ maxLength: 100, description: 'Only documents filed under this topic' })),
  q: Type.Optional(Type.String({ maxLength: 500, description: 'Full-text search over filename and extracted text' })),
});
const ListResponse = Type.Object({ items: Type.Array(DocumentBody), total: Type.Integer() });
const PatchRequest = Type.Object({
  filename: Type.Optional(Type.String({ maxLength: 1024 })),
  topic_ids: Type.Optional(
    Type.Array(Type.String({ pattern: UUID_PATTERN }), { maxItems: 200, description: 'Replaces the manual topic assignments' }),
  ),
});
const DownloadResponse = Type.Object({ url: Type.String(), expires_at: Type.String({ format: 'date-time' }) });
const ClassifyResponse = Type.Object({ id: Type.String(), status: Status });

const tags = ['documents'];
const security = [{ bearer: [] }];

/** /api/documents: parse, call one service method, reply. */
export const documentsRoutes: FastifyPluginAsync<{ service: DocumentService }> = async (instance, { service }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // onRequest, not preHandler: an anonymous caller gets 401 before its body is even parsed or validated.
  const auth = { onRequest: app.authenticate };

  app.post(
    '/api/documents/upload-url',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Step 1 of an upload: a pending document and a URL to PUT its bytes to',
        body: UploadUrlRequest,
        response: { 200: UploadUrlResponse, 413: QuotaExceededBody, 422: ErrorBody },
      },
    },
    async (request) => service.requestUploadUrl(currentUser(request), request.body),
  );

  app.post(
    '/api/documents/:id/confirm',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Step 3 of an upload: charge the stored size to the quota and queue classification',
        params: IdParams,
        response: { 200: ConfirmResponse, 404: ErrorBody, 413: QuotaExceededBody, 422: ErrorBody },
      },
    },
    async (request) => service.confirmUpload(currentUser(request), request.params.id),
  );

  app.get(
    '/api/documents',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'The caller’s documents, newest first; with q, best match first with a snippet',
        querystring: ListQuery,
        response: { 200: ListResponse },
      },
    },
    async (request) => service.list(currentUser(request), request.query),
  );

  app.get(
    '/api/documents/:id',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'One document with its topics',
        params: IdParams,
        response: { 200: DocumentBody, 404: ErrorBody },
      },
    },
    async (request) => service.get(currentUser(request), request.params.id),
  );

  app.patch(
    '/api/documents/:id',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Rename a document or set its manual topics',
        params: IdParams,
        body: PatchRequest,
        response: { 200: DocumentBody, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => service.update(currentUser(request), request.params.id, request.body),
  );

  app.get(
    '/api/documents/:id/download-url',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'A short-lived URL serving the file as an attachment',
        params: IdParams,
        response: { 200: DownloadResponse, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => service.downloadUrl(currentUser(request), request.params.id),
  );

  app.delete(
    '/api/documents/:id',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Delete a document and give its bytes back to the quota',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorBody },
      },
    },
    async (request, reply) => {
      await service.remove(currentUser(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/documents/:id/classify',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Queue text extraction and classification again',
        params: IdParams,
        response: { 202: ClassifyResponse, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await service.requestClassification(currentUser(request), request.params.id)),
  );
};
