import { Type, type Static } from 'typebox';
import { ErrorBody, IdParams, PageFields, UUID_PATTERN } from '../../http/schemas.js';
import { SORT_VALUES, TYPE_FAMILIES, type SortKey, type TypeFamily } from './document-list-filter.js';
import { BULK_ACTIONS, MAX_BULK_IDS, type BulkAction as BulkActionName } from './documents-bulk.service.js';

/**
 * The documents contract, written once: the routes validate and document with these, and
 * the service and presenter take their types from them (`Static<typeof X>`), so a field
 * added here reaches the OpenAPI document, the server's types and the web's generated types.
 */

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
/** One of these strings, from a list built at run time (TypeBox cannot infer a union over an array). */
const oneOf = <T extends string>(values: readonly string[], options: { description?: string } = {}) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );

export const DocumentStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('uploaded'),
  Type.Literal('classified'),
  Type.Literal('classification_failed'),
]);

export const QuotaExceededBody = Type.Object(
  {
    detail: Type.Object({
      used_bytes: Type.Integer(),
      reserved_bytes: Type.Optional(Type.Integer({ description: 'Held by open uploads' })),
      limit_bytes: Type.Integer(),
      rejected_bytes: Type.Integer(),
    }),
    code: ErrorBody.properties.code,
  },
  { title: 'QuotaExceeded', description: 'The file does not fit in the quota' },
);
export type QuotaExceededDetail = Static<typeof QuotaExceededBody>['detail'];

export const DocumentIdParams = IdParams('Document id');

export const DocumentTopic = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    source: Type.Union([Type.Literal('auto'), Type.Literal('manual')]),
    confidence: Nullable(Type.Number()),
  },
  { title: 'DocumentTopic' },
);
export type PresentedDocumentTopic = Static<typeof DocumentTopic>;

/** A piece of a search snippet: the document's own characters, never HTML. */
export const SnippetSegment = Type.Object(
  { text: Type.String(), match: Type.Boolean({ description: 'A word the search found' }) },
  { title: 'SnippetSegment' },
);
export type SnippetSegment = Static<typeof SnippetSegment>;

export const DocumentBody = Type.Object(
  {
    id: Type.String(),
    filename: Type.String({ description: 'Display name only' }),
    content_type: Type.String(),
    size_bytes: Type.Integer({ description: 'Stored size; 0 while pending' }),
    status: DocumentStatus,
    error: Nullable(Type.String()),
    created_at: Type.String({ format: 'date-time' }),
    confirmed_at: Nullable(Type.String({ format: 'date-time' })),
    classified_at: Nullable(Type.String({ format: 'date-time' })),
    trashed_at: Nullable(Type.String({ format: 'date-time', description: 'In the trash since; null = not in the trash' })),
    sha256: Nullable(Type.String({ description: 'Hex SHA-256 of the stored bytes, once the worker has read them' })),
    duplicate_of: Nullable(Type.String({ description: 'The oldest other document of yours with the same bytes' })),
    processing: Type.Boolean({ description: 'Text extraction and classification are queued or running for it' }),
    topics: Type.Array(DocumentTopic),
    shared: Type.Boolean({ description: 'At least one share link of this document still opens' }),
    has_thumbnail: Type.Boolean({ description: 'A thumbnail is at GET /{id}/thumbnail' }),
    snippet: Type.Optional(
      Type.Array(SnippetSegment, {
        description: 'With q only: the matching passage as plain-text segments (not HTML), in order',
      }),
    ),
  },
  { title: 'Document' },
);
/** The one shape a document has in every response. */
export type PresentedDocument = Static<typeof DocumentBody>;

export const UploadUrlRequest = Type.Object(
  {
    filename: Type.String({
      maxLength: 1024,
      description: '1–255 characters after trimming, no control characters; display only',
    }),
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
      Type.Boolean({
        description: 'Upload in parts (needs size_bytes): the answer gives part_size and part_count instead of a URL',
      }),
    ),
  },
  { title: 'UploadUrlRequest' },
);
export type UploadUrlInput = Static<typeof UploadUrlRequest>;

export const MultipartTicket = Type.Object(
  {
    document_id: Type.String(),
    part_size: Type.Integer({ description: 'Every part has this length but the last' }),
    part_count: Type.Integer(),
    expires_at: Type.String({ format: 'date-time', description: 'When an upload left idle this long may be swept' }),
  },
  { title: 'MultipartTicket' },
);
export type MultipartTicket = Static<typeof MultipartTicket>;

export const PartsRequest = Type.Object({
  part_numbers: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000 }), { minItems: 1, maxItems: 1000 }),
});
export const PartsResponse = Type.Object({
  urls: Type.Record(Type.String(), Type.String(), {
    description: 'Part number → URL taking exactly that part (PUT, no headers needed)',
  }),
});
export const StoredParts = Type.Array(Type.Object({ part_number: Type.Integer(), size: Type.Integer(), etag: Type.String() }));

export const ConfirmRequest = Type.Object(
  {
    parts: Type.Optional(
      Type.Array(Type.Object({ part_number: Type.Integer({ minimum: 1 }), etag: Type.String({ maxLength: 200 }) }), {
        maxItems: 100_000,
        description: 'Multipart only: the parts and the ETags their PUTs answered (checked against what is stored)',
      }),
    ),
  },
  { title: 'ConfirmRequest' },
);
export type ConfirmInput = Static<typeof ConfirmRequest>;

