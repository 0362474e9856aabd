import { endpoints as e } from './endpoints';
import { call } from './http';
import type { MfaChallenge, Me, Quota, Registered, SessionInfo, Tokens, TotpSetup } from './types';

export const authApi = {
  register: (body: { email: string; password: string }) => call<Registered>(e.register, { body, anonymous: true }),
  login: (body: { email: string; password: string }) => call<Tokens | MfaChallenge>(e.login, { body, anonymous: true }),
  loginSecondFactor: (body: { mfa_token: string; code?: string; backup_code?: string }) =>
    call<Tokens>(e.loginSecondFactor, { body, anonymous: true }),
  logout: (accessToken: string) => call<void>(e.logout, { bearer: accessToken }),
  me: () => call<Me>(e.me),
  quota: () => call<Quota>(e.quota),
  totpSetup: (password: string) => call<TotpSetup>(e.totpSetup, { body: { password } }),
  totpEnable: (body: { password: string; code: string }) => call<{ backup_codes: string[] }>(e.totpEnable, { body }),
  totpDisable: (body: { password: string; code: string }) => call<void>(e.totpDisable, { body }),
  changePassword: (body: { current_password: string; new_password: string }) => call<void>(e.changePassword, { body }),
  sessions: () => call<SessionInfo[]>(e.sessions),
  revokeSession: (id: string) => call<void>(e.revokeSession, { params: { id } }),
  revokeOtherSessions: () => call<{ revoked: number }>(e.revokeOtherSessions),
  backupCodesLeft: () => call<{ remaining: number }>(e.backupCodesLeft),
  regenerateBackupCodes: (body: { password: string; code: string }) =>
    call<{ backup_codes: string[] }>(e.regenerateBackupCodes, { body }),
};

export const isMfaChallenge = (r: Tokens | MfaChallenge): r is MfaChallenge => 'mfa_required' in r && r.mfa_required === true;
