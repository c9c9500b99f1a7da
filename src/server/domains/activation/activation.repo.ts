import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// Member self-activation: one-time codes, the accounts linked to a person.

export interface ActivatablePerson {
  id: string;
  name: string;
  org_id: string | null;
  org_name: string | null;
}

/**
 * The current member (正式党员/预备党员) with this ID number and this phone,
 * through the keyed hashes. Unscoped on purpose (named escape hatch): the caller
 * is the member themself, not yet signed in, proving who they are; nothing of
 * the record goes back to them (the answer is the same whether found or not).
 */
export function findActivatablePerson(q: Queryable, idHash: Buffer, phoneHash: Buffer) {
  return q.maybeOne<ActivatablePerson>(sql`SELECT p.id, p.name, p.org_id, o.name AS org_name FROM person p LEFT JOIN org o ON o.id = p.org_id
    WHERE p.id_no_hash = ${idHash} AND p.phone_hash = ${phoneHash} AND p.status IN ('probationary','full')`);
}

/**
 * The current member with this ID number (the security administrator links an
 * account to a person of the whole installation: the secadmin grant covers the
 * tree, yet sees no member data — so the lookup is by exact ID number and name only).
 */
export function findCurrentPersonByIdHash(q: Queryable, idHash: Buffer) {
  return q.maybeOne<ActivatablePerson>(sql`SELECT p.id, p.name, p.org_id, o.name AS org_name FROM person p LEFT JOIN org o ON o.id = p.org_id
    WHERE p.id_no_hash = ${idHash} AND p.status IN ('probationary','full')`);
}

/** Serialises activation, linking and 减少 of one person (a row lock that does not block references to it). */
export async function lockPerson(q: Queryable, personId: string): Promise<void> {
  await q.exec(sql`SELECT id FROM person WHERE id = ${personId}::uuid FOR NO KEY UPDATE`);
}

/** The person's enabled linked accounts (an activated member has one). */
export function activeLinkedAccounts(q: Queryable, personId: string) {
  return q.query<{ id: string; username: string; other_roles: number }>(sql`SELECT a.id, a.username,
      (SELECT count(*)::int FROM role_grant g WHERE g.account_id = a.id AND g.revoked_at IS NULL AND g.role <> 'member') AS other_roles
    FROM account a WHERE a.person_id = ${personId}::uuid AND NOT a.is_disabled ORDER BY a.created_at`);
}

/** Codes issued to the person within the last `minutes` (per-person limit of requests). */
export async function codesIssuedSince(q: Queryable, personId: string, minutes: number): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM activation_code WHERE person_id = ${personId}::uuid AND created_at > now() - make_interval(mins => ${minutes})`)).n;
}

/** Ends every open code of the person (a new one replaces them; activation, 减少 and reset end them). */
export async function closeOpenCodes(q: Queryable, personId: string): Promise<void> {
  await q.exec(sql`UPDATE activation_code SET expires_at = least(expires_at, now()) WHERE person_id = ${personId}::uuid AND used_at IS NULL AND expires_at > now()`);
}

export async function insertCode(q: Queryable, v: { id: string; personId: string; phoneHash: Buffer; codeHash: Buffer; ttlMinutes: number }): Promise<void> {
  await q.exec(sql`INSERT INTO activation_code (id, person_id, phone_hash, code_hash, expires_at)
    VALUES (${v.id}::uuid, ${v.personId}::uuid, ${v.phoneHash}, ${v.codeHash}, now() + make_interval(mins => ${v.ttlMinutes}))`);
}

export interface CodeRow {
  id: string;
  code_hash: Buffer;
  attempts: number;
  is_live: boolean;
}

/** The person's latest unused code for this phone, locked; `is_live` by the database's clock. */
export function latestCode(q: Queryable, personId: string, phoneHash: Buffer) {
  return q.maybeOne<CodeRow>(sql`SELECT id, code_hash, attempts, expires_at > now() AS is_live FROM activation_code
    WHERE person_id = ${personId}::uuid AND phone_hash = ${phoneHash} AND used_at IS NULL
    ORDER BY created_at DESC LIMIT 1 FOR UPDATE`);
}

export async function countAttempt(q: Queryable, codeId: string): Promise<number> {
  return (await q.one<{ attempts: number }>(sql`UPDATE activation_code SET attempts = attempts + 1 WHERE id = ${codeId}::uuid RETURNING attempts`)).attempts;
}

export async function markCodeUsed(q: Queryable, codeId: string): Promise<void> {
  await q.exec(sql`UPDATE activation_code SET used_at = now() WHERE id = ${codeId}::uuid`);
}

/** An account by username (any person's), to keep usernames unique. */
export function accountByUsername(q: Queryable, username: string) {
  return q.maybeOne<{ id: string; person_id: string | null }>(sql`SELECT id, person_id FROM account WHERE lower(username) = lower(${username})`);
}

/** The person's latest disabled account that holds only the member role (reused when the member activates again). */
export function disabledMemberAccount(q: Queryable, personId: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT a.id FROM account a WHERE a.person_id = ${personId}::uuid AND a.is_disabled AND NOT a.is_demo
      AND EXISTS (SELECT 1 FROM role_grant g WHERE g.account_id = a.id AND g.revoked_at IS NULL AND g.role = 'member')
      AND NOT EXISTS (SELECT 1 FROM role_grant g WHERE g.account_id = a.id AND g.revoked_at IS NULL AND g.role <> 'member')
    ORDER BY a.updated_at DESC LIMIT 1 FOR UPDATE`);
}

