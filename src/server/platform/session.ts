import type { Db, Queryable } from './db';
import { sql } from './sql';
import { randomToken, sha256 } from './crypto';
import type { Actor, Grant } from './actor';
import { ADMIN_ROLES } from '../../contracts/permissions';

// Database sessions: the cookie carries a 256-bit random token, the table
// keeps only its SHA-256. Idle and absolute timeouts are enforced on every
// request; last_seen_at is written at most once a minute per session.

export const SESSION_COOKIE = 'dj_sid';

export interface SessionSettings {
  idleSeconds: number;
  adminIdleSeconds: number;
  absoluteSeconds: number;
}

/** A grant as stored (role_grant joined to its org), before mapping. */
interface GrantRow { id: string; role: Grant['role']; org_id: string | null; path: string | null; name: string | null; scope: Grant['scope'] }
const toGrant = (r: GrantRow): Grant => ({ id: r.id, role: r.role, orgId: r.org_id, orgPath: r.path, orgName: r.name, scope: r.scope });

export async function loadGrants(q: Queryable, accountId: string): Promise<Grant[]> {
  const rows = await q.query<GrantRow>(sql`
    SELECT g.id, g.role, g.org_id, o.path::text AS path, o.name, g.scope
    FROM role_grant g LEFT JOIN org o ON o.id = g.org_id
    WHERE g.account_id = ${accountId} AND g.revoked_at IS NULL
    ORDER BY g.granted_at`);
  return rows.map(toGrant);
}

export function idleSecondsFor(grants: Grant[], s: SessionSettings): number {
  return grants.some((g) => ADMIN_ROLES.includes(g.role)) ? s.adminIdleSeconds : s.idleSeconds;
}

export async function createSession(q: Queryable, accountId: string, idleSeconds: number, absoluteSeconds: number, ip: string | null, userAgent: string | null): Promise<string> {
  const token = randomToken(32);
  await q.exec(sql`INSERT INTO session (token_hash, account_id, idle_seconds, expires_at, ip, user_agent)
    VALUES (${sha256(token)}, ${accountId}, ${idleSeconds}, now() + make_interval(secs => ${absoluteSeconds}), ${ip}, ${userAgent?.slice(0, 200) ?? null})`);
  return token;
}

export async function destroySession(q: Queryable, token: string): Promise<void> {
  await q.exec(sql`DELETE FROM session WHERE token_hash = ${sha256(token)}`);
}

export async function destroyAccountSessions(q: Queryable, accountId: string): Promise<void> {
  await q.exec(sql`DELETE FROM session WHERE account_id = ${accountId}`);
}

export type SessionLookup = { kind: 'ok'; actor: Actor; idleSeconds: number; hasTotp: boolean; mustChangePassword: boolean } | { kind: 'expired' } | { kind: 'none' };

export async function resolveSession(db: Db, token: string): Promise<SessionLookup> {
  const hash = sha256(token);
  const [row] = await db.prepared<{
    account_id: string; username: string; display_name: string; person_id: string | null; is_demo: boolean; is_disabled: boolean; has_totp: boolean; must_change_password: boolean;
    idle_seconds: number; is_idle_expired: boolean; is_absolute_expired: boolean; needs_touch: boolean; grants: GrantRow[] | null;
  }>('session_lookup', sql`
    SELECT s.account_id, a.username, a.display_name, a.person_id, a.is_demo, a.is_disabled, a.totp_enabled_at IS NOT NULL AS has_totp, a.must_change_password, s.idle_seconds,
           s.last_seen_at + make_interval(secs => s.idle_seconds) < now() AS is_idle_expired,
           s.expires_at < now() AS is_absolute_expired,
           s.last_seen_at < now() - interval '60 seconds' AS needs_touch,
           (SELECT json_agg(json_build_object('id', g.id, 'role', g.role, 'org_id', g.org_id, 'path', o.path::text, 'name', o.name, 'scope', g.scope) ORDER BY g.granted_at)
              FROM role_grant g LEFT JOIN org o ON o.id = g.org_id
             WHERE g.account_id = s.account_id AND g.revoked_at IS NULL) AS grants
    FROM session s JOIN account a ON a.id = s.account_id
    WHERE s.token_hash = ${hash}`);
  if (!row) return { kind: 'none' };
  if (row.is_idle_expired || row.is_absolute_expired || row.is_disabled) {
    await db.exec(sql`DELETE FROM session WHERE token_hash = ${hash}`);
    return { kind: 'expired' };
  }
  if (row.needs_touch) await db.exec(sql`UPDATE session SET last_seen_at = now() WHERE token_hash = ${hash}`);
  return {
    kind: 'ok',
    idleSeconds: row.idle_seconds,
    hasTotp: row.has_totp,
    mustChangePassword: row.must_change_password,
    actor: {
      accountId: row.account_id,
      username: row.username,
      displayName: row.display_name,
      personId: row.person_id,
      isDemo: row.is_demo,
      grants: (row.grants ?? []).map(toGrant),
    },
  };
}
