import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { errors } from '../../http/errors.js';
import { currentUser } from '../../http/auth-context.js';
import { ErrorBody, IdParams as IdParamsOf, PageFields, UUID_PATTERN } from '../../http/schemas.js';
import { SORT_VALUES, TYPE_FAMILIES } from './document-list-filter.js';
import { BULK_ACTIONS, MAX_BULK_IDS, type DocumentSetService } from './documents-bulk.service.js';
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
    detail: Type.Object({
      used_bytes: Type.Integer(),
      reserved_bytes: Type.Optional(Type.Integer({ description: 'Held by open uploads' })),
      limit_bytes: Type.Integer(),
      rejected_bytes: Type.Integer(),
    }),
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
  trashed_at: Nullable(Type.String({ format: 'date-time', description: 'In the trash since; null = not in the trash' })),
  sha256: Nullable(Type.String({ description: 'Hex SHA-256 of the stored bytes, once the worker has read them' })),
  duplicate_of: Nullable(Type.String({ description: 'The oldest other document of yours with the same bytes' })),
  processing: Type.Boolean({ description: 'Text extraction and classification are queued or running for it' }),
  topics: Type.Array(Topic),
  shared: Type.Boolean({ description: 'At least one share link of this document still opens' }),
  has_thumbnail: Type.Boolean({ description: 'A thumbnail is at GET /{id}/thumbnail' }),
  snippet: Type.Optional(
    Type.Array(Type.Object({ text: Type.String(), match: Type.Boolean({ description: 'A word the search found' }) }), {
      description: 'With q only: the matching passage as plain-text segments (not HTML), in order',
    }),
  ),
});

const UploadUrlRequest = Type.Object({
  filename: Type.String({ maxLength: 1024, description: '1–255 characters after trimming, no control characters; display only' }),
  content_type: Type.String({ maxLength: 255, description: 'MIME type the PUT will send as Content-Type' }),
  // Null first: with type coercion on, null must not become 0 (a bound of zero bytes).
  size_bytes: Type.Optional(
    Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })], {
      description:
        'When given, exactly this many bytes are reserved and the URL accepts exactly them; null or absent = not declared: ' +
        'the URL accepts (and reserves) up to UNDECLARED_UPLOAD_MAX_BYTES or the room left, whichever is smaller',
    }),
  ),
  multipart: Type.Optional(
    Type.Boolean({ description: 'Upload in parts (needs size_bytes): the answer gives part_size and part_count instead of a URL' }),
  ),
});
const MultipartTicket = Type.Object({
  document_id: Type.String(),
  part_size: Type.Integer({ description: 'Every part has this length but the last' }),
  part_count: Type.Integer(),
  expires_at: Type.String({ format: 'date-time', description: 'When an upload left idle this long may be swept' }),
});
const PartsRequest = Type.Object({
  part_numbers: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000 }), { minItems: 1, maxItems: 1000 }),
});
const PartsResponse = Type.Object({
  urls: Type.Record(Type.String(), Type.String(), { description: 'Part number → URL taking exactly that part (PUT, no headers needed)' }),
});
const StoredParts = Type.Array(Type.Object({ part_number: Type.Integer(), size: Type.Integer(), etag: Type.String() }));
const ConfirmRequest = Type.Object({
  parts: Type.Optional(
    Type.Array(Type.Object({ part_number: Type.Integer({ minimum: 1 }), etag: Type.String({ maxLength: 200 }) }), {
      maxItems: 100_000,
      description: 'Multipart only: the parts and the ETags their PUTs answered (checked against what is stored)',
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
  in: Type.Optional(Type.Literal('trash', { description: 'The trash instead of the list' })),
  sort: Type.Optional(
    Type.Union(
      SORT_VALUES.map((v) => Type.Literal(v)),
      { description: 'Sort key, `-` for descending; default -created_at (the trash: most recently trashed first). Search hits are ranked.' },
    ),
  ),
  content_type: Type.Optional(
    Type.Union(
      TYPE_FAMILIES.map((f) => Type.Literal(f)),
      { description: 'Type family: pdf, image, text, office, archive, audio, video or other' },
    ),
  ),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Created on or after: a date (UTC day) or a date-time' })),
  to: Type.Optional(Type.String({ maxLength: 40, description: 'Created on or before: a date (the whole UTC day) or a date-time' })),
});
const BulkRequest = Type.Object({
  ids: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: MAX_BULK_IDS }),
  action: Type.Union(BULK_ACTIONS.map((a) => Type.Literal(a))),
  topic_ids: Type.Optional(Type.Array(Type.String({ pattern: UUID_PATTERN }), { maxItems: 200 })),
});
const BulkResponse = Type.Object({ action: Type.String(), affected: Type.Integer() });
const ListResponse = Type.Object({ items: Type.Array(DocumentBody), total: Type.Integer() });
const PatchRequest = Type.Object({
  filename: Type.Optional(Type.String({ maxLength: 1024 })),
  topic_ids: Type.Optional(
    Type.Array(Type.String({ pattern: UUID_PATTERN }), { maxItems: 200, description: 'Replaces the manual topic assignments' }),
  ),
});
const DownloadResponse = Type.Object({ url: Type.String(), expires_at: Type.String({ format: 'date-time' }) });
const ClassifyResponse = Type.Object({ id: Type.String(), status: Status });

// Confirm's body is optional (the 3-step clients send none), which a body schema cannot say.
const checkConfirm = Compile(ConfirmRequest);
function confirmBody(body: unknown): Static<typeof ConfirmRequest> {
  if (body === undefined || body === null) return {};
  if (!checkConfirm.Check(body)) throw errors.validation('body: expected {"parts": [{"part_number", "etag"}]}');
  return body;
}

const UploadOptions = Type.Object(
  {
    multipart_threshold_bytes: Type.Integer({ description: 'Files larger than this go up in parts (the web UI does so)' }),
    max_upload_bytes: Type.Integer({ description: 'The largest file accepted' }),
  },
  { description: 'How this server wants files uploaded' },
);

const tags = ['documents'];
const security = [{ bearer: [] }];

/** /api/documents: parse, call one service method, reply. */
export const documentsRoutes: FastifyPluginAsync<{
  service: DocumentService;
  setService: DocumentSetService;
  uploadOptions: Static<typeof UploadOptions>;
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
        response: { 200: Type.Union([UploadUrlResponse, MultipartTicket]), 413: QuotaExceededBody, 422: ErrorBody, 429: ErrorBody },
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

  app.post(
    '/api/documents/:id/trash',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Move a document to the trash (it keeps counting against the quota until purged)',
        params: IdParams,
        response: { 200: DocumentBody, 404: ErrorBody },
      },
    },
    async (request) => {
      await setService.trash(currentUser(request), request.params.id);
      return service.get(currentUser(request), request.params.id);
    },
  );

  app.post(
    '/api/documents/:id/restore',
    {
      ...auth,
      schema: {
        tags,
        security,
        summary: 'Take a document out of the trash',
        params: IdParams,
        response: { 200: DocumentBody, 404: ErrorBody },
      },
    },
    async (request) => {
      await setService.restore(currentUser(request), request.params.id);
      return service.get(currentUser(request), request.params.id);
    },
  );

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