/** Re-enables a member account with a new username and password (the member chose it themself). */
export async function reenableAccount(q: Queryable, accountId: string, v: { username: string; displayName: string; passwordHash: string }) {
  await q.exec(sql`UPDATE account SET username = ${v.username}, display_name = ${v.displayName}, password_hash = ${v.passwordHash}, password_changed_at = now(),
      must_change_password = false, is_disabled = false, updated_at = now() WHERE id = ${accountId}::uuid`);
}

/** The member grant of an account is placed at the person's branch (a moved member's old grant is revoked). */
export async function placeMemberGrant(q: Queryable, accountId: string, orgId: string): Promise<void> {
  await q.exec(sql`UPDATE role_grant SET revoked_at = now() WHERE account_id = ${accountId}::uuid AND role = 'member' AND revoked_at IS NULL AND org_id IS DISTINCT FROM ${orgId}::uuid`);
  await q.exec(sql`INSERT INTO role_grant (account_id, role, org_id, scope) SELECT ${accountId}::uuid, 'member', ${orgId}::uuid, 'self'
    WHERE NOT EXISTS (SELECT 1 FROM role_grant WHERE account_id = ${accountId}::uuid AND role = 'member' AND revoked_at IS NULL)`);
}

export async function clearLoginThrottle(q: Queryable, username: string) {
  await q.exec(sql`DELETE FROM login_throttle WHERE username_key = lower(${username})`);
}

/** Disables the accounts given. */
export async function disableAccounts(q: Queryable, ids: string[]): Promise<void> {
  await q.exec(sql`UPDATE account SET is_disabled = true, updated_at = now() WHERE id = ANY(${ids}::uuid[]) AND NOT is_disabled`);
}

/** Disables every enabled account linked to the person; returns their ids. */
export async function disableLinkedAccounts(q: Queryable, personId: string): Promise<string[]> {
  return (await q.query<{ id: string }>(sql`UPDATE account SET is_disabled = true, updated_at = now() WHERE person_id = ${personId}::uuid AND NOT is_disabled RETURNING id`)).map((r) => r.id);
}

export function findAccountForLink(q: Queryable, accountId: string) {
  return q.maybeOne<{ id: string; person_id: string | null; is_disabled: boolean }>(sql`SELECT id, person_id, is_disabled FROM account WHERE id = ${accountId}::uuid FOR UPDATE`);
}

export async function setAccountPerson(q: Queryable, accountId: string, personId: string): Promise<void> {
  await q.exec(sql`UPDATE account SET person_id = ${personId}::uuid, updated_at = now() WHERE id = ${accountId}::uuid`);
}

/** A member (current or former) inside a scope condition on p/o, locked. */
export function findMemberInScope(q: Queryable, personId: string, scope: Sql) {
  return q.maybeOne<{ id: string; org_id: string | null }>(sql`SELECT p.id, p.org_id FROM person p LEFT JOIN org o ON o.id = p.org_id
    WHERE p.id = ${personId}::uuid AND p.status IN ('probationary','full','left','suspended','deceased') AND ${scope} FOR NO KEY UPDATE OF p`);
}
