import type { FastifyInstance, FastifyReply } from 'fastify';
import rangeParser from 'range-parser';
import type { Deps } from '../../deps';
import { contextOf, defineRoute } from '../../platform/http';
import { AppError } from '../../platform/errors';
import { Created, IdParams } from '../../../contracts/common';
import { CreatePostBody, FeedQuery, ListModerationQuery, ModeratePostBody, ModerationPage, MyPosts, PostFeed, PostView, ReportPostBody, ReportResult, VIDEO_MIME } from '../../../contracts/post';
import * as service from './post.service';

/**
 * One byte range of a `size`-byte file from a Range header (read by the
 * range-parser package, overlapping ranges combined). null: serve the whole
 * file — no header, or one the server may ignore (RFC 9110 §14.2: malformed,
 * another unit, or several ranges, which this server does not answer as
 * multipart); 'unsatisfiable' (416): no range of the header lies in the file.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (header === undefined) return null;
  const r = rangeParser(size, header, { combine: true });
  if (r === -1) return 'unsatisfiable';
  if (r === -2 || r.type !== 'bytes' || r.length !== 1) return null;
  return { start: r[0]!.start, end: r[0]!.end };
}

async function sendMedia(deps: Deps, reply: FastifyReply, range: string | undefined, media: { key: string; size: number }, type: string) {
  const r = parseRange(range, media.size);
  reply.headers({ 'Accept-Ranges': 'bytes', 'Content-Type': type, 'Cache-Control': 'private, max-age=300', 'X-Content-Type-Options': 'nosniff', 'Content-Disposition': 'inline' });
  if (r === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${media.size}`);
    throw new AppError('RANGE_NOT_SATISFIABLE');
  }
  if (r === null) return reply.header('Content-Length', media.size).send(deps.files.stream(media.key));
  return reply.code(206).headers({ 'Content-Range': `bytes ${r.start}-${r.end}/${media.size}`, 'Content-Length': r.end - r.start + 1 }).send(deps.files.stream(media.key, r));
}

export function registerPostRoutes(app: FastifyInstance, deps: Deps) {
  const { db } = deps;
  // the author (a member or a resident)
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/posts', operationId: 'createPost', summary: '发布动态（文字，不超过500字）：选择谁可以看到；经所在村（社区）或党支部审核后发布', tags: ['post'], access: 'volunteer.self',
    schema: { body: CreatePostBody, response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.createPost(deps, contextOf(req), req.body) }),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/posts/video', operationId: 'uploadVideo',
    summary: `上传短视频（multipart：先 body 文字、audienceOrgId 可见范围，再 file 视频；${Object.values(VIDEO_MIME).join('、')}，按内容识别格式，大小与时长按规则）；转码、截取封面后待审核`, tags: ['post'], access: 'volunteer.self',
    schema: { response: { 201: Created } },
    handler: async (req, reply) => reply.code(201).send({ id: await service.uploadVideo(deps, contextOf(req), req as unknown as service.VideoUploadRequest) }),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/me/posts', operationId: 'listMyPosts', summary: '我发布的动态和短视频（状态、审核意见），以及可选的可见范围', tags: ['post'], access: 'volunteer.self',
    schema: { response: { 200: MyPosts } },
    handler: async (req) => service.listMyPosts(deps, contextOf(req)),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/me/posts/:id/withdraw', operationId: 'withdrawMyPost', summary: '撤回我发布的动态或短视频', tags: ['post'], access: 'volunteer.self',
    schema: { params: IdParams, response: { 200: PostView } },
    handler: async (req) => service.withdrawMyPost(deps, contextOf(req), req.params.id),
  });
  // the viewer
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/posts/feed', operationId: 'listPostFeed', summary: '短视频与动态：可见范围包含我所在组织（村、社区）的已发布内容，最新在前', tags: ['post'], access: 'volunteer.self',
    schema: { querystring: FeedQuery, response: { 200: PostFeed } },
    handler: async (req) => service.listPostFeed(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/posts/:id/report', operationId: 'reportPost', summary: '举报不良内容（每人每条一次；达到规则人数即暂停展示、重新审核）', tags: ['post'], access: 'volunteer.self',
    schema: { params: IdParams, body: ReportPostBody, response: { 200: ReportResult } },
    handler: async (req) => service.reportPost(deps, contextOf(req), req.params.id, req.body),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/posts/:id/video', operationId: 'streamPostVideo', summary: '播放短视频（mp4，支持 Range 分段请求）', tags: ['post'], access: 'volunteer.self',
    schema: { params: IdParams },
    handler: async (req, reply) => sendMedia(deps, reply, req.headers.range, await service.postMedia(deps, contextOf(req), req.params.id, 'video'), 'video/mp4'),
  });
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/posts/:id/thumbnail', operationId: 'getPostThumbnail', summary: '短视频封面（JPEG，支持 Range 分段请求）', tags: ['post'], access: 'volunteer.self',
    schema: { params: IdParams },
    handler: async (req, reply) => sendMedia(deps, reply, req.headers.range, await service.postMedia(deps, contextOf(req), req.params.id, 'thumbnail'), 'image/jpeg'),
  });
  // the moderating org's staff
  defineRoute(app, db, {
    method: 'GET', url: '/api/v1/posts/moderation', operationId: 'listPostsForModeration', summary: '内容审核：本组织及下级的待审核、被举报和已处理的动态与短视频', tags: ['post'], access: 'volunteer.read',
    schema: { querystring: ListModerationQuery, response: { 200: ModerationPage } },
    handler: async (req) => service.listPostsForModeration(deps, contextOf(req), req.query),
  });
  defineRoute(app, db, {
    method: 'POST', url: '/api/v1/posts/:id/moderate', operationId: 'moderatePost', summary: '审核动态或短视频：通过发布、不通过（须写原因）、暂停展示（须写原因）、恢复展示', tags: ['post'], access: 'volunteer.manage',
    schema: { params: IdParams, body: ModeratePostBody, response: { 200: PostView } },
    handler: async (req) => service.moderatePost(deps, contextOf(req), req.params.id, req.body),
  });
}
