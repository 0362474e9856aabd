import { Type, type Static } from 'typebox';
import { IdParams, PageFields } from '../../http/schemas.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password.js';

/** The admin contract, written once: routes validate with these; service and presenter take their types. */

const Role = Type.Union([Type.Literal('user'), Type.Literal('admin')]);

export const AdminUserBody = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    role: Role,
    disabled: Type.Boolean(),
    totp_enabled: Type.Boolean({ description: 'Two-factor authentication is on' }),
    used_bytes: Type.Integer(),
    limit_bytes: Type.Integer(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { title: 'AdminUser' },
);
export type PresentedAdminUser = Static<typeof AdminUserBody>;

export const UserPage = Type.Object({ items: Type.Array(AdminUserBody), total: Type.Integer() }, { title: 'AdminUserPage' });
export const UserParams = IdParams('User id');
export const UserPageQuery = Type.Object({
  ...PageFields,
  q: Type.Optional(Type.String({ maxLength: 320, description: 'Only users whose email contains this' })),
});
export type UserPageInput = Static<typeof UserPageQuery>;

export const NewUserBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 320, pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$' }),
    temporary_password: Type.String({
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      description: 'The user must change it at the first sign-in',
    }),
    role: Type.Optional(Role),
    limit_bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { title: 'NewAdminUser', additionalProperties: false },
);
export type NewUser = Static<typeof NewUserBody>;

export const UserPatchBody = Type.Object(
  {
    limit_bytes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'Storage limit in bytes' }),
    ),
    role: Type.Optional(Role),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled user cannot sign in; their sessions end' })),
  },
  { title: 'AdminUserPatch', additionalProperties: false },
);
export type UserPatch = Static<typeof UserPatchBody>;

export const DeletingUser = Type.Object({ id: Type.String(), status: Type.Literal('deleting') });
