import { generate, generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/**
 * TOTP per RFC 6238: SHA-1, 6 digits, 30-second steps, one step of drift either way.
 * A step once accepted is refused afterwards: callers pass the last accepted step and
 * store the step this returns (conditionally, so two processes cannot both accept it).
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_ISSUER = 'DocuVault';
const TOLERANCE_SECONDS = TOTP_PERIOD_SECONDS; // ±1 step

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, accountLabel: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: accountLabel, secret, period: TOTP_PERIOD_SECONDS, digits: 6, algorithm: 'sha1' });
}

/** The step a code matched, or null when it matches no step in the window after `lastStep`. */
export async function verifyTotp(opts: {
  secret: string;
  code: string;
  lastStep?: number | null;
  now?: Date;
}): Promise<number | null> {
  if (!/^\d{6}$/.test(opts.code)) return null;
  const epoch = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  try {
    const result = await verify({
      secret: opts.secret,
      token: opts.code,
      epoch,
      period: TOTP_PERIOD_SECONDS,
      epochTolerance: TOLERANCE_SECONDS,
      ...(opts.lastStep != null ? { afterTimeStep: opts.lastStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    // otplib throws on an afterTimeStep beyond the window (a clock moved back): refuse.
    return null;
  }
}

/** The code of a given moment (tests, and nothing else in the product). */
export function totpCodeAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000), period: TOTP_PERIOD_SECONDS });
}

/** The provisioning URI as a QR code, rendered server-side as an SVG document. */
export function renderQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
