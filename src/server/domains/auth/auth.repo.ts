import type { Queryable } from '../../platform/db';
import { sql } from '../../platform/sql';

export interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  person_id: string | null;
  is_disabled: boolean;
  is_demo: boolean;
  totp_secret_enc: Buffer | null;
  totp_pending_enc: Buffer | null;
  totp_last_step: number | null;
}

export function findAccountByUsername(q: Queryable, username: string) {
  return q.maybeOne<AccountRow>(sql`SELECT id, username, display_name, password_hash, person_id, is_disabled, is_demo, totp_secret_enc, totp_pending_enc, totp_last_step FROM account WHERE lower(username) = lower(${username})`);
}

export function findAccountById(q: Queryable, id: string) {
  return q.maybeOne<AccountRow>(sql`SELECT id, username, display_name, password_hash, person_id, is_disabled, is_demo, totp_secret_enc, totp_pending_enc, totp_last_step FROM account WHERE id = ${id}`);
}

export async function lockedUntil(q: Queryable, key: string): Promise<string | null> {
  const r = await q.maybeOne<{ locked_until: string | null; is_locked: boolean }>(sql`SELECT locked_until, locked_until > now() AS is_locked FROM login_throttle WHERE username_key = ${key}`);
  return r?.is_locked ? r.locked_until : null;
}

/** Counts a failure; returns true when this failure locked the username. */
export async function recordFailure(q: Queryable, key: string, maxFailures: number, lockMinutes: number): Promise<boolean> {
  const r = await q.one<{ failures: number }>(sql`
    INSERT INTO login_throttle (username_key, failures, updated_at) VALUES (${key}, 1, now())
    ON CONFLICT (username_key) DO UPDATE SET
      failures = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= now() THEN 1 ELSE login_throttle.failures + 1 END,
      locked_until = CASE WHEN login_throttle.locked_until IS NOT NULL AND login_throttle.locked_until <= now() THEN NULL ELSE login_throttle.locked_until END,
      updated_at = now()
    RETURNING failures`);
  if (r.failures >= maxFailures) {
    await q.exec(sql`UPDATE login_throttle SET locked_until = now() + make_interval(mins => ${lockMinutes}), failures = 0 WHERE username_key = ${key}`);
    return true;
  }
  return false;
}

export async function clearFailures(q: Queryable, key: string) {
  await q.exec(sql`DELETE FROM login_throttle WHERE username_key = ${key}`);
}

export async function setPassword(q: Queryable, accountId: string, hash: string) {
  await q.exec(sql`UPDATE account SET password_hash = ${hash}, password_changed_at = now(), must_change_password = false, updated_at = now() WHERE id = ${accountId}`);
}

export function scopeRootsOf(q: Queryable, orgIds: string[]) {
  return q.query<{ id: string; name: string; type: string }>(sql`SELECT id, name, type FROM org WHERE id = ANY(${orgIds}::uuid[]) ORDER BY path`);
}

export function topLevelOrgs(q: Queryable) {
  return q.query<{ id: string; name: string; type: string }>(sql`SELECT id, name, type FROM org WHERE parent_id IS NULL ORDER BY sort_order, name`);
}

export async function setTotpPending(q: Queryable, accountId: string, enc: Buffer) {
  await q.exec(sql`UPDATE account SET totp_pending_enc = ${enc}, updated_at = now() WHERE id = ${accountId}`);
}

export async function enableTotp(q: Queryable, accountId: string, step: number) {
  await q.exec(sql`UPDATE account SET totp_secret_enc = totp_pending_enc, totp_pending_enc = NULL, totp_enabled_at = now(), totp_last_step = ${step}, updated_at = now()
    WHERE id = ${accountId} AND totp_pending_enc IS NOT NULL`);
}

/** Records the accepted step; false when another request used this step first (replay). */
export async function useTotpStep(q: Queryable, accountId: string, step: number): Promise<boolean> {
  return (await q.exec(sql`UPDATE account SET totp_last_step = ${step} WHERE id = ${accountId} AND (totp_last_step IS NULL OR totp_last_step < ${step})`)) === 1;
}
