import type { Queryable } from '../../platform/db';
import { sql } from '../../platform/sql';

// The notification domain's SQL: an account's own in-app notifications
// (scoped by account, not by org).

export interface NotificationRow { id: string; title: string; body: string; link: string | null; created_at: string; read_at: string | null }

/** One page of an account's notifications, newest first. */
export function listAccountNotifications(q: Queryable, accountId: string, unreadOnly: boolean, limit: number, offset: number) {
  return q.query<NotificationRow>(sql`
        SELECT id, title, body, link, created_at, read_at FROM notification WHERE account_id = ${accountId} AND (${!unreadOnly} OR read_at IS NULL)
        ORDER BY created_at DESC LIMIT ${limit} OFFSET ${offset}`);
}

/** The account's total (all or unread only) and unread counts. */
export function countAccountNotifications(q: Queryable, accountId: string, unreadOnly: boolean) {
  return q.one<{ total: number; unread: number }>(sql`SELECT count(*) FILTER (WHERE ${!unreadOnly} OR read_at IS NULL)::int AS total, count(*) FILTER (WHERE read_at IS NULL)::int AS unread FROM notification WHERE account_id = ${accountId}`);
}

/** Marks the given unread notifications of the account as read. */
export function markNotificationsRead(q: Queryable, accountId: string, ids: string[]) {
  return q.exec(sql`UPDATE notification SET read_at = now() WHERE account_id = ${accountId} AND id = ANY(${ids}::uuid[]) AND read_at IS NULL`);
}

/** Marks every unread notification of the account as read. */
export function markAllNotificationsRead(q: Queryable, accountId: string) {
  return q.exec(sql`UPDATE notification SET read_at = now() WHERE account_id = ${accountId} AND read_at IS NULL`);
}

/** An account's unread notifications by kind: per kind the newest `perKind` with the kind's count. */
export function unreadByKind(q: Queryable, accountId: string, perKind: number) {
  return q.query<NotificationRow & { kind: string; n: number }>(sql`
    SELECT x.id, x.kind, x.title, x.body, x.link, x.created_at, x.read_at, x.n FROM (
      SELECT id, kind, title, body, link, created_at, read_at,
        row_number() OVER (PARTITION BY kind ORDER BY created_at DESC, id) AS rn, (count(*) OVER (PARTITION BY kind))::int AS n
      FROM notification WHERE account_id = ${accountId} AND read_at IS NULL) x
    WHERE x.rn <= ${perKind} ORDER BY x.kind, x.created_at DESC, x.id`);
}
