import type { Queryable } from '../../platform/db';
import { sql, type Sql } from '../../platform/sql';

// Every SQL statement of posts (短视频与动态). The console sees a post from its
// moderating org (alias `o`): scope conditions come from orgInScope on it. A
// viewer sees a published post when their own org's path lies under the
// post's audience org (alias `ao`).

export interface PostRow {
  id: string;
  author_account_id: string;
  person_id: string | null;
  resident_id: string | null;
  author_name: string;
  audience_org_id: string;
  audience_name: string;
  audience_path: string;
  moderating_org_id: string;
  moderating_name: string;
  moderating_path: string;
  kind: 'text' | 'video';
  body: string;
  status: 'processing' | 'pending_review' | 'published' | 'rejected' | 'hidden' | 'failed' | 'withdrawn';
  original_key: string | null;
  original_mime: string | null;
  video_key: string | null;
  thumbnail_key: string | null;
  duration_ms: number | null;
  size_bytes: string | null;
  failure: string | null;
  reason: string | null;
  reviewed_at: Date | null;
  published_at: Date | null;
  report_count: number;
  created_at: Date;
  version: number;
}

const POST = sql`SELECT p.id, p.author_account_id, p.person_id, p.resident_id, p.author_name, p.audience_org_id, ao.name AS audience_name, ao.path::text AS audience_path,
  p.moderating_org_id, o.name AS moderating_name, o.path::text AS moderating_path, p.kind, p.body, p.status, p.original_key, p.original_mime, p.video_key, p.thumbnail_key,
  p.duration_ms, p.size_bytes, p.failure, p.reason, p.reviewed_at, p.published_at, p.report_count, p.created_at, p.version
  FROM post p JOIN org o ON o.id = p.moderating_org_id JOIN org ao ON ao.id = p.audience_org_id`;

/** The orgs a post of someone in `path` may be shown to: their own org and every org above it, nearest first. */
export function audienceOptions(q: Queryable, path: string) {
  return q.query<{ id: string; name: string }>(sql`SELECT id, name FROM org WHERE path @> ${path}::ltree AND dissolved_on IS NULL ORDER BY nlevel(path) DESC`);
}

export async function insertPost(q: Queryable, v: {
  authorAccountId: string; personId: string | null; residentId: string | null; authorName: string; audienceOrgId: string; moderatingOrgId: string;
  kind: 'text' | 'video'; body: string; status: PostRow['status']; originalKey?: string | null; originalMime?: string | null; sizeBytes?: number | null; at: string;
}): Promise<string> {
  return (await q.one<{ id: string }>(sql`INSERT INTO post (author_account_id, person_id, resident_id, author_name, audience_org_id, moderating_org_id, kind, body, status, original_key, original_mime, size_bytes, created_at, updated_at)
    VALUES (${v.authorAccountId}::uuid, ${v.personId}::uuid, ${v.residentId}::uuid, ${v.authorName}, ${v.audienceOrgId}::uuid, ${v.moderatingOrgId}::uuid, ${v.kind}, ${v.body}, ${v.status},
      ${v.originalKey ?? null}, ${v.originalMime ?? null}, ${v.sizeBytes ?? null}::bigint, ${v.at}::timestamptz, ${v.at}::timestamptz) RETURNING id`)).id;
}

/** One post inside a scope condition (on `o`, its moderating org); locked when asked. */
export function findPost(q: Queryable, id: string, scope: Sql, lock = false) {
  return q.maybeOne<PostRow>(sql`${POST} WHERE p.id = ${id}::uuid AND ${scope} ${lock ? sql`FOR NO KEY UPDATE OF p` : sql``}`);
}

export function postsOfAuthor(q: Queryable, accountId: string, limit: number) {
  return q.query<PostRow>(sql`${POST} WHERE p.author_account_id = ${accountId}::uuid ORDER BY p.created_at DESC, p.id LIMIT ${limit}`);
}

/** The published posts whose audience holds the viewer's org, newest first. */
export function feed(q: Queryable, viewerPath: string, accountId: string, before: string | null, limit: number) {
  return q.query<PostRow & { reported_by_me: boolean }>(sql`SELECT f.*, EXISTS (SELECT 1 FROM post_report r WHERE r.post_id = f.id AND r.reporter_account_id = ${accountId}::uuid) AS reported_by_me
    FROM (${POST} WHERE p.status = 'published' AND ${viewerPath}::ltree <@ ao.path ${before ? sql`AND p.published_at < ${before}::timestamptz` : sql``}
      ORDER BY p.published_at DESC, p.id LIMIT ${limit}) f
    ORDER BY f.published_at DESC, f.id`);
}

