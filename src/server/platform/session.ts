import type { Db, Queryable } from './db';
import { sql } from './sql';
import { randomToken, sha256 } from './crypto';
import type { Actor, Grant } from './actor';
import { ADMIN_ROLES } from '../../contracts/permissions';
import type { SessionCache } from './session-cache';

// Database sessions: the cookie carries a 256-bit random token, the table
// keeps only its SHA-256. Idle and absolute timeouts are enforced on every
// request (from memory when the session cache holds it); last_seen_at is
// written at most once a minute per session.

export const SESSION_COOKIE = 'dj_sid';
/** last_seen_at is written at most this often per session */
const TOUCH_INTERVAL_MS = 60_000;

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

/**
 * The session behind a token. With a listening cache (session-cache.ts) a
 * resolved session is answered from memory until it is invalidated, idles
 * out, passes its absolute lifetime or ages out; last_seen_at is still written
 * at most once a minute.
 */
export async function resolveSession(db: Db, token: string, cache?: SessionCache): Promise<SessionLookup> {
  const hash = sha256(token);
  const key = hash.toString('hex');
  if (cache) {
    const now = Date.now();
    const hit = cache.get(key, now);
    if (hit) {
      if (now >= hit.touchDue) {
        // the once-a-minute write; a session deleted meanwhile is gone
        if (!(await db.exec(sql`UPDATE session SET last_seen_at = now() WHERE token_hash = ${hash}`))) {
          cache.drop(key);
          return { kind: 'none' };
        }
        hit.idleDeadline = now + hit.idleSeconds * 1000;
        hit.touchDue = now + TOUCH_INTERVAL_MS;
      }
      return { kind: 'ok', actor: hit.actor, idleSeconds: hit.idleSeconds, hasTotp: hit.hasTotp, mustChangePassword: hit.mustChangePassword };
    }
  }
  const ticket = cache?.ticket() ?? null;
  const [row] = await db.prepared<{
    account_id: string; username: string; display_name: string; person_id: string | null; is_demo: boolean; is_disabled: boolean; has_totp: boolean; must_change_password: boolean;
    idle_seconds: number; is_idle_expired: boolean; is_absolute_expired: boolean; needs_touch: boolean; grants: GrantRow[] | null;
    idle_left_ms: number; absolute_left_ms: number; touch_in_ms: number;
  }>('session_lookup', sql`
    SELECT s.account_id, a.username, a.display_name, a.person_id, a.is_demo, a.is_disabled, a.totp_enabled_at IS NOT NULL AS has_totp, a.must_change_password, s.idle_seconds,
           s.last_seen_at + make_interval(secs => s.idle_seconds) < now() AS is_idle_expired,
           s.expires_at < now() AS is_absolute_expired,
           s.last_seen_at < now() - interval '60 seconds' AS needs_touch,
           (extract(epoch FROM s.last_seen_at + make_interval(secs => s.idle_seconds) - now()) * 1000)::float8 AS idle_left_ms,
           (extract(epoch FROM s.expires_at - now()) * 1000)::float8 AS absolute_left_ms,
           (extract(epoch FROM s.last_seen_at + interval '60 seconds' - now()) * 1000)::float8 AS touch_in_ms,
           (SELECT json_agg(json_build_object('id', g.id, 'role', g.role, 'org_id', g.org_id, 'path', o.path::text, 'name', o.name, 'scope', g.scope) ORDER BY g.granted_at)
              FROM role_grant g LEFT JOIN org o ON o.id = g.org_id
             WHERE g.account_id = s.account_id AND g.revoked_at IS NULL) AS grants
    FROM session s JOIN account a ON a.id = s.account_id
    WHERE s.token_hash = ${hash}`);
  if (!row) return { kind: 'none' };
  if (row.is_idle_expired || row.is_absolute_expired || row.is_disabled) {
    cache?.drop(key);
    await db.exec(sql`DELETE FROM session WHERE token_hash = ${hash}`);
    return { kind: 'expired' };
  }
  const now = Date.now();
  let idleLeft = row.idle_left_ms;
  let touchIn = row.touch_in_ms;
  if (row.needs_touch) {
    await db.exec(sql`UPDATE session SET last_seen_at = now() WHERE token_hash = ${hash}`);
    idleLeft = row.idle_seconds * 1000;
    touchIn = TOUCH_INTERVAL_MS;
  }
  const actor: Actor = {
    accountId: row.account_id,
    username: row.username,
    displayName: row.display_name,
    personId: row.person_id,
    isDemo: row.is_demo,
    grants: (row.grants ?? []).map(toGrant),
  };
  cache?.put(key, {
    accountId: row.account_id, actor, idleSeconds: row.idle_seconds, hasTotp: row.has_totp, mustChangePassword: row.must_change_password,
    idleDeadline: now + idleLeft, absoluteDeadline: now + row.absolute_left_ms, touchDue: now + touchIn,
  }, ticket, now);
  return { kind: 'ok', idleSeconds: row.idle_seconds, hasTotp: row.has_totp, mustChangePassword: row.must_change_password, actor };
}
