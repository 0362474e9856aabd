/**
 * Every configuration key, declared once: its env name, description, default and parser.
 * `loadConfig` reads and validates them all at start; nothing else reads process.env.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly accepts: string,
    readonly value: string,
  ) {
    super(`Invalid ${variable}=${JSON.stringify(value)}: expected ${accepts}`);
    this.name = 'ConfigError';
  }
}

export interface KeySpec<T> {
  env: string;
  description: string;
  default: string | undefined;
  accepts: string;
  parse: (raw: string) => T;
  secret?: boolean;
}

function key<T, D extends string | undefined>(spec: KeySpec<T> & { default: D }): KeySpec<T> & { default: D } {
  return spec;
}

const int = (min: number, max: number) => (raw: string) => {
  if (!/^\d+$/.test(raw.trim())) throw new Error('not an integer');
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error('out of range');
  return n;
};
const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string) => {
    if (!(values as string[]).includes(raw)) throw new Error('not allowed');
    return raw as T;
  };
const bool = (raw: string) => {
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error('not a boolean');
};
const httpUrl = (raw: string) => {
  const u = new URL(raw);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  return raw.replace(/\/+$/, '');
};
const postgresUrl = (raw: string) => {
  const u = new URL(raw);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error('not postgres');
  if (!u.hostname && !u.searchParams.get('host')) throw new Error('no host');
  return raw;
};
const text = (raw: string) => raw;
const origins = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((o) => new URL(o).origin);

export const configSchema = {
  port: key({
    env: 'PORT',
    description: 'HTTP port the API and web UI listen on',
    default: '8080',
    accepts: 'an integer 1-65535',
    parse: int(1, 65535),
  }),
  host: key({
    env: 'HOST',
    description: 'Address to listen on',
    default: '0.0.0.0',
    accepts: 'an IP address or host name',
    parse: text,
  }),
  dataDir: key({
    env: 'DATA_DIR',
    description: 'Embedded data: PGlite database, local files, outbox, secrets',
    default: './data',
    accepts: 'a directory path',
    parse: text,
  }),
  databaseUrl: key({
    env: 'DATABASE_URL',
    description: 'PostgreSQL URL; unset = embedded PGlite under DATA_DIR/db',
    default: undefined,
    accepts: 'a postgres:// URL',
    parse: postgresUrl,
    secret: true,
  }),
  databasePoolSize: key({
    env: 'DATABASE_POOL_SIZE',
    description: 'Connections each process keeps to PostgreSQL (DATABASE_URL only)',
    default: '10',
    accepts: 'an integer 1-1000',
    parse: int(1, 1000),
  }),
  storageBackend: key({
    env: 'STORAGE_BACKEND',
    description: 'Where document bytes live',
    default: 'local',
    accepts: 'local or s3',
    parse: oneOf('local', 's3'),
  }),
  s3Endpoint: key({
    env: 'S3_ENDPOINT',
    description: 'S3 API endpoint the server talks to',
    default: undefined,
    accepts: 'an http(s) URL',
    parse: httpUrl,
  }),
  s3PublicEndpoint: key({
    env: 'S3_PUBLIC_ENDPOINT',
    description: 'Browser-reachable S3 endpoint, used only to presign URLs',
    default: undefined,
    accepts: 'an http(s) URL',
    parse: httpUrl,
  }),
  s3Bucket: key({
    env: 'S3_BUCKET',
    description: 'Bucket holding documents',
    default: 'docuvault',
    accepts: 'a bucket name',
    parse: text,
  }),
  s3Region: key({ env: 'S3_REGION', description: 'S3 region', default: 'us-east-1', accepts: 'a region name', parse: text }),
  s3AccessKey: key({
    env: 'S3_ACCESS_KEY',
    description: 'S3 access key id',
    default: undefined,
    accepts: 'a string',
    parse: text,
    secret: true,
  }),
  s3SecretKey: key({
    env: 'S3_SECRET_KEY',
    description: 'S3 secret access key',
    default: undefined,
    accepts: 'a string',
    parse: text,
    secret: true,
  }),
  s3ForcePathStyle: key({
    env: 'S3_FORCE_PATH_STYLE',
    description: 'Use path-style bucket addressing (MinIO, Ceph)',
    default: 'true',
    accepts: 'true or false',
    parse: bool,
  }),
  trustProxy: key({
    env: 'TRUST_PROXY',
    description:
      'Reverse proxies in front of the app whose X-Forwarded-For is believed (the client address for throttling): false; true = exactly one proxy; a number of proxies; or a comma-separated list of proxy addresses/CIDRs',
    default: 'false',
    accepts: 'true, false, a number of proxy hops, or IP addresses/CIDRs',
    // `true` is one hop, never "believe the whole header": its left-most entries are
    // written by the client, and a proxy that appends would let anyone pick an address.
    parse: (raw): false | number | string[] => {
      if (/^(true|yes|on)$/i.test(raw)) return 1;
      if (/^(false|no|off)$/i.test(raw)) return false;
      if (/^\d+$/.test(raw.trim())) {
        const hops = Number(raw);
        if (hops > 20) throw new Error('too many hops');
        return hops === 0 ? false : hops;
      }
      return raw.split(',').map((x) => {
        const v = x.trim();
        if (!/^([0-9a-fA-F:.]+(\/\d{1,3})?|loopback|linklocal|uniquelocal)$/.test(v)) throw new Error('not an address');
        return v;
      });
    },
  }),
  publicUrl: key({
    env: 'PUBLIC_URL',
    description: 'External base URL of the app (links in mail, secure cookies when https)',
    default: undefined,
    accepts: 'an http(s) URL',
    parse: httpUrl,
  }),
  corsOrigins: key({
    env: 'CORS_ORIGINS',
    description: 'Comma-separated origins allowed to call the API from a browser',
    default: '',
    accepts: 'comma-separated http(s) origins',
    parse: origins,
  }),
  smtpUrl: key({
    env: 'SMTP_URL',
    description: 'SMTP relay for mail; unset = .eml files in DATA_DIR/outbox',
    default: undefined,
    accepts: 'an smtp:// or smtps:// URL',
    parse: (raw) => {
      const u = new URL(raw);
      if (!/^smtps?:$/.test(u.protocol)) throw new Error('not smtp');
      return raw;
    },
    secret: true,
  }),
  mailFrom: key({
    env: 'MAIL_FROM',
    description: 'Sender address of mail',
    default: 'DocuVault <no-reply@docuvault.local>',
    accepts: 'an address',
    parse: text,
  }),
  defaultQuotaBytes: key({
    env: 'DEFAULT_QUOTA_BYTES',
    description: 'Storage limit of a new account, in bytes',
    default: '104857600',
    accepts: 'a non-negative integer',
    parse: int(0, Number.MAX_SAFE_INTEGER),
  }),
  uploadUrlTtlSeconds: key({
    env: 'UPLOAD_URL_TTL_SECONDS',
    description: 'Lifetime of upload and download URLs',
    default: '900',
    accepts: 'an integer 1-604800',
    parse: int(1, 604800),
  }),
  pendingUploadTtlSeconds: key({
    env: 'PENDING_UPLOAD_TTL_SECONDS',
    description: 'Age after which unconfirmed uploads are removed',
    default: '3600',
    accepts: 'a positive integer',
    parse: int(1, 31536000),
  }),
  cleanupIntervalSeconds: key({
    env: 'CLEANUP_INTERVAL_SECONDS',
    description: 'How often abandoned uploads are swept',
    default: '1800',
    accepts: 'a positive integer',
    parse: int(1, 86400),
  }),
  shareUrlTtlSeconds: key({
    env: 'SHARE_URL_TTL_SECONDS',
    description: 'Lifetime of the storage URL a share-link download is sent to (issued after the link’s checks)',
    default: '30',
    accepts: 'an integer 1-3600',
    parse: int(1, 3600),
  }),
  shareDownloadsPerMinute: key({
    env: 'SHARE_DOWNLOADS_PER_MINUTE',
    description: 'Downloads one share link may serve per minute',
    default: '30',
    accepts: 'an integer 1-100000',
    parse: int(1, 100000),
  }),
  maxPendingUploads: key({
    env: 'MAX_PENDING_UPLOADS',
    description: 'Open (unconfirmed) uploads a user may have at once',
    default: '100',
    accepts: 'an integer 1-100000',
    parse: int(1, 100000),
  }),
  maxUploadBytes: key({
    env: 'MAX_UPLOAD_BYTES',
    description: 'Largest file accepted, in bytes (single PUT or multipart)',
    default: String(5 * 1024 ** 4),
    accepts: 'a positive integer',
    parse: int(1, Number.MAX_SAFE_INTEGER),
  }),
  uploadMultipartThresholdBytes: key({
    env: 'UPLOAD_MULTIPART_THRESHOLD_BYTES',
    description: 'The web UI uploads files larger than this in parts (resumable); smaller ones in one PUT',
    default: String(64 * 1024 ** 2),
    accepts: 'an integer of at least 8388608 (8 MiB, the smallest part)',
    parse: int(8 * 1024 ** 2, Number.MAX_SAFE_INTEGER),
  }),
  undeclaredUploadMaxBytes: key({
    env: 'UNDECLARED_UPLOAD_MAX_BYTES',
    description:
      'What an upload URL requested without size_bytes accepts (and reserves), at most; the room left caps it further',
    default: String(64 * 1024 ** 2),
    accepts: 'a positive integer',
    parse: int(1, Number.MAX_SAFE_INTEGER),
  }),
  trashRetentionDays: key({
    env: 'TRASH_RETENTION_DAYS',
    description: 'Days a trashed document is kept before it is deleted for good (0 = at the next sweep)',
    default: '30',
    accepts: 'an integer 0-3650',
    parse: int(0, 3650),
  }),
  ocrLanguages: key({
    env: 'OCR_LANGUAGES',
    description:
      'Languages scans are read in (Tesseract codes joined by +, e.g. eng+deu); each needs tesseract-ocr-<code> for the program, or npm @tesseract.js-data/<code>',
    default: 'eng',
    accepts: 'Tesseract language codes joined by + (e.g. eng, eng+deu, chi_sim)',
    parse: (raw) => {
      if (!/^[a-z]{3}(_[a-z]+)?(\+[a-z]{3}(_[a-z]+)?){0,7}$/.test(raw)) throw new Error('not language codes');
      return raw;
    },
  }),
  ocrMaxPages: key({
    env: 'OCR_MAX_PAGES',
    description: 'Pages of one document read by OCR at most; the rest is left out and the text marked truncated',
    default: '50',
    accepts: 'an integer from 1 to 2000',
    parse: int(1, 2000),
  }),
  role: key({
    env: 'ROLE',
    description: 'What this process runs',
    default: 'all',
    accepts: 'all, api or worker',
    parse: oneOf('all', 'api', 'worker'),
  }),
  registration: key({
    env: 'REGISTRATION',
    description: 'Whether anyone may register (the first account always may)',
    default: 'open',
    accepts: 'open or closed',
    parse: oneOf('open', 'closed'),
  }),
  aiAllowPrivateUrls: key({
    env: 'AI_ALLOW_PRIVATE_URLS',
    description: 'Allow AI base URLs on private/loopback addresses',
    default: 'false',
    accepts: 'true or false',
    parse: bool,
  }),
  secretKey: key({
    env: 'SECRET_KEY',
    description:
      'Master secret (token signing, URL signing, encryption at rest); unset = generated into DATA_DIR/secrets.json. Set the same value on every process of a scaled-out deployment',
    default: undefined,
    accepts: 'a string of at least 32 characters',
    parse: (raw) => {
      if (raw.length < 32) throw new Error('too short');
      return raw;
    },
    secret: true,
  }),
  logLevel: key({
    env: 'LOG_LEVEL',
    description: 'Log verbosity',
    default: 'info',
    accepts: 'fatal, error, warn, info, debug, trace or silent',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  }),
} as const;

type Schema = typeof configSchema;
type Parsed<K extends keyof Schema> = ReturnType<Schema[K]['parse']>;
export type Config = {
  -readonly [K in keyof Schema]: Schema[K]['default'] extends string ? Parsed<K> : Parsed<K> | undefined;
};