export interface ModerationFilter {
  orgPath?: string;
  status?: PostRow['status'];
  reported?: boolean;
  kind?: 'text' | 'video';
}

export async function listForModeration(q: Queryable, scope: Sql, f: ModerationFilter, page: number, pageSize: number) {
  const where = sql`${scope} ${f.orgPath ? sql`AND o.path <@ ${f.orgPath}::ltree` : sql``} ${f.status ? sql`AND p.status = ${f.status}` : sql`AND p.status <> 'withdrawn'`}
    ${f.reported === undefined ? sql`` : f.reported ? sql`AND p.report_count > 0` : sql`AND p.report_count = 0`} ${f.kind ? sql`AND p.kind = ${f.kind}` : sql``}`;
  const [rows, total] = await Promise.all([
    q.query<PostRow>(sql`${POST} WHERE ${where}
      ORDER BY (p.status IN ('pending_review', 'hidden')) DESC, p.report_count DESC, p.created_at DESC, p.id LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM post p JOIN org o ON o.id = p.moderating_org_id WHERE ${where}`),
  ]);
  return { rows, total: total.n };
}

export function reportsOf(q: Queryable, postIds: string[]) {
  return q.query<{ post_id: string; reason: string; reporter_name: string; created_at: Date }>(sql`SELECT r.post_id, r.reason, coalesce(a.display_name, a.username) AS reporter_name, r.created_at
    FROM post_report r JOIN account a ON a.id = r.reporter_account_id WHERE r.post_id = ANY(${postIds}::uuid[]) ORDER BY r.created_at, r.id`);
}

/** Moves a post from one of `from` to `to`; false when it was in none of them. */
export async function setStatus(q: Queryable, id: string, from: PostRow['status'][], to: PostRow['status'], v: { reason?: string | null; reviewedBy?: string | null; at: string; publish?: boolean }): Promise<boolean> {
  const rows = await q.query(sql`UPDATE post SET status = ${to}, reason = ${v.reason ?? null},
      reviewed_by = coalesce(${v.reviewedBy ?? null}::uuid, reviewed_by), reviewed_at = CASE WHEN ${v.reviewedBy ?? null}::uuid IS NULL THEN reviewed_at ELSE ${v.at}::timestamptz END,
      published_at = CASE WHEN ${v.publish ?? false} THEN coalesce(published_at, ${v.at}::timestamptz) ELSE published_at END,
      updated_at = now(), version = version + 1
    WHERE id = ${id}::uuid AND status = ANY(${from}::text[]) RETURNING id`);
  return rows.length === 1;
}

export async function transcoded(q: Queryable, id: string, v: { videoKey: string; thumbnailKey: string; durationMs: number; videoBytes: number }): Promise<boolean> {
  const rows = await q.query(sql`UPDATE post SET status = 'pending_review', video_key = ${v.videoKey}, thumbnail_key = ${v.thumbnailKey}, duration_ms = ${v.durationMs}, video_bytes = ${v.videoBytes},
    updated_at = now(), version = version + 1 WHERE id = ${id}::uuid AND status = 'processing' RETURNING id`);
  return rows.length === 1;
}

export async function failed(q: Queryable, id: string, failure: string): Promise<boolean> {
  const rows = await q.query(sql`UPDATE post SET status = 'failed', failure = ${failure}, updated_at = now(), version = version + 1 WHERE id = ${id}::uuid AND status = 'processing' RETURNING id`);
  return rows.length === 1;
}

/** Records a report once per reporter and moves the post's counter; the new count, or null when this reporter had reported it already. */
export async function addReport(q: Queryable, postId: string, accountId: string, reason: string, at: string): Promise<number | null> {
  const ins = await q.query(sql`INSERT INTO post_report (post_id, reporter_account_id, reason, created_at) VALUES (${postId}::uuid, ${accountId}::uuid, ${reason}, ${at}::timestamptz)
    ON CONFLICT (post_id, reporter_account_id) DO NOTHING RETURNING id`);
  if (!ins.length) return null;
  return (await q.one<{ report_count: number }>(sql`UPDATE post SET report_count = report_count + 1, updated_at = now() WHERE id = ${postId}::uuid RETURNING report_count`)).report_count;
}

/** An org to narrow the console's list to, inside a scope condition on `o`. */
export function findPostOrg(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string }>(sql`SELECT o.id, o.path::text AS path FROM org o WHERE o.id = ${id}::uuid AND ${scope}`);
}
