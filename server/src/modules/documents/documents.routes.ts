import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import { errors } from '../../http/errors.js';
import { currentUser } from '../../http/auth-context.js';
import { ErrorBody } from '../../http/schemas.js';
import type { DocumentSetService } from './documents-bulk.service.js';
import {
  UploadOptions,
  type UploadOptionsAnswer,
  BulkRequest,
  BulkResponse,
  ClassifyResponse,
  ConfirmRequest,
  ConfirmResponse,
  DocumentBody,
  DocumentIdParams as IdParams,
  DownloadResponse,
  ListQuery,
  ListResponse,
  MultipartTicket,
  PartsRequest,
  PartsResponse,
  PatchRequest,
  QuotaExceededBody,
  StoredParts,
  UploadUrlRequest,
  UploadUrlResponse,
  type ConfirmInput,
} from './documents.schemas.js';
import type { DocumentService } from './documents.service.js';

// Confirm's body is optional (the 3-step clients send none), which a body schema cannot say.
const checkConfirm = Compile(ConfirmRequest);
function confirmBody(body: unknown): ConfirmInput {
  if (body === undefined || body === null) return {};
  if (!checkConfirm.Check(body)) throw errors.validation('body: expected {"parts": [{"part_number", "etag"}]}');
  return body;
}

const tags = ['documents'];
const security = [{ bearer: [] }];

/** /api/documents: parse, call one service method, reply. */
export const documentsRoutes: FastifyPluginAsync<{
  service: DocumentService;
  setService: DocumentSetService;
  uploadOptions: UploadOptionsAnswer;
}> = async (instance, { service, setService, uploadOptions }) => {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  // onRequest, not preHandler: an anonymous caller gets 401 before its body is even parsed or validated.
  const auth = { onRequest: app.authenticate };

  app.get(
    '/api/documents/upload-options',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'How to upload here: above which size to use parts, and the largest file accepted',
        response: { 200: UploadOptions },
      },
    },
    async () => uploadOptions,
  );

  app.post(
    '/api/documents/upload-url',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Step 1 of an upload: a pending document holding its bytes on the quota, and a URL to PUT them to',
        body: UploadUrlRequest,
        response: {
          200: Type.Union([UploadUrlResponse, MultipartTicket]),
          413: QuotaExceededBody,
          422: ErrorBody,
          429: ErrorBody,
        },
      },
    },
    async (request) => service.requestUploadUrl(currentUser(request), request.body),
  );

  app.post(
    '/api/documents/:id/parts',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Multipart: URLs for these parts, each bound to its part’s exact length',
        params: IdParams,
        body: PartsRequest,
        response: { 200: PartsResponse, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => service.partUrls(currentUser(request), request.params.id, request.body.part_numbers),
  );

  app.get(
    '/api/documents/:id/parts',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Multipart: the parts stored so far (to resume)',
        params: IdParams,
        response: { 200: StoredParts, 404: ErrorBody, 409: ErrorBody },
      },
    },
    async (request) => service.storedParts(currentUser(request), request.params.id),
  );

  app.post(
    '/api/documents/:id/confirm',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Step 3 of an upload (multipart: joins the parts): charge the stored size to the quota and queue classification',
        description:
          'No body for a single PUT. Multipart: optionally {"parts": [{"part_number", "etag"}]} as the part PUTs answered.',
        params: IdParams,
        response: { 200: ConfirmResponse, 404: ErrorBody, 409: ErrorBody, 413: QuotaExceededBody, 422: ErrorBody },
      },
    },
    async (request) => service.confirmUpload(currentUser(request), request.params.id, confirmBody(request.body)),
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

  // Trash and restore: the same move in two directions, each answering the document as it now is.
  const moves = [
    {
      action: 'trash',
      move: setService.trash,
      summary: 'Move a document to the trash (it keeps counting against the quota until purged)',
    },
    { action: 'restore', move: setService.restore, summary: 'Take a document out of the trash' },
  ] as const;
  for (const { action, move, summary } of moves) {
    app.post(
      `/api/documents/:id/${action}`,
      { ...auth, schema: { tags, security, summary, params: IdParams, response: { 200: DocumentBody, 404: ErrorBody } } },
      async (request) => {
        await move.call(setService, currentUser(request), request.params.id);
        return service.get(currentUser(request), request.params.id);
      },
    );
  }

  app.post(
    '/api/documents/bulk',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'One action on up to 500 documents; one unknown id → 404 and nothing changed',
        body: BulkRequest,
        response: { 200: BulkResponse, 404: ErrorBody, 422: ErrorBody },
      },
    },
    async (request) => setService.bulk(currentUser(request), request.body),
  );
};
