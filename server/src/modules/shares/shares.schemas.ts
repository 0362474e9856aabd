import { Type, type Static } from 'typebox';
import { IdParams } from '../../http/schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password.js';

/** The share-link contract (SPEC §7.4), written once: routes, service and presenter use these. */
export const MAX_EXPIRY_DAYS = 365;
export const DEFAULT_EXPIRY_DAYS = 7;
export const MAX_DOWNLOADS_LIMIT = 1_000_000;

export const CreateShareRequest = Type.Object(
  {
    // Null first: with defaults on, an explicit null (never expires) must stay null.
    expires_in_days: Type.Optional(
      Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: MAX_EXPIRY_DAYS })], {
        description: `Days until the link stops working (default ${DEFAULT_EXPIRY_DAYS}); null = never`,
      }),
    ),
    password: Type.Optional(
      Type.Union([Type.Null(), Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })], {
        description: 'When set, the page asks for it before any download',
      }),
    ),
    max_downloads: Type.Optional(
      Type.Union([Type.Null(), Type.Integer({ minimum: 1, maximum: MAX_DOWNLOADS_LIMIT })], {
        description: 'Downloads allowed in all; null or absent = no limit',
      }),
    ),
    notify_owner: Type.Optional(
      Type.Boolean({ description: 'Mail the owner when the link is downloaded for the first time (default true)' }),
    ),
  },
  { title: 'CreateShareInput' },
);
export type CreateShareInput = Static<typeof CreateShareRequest>;

export const ShareState = Type.Union([
  Type.Literal('active'),
  Type.Literal('expired'),
  Type.Literal('revoked'),
  Type.Literal('used_up'),
]);

export const ShareBody = Type.Object(
  {
    id: Type.String(),
    document_id: Type.String(),
    state: ShareState,
    expires_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    has_password: Type.Boolean(),
    max_downloads: Type.Union([Type.Integer(), Type.Null()]),
    download_count: Type.Integer(),
    notify_owner: Type.Boolean(),
    created_at: Type.String({ format: 'date-time' }),
    last_accessed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    revoked_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { title: 'ShareLink' },
);
export type PresentedShare = Static<typeof ShareBody>;

export const CreatedShareBody = Type.Object(
  {
    ...ShareBody.properties,
    url: Type.String({ description: 'The link; shown this once, it cannot be read again' }),
  },
  { title: 'CreatedShareLink' },
);
export type CreatedShare = Static<typeof CreatedShareBody>;

export const ShareListBody = Type.Array(ShareBody);

export const DocumentIdParams = IdParams('Document id');
export const ShareIdParams = IdParams('Share link id');
export const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
