/**
 * The security-alert mails. They tell a person what happened to their account, when and
 * from where, and what to do if it was not them. They never carry a token, a code, a
 * secret or a link that signs anyone in.
 */
export const SECURITY_ALERT_KINDS = [
  'new_sign_in',
  'password_changed',
  'totp_enabled',
  'totp_disabled',
  'totp_reset',
  'backup_code_used',
  'refresh_token_reuse',
  'share_link_downloaded',
] as const;
export type SecurityAlertKind = (typeof SECURITY_ALERT_KINDS)[number];

export interface SecurityAlert {
  kind: SecurityAlertKind;
  occurredAt: string;
  ipAddress?: string | null;
  userAgent?: string | null;
  remainingBackupCodes?: number | null;
  /** share_link_downloaded: the shared document's name. */
  documentName?: string | null;
}

const SUBJECTS: Record<SecurityAlertKind, string> = {
  new_sign_in: 'New sign-in to your DocuVault account',
  password_changed: 'Your DocuVault password was changed',
  totp_enabled: 'Two-factor authentication was turned on',
  totp_disabled: 'Two-factor authentication was turned off',
  totp_reset: 'An administrator turned off your two-factor authentication',
  backup_code_used: 'A backup code was used to sign in',
  refresh_token_reuse: 'Suspicious use of a DocuVault session',
  share_link_downloaded: 'A document you shared was downloaded',
};

const WHAT: Record<SecurityAlertKind, string> = {
  new_sign_in: 'Someone signed in to your account.',
  password_changed: 'The password of your account was changed. Every other signed-in session was signed out.',
  totp_enabled: 'Two-factor authentication was turned on for your account.',
  totp_disabled: 'Two-factor authentication was turned off for your account.',
  totp_reset:
    'An administrator of this DocuVault turned off two-factor authentication for your account and removed its backup ' +
    'codes. Signing in now needs your password only.',
  backup_code_used: 'One of your backup codes was used to complete a sign-in. It cannot be used again.',
  refresh_token_reuse:
    'A session token of your account that had already been used was presented again. This can mean the token ' +
    'was copied from one of your devices. That session has been signed out everywhere as a precaution.',
  share_link_downloaded: 'A share link you created was used for the first time: someone downloaded the document through it.',
};

const IF_NOT_YOU: Record<SecurityAlertKind, string> = {
  new_sign_in: 'If this was not you, change your password now and turn on two-factor authentication.',
  password_changed: 'If you did not change it, reset your password with your administrator at once.',
  totp_enabled: 'If you did not do this, change your password and contact your administrator.',
  totp_disabled: 'If you did not do this, change your password now and turn two-factor authentication back on.',
  totp_reset:
    'If you did not ask for this, contact your administrator. Either way, sign in, change your password if in doubt, ' +
    'and turn two-factor authentication back on under Security.',
  backup_code_used: 'If this was not you, change your password now and create new backup codes.',
  refresh_token_reuse: 'Sign in again. If you see this more than once, change your password.',
  share_link_downloaded: 'If you did not expect this, revoke the link from the document’s Share dialog in DocuVault.',
};

export function renderSecurityAlert(alert: SecurityAlert, opts: { appUrl?: string } = {}): { subject: string; text: string } {
  const lines = [WHAT[alert.kind], ''];
  if (alert.kind === 'share_link_downloaded' && alert.documentName) lines.push(`Document: ${oneLine(alert.documentName, 255)}`);
  lines.push(`When: ${alert.occurredAt}`);
  if (alert.ipAddress) lines.push(`From address: ${oneLine(alert.ipAddress, 64)}`);
  if (alert.userAgent) lines.push(`Device: ${oneLine(alert.userAgent, 200)}`);
  if (alert.kind === 'backup_code_used' && typeof alert.remainingBackupCodes === 'number') {
    lines.push(`Backup codes left: ${alert.remainingBackupCodes}`);
  }
  lines.push('', IF_NOT_YOU[alert.kind]);
  if (opts.appUrl) lines.push('', `DocuVault: ${opts.appUrl}`);
  lines.push('', 'This is an automatic message from DocuVault.');
  return { subject: SUBJECTS[alert.kind], text: lines.join('\n') + '\n' };
}

/** Client-supplied text (a user agent) shown on one line, without control characters. */
function oneLine(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, max);
}
