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

  uploadUrl: ep({ method: 'POST', path: '/api/documents/upload-url', reads: ['upload_url', 'document_id', 'upload_headers'] }),
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
      'items[].snippet',
      'items[].shared',
    ],
  }),
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

  adminUsers: ep({
    method: 'GET',
    path: '/api/admin/users',
    reads: [
      'total',
      'items[].id',
      'items[].email',
      'items[].role',
      'items[].disabled',
      'items[].used_bytes',
      'items[].limit_bytes',
    ],
  }),
  adminUpdateUser: ep({ method: 'PATCH', path: '/api/admin/users/{id}', reads: ['id', 'role', 'disabled', 'limit_bytes'] }),
} as const;

export type EndpointName = keyof typeof endpoints;
