import { Type, type Static } from 'typebox';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.js';

/**
 * The /api/auth contract (accounts, 2FA, sessions), written once: the routes validate and
 * document with these, and the service and presenters take their types from them
 * (`Static<typeof X>`).
 */

const Email = Type.String({
  minLength: 3,
  maxLength: 320,
  pattern: '^\\s*[^\\s@]+@[^\\s@]+\\s*$',
  description: 'Email address; compared case-insensitively',
});
const NewPassword = Type.String({
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  description: `${PASSWORD_MIN_LENGTH}–${PASSWORD_MAX_LENGTH} characters`,
});
const GivenPassword = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH });
const TotpCode = Type.String({
  minLength: 6,
  maxLength: 6,
  pattern: '^[0-9]{6}$',
  description: '6-digit code of the authenticator app',
});
const Role = Type.Union([Type.Literal('user'), Type.Literal('admin')]);

export const RegisterBody = Type.Object({ email: Email, password: NewPassword });
export type RegisterInput = Static<typeof RegisterBody>;
export const LoginBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }), password: GivenPassword });
export type LoginInput = Static<typeof LoginBody>;
export const SecondFactorBody = Type.Object({
  mfa_token: Type.String({ minLength: 1, maxLength: 2048, description: 'From the login answer' }),
  code: Type.Optional(TotpCode),
  backup_code: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'One of the backup codes' })),
});
export const RefreshBody = Type.Object({
  refresh_token: Type.Optional(
    Type.String({ minLength: 1, maxLength: 512, description: 'Omit to use the httpOnly refresh cookie' }),
  ),
});
const CurrentPassword = Type.String({
  minLength: 1,
  maxLength: PASSWORD_MAX_LENGTH,
  description: 'The current password: a stolen access token alone cannot turn 2FA on and lock the owner out',
});
export const SetupTotpBody = Type.Object({ password: Type.Optional(CurrentPassword) });
export const EnableTotpBody = Type.Object({ password: Type.Optional(CurrentPassword), code: TotpCode });
/** The password and a second factor again (turning 2FA off, new backup codes): a stolen session alone cannot. */
export const ReauthBody = Type.Object({
  password: GivenPassword,
  code: Type.String({ minLength: 6, maxLength: 64, description: 'A current TOTP code, or an unused backup code' }),
});
export type ReauthInput = Static<typeof ReauthBody>;
export const ChangePasswordBody = Type.Object({ current_password: GivenPassword, new_password: NewPassword });

export const Registered = Type.Object(
  { id: Type.String({ format: 'uuid' }), email: Type.String(), role: Role },
  { title: 'Registered' },
);
export type RegisteredAnswer = Static<typeof Registered>;
export const Tokens = Type.Object(
  {
    access_token: Type.String(),
    refresh_token: Type.String(),
    token_type: Type.Literal('bearer'),
    expires_in: Type.Integer({ description: 'Seconds the access token is valid' }),
  },
  { title: 'Tokens' },
);
export const MfaChallenge = Type.Object(
  { mfa_required: Type.Literal(true), mfa_token: Type.String() },
  { title: 'MfaChallenge' },
);
export const Me = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    role: Role,
    totp_enabled: Type.Boolean(),
    must_change_password: Type.Boolean({ description: 'A temporary password an admin set: change it before anything else' }),
    created_at: Type.String({ format: 'date-time' }),
  },
  { title: 'Me' },
);
export type PresentedMe = Static<typeof Me>;
export const Quota = Type.Object(
  {
    used_bytes: Type.Integer(),
    limit_bytes: Type.Integer(),
    reserved_bytes: Type.Integer({ description: 'Held by uploads not yet confirmed' }),
  },
  { title: 'Quota' },
);
export type PresentedQuota = Static<typeof Quota>;
export const TotpSetup = Type.Object(
  {
    secret: Type.String({ description: 'Base32 TOTP secret, for manual entry' }),
    otpauth_uri: Type.String(),
    qr_svg: Type.String({ description: 'The otpauth URI as a QR code (SVG document)' }),
  },
  { title: 'TotpSetup' },
);
export type TotpSetupAnswer = Static<typeof TotpSetup>;
export const BackupCodes = Type.Object({
  backup_codes: Type.Array(Type.String(), { description: 'Shown once; each works once' }),
});
export const Session = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    device: Type.Union([Type.String(), Type.Null()], { description: 'The user agent it signed in with' }),
    ip_address: Type.Union([Type.String(), Type.Null()]),
    created_at: Type.String({ format: 'date-time', description: 'Signed in' }),
    last_used_at: Type.String({ format: 'date-time', description: 'Last refreshed' }),
    current: Type.Boolean({ description: 'The session of this request' }),
  },
  { title: 'Session' },
);
export type PresentedSession = Static<typeof Session>;
export const SessionList = Type.Array(Session);
/** Not a uuid format: a malformed id answers 404 like an unknown one. */
export const SessionIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
export const RevokedSessions = Type.Object({ revoked: Type.Integer() });
export const BackupCodesLeft = Type.Object({ remaining: Type.Integer() });
