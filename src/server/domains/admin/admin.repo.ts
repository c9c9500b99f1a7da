import type { Queryable } from '../../platform/db';
import { sql, raw, type Sql } from '../../platform/sql';
import type { Role } from '../../../contracts/permissions';

export interface AccountListRow {
  id: string; username: string; display_name: string; is_disabled: boolean; is_locked: boolean; totp_enabled: boolean; person_id: string | null; created_at: string;
  grants: Array<{ id: string; role: string; org_id: string | null; org_name: string | null; scope: string }> | null;
}

export function listAccounts(q: Queryable, where: Sql, limit: number, offset: number) {
  return q.query<AccountListRow>(sql`
    SELECT a.id, a.username, a.display_name, a.is_disabled, coalesce(t.locked_until > now(), false) AS is_locked, a.totp_enabled_at IS NOT NULL AS totp_enabled, a.person_id, a.created_at,
      (SELECT json_agg(json_build_object('id', g.id, 'role', g.role, 'org_id', g.org_id, 'org_name', o.name, 'scope', g.scope) ORDER BY g.granted_at)
         FROM role_grant g LEFT JOIN org o ON o.id = g.org_id WHERE g.account_id = a.id AND g.revoked_at IS NULL) AS grants
    FROM account a LEFT JOIN login_throttle t ON t.username_key = lower(a.username)
    WHERE ${where} ORDER BY a.username LIMIT ${limit} OFFSET ${offset}`);
}

export async function countAccounts(q: Queryable, where: Sql) {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM account a WHERE ${where}`)).n;
}

export async function insertAccount(q: Queryable, v: { username: string; displayName: string; passwordHash: string; personId: string | null; isDemo?: boolean; mustChangePassword?: boolean }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO account (username, display_name, password_hash, person_id, is_demo, must_change_password)
    VALUES (${v.username}, ${v.displayName}, ${v.passwordHash}, ${v.personId}, ${v.isDemo ?? false}, ${v.mustChangePassword ?? false}) RETURNING id`)).id;
}

/** The roles an account holds now (三员 separation is checked against them). */
export async function activeRoles(q: Queryable, accountId: string): Promise<Role[]> {
  return (await q.query<{ role: Role }>(sql`SELECT role FROM role_grant WHERE account_id = ${accountId}::uuid AND revoked_at IS NULL`)).map((r) => r.role);
}

export function findAccount(q: Queryable, id: string) {
  return q.maybeOne<{ id: string; username: string; is_disabled: boolean }>(sql`SELECT id, username, is_disabled FROM account WHERE id = ${id}::uuid FOR UPDATE`);
}

export async function updateAccount(q: Queryable, id: string, set: { displayName?: string; isDisabled?: boolean; passwordHash?: string; mustChangePassword?: boolean }) {
  await q.exec(sql`UPDATE account SET
      must_change_password = coalesce(${set.mustChangePassword ?? null}::boolean, must_change_password),
      display_name = coalesce(${set.displayName ?? null}, display_name),
      is_disabled = coalesce(${set.isDisabled ?? null}::boolean, is_disabled),
      password_hash = coalesce(${set.passwordHash ?? null}, password_hash),
      password_changed_at = CASE WHEN ${set.passwordHash ?? null}::text IS NULL THEN password_changed_at ELSE now() END,
      updated_at = now()
    WHERE id = ${id}`);
}

export async function insertGrant(q: Queryable, v: { accountId: string; role: string; orgId: string | null; scope: string; grantedBy: string | null }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO role_grant (account_id, role, org_id, scope, granted_by) VALUES (${v.accountId}, ${v.role}, ${v.orgId}, ${v.scope}, ${v.grantedBy}) RETURNING id`)).id;
}

export function findGrant(q: Queryable, accountId: string, grantId: string) {
  return q.maybeOne<{ id: string; role: string }>(sql`SELECT id, role FROM role_grant WHERE id = ${grantId}::uuid AND account_id = ${accountId}::uuid AND revoked_at IS NULL FOR UPDATE`);
}

export async function revokeGrant(q: Queryable, grantId: string, by: string) {
  await q.exec(sql`UPDATE role_grant SET revoked_at = now(), revoked_by = ${by} WHERE id = ${grantId}`);
}

export function orgExists(q: Queryable, id: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM org WHERE id = ${id}::uuid AND dissolved_on IS NULL`);
}

