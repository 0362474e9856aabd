/**
 * Every HTTP endpoint the web client calls, as the OpenAPI document names it, with the
 * response fields the UI relies on (`a.b` = nested property, `items[].x` = array items).
 * The client builds its requests from this table only, and e2e/api-contract.spec.ts fails
 * when the running server's /api/docs/json lacks an entry or a listed field.
 */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** Response fields read by the UI, checked in the success response schema. */
  reads?: readonly string[];
}

const ep = <E extends Endpoint>(e: E) => e;

export const endpoints = {
  register: ep({ method: 'POST', path: '/api/auth/register', reads: ['id', 'email', 'role'] }),
  login: ep({ method: 'POST', path: '/api/auth/login', reads: ['access_token', 'expires_in', 'mfa_required', 'mfa_token'] }),
  loginSecondFactor: ep({ method: 'POST', path: '/api/auth/login/2fa', reads: ['access_token', 'expires_in'] }),
  refresh: ep({ method: 'POST', path: '/api/auth/refresh', reads: ['access_token', 'expires_in'] }),
  logout: ep({ method: 'POST', path: '/api/auth/logout' }),
  me: ep({ method: 'GET', path: '/api/auth/me', reads: ['id', 'email', 'role', 'totp_enabled'] }),
  quota: ep({ method: 'GET', path: '/api/auth/me/quota', reads: ['used_bytes', 'limit_bytes'] }),
  totpSetup: ep({ method: 'POST', path: '/api/auth/2fa/setup', reads: ['secret', 'otpauth_uri', 'qr_svg'] }),
  totpEnable: ep({ method: 'POST', path: '/api/auth/2fa/enable', reads: ['backup_codes'] }),
  totpDisable: ep({ method: 'POST', path: '/api/auth/2fa/disable' }),
  changePassword: ep({ method: 'POST', path: '/api/auth/password' }),
  sessions: ep({
    method: 'GET',
    path: '/api/auth/sessions',
    reads: ['[].id', '[].device', '[].created_at', '[].last_used_at', '[].current'],
  }),
  revokeSession: ep({ method: 'DELETE', path: '/api/auth/sessions/{id}' }),
  revokeOtherSessions: ep({ method: 'POST', path: '/api/auth/sessions/revoke-others', reads: ['revoked'] }),
  backupCodesLeft: ep({ method: 'GET', path: '/api/auth/2fa/backup-codes', reads: ['remaining'] }),
  regenerateBackupCodes: ep({ method: 'POST', path: '/api/auth/2fa/backup-codes', reads: ['backup_codes'] }),

  uploadOptions: ep({ method: 'GET', path: '/api/documents/upload-options', reads: ['multipart_threshold_bytes'] }),
  uploadUrl: ep({ method: 'POST', path: '/api/documents/upload-url', reads: ['upload_url', 'document_id', 'upload_headers'] }),
  startMultipart: ep({ method: 'POST', path: '/api/documents/upload-url', reads: ['document_id', 'part_size', 'part_count'] }),
  partUrls: ep({ method: 'POST', path: '/api/documents/{id}/parts', reads: ['urls'] }),
  storedParts: ep({ method: 'GET', path: '/api/documents/{id}/parts' }),
  confirmUpload: ep({ method: 'POST', path: '/api/documents/{id}/confirm', reads: ['id', 'size_bytes', 'used_bytes', 'status'] }),
  listDocuments: ep({
    method: 'GET',
    path: '/api/documents',
    reads: [
      'total',
      'items[].id',
      'items[].filename',
      'items[].size_bytes',
      'items[].status',
      'items[].error',
      'items[].created_at',
      'items[].classified_at',
      'items[].topics[].id',
      'items[].topics[].name',
      'items[].topics[].source',
      'items[].snippet[].text',
      'items[].snippet[].match',
      'items[].shared',
      'items[].processing',
      'items[].trashed_at',
      'items[].duplicate_of',
    ],
  }),
  trashDocument: ep({ method: 'POST', path: '/api/documents/{id}/trash', reads: ['id', 'trashed_at'] }),
  restoreDocument: ep({ method: 'POST', path: '/api/documents/{id}/restore', reads: ['id', 'trashed_at'] }),
  bulkDocuments: ep({ method: 'POST', path: '/api/documents/bulk', reads: ['affected'] }),
  getDocument: ep({ method: 'GET', path: '/api/documents/{id}', reads: ['id', 'status', 'topics'] }),
  updateDocument: ep({ method: 'PATCH', path: '/api/documents/{id}', reads: ['id', 'filename', 'topics'] }),
  deleteDocument: ep({ method: 'DELETE', path: '/api/documents/{id}' }),
  downloadUrl: ep({ method: 'GET', path: '/api/documents/{id}/download-url', reads: ['url'] }),
  classify: ep({ method: 'POST', path: '/api/documents/{id}/classify', reads: ['id', 'status'] }),
  documentText: ep({ method: 'GET', path: '/api/documents/{id}/text', reads: ['text', 'truncated', 'ocr', 'pages'] }),
  documentThumbnail: ep({ method: 'GET', path: '/api/documents/{id}/thumbnail' }),
  previewUrl: ep({ method: 'GET', path: '/api/documents/{id}/preview-url', reads: ['url', 'content_type'] }),

  listShares: ep({
    method: 'GET',
    path: '/api/documents/{id}/shares',
    reads: [
      '[].id',
      '[].state',
      '[].expires_at',
      '[].has_password',
      '[].max_downloads',
      '[].download_count',
      '[].created_at',
      '[].last_accessed_at',
    ],
  }),
  createShare: ep({ method: 'POST', path: '/api/documents/{id}/shares', reads: ['id', 'url', 'state'] }),
  revokeShare: ep({ method: 'DELETE', path: '/api/shares/{id}' }),

  listTopics: ep({ method: 'GET', path: '/api/topics', reads: ['[].id', '[].name', '[].description', '[].document_count'] }),
  createTopic: ep({ method: 'POST', path: '/api/topics', reads: ['id', 'name'] }),
  updateTopic: ep({ method: 'PATCH', path: '/api/topics/{id}', reads: ['id', 'name'] }),
  deleteTopic: ep({ method: 'DELETE', path: '/api/topics/{id}' }),

  getSettings: ep({
    method: 'GET',
    path: '/api/settings',
    reads: ['provider', 'model', 'base_url', 'api_key_set', 'auto_classify'],
  }),
  putSettings: ep({ method: 'PUT', path: '/api/settings', reads: ['provider', 'api_key_set', 'auto_classify'] }),
  testSettings: ep({ method: 'POST', path: '/api/settings/test', reads: ['ok', 'detail'] }),

  adminUsers: ep({
    method: 'GET',
    path: '/api/admin/users',
    reads: [
      'total',
      'items[].id',
      'items[].email',
      'items[].role',
      'items[].disabled',
      'items[].totp_enabled',
      'items[].used_bytes',
      'items[].limit_bytes',
    ],
  }),
  adminCreateUser: ep({ method: 'POST', path: '/api/admin/users', reads: ['id', 'email'] }),
  adminDeleteUser: ep({ method: 'DELETE', path: '/api/admin/users/{id}' }),
  adminUpdateUser: ep({ method: 'PATCH', path: '/api/admin/users/{id}', reads: ['id', 'role', 'disabled', 'limit_bytes'] }),
  adminResetTwoFactor: ep({ method: 'POST', path: '/api/admin/users/{id}/reset-2fa', reads: ['id', 'totp_enabled'] }),
} as const;

export type EndpointName = keyof typeof endpoints;
