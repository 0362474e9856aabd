/**
 * The error catalog: every `code` the API can answer, and one named factory per error that
 * carries its status. Clients branch on `code`; `detail` is for people.
 */
export const ERROR_CODES = [
  // the framework and the HTTP plumbing
  'bad_request',
  'bad_url',
  'malformed_json',
  'unsupported_media_type',
  'payload_too_large',
  'validation_error',
  'not_found',
  'internal_error',
  'unavailable',
  // accounts
  'unauthorized',
  'too_many_requests',
  'registration_closed',
  'email_taken',
  'account_disabled',
  'admin_only',
  'last_admin',
  'one_factor_required',
  'totp_already_enabled',
  'totp_not_set_up',
  'totp_not_enabled',
  'invalid_code',
  'reauthentication_failed',
  'wrong_password',
  'password_required',
  'password_change_required',
  'cannot_delete_self',
  'own_account',
  // topics
  'invalid_name',
  'invalid_description',
  'topic_exists',
  // settings
  'base_url_refused',
  'invalid_model',
  'invalid_api_key',
  'api_key_required',
  // documents
  'quota_exceeded',
  'invalid_filename',
  'invalid_content_type',
  'upload_missing',
  'upload_size_mismatch',
  'document_pending',
  'document_trashed',
  'invalid_date',
  'too_many_ids',
  'topic_ids_required',
  // uploads: reservations and multipart
  'file_too_large',
  'multipart_required',
  'not_multipart',
  'upload_complete',
  'size_required',
  'bad_part_number',
  'parts_incomplete',
  'part_mismatch',
  'upload_closed',
  'too_many_pending_uploads',
  'preview_unavailable',
  // the disk backend's signed storage URLs
  'upload_interrupted',
  'upload_url_used',
  'url_expired',
  'url_invalid',
  'invalid_object_key',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The one error type of the application. Services throw these (through `errors`); the HTTP
 * error handler renders them as `{"detail": ..., "code": ...}` with the status they carry.
 * Anything that is not an AppError is a bug and becomes a generic 500.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : code);
    this.name = 'AppError';
  }
}

/** What a 404 can be about. */
export type Missing = 'document' | 'topic' | 'user' | 'quota' | 'object' | 'share link' | 'session' | 'thumbnail';

export interface QuotaExceeded {
  used_bytes: number;
  limit_bytes: number;
  rejected_bytes: number;
  reserved_bytes?: number;
}

const invalid = (code: ErrorCode) => (detail: string) => new AppError(422, code, detail);

