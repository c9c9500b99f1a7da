import type { Deps } from '../../deps';
import type { ActorContext, RequestContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { covers, orgInScope, unscoped } from '../../platform/scope';
import { ruleInForce } from '../../platform/rules';
import { accountsCovering } from '../../platform/notify';
import { detectAllowedType } from '../../platform/files';
import {
  UploadVideoFields, VIDEO_MIME, type CreatePostBody, type FeedPost, type FeedQuery, type ListModerationQuery, type ModeratePostBody, type ModerationPage, type MyPosts,
  type PostFeed, type PostView, type ReportPostBody, type ReportResult,
} from '../../../contracts/post';
import { volunteerOf } from '../volunteer';
import * as repo from './post.repo';
import { transcodeVideo, VideoError } from './post.media';

// Short videos and posts (短视频与动态, issue 17, docs/DECISIONS.md "Short videos
// and posts"): a member or a resident posts a text or a short video to an
// audience — their own org or one above it; the moderating org (the resident's
// community, the member's branch) approves it before anyone else sees it. A
// video is checked (type by its bytes, size by the rule post.limits) before
// anything is stored, kept as uploaded, then transcoded by the job
// post.transcode. Reports by distinct viewers take a post back to review.

export interface PostLimits {
  maxVideoMB: number;
  maxSeconds: number;
  hideAfterReports: number;
}

const MB = 1024 * 1024;
const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
const readScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.read');
const manageScope = (ctx: ActorContext) => orgInScope(ctx.actor, 'volunteer.manage');
/** The staff who review posts and hear of reported ones: the moderating org's secretaries and party workers, and the committee above. */
const MODERATOR_ROLES = ['secretary', 'party_worker', 'org_admin'] as const;

export async function postLimits(q: Queryable, today: string, path: string | null): Promise<PostLimits> {
  return (await ruleInForce<PostLimits>(q, 'post', 'limits', today, path)).body;
}

/** `path` lies in the subtree of `root` (ltree paths of numeric labels). */
export function pathUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(`${root}.`);
}

export function postView(r: repo.PostRow): PostView {
  return {
    id: r.id, kind: r.kind, body: r.body, authorName: r.author_name, authorKind: r.person_id ? 'member' : 'resident', audienceOrgId: r.audience_org_id, audienceName: r.audience_name,
    status: r.status, durationMs: r.duration_ms, hasVideo: r.video_key !== null, reason: r.reason, failure: r.failure, reportCount: r.report_count,
    publishedAt: iso(r.published_at), createdAt: iso(r.created_at)!, version: r.version,
  };
}

/** Who posts or views: the member (their branch) or the resident (their community); 404 for an account that is neither. */
async function whoAmI(q: Queryable, ctx: ActorContext) {
  const v = await volunteerOf(q, ctx.actor.accountId, ctx.actor.personId);
  if (!v) throw notFound();
  return v;
}

async function audienceFor(q: Queryable, path: string, audienceOrgId: string) {
  const options = await repo.audienceOptions(q, path);
  const a = options.find((o) => o.id === audienceOrgId);
  if (!a) throw new AppError('POST_AUDIENCE', undefined, { issues: [{ field: 'audienceOrgId', message: '只能发给本人所在的组织（村、社区）或其上级范围' }] });
  return a;
}

// --- the author

export async function createPost(deps: Deps, ctx: ActorContext, body: CreatePostBody): Promise<string> {
  return deps.db.tx(async (t) => {
    const me = await whoAmI(t, ctx);
    const audience = await audienceFor(t, me.path, body.audienceOrgId);
    const id = await repo.insertPost(t, {
      authorAccountId: ctx.actor.accountId, personId: me.personId, residentId: me.residentId, authorName: me.name, audienceOrgId: audience.id, moderatingOrgId: me.orgId,
      kind: 'text', body: body.body, status: 'pending_review', at: deps.clock.now().toISOString(),
    });
    await auditInTx(t, ctx, { action: 'post.create', objectType: 'post', objectId: id, orgId: me.orgId, detail: { audience: audience.name, length: body.body.length } });
    return id;
  });
}

interface MultipartFile {
  filename: string;
  fields: Record<string, unknown>;
  toBuffer(): Promise<Buffer>;
  file: { truncated: boolean };
}
export interface VideoUploadRequest {
  file(opts: { limits: { fileSize: number; files: number } }): Promise<MultipartFile | undefined>;
}