export const UploadUrlResponse = Type.Object(
  {
    upload_url: Type.String({ description: 'PUT the bytes here, with the headers below' }),
    document_id: Type.String(),
    expires_at: Type.String({ format: 'date-time' }),
    upload_headers: Type.Record(Type.String(), Type.String(), {
      description: 'Headers the PUT must carry (they are part of the URL’s signature)',
    }),
  },
  { title: 'UploadTicket' },
);
export type UploadUrlAnswer = Static<typeof UploadUrlResponse>;

export const ConfirmResponse = Type.Object(
  {
    id: Type.String(),
    size_bytes: Type.Integer(),
    used_bytes: Type.Integer(),
    status: DocumentStatus,
  },
  { title: 'ConfirmResult' },
);
export type ConfirmAnswer = Static<typeof ConfirmResponse>;

export const ListQuery = Type.Object({
  ...PageFields,
  status: Type.Optional(DocumentStatus),
  topic_id: Type.Optional(Type.String({ maxLength: 100, description: 'Only documents filed under this topic' })),
  q: Type.Optional(Type.String({ maxLength: 500, description: 'Full-text search over filename and extracted text' })),
  in: Type.Optional(Type.Literal('trash', { description: 'The trash instead of the list' })),
  sort: Type.Optional(
    oneOf<SortKey | `-${SortKey}`>(SORT_VALUES, {
      description:
        'Sort key, `-` for descending; default -created_at (the trash: most recently trashed first). Search hits are ranked.',
    }),
  ),
  content_type: Type.Optional(
    oneOf<TypeFamily>(TYPE_FAMILIES, { description: 'Type family: pdf, image, text, office, archive, audio, video or other' }),
  ),
  from: Type.Optional(Type.String({ maxLength: 40, description: 'Created on or after: a date (UTC day) or a date-time' })),
  to: Type.Optional(
    Type.String({ maxLength: 40, description: 'Created on or before: a date (the whole UTC day) or a date-time' }),
  ),
});
export type ListQuery = Static<typeof ListQuery>;

export const ListResponse = Type.Object({ items: Type.Array(DocumentBody), total: Type.Integer() }, { title: 'DocumentPage' });
export type DocumentPage = Static<typeof ListResponse>;

export const BulkAction = oneOf<BulkActionName>(BULK_ACTIONS);
export const BulkRequest = Type.Object(
  {
    ids: Type.Array(Type.String({ maxLength: 100 }), { minItems: 1, maxItems: MAX_BULK_IDS }),
    action: BulkAction,
    topic_ids: Type.Optional(Type.Array(Type.String({ pattern: UUID_PATTERN }), { maxItems: 200 })),
  },
  { title: 'BulkRequest' },
);
export type BulkInput = Static<typeof BulkRequest>;
export const BulkResponse = Type.Object(
  {
    action: BulkAction,
    affected: Type.Integer({
      description: 'Documents the action changed or queued (one already in the trash is not trashed again)',
    }),
  },
  { title: 'BulkResult' },
);
export type BulkAnswer = Static<typeof BulkResponse>;

export const PatchRequest = Type.Object(
  {
    filename: Type.Optional(Type.String({ maxLength: 1024 })),
    topic_ids: Type.Optional(
      Type.Array(Type.String({ pattern: UUID_PATTERN }), { maxItems: 200, description: 'Replaces the manual topic assignments' }),
    ),
  },
  { title: 'DocumentPatch' },
);
export type DocumentPatch = Static<typeof PatchRequest>;

export const DownloadResponse = Type.Object(
  { url: Type.String(), expires_at: Type.String({ format: 'date-time' }) },
  { title: 'DownloadLink' },
);
export type DownloadLink = Static<typeof DownloadResponse>;

export const ClassifyResponse = Type.Object({ id: Type.String(), status: DocumentStatus }, { title: 'ClassifyResult' });
export type ClassifyAnswer = Static<typeof ClassifyResponse>;

// What the document page shows: GET /{id}/text and /{id}/preview-url.
export const TextResponse = Type.Object(
  {
    text: Type.String({ description: 'The extracted text; empty until extraction ran, or for files without text' }),
    truncated: Type.Boolean({ description: 'Pages past OCR_MAX_PAGES or characters past the cap were left out' }),
    ocr: Type.Boolean({ description: 'Some of the text was read by OCR (a scan or an image)' }),
    pages: Type.Union([Type.Integer(), Type.Null()], { description: 'Pages of a PDF or TIFF, 1 for an image, else null' }),
  },
  { title: 'DocumentText' },
);
export type DocumentText = Static<typeof TextResponse>;

export const PreviewResponse = Type.Object(
  {
    url: Type.String({ description: 'Shown inline by the browser, with Content-Security-Policy: sandbox' }),
    expires_at: Type.String({ format: 'date-time' }),
    content_type: Type.String({ description: 'The type the URL serves: application/pdf, an image type or text/plain' }),
  },
  { title: 'PreviewLink' },
);
export type PreviewLink = Static<typeof PreviewResponse>;

export const UploadOptions = Type.Object(
  {
    multipart_threshold_bytes: Type.Integer({ description: 'Files larger than this go up in parts (the web UI does so)' }),
    max_upload_bytes: Type.Integer({ description: 'The largest file accepted' }),
  },
  { title: 'UploadOptions', description: 'How this server wants files uploaded' },
);
export type UploadOptionsAnswer = Static<typeof UploadOptions>;
