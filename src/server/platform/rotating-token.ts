import crypto from 'node:crypto';

// A QR code that proves presence: a token of the current time slot, the slot
// number and an HMAC of (subject, slot) under a key kept by the server (a
// meeting's, a centre kiosk's). Whoever scans the code on the spot gets a
// token that is fresh for the current slot and the one before; a forwarded
// screenshot stops working within two slots. Pure; unit-tested.

function tokenMac(key: Buffer, subject: string, slot: number): string {
  return crypto.createHmac('sha256', key).update(`${subject}:${slot}`).digest('base64url').slice(0, 24);
}

/** The token of the current time slot for `subject`, and when it stops being accepted. */
export function rotatingToken(key: Buffer, subject: string, now: Date, seconds: number): { token: string; expiresAt: Date } {
  const slot = Math.floor(now.getTime() / (seconds * 1000));
  return { token: `${slot.toString(36)}.${tokenMac(key, subject, slot)}`, expiresAt: new Date((slot + 2) * seconds * 1000) };
}

/** Whether a scanned token is genuine (made with this key for this subject) and fresh (this slot or the one before). */
export function checkRotatingToken(key: Buffer, subject: string, token: string, now: Date, seconds: number): 'ok' | 'expired' | 'invalid' {
  const m = /^([0-9a-z]{1,12})\.([A-Za-z0-9_-]{24})$/.exec(token);
  if (!m) return 'invalid';
  const slot = parseInt(m[1]!, 36);
  const expected = Buffer.from(tokenMac(key, subject, slot));
  const given = Buffer.from(m[2]!);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return 'invalid';
  const current = Math.floor(now.getTime() / (seconds * 1000));
  return slot === current || slot === current - 1 ? 'ok' : 'expired';
}
