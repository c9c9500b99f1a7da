import crypto from 'node:crypto';

// Idempotency keys (dues payments, points): a key replays only the very request it was first used for.

/**
 * sha256 of a request's canonical form (sorted keys, trimmed text, empty text as null): an
 * idempotency key replays only the very request it was first used for.
 */
export function requestHash(body: Record<string, unknown>): string {
  const norm = (v: unknown): unknown => (typeof v === 'string' ? v.trim() || null : Array.isArray(v) ? [...v].map(norm).sort() : v ?? null);
  const canonical = JSON.stringify(Object.keys(body).sort().map((k) => [k, norm(body[k])]));
  return crypto.createHash('sha256').update(canonical).digest('hex');
}
