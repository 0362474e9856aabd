import type { paths } from './generated/openapi';

/**
 * The shapes the UI reads and writes: names for types GENERATED from the server's route
 * schemas (./generated/openapi.ts, by `npm run api:types`), never written here by hand. A
 * field the server renames or drops breaks the web build.
 */

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];
/** The JSON answer of an operation with this status. */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  Op<P, M> extends { responses: infer Rs } ? (S extends keyof Rs ? Json<Rs[S]> : never) : never;
/** The JSON body an operation takes. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
/** The query parameters an operation takes. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** Every error answer: `code` is the server's closed catalog (http/errors.ts). */
export type ErrorBody = ResponseOf<'/api/documents/{id}', 'get', 404>;
export type ErrorCode = ErrorBody['code'];

export type Me = ResponseOf<'/api/auth/me', 'get'>;
export type Role = Me['role'];
export type Quota = ResponseOf<'/api/auth/me/quota', 'get'>;
export type Registered = ResponseOf<'/api/auth/register', 'post', 201>;
type LoginAnswer = ResponseOf<'/api/auth/login', 'post'>;
export type Tokens = Extract<LoginAnswer, { access_token: string }>;
export type MfaChallenge = Extract<LoginAnswer, { mfa_required: true }>;
export type TotpSetup = ResponseOf<'/api/auth/2fa/setup', 'post'>;
export type SessionInfo = ResponseOf<'/api/auth/sessions', 'get'>[number];

export type DocumentItem = ResponseOf<'/api/documents/{id}', 'get'>;
export type DocumentStatus = DocumentItem['status'];
export type DocumentTopic = DocumentItem['topics'][number];
export type SnippetSegment = NonNullable<DocumentItem['snippet']>[number];
export type DocumentQuery = QueryOf<'/api/documents', 'get'>;
export type SortValue = NonNullable<DocumentQuery['sort']>;
export type SortKey = Exclude<SortValue, `-${string}`>;
export type TypeFamily = NonNullable<DocumentQuery['content_type']>;
export type DocumentPatch = BodyOf<'/api/documents/{id}', 'patch'>;
export type BulkRequest = BodyOf<'/api/documents/bulk', 'post'>;
export type BulkAction = BulkRequest['action'];
export type BulkAnswer = ResponseOf<'/api/documents/bulk', 'post'>;
export type ClassifyAnswer = ResponseOf<'/api/documents/{id}/classify', 'post', 202>;
export type DocumentText = ResponseOf<'/api/documents/{id}/text', 'get'>;
export type PreviewLink = ResponseOf<'/api/documents/{id}/preview-url', 'get'>;
export type DownloadLink = ResponseOf<'/api/documents/{id}/download-url', 'get'>;
export interface Page<T> {
  items: T[];
  total: number;
}

export type UploadUrlRequest = BodyOf<'/api/documents/upload-url', 'post'>;
type UploadUrlAnswer = ResponseOf<'/api/documents/upload-url', 'post'>;
export type UploadTicket = Extract<UploadUrlAnswer, { upload_url: string }>;
export type MultipartTicket = Extract<UploadUrlAnswer, { part_size: number }>;
export type ConfirmResult = ResponseOf<'/api/documents/{id}/confirm', 'post'>;
export type PartUrls = ResponseOf<'/api/documents/{id}/parts', 'post'>;
export type StoredPart = ResponseOf<'/api/documents/{id}/parts', 'get'>[number];
/** 413 detail of upload-url and confirm. */
export type QuotaExceeded = ResponseOf<'/api/documents/upload-url', 'post', 413>['detail'];

export type Topic = ResponseOf<'/api/topics/{id}', 'get'>;
export type NewTopic = BodyOf<'/api/topics/', 'post'>;
export type TopicPatch = BodyOf<'/api/topics/{id}', 'patch'>;

export type ClassifierSettings = ResponseOf<'/api/settings/', 'get'>;
export type Provider = ClassifierSettings['provider'];
export type ClassifierSettingsUpdate = BodyOf<'/api/settings/', 'put'>;
export type ConnectionTest = ResponseOf<'/api/settings/test', 'post'>;

export type AdminUser = ResponseOf<'/api/admin/users/{id}', 'patch'>;
export type AdminUserPatch = BodyOf<'/api/admin/users/{id}', 'patch'>;
export type NewAdminUser = BodyOf<'/api/admin/users', 'post'>;

export type ShareLink = ResponseOf<'/api/documents/{id}/shares', 'get'>[number];
/** The answer to creating a link: the only time its URL is shown. */
export type CreatedShareLink = ResponseOf<'/api/documents/{id}/shares', 'post', 201>;
export type CreateShareInput = BodyOf<'/api/documents/{id}/shares', 'post'>;
