/**
 * The shapes the UI reads and writes, hand-written after the server's route schemas
 * (SPEC §3). `e2e/api-contract.spec.ts` checks every endpoint in ./endpoints.ts and the
 * response fields listed there against GET /api/docs/json of a running server.
 */
export type Role = 'user' | 'admin';

export interface Me {
  id: string;
  email: string;
  role: Role;
  totp_enabled: boolean;
  /** An admin set a temporary password: the user must choose a new one first. */
  must_change_password?: boolean;
  created_at: string;
}

export interface Quota {
  used_bytes: number;
  limit_bytes: number;
}

export interface Tokens {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
}

export interface Registered {
  id: string;
  email: string;
  role: Role;
}

export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export type DocumentStatus = 'pending' | 'uploaded' | 'classified' | 'classification_failed';

export interface DocumentTopic {
  id: string;
  name: string;
  source: 'auto' | 'manual';
  confidence: number | null;
}

export interface DocumentItem {
  id: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  status: DocumentStatus;
  error: string | null;
  created_at: string;
  confirmed_at: string | null;
  classified_at: string | null;
  trashed_at: string | null;
  sha256: string | null;
  duplicate_of: string | null;
  /** The server is extracting or classifying it right now (a job is queued or running). */
  processing: boolean;
  topics: DocumentTopic[];
  /** At least one of its share links still opens. */
  shared?: boolean;
  /** A thumbnail is at GET /{id}/thumbnail. */
  has_thumbnail?: boolean;
  /** Search hits only: the passage where the words were found, as plain-text segments. */
  snippet?: SnippetSegment[];
}

/** A piece of a search snippet: the document's own characters (not HTML); `match` = a word found. */
export interface SnippetSegment {
  text: string;
  match: boolean;
}

export interface DocumentText {
  text: string;
  truncated: boolean;
  /** Some of it was read by OCR. */
  ocr: boolean;
  pages: number | null;
}

export interface PreviewLink {
  url: string;
  expires_at: string;
  content_type: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface DocumentQuery {
  limit?: number;
  offset?: number;
  status?: DocumentStatus;
  topic_id?: string;
  q?: string;
  in?: 'trash';
  sort?: SortValue;
  content_type?: TypeFamily;
  from?: string;
  to?: string;
}

export type SortKey = 'created_at' | 'filename' | 'size_bytes' | 'confirmed_at';
export type SortValue = SortKey | `-${SortKey}`;
export type TypeFamily = 'pdf' | 'image' | 'text' | 'office' | 'archive' | 'audio' | 'video' | 'other';
export type BulkAction = 'trash' | 'restore' | 'delete' | 'add_topics' | 'remove_topics' | 'set_topics' | 'reclassify';

export interface SessionInfo {
  id: string;
  device: string | null;
  ip_address: string | null;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

export interface ConnectionTest {
  ok: boolean;
  provider: Provider;
  detail: string;
  latency_ms: number | null;
}

export interface UploadTicket {
  upload_url: string;
  document_id: string;
  expires_at: string;
  /** Headers the PUT must carry (part of the URL's signature). */
  upload_headers?: Record<string, string>;
}

export interface ConfirmResult {
  id: string;
  size_bytes: number;
  used_bytes: number;
  status: DocumentStatus;
}

export interface MultipartTicket {
  document_id: string;
  part_size: number;
  part_count: number;
  expires_at: string;
}

export interface StoredPart {
  part_number: number;
  size: number;
  etag: string;
}

/** 413 detail of upload-url and confirm. */
export interface QuotaExceeded {
  used_bytes: number;
  /** Held by uploads not yet confirmed. */
  reserved_bytes?: number;
  limit_bytes: number;
  rejected_bytes: number;
}

export interface DownloadLink {
  url: string;
  expires_at: string;
}

export interface Topic {
  id: string;
  name: string;
  description: string | null;
  document_count: number;
}

export type Provider = 'local' | 'openai' | 'anthropic' | 'none';

export interface ClassifierSettings {
  provider: Provider;
  model: string | null;
  base_url: string | null;
  api_key_set: boolean;
  auto_classify: boolean;
}

export interface ClassifierSettingsUpdate {
  provider: Provider;
  model: string | null;
  base_url: string | null;
  auto_classify: boolean;
  /** Absent = keep the stored key. */
  api_key?: string | null;
}

export interface AdminUser {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  totp_enabled: boolean;
  used_bytes: number;
  limit_bytes: number;
  created_at: string;
}

export interface AdminUserPatch {
  limit_bytes?: number;
  role?: Role;
  disabled?: boolean;
}

export interface ShareLink {
  id: string;
  document_id: string;
  state: 'active' | 'expired' | 'revoked' | 'used_up';
  expires_at: string | null;
  has_password: boolean;
  max_downloads: number | null;
  download_count: number;
  notify_owner: boolean;
  created_at: string;
  last_accessed_at: string | null;
  revoked_at: string | null;
}

/** The answer to creating a link: the only time its URL is shown. */
export interface CreatedShareLink extends ShareLink {
  url: string;
}

export interface CreateShareInput {
  /** null = never expires. */
  expires_in_days: number | null;
  password: string | null;
  max_downloads: number | null;
  notify_owner: boolean;
}