export function personExists(q: Queryable, id: string) {
  return q.maybeOne<{ id: string; org_id: string | null }>(sql`SELECT id, org_id FROM person WHERE id = ${id}::uuid`);
}

/** Removes an account's second factor (lost phone); the account enrols again at next login. */
export async function resetTotp(q: Queryable, id: string) {
  await q.exec(sql`UPDATE account SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_enabled_at = NULL, totp_last_step = NULL, updated_at = now() WHERE id = ${id}`);
}

/** Account-list filter: the username or display name contains the search text (no filter without one). */
export function accountSearch(q: string | undefined): Sql {
  return q ? sql`(a.username ILIKE ${'%' + q + '%'} OR a.display_name LIKE ${'%' + q + '%'})` : raw('TRUE');
}

/** Forgets the failed-login counter of a username (after re-enabling or a new password). */
export async function clearLoginThrottle(q: Queryable, username: string) {
  await q.exec(sql`DELETE FROM login_throttle WHERE username_key = lower(${username})`);
}

/** An account by username (case-insensitive), for the operator CLI. */
export function findAccountByUsername(q: Queryable, username: string) {
  return q.maybeOne<{ id: string; is_disabled: boolean }>(sql`SELECT id, is_disabled FROM account WHERE lower(username) = lower(${username})`);
}

/** An account by username (case-insensitive), locked for the rest of the transaction. */
export function lockAccountByUsername(q: Queryable, username: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM account WHERE lower(username) = lower(${username}) FOR UPDATE`);
}

/** An active administrator role of the account other than `role` (三员 separation), if any. */
export function findOtherAdminRole(q: Queryable, accountId: string, adminRoles: readonly Role[], role: Role) {
  return q.maybeOne<{ role: string }>(sql`SELECT role FROM role_grant WHERE account_id = ${accountId} AND revoked_at IS NULL
          AND role = ANY(${[...adminRoles]}::text[]) AND role <> ${role} LIMIT 1`);
}

/** Disables every enabled demo account; returns those disabled. */
export function disableDemoAccounts(q: Queryable) {
  return q.query<{ id: string; username: string }>(sql`UPDATE account SET is_disabled = true, updated_at = now()
        WHERE is_demo AND NOT is_disabled RETURNING id, username`);
}

/** The usernames among `usernames` (lower case) that are taken. */
export function listTakenUsernames(q: Queryable, usernames: readonly string[]) {
  return q.query<{ username: string }>(sql`SELECT username FROM account WHERE lower(username) = ANY(${usernames}::text[])`);
}

/** Every account with its flags and active grants as text, for the operator CLI. */
export function listAccountsWithGrants(q: Queryable) {
  return q.query<{ username: string; display_name: string; is_disabled: boolean; is_demo: boolean; is_locked: boolean; grants: string | null }>(sql`
      SELECT a.username, a.display_name, a.is_disabled, a.is_demo, coalesce(lt.locked_until > now(), false) AS is_locked,
        (SELECT string_agg(g.role || CASE WHEN o.id IS NULL THEN '' ELSE '@' || coalesce(o.code, o.name) || '/' || g.scope END, ', ' ORDER BY g.granted_at)
           FROM role_grant g LEFT JOIN org o ON o.id = g.org_id WHERE g.account_id = a.id AND g.revoked_at IS NULL) AS grants
      FROM account a LEFT JOIN login_throttle lt ON lt.username_key = lower(a.username)
      ORDER BY lower(a.username)`);
}