/** The text fields that came before the file in the form. */
function fieldsOf(file: MultipartFile): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file.fields)) {
    const part = Array.isArray(v) ? v[0] : v;
    if (part && typeof part === 'object' && (part as { type?: string }).type === 'field') out[k] = (part as { value: unknown }).value;
  }
  return out;
}

/**
 * 上传短视频: the form's fields (text, audience) and the file are checked —
 * the audience, the size against the rule, the type from the bytes — before
 * anything is stored; then the original is stored, the post written
 * (processing) and the transcoding job queued. A refusal leaves nothing behind.
 */
export async function uploadVideo(deps: Deps, ctx: ActorContext, req: VideoUploadRequest): Promise<string> {
  const me = await whoAmI(deps.db, ctx);
  const limits = await postLimits(deps.db, deps.clock.today(), me.path);
  const maxBytes = limits.maxVideoMB * MB;
  const file = await req.file({ limits: { fileSize: maxBytes, files: 1 } });
  if (!file) throw new AppError('VALIDATION_FAILED', '请选择视频文件', { issues: [{ field: 'file', message: '请选择视频文件' }] });
  // the whole body is read (at most the limit) before any answer: a refusal never leaves the upload half-read
  const tooLarge = () => new AppError('VIDEO_TOO_LARGE', `视频超过大小限制（最大 ${limits.maxVideoMB} MB），请压缩或剪辑后上传`, { maxBytes });
  const data = await file.toBuffer().catch((e: unknown) => {
    throw (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooLarge() : e;
  });
  const parsed = UploadVideoFields.safeParse(fieldsOf(file));
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', undefined, { issues: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
  if (file.file.truncated) throw tooLarge();
  const audience = await audienceFor(deps.db, me.path, parsed.data.audienceOrgId);
  if (data.length === 0) throw new AppError('VIDEO_TYPE_NOT_ALLOWED', '视频文件是空的，请重新选择');
  const mime = await detectAllowedType(data, Object.keys(VIDEO_MIME)).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'FILE_TYPE_NOT_ALLOWED') throw new AppError('VIDEO_TYPE_NOT_ALLOWED');
    throw e;
  });
  const key = await deps.files.put(data);
  let id: string;
  try {
    id = await deps.db.tx(async (t) => {
      const postId = await repo.insertPost(t, {
        authorAccountId: ctx.actor.accountId, personId: me.personId, residentId: me.residentId, authorName: me.name, audienceOrgId: audience.id, moderatingOrgId: me.orgId,
        kind: 'video', body: parsed.data.body, status: 'processing', originalKey: key, originalMime: mime, sizeBytes: data.length, at: deps.clock.now().toISOString(),
      });
      await auditInTx(t, ctx, { action: 'post.upload', objectType: 'post', objectId: postId, orgId: me.orgId, detail: { audience: audience.name, size: data.length, mime } });
      return postId;
    });
  } catch (e) {
    await deps.files.remove(key);
    throw e;
  }
  try {
    await deps.jobs.enqueue('post.transcode', { postId: id }, { createdBy: ctx.actor.accountId, orgId: me.orgId, maxAttempts: 2, dedupeKey: `post.transcode:${id}` });
  } catch (e) {
    await repo.failed(deps.db, id, '转码任务未能排队，请重新上传');
    throw e;
  }
  return id;
}

const JOB: RequestContext = { requestId: 'job:post.transcode', ip: null, actor: null };

/**
 * The job post.transcode: H.264/AAC mp4 at most 720p and a JPEG thumbnail;
 * the post goes to review. A video that cannot be read, or is too long, fails
 * the post with a Chinese reason and the author is told.
 */
