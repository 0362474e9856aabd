import type { components, paths } from './generated/openapi';

/**
 * The shapes the UI reads and writes: the one module of short names for the types GENERATED
 * from the server's route schemas (./generated/openapi.ts, by `npm run api:types`). Nothing
 * here is written by hand: each line names a generated schema (the schemas' titles are the
 * component names) or a part of one, so a field the server renames or drops breaks the web
 * build. The rest of the web imports from here, never from ./generated.
 */

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];
/** The JSON answer of an operation with this status. */
type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  Op<P, M> extends { responses: infer Rs } ? (S extends keyof Rs ? Json<Rs[S]> : never) : never;
/** The query parameters an operation takes. */
type QueryOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

type S = components['schemas'];

/** Every error answer: `code` is the server's closed catalog (http/errors.ts). */
export type ErrorBody = S['Error'];
export type ErrorCode = ErrorBody['code'];

export type Me = S['Me'];
export type Role = Me['role'];
export type Quota = S['Quota'];
/** GET /api/documents/upload-options: how this server wants files uploaded. */
export type UploadOptions = S['UploadOptions'];
export type Registered = S['Registered'];
export type Tokens = S['Tokens'];
export type MfaChallenge = S['MfaChallenge'];
export type TotpSetup = S['TotpSetup'];
export type SessionInfo = S['Session'];

export type DocumentItem = S['Document'];
export type SnippetSegment = S['SnippetSegment'];
export type DocumentQuery = QueryOf<'/api/documents', 'get'>;
export type SortValue = NonNullable<DocumentQuery['sort']>;
export type SortKey = Exclude<SortValue, `-${string}`>;
export type DocumentPatch = S['DocumentPatch'];
export type BulkRequest = S['BulkRequest'];
export type BulkAction = BulkRequest['action'];
export type BulkAnswer = S['BulkResult'];
export type ClassifyAnswer = S['ClassifyResult'];
export type DocumentText = S['DocumentText'];
export type PreviewLink = S['PreviewLink'];
export type DownloadLink = S['DownloadLink'];
export type DocumentPage = S['DocumentPage'];

export type UploadTicket = S['UploadTicket'];
export type MultipartTicket = S['MultipartTicket'];
export type ConfirmResult = S['ConfirmResult'];
export type PartUrls = ResponseOf<'/api/documents/{id}/parts', 'post'>;
export type StoredPart = ResponseOf<'/api/documents/{id}/parts', 'get'>[number];
/** 413 detail of upload-url and confirm. */
export type QuotaExceeded = S['QuotaExceeded']['detail'];

export type Topic = S['Topic'];
export type NewTopic = S['NewTopic'];
export type TopicPatch = S['TopicPatch'];

export type ClassifierSettings = S['Settings'];
export type Provider = ClassifierSettings['provider'];
export type ClassifierSettingsUpdate = S['SettingsUpdate'];
export type ConnectionTest = S['ConnectionTest'];

export type AdminUser = S['AdminUser'];
export type AdminUserPage = S['AdminUserPage'];
export type AdminUserPatch = S['AdminUserPatch'];
export type NewAdminUser = S['NewAdminUser'];

export type ShareLink = S['ShareLink'];
/** The answer to creating a link: the only time its URL is shown. */
export type CreatedShareLink = S['CreatedShareLink'];
export type CreateShareInput = S['CreateShareInput'];
