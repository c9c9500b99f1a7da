import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

// RFC 6238 time-based one-time passwords (30 s, 6 digits, SHA-1: what every
// authenticator app supports), through the otpauth library.
const ISSUER = '智慧党建云平台';
const PERIOD = 30;

function totpOf(base32: string, label = 'account') {
  return new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(base32), algorithm: 'SHA1', digits: 6, period: PERIOD });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export async function totpEnrollment(base32: string, username: string) {
  const uri = totpOf(base32, username).toString();
  const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return { secret: base32, otpauthUri: uri, qrSvg };
}

/**
 * The time step of a valid code (±1 step for clock drift), or null. A code of
 * a step at or before `lastStep` is refused, so a code cannot be used twice.
 */
export function acceptTotp(base32: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  const delta = totpOf(base32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 1000 / PERIOD) + delta;
  if (lastStep !== null && step <= lastStep) return null;
  return step;
}

/** The current code (for tests and the CLI). */
export function currentTotp(base32: string, now = Date.now()): string {
  return totpOf(base32).generate({ timestamp: now });
}