export async function transcodePost(deps: Deps, postId: string): Promise<Record<string, unknown>> {
  const p = await repo.findPost(deps.db, postId, unscoped('the job transcodes the post it was queued for'));
  if (!p || p.status !== 'processing' || !p.original_key) return { skipped: true };
  const limits = await postLimits(deps.db, deps.clock.today(), p.moderating_path);
  let out;
  try {
    out = await transcodeVideo(await deps.files.get(p.original_key), { maxSeconds: limits.maxSeconds });
  } catch (e) {
    const message = e instanceof VideoError ? e.userMessage : '视频处理失败，请稍后重新上传';
    await deps.db.tx(async (t) => {
      if (!(await repo.failed(t, postId, message))) return;
      await auditInTx(t, JOB, { action: 'post.transcoded', objectType: 'post', objectId: postId, orgId: p.moderating_org_id, detail: { result: 'failed', failure: message } });
      await deps.notify.notify(t, p.author_account_id, { kind: 'post', title: '您上传的短视频未能处理', body: message, link: '/m/posts' });
    });
    return { failed: message };
  }
  const videoKey = await deps.files.put(out.video);
  const thumbnailKey = await deps.files.put(out.thumbnail);
  try {
    const done = await deps.db.tx(async (t) => {
      if (!(await repo.transcoded(t, postId, { videoKey, thumbnailKey, durationMs: out.durationMs, videoBytes: out.video.length }))) return false;
      await auditInTx(t, JOB, { action: 'post.transcoded', objectType: 'post', objectId: postId, orgId: p.moderating_org_id, detail: { result: 'ok', durationMs: out.durationMs, size: out.video.length } });
      return true;
    });
    if (!done) {
      await Promise.all([deps.files.remove(videoKey), deps.files.remove(thumbnailKey)]);
      return { skipped: true };
    }
  } catch (e) {
    await Promise.all([deps.files.remove(videoKey), deps.files.remove(thumbnailKey)]);
    throw e;
  }
  return { durationMs: out.durationMs, bytes: out.video.length };
}

export async function listMyPosts(deps: Deps, ctx: ActorContext): Promise<MyPosts> {
  const me = await whoAmI(deps.db, ctx);
  const [rows, audiences] = await Promise.all([repo.postsOfAuthor(deps.db, ctx.actor.accountId, 100), repo.audienceOptions(deps.db, me.path)]);
  return { items: rows.map(postView), audiences: audiences.map((a) => ({ orgId: a.id, name: a.name })) };
}

const mine = unscoped('the author acts on their own post: the service checks that the post is theirs');

export async function withdrawMyPost(deps: Deps, ctx: ActorContext, id: string): Promise<PostView> {
  return deps.db.tx(async (t) => {
    const p = await repo.findPost(t, id, mine, true);
    if (!p || p.author_account_id !== ctx.actor.accountId) throw notFound();
    if (!(await repo.setStatus(t, id, ['processing', 'pending_review', 'published', 'hidden', 'rejected', 'failed'], 'withdrawn', { reason: p.reason, at: deps.clock.now().toISOString() }))) {
      throw new AppError('POST_STATE', '该内容已撤回');
    }
    await auditInTx(t, ctx, { action: 'post.withdraw', objectType: 'post', objectId: id, orgId: p.moderating_org_id, detail: { from: p.status } });
    return postView((await repo.findPost(t, id, mine))!);
  });
}

// --- the viewer

export async function listPostFeed(deps: Deps, ctx: ActorContext, query: FeedQuery): Promise<PostFeed> {
  const me = await volunteerOf(deps.db, ctx.actor.accountId, ctx.actor.personId);
  if (!me) return { items: [] };
  const rows = await repo.feed(deps.db, me.path, ctx.actor.accountId, query.before ?? null, query.limit);
  return { items: rows.map((r): FeedPost => ({ ...postView(r), mine: r.author_account_id === ctx.actor.accountId, reportedByMe: r.reported_by_me })) };
}

/** May the caller see this post's video and thumbnail: a viewer its audience holds (published), its author, or the staff over its moderating org. */
async function viewable(deps: Deps, ctx: ActorContext, id: string): Promise<repo.PostRow> {
  const p = await repo.findPost(deps.db, id, unscoped('who may see the post is decided below: audience, author or moderator'));
  if (!p) throw notFound();
  if (p.author_account_id === ctx.actor.accountId) return p;
  if (covers(ctx.actor, 'volunteer.read', { id: p.moderating_org_id, path: p.moderating_path }) && p.status !== 'withdrawn') return p;
  if (p.status === 'published') {
    const me = await volunteerOf(deps.db, ctx.actor.accountId, ctx.actor.personId);
    if (me && pathUnder(me.path, p.audience_path)) return p;
  }
  throw notFound();
}

