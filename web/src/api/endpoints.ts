import type { paths } from './generated/openapi';

/**
 * Every HTTP endpoint the web client calls, as the OpenAPI document names it. Path and
 * method are checked at build time against the generated types (./generated/openapi.ts):
 * an endpoint the server does not have does not compile. Response shapes are in ./types.
 */
type HttpMethod<P extends keyof paths> = {
  [M in keyof paths[P]]: M extends 'parameters' ? never : [NonNullable<paths[P][M]>] extends [never] ? never : M;
}[keyof paths[P]];

export type Endpoint = {
  [P in keyof paths]: { path: P; method: Uppercase<HttpMethod<P> & string> };
}[keyof paths];

const ep = <E extends Endpoint>(e: E) => e;

export const endpoints = {
  register: ep({ method: 'POST', path: '/api/auth/register' }),
  login: ep({ method: 'POST', path: '/api/auth/login' }),
  loginSecondFactor: ep({ method: 'POST', path: '/api/auth/login/2fa' }),
  refresh: ep({ method: 'POST', path: '/api/auth/refresh' }),
  logout: ep({ method: 'POST', path: '/api/auth/logout' }),
  me: ep({ method: 'GET', path: '/api/auth/me' }),
  quota: ep({ method: 'GET', path: '/api/auth/me/quota' }),
  totpSetup: ep({ method: 'POST', path: '/api/auth/2fa/setup' }),
  totpEnable: ep({ method: 'POST', path: '/api/auth/2fa/enable' }),
  totpDisable: ep({ method: 'POST', path: '/api/auth/2fa/disable' }),
  changePassword: ep({ method: 'POST', path: '/api/auth/password' }),
  sessions: ep({ method: 'GET', path: '/api/auth/sessions' }),
  revokeSession: ep({ method: 'DELETE', path: '/api/auth/sessions/{id}' }),
  revokeOtherSessions: ep({ method: 'POST', path: '/api/auth/sessions/revoke-others' }),
  backupCodesLeft: ep({ method: 'GET', path: '/api/auth/2fa/backup-codes' }),
  regenerateBackupCodes: ep({ method: 'POST', path: '/api/auth/2fa/backup-codes' }),

  uploadOptions: ep({ method: 'GET', path: '/api/documents/upload-options' }),
  uploadUrl: ep({ method: 'POST', path: '/api/documents/upload-url' }),
  startMultipart: ep({ method: 'POST', path: '/api/documents/upload-url' }),
  partUrls: ep({ method: 'POST', path: '/api/documents/{id}/parts' }),
  storedParts: ep({ method: 'GET', path: '/api/documents/{id}/parts' }),
  confirmUpload: ep({ method: 'POST', path: '/api/documents/{id}/confirm' }),
  listDocuments: ep({ method: 'GET', path: '/api/documents' }),
  trashDocument: ep({ method: 'POST', path: '/api/documents/{id}/trash' }),
  restoreDocument: ep({ method: 'POST', path: '/api/documents/{id}/restore' }),
  bulkDocuments: ep({ method: 'POST', path: '/api/documents/bulk' }),
  getDocument: ep({ method: 'GET', path: '/api/documents/{id}' }),
  updateDocument: ep({ method: 'PATCH', path: '/api/documents/{id}' }),
  deleteDocument: ep({ method: 'DELETE', path: '/api/documents/{id}' }),
  downloadUrl: ep({ method: 'GET', path: '/api/documents/{id}/download-url' }),
  classify: ep({ method: 'POST', path: '/api/documents/{id}/classify' }),
  documentText: ep({ method: 'GET', path: '/api/documents/{id}/text' }),
  documentThumbnail: ep({ method: 'GET', path: '/api/documents/{id}/thumbnail' }),
  previewUrl: ep({ method: 'GET', path: '/api/documents/{id}/preview-url' }),

  listShares: ep({ method: 'GET', path: '/api/documents/{id}/shares' }),
  createShare: ep({ method: 'POST', path: '/api/documents/{id}/shares' }),
  revokeShare: ep({ method: 'DELETE', path: '/api/shares/{id}' }),

  listTopics: ep({ method: 'GET', path: '/api/topics' }),
  createTopic: ep({ method: 'POST', path: '/api/topics' }),
  updateTopic: ep({ method: 'PATCH', path: '/api/topics/{id}' }),
  deleteTopic: ep({ method: 'DELETE', path: '/api/topics/{id}' }),

  getSettings: ep({ method: 'GET', path: '/api/settings' }),
  putSettings: ep({ method: 'PUT', path: '/api/settings' }),
  testSettings: ep({ method: 'POST', path: '/api/settings/test' }),

  adminUsers: ep({ method: 'GET', path: '/api/admin/users' }),
  adminCreateUser: ep({ method: 'POST', path: '/api/admin/users' }),
  adminDeleteUser: ep({ method: 'DELETE', path: '/api/admin/users/{id}' }),
  adminUpdateUser: ep({ method: 'PATCH', path: '/api/admin/users/{id}' }),
  adminResetTwoFactor: ep({ method: 'POST', path: '/api/admin/users/{id}/reset-2fa' }),
} as const;

export type EndpointName = keyof typeof endpoints;