export const errors = {
  // the framework and the HTTP plumbing
  badRequest: (detail: string) => new AppError(400, 'bad_request', detail),
  badUrl: () => new AppError(400, 'bad_url', 'The URL is not valid'),
  malformedJson: () => new AppError(400, 'malformed_json', 'Malformed JSON body'),
  unsupportedMediaType: (detail: string) => new AppError(415, 'unsupported_media_type', detail),
  payloadTooLarge: (detail = 'Payload too large') => new AppError(413, 'payload_too_large', detail),
  validation: (detail: string) => new AppError(422, 'validation_error', detail),
  notFound: (what: Missing) => new AppError(404, 'not_found', `${capitalize(what)} not found`),
  routeNotFound: (method: string, path: string) => new AppError(404, 'not_found', `Not found: ${method} ${path}`),
  internal: () => new AppError(500, 'internal_error', 'Internal Server Error'),
  unavailable: (detail: string) => new AppError(503, 'unavailable', detail),

  // accounts
  unauthorized: (detail = 'Not authenticated') => new AppError(401, 'unauthorized', detail, { 'www-authenticate': 'Bearer' }),
  tooManyRequests: (retryAfterSeconds: number) =>
    new AppError(429, 'too_many_requests', 'Too many attempts; try again later', {
      'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    }),
  registrationClosed: () => new AppError(403, 'registration_closed', 'Registration is closed'),
  emailTaken: () => new AppError(409, 'email_taken', 'An account with this email already exists'),
  accountDisabled: () => new AppError(403, 'account_disabled', 'This account is disabled'),
  adminOnly: () => new AppError(403, 'admin_only', 'Administrators only'),
  lastAdmin: () => new AppError(409, 'last_admin', 'The last admin cannot be demoted or disabled'),
  oneFactorRequired: () => new AppError(422, 'one_factor_required', 'Give either code or backup_code'),
  totpAlreadyEnabled: () => new AppError(409, 'totp_already_enabled', 'Two-factor authentication is already on'),
  totpNotSetUp: () => new AppError(409, 'totp_not_set_up', 'Start with POST /api/auth/2fa/setup'),
  totpNotEnabled: () => new AppError(409, 'totp_not_enabled', 'Two-factor authentication is not on'),
  invalidCode: () => new AppError(400, 'invalid_code', 'Invalid code'),
  reauthenticationFailed: () => new AppError(403, 'reauthentication_failed', 'Wrong password or code'),
  wrongPassword: () => new AppError(403, 'wrong_password', 'The current password is wrong'),
  passwordRequired: () =>
    new AppError(403, 'password_required', 'Enter your current password: this session did not sign in within the last few minutes'),
  passwordChangeRequired: () =>
    new AppError(403, 'password_change_required', 'Choose a new password first: this one was set by an administrator'),
  ownAccount: () => new AppError(403, 'own_account', 'Turn off your own two-step verification on the Security page'),
  cannotDeleteSelf: () => new AppError(409, 'cannot_delete_self', 'You cannot delete your own account here'),

  // topics
  invalidName: invalid('invalid_name'),
  invalidDescription: invalid('invalid_description'),
  topicExists: () => new AppError(409, 'topic_exists', 'A topic with this name already exists'),

  // settings
  baseUrlRefused: (reason: string) => new AppError(422, 'base_url_refused', `base_url refused: ${reason}`),
  invalidModel: () => new AppError(422, 'invalid_model', 'model must be one line of at most 200 characters'),
  invalidApiKey: () => new AppError(422, 'invalid_api_key', 'api_key must be a single token without spaces'),
  apiKeyRequired: () => new AppError(422, 'api_key_required', 'The anthropic provider needs an api_key'),

  // documents
  quotaExceeded: (q: QuotaExceeded) => new AppError(413, 'quota_exceeded', q),
  invalidFilename: invalid('invalid_filename'),
  invalidContentType: () =>
    new AppError(422, 'invalid_content_type', 'content_type must be a valid MIME type such as application/pdf'),
  uploadMissing: () =>
    new AppError(422, 'upload_missing', 'No uploaded file for this document yet: PUT the bytes to upload_url first'),
  uploadSizeMismatch: (actual: number, declared: number) =>
    new AppError(
      422,
      'upload_size_mismatch',
      `The uploaded file has ${actual} bytes, not the ${declared} declared at upload-url`,
    ),
  documentPending: () => new AppError(409, 'document_pending', 'The document has not been uploaded yet'),
  documentTrashed: () => new AppError(409, 'document_trashed', 'The document is in the trash; restore it first'),
  invalidDate: (edge: string) => new AppError(422, 'invalid_date', `${edge} must be a date (YYYY-MM-DD) or a date-time`),
  tooManyIds: (max: number) => new AppError(422, 'too_many_ids', `At most ${max} documents at once`),
  topicIdsRequired: (action: string) => new AppError(422, 'topic_ids_required', `${action} needs topic_ids`),

  // uploads: reservations and multipart
  fileTooLarge: (detail: string) => new AppError(413, 'file_too_large', detail),
  multipartRequired: (declared: number) =>
    new AppError(422, 'multipart_required', `A file of ${declared} bytes must be uploaded in parts: ask for multipart: true`),
  notMultipart: () => new AppError(409, 'not_multipart', 'This document is not a multipart upload'),
  uploadComplete: () => new AppError(409, 'upload_complete', 'This upload is already complete'),
  sizeRequired: () => new AppError(422, 'size_required', 'A multipart upload needs size_bytes (at least 1)'),
  badPartNumber: (detail: string) => new AppError(422, 'bad_part_number', detail),
  partsIncomplete: (detail: object) => new AppError(422, 'parts_incomplete', detail),
  partMismatch: (detail: unknown) => new AppError(422, 'part_mismatch', detail),
  joinedSizeMismatch: () => new AppError(422, 'upload_size_mismatch', 'The joined file is not the declared size'),
  uploadClosed: (
    detail = 'This upload is no longer open (its document was deleted, confirmed or swept); request a new upload URL',
  ) => new AppError(409, 'upload_closed', detail),
  tooManyPendingUploads: (detail: string) => new AppError(429, 'too_many_pending_uploads', detail),
  previewUnavailable: () =>
    new AppError(409, 'preview_unavailable', 'This kind of file is not shown in the browser; download it instead'),

  // the disk backend's signed storage URLs (see storage/storage-errors.ts)
  uploadTooLarge: () => new AppError(413, 'payload_too_large', 'The upload is larger than this URL allows'),
  uploadTooShort: () => new AppError(400, 'upload_size_mismatch', 'The upload is shorter than this URL requires'),
  uploadInterrupted: () => new AppError(400, 'upload_interrupted', 'The upload was interrupted'),
  uploadUrlUsed: () =>
    new AppError(409, 'upload_url_used', 'The bytes for this upload URL were already received; request a new URL'),
  urlExpired: () => new AppError(403, 'url_expired', 'This storage URL has expired'),
  urlInvalid: () => new AppError(403, 'url_invalid', 'This storage URL is not valid'),
  invalidObjectKey: () => new AppError(400, 'invalid_object_key', 'Invalid object key'),
};

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