export async function reportPost(deps: Deps, ctx: ActorContext, id: string, body: ReportPostBody): Promise<ReportResult> {
  const seen = await viewable(deps, ctx, id);
  if (seen.status !== 'published') throw notFound();
  if (seen.author_account_id === ctx.actor.accountId) throw new AppError('POST_STATE', '不能举报自己发布的内容');
  return deps.db.tx(async (t) => {
    const p = (await repo.findPost(t, id, unscoped('the post the caller has just been shown'), true))!;
    const count = await repo.addReport(t, id, ctx.actor.accountId, body.reason, deps.clock.now().toISOString());
    if (count === null) throw new AppError('POST_ALREADY_REPORTED');
    const limits = await postLimits(t, deps.clock.today(), p.moderating_path);
    let hidden = false;
    if (count >= limits.hideAfterReports && p.status === 'published') {
      hidden = await repo.setStatus(t, id, ['published'], 'hidden', { reason: `${count}人举报，暂停展示待重新审核`, at: deps.clock.now().toISOString() });
    }
    await auditInTx(t, ctx, { action: 'post.report', objectType: 'post', objectId: id, orgId: p.moderating_org_id, detail: { reason: body.reason, reports: count, hidden } });
    if (hidden) {
      for (const a of await accountsCovering(t, { id: p.moderating_org_id, path: p.moderating_path }, MODERATOR_ROLES)) {
        await deps.notify.notify(t, a, { kind: 'post', title: `${p.author_name}的${p.kind === 'video' ? '短视频' : '动态'}被${count}人举报，已暂停展示`, body: '请在「内容审核」中重新审核：恢复展示或不予通过。', link: '/admin/posts' });
      }
    }
    return { reportCount: count, hidden };
  });
}

export async function postMedia(deps: Deps, ctx: ActorContext, id: string, which: 'video' | 'thumbnail') {
  const p = await viewable(deps, ctx, id);
  const key = which === 'video' ? p.video_key : p.thumbnail_key;
  if (!key) throw notFound();
  return { key, size: await deps.files.size(key) };
}

// --- the moderating org's staff

export async function listPostsForModeration(deps: Deps, ctx: ActorContext, query: ListModerationQuery): Promise<ModerationPage> {
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await repo.findPostOrg(deps.db, query.orgId, readScope(ctx));
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const reported = query.reported === undefined ? undefined : query.reported === 'true';
  const { rows, total } = await repo.listForModeration(deps.db, readScope(ctx), { orgPath, status: query.status, reported, kind: query.kind }, query.page, query.pageSize);
  const reports = rows.length ? await repo.reportsOf(deps.db, rows.map((r) => r.id)) : [];
  return {
    items: rows.map((r) => ({
      ...postView(r), moderatingOrgName: r.moderating_name, sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes), reviewedAt: iso(r.reviewed_at),
      reports: reports.filter((x) => x.post_id === r.id).map((x) => ({ reason: x.reason, reporterName: x.reporter_name, createdAt: iso(x.created_at)! })),
    })),
    total, page: query.page, pageSize: query.pageSize,
  };
}

const TRANSITIONS: Record<ModeratePostBody['action'], { from: repo.PostRow['status'][]; to: repo.PostRow['status'] }> = {
  approve: { from: ['pending_review', 'hidden'], to: 'published' },
  reject: { from: ['pending_review', 'hidden'], to: 'rejected' },
  hide: { from: ['published'], to: 'hidden' },
  restore: { from: ['hidden'], to: 'published' },
};

export async function moderatePost(deps: Deps, ctx: ActorContext, id: string, body: ModeratePostBody): Promise<PostView> {
  return deps.db.tx(async (t) => {
    const p = await repo.findPost(t, id, manageScope(ctx), true);
    if (!p) throw notFound();
    const move = TRANSITIONS[body.action];
    const at = deps.clock.now().toISOString();
    const reason = body.action === 'reject' || body.action === 'hide' ? body.reason ?? null : null;
    if (!(await repo.setStatus(t, id, move.from, move.to, { reason, reviewedBy: ctx.actor.accountId, at, publish: move.to === 'published' }))) {
      throw new AppError('POST_STATE', p.status === 'processing' ? '视频还在转码，完成后才能审核' : undefined);
    }
    await auditInTx(t, ctx, { action: 'post.moderate', objectType: 'post', objectId: id, orgId: p.moderating_org_id, detail: { action: body.action, from: p.status, ...(reason ? { reason } : {}) } });
    const what = p.kind === 'video' ? '短视频' : '动态';
    const title = {
      approve: `您的${what}已通过审核并发布`, reject: `您的${what}未通过审核`, hide: `您的${what}已被暂停展示`, restore: `您的${what}已恢复展示`,
    }[body.action];
    await deps.notify.notify(t, p.author_account_id, { kind: 'post', title, body: reason ?? p.body.slice(0, 60), link: '/m/posts' });
    return postView((await repo.findPost(t, id, manageScope(ctx)))!);
  });
}
