import { z } from 'zod';
import { PageQuery, Text, pageOf } from './common';

// Short videos and posts (短视频与动态, issue 17): members and residents post a
// text or a short video to an audience (an org and everything under it); the
// moderating org (the resident's community, the member's branch) reviews each
// post before it is published; anyone who sees a post may report it.

export const POST_STATUSES = {
  processing: '转码中',
  pending_review: '待审核',
  published: '已发布',
  rejected: '未通过',
  hidden: '已暂停展示',
  failed: '处理失败',
  withdrawn: '已撤回',
} as const;
export type PostStatus = keyof typeof POST_STATUSES;
export const PostStatusEnum = z.enum(Object.keys(POST_STATUSES) as [PostStatus, ...PostStatus[]], { message: '状态不正确' });

export const POST_KINDS = { text: '动态', video: '短视频' } as const;
export type PostKind = keyof typeof POST_KINDS;

/** Accepted video containers, by the MIME type detected from the bytes. */
export const VIDEO_MIME: Readonly<Record<string, string>> = { 'video/mp4': 'MP4', 'video/quicktime': 'MOV', 'video/webm': 'WebM' };

const PostText = Text.pipe(z.string().trim().max(500, '内容不超过500字'));

export const CreatePostBody = z.object({
  body: Text.pipe(z.string().trim().min(2, '请写点内容（至少2个字）').max(500, '内容不超过500字')),
  audienceOrgId: z.uuid({ message: '请选择谁可以看到' }),
});
export type CreatePostBody = z.infer<typeof CreatePostBody>;

/** The text fields of a video upload (multipart fields before the file). */
export const UploadVideoFields = z.object({
  body: PostText.default(''),
  audienceOrgId: z.uuid({ message: '请选择谁可以看到' }),
});
export type UploadVideoFields = z.infer<typeof UploadVideoFields>;

export const ReportPostBody = z.object({ reason: Text.pipe(z.string().trim().min(2, '请填写举报原因').max(200, '原因不超过200字')) });
export type ReportPostBody = z.infer<typeof ReportPostBody>;

export const MODERATION_ACTIONS = { approve: '通过', reject: '不通过', hide: '暂停展示', restore: '恢复展示' } as const;
export type ModerationAction = keyof typeof MODERATION_ACTIONS;
export const ModeratePostBody = z
  .object({
    action: z.enum(['approve', 'reject', 'hide', 'restore'], { message: '请选择审核结果' }),
    reason: Text.pipe(z.string().trim().max(200, '原因不超过200字')).optional(),
  })
  .refine((b) => !['reject', 'hide'].includes(b.action) || (b.reason ?? '').length >= 2, { message: '请填写原因（至少2个字）', path: ['reason'] });
export type ModeratePostBody = z.infer<typeof ModeratePostBody>;

export const ListModerationQuery = PageQuery.extend({
  orgId: z.uuid().optional(),
  status: PostStatusEnum.optional(),
  reported: z.enum(['true', 'false']).optional(),
  kind: z.enum(['text', 'video']).optional(),
});
export type ListModerationQuery = z.infer<typeof ListModerationQuery>;

export const FeedQuery = z.object({ before: z.iso.datetime({ offset: true }).optional(), limit: z.coerce.number().int().min(1).max(50).default(20) });
export type FeedQuery = z.infer<typeof FeedQuery>;

export const PostView = z.object({
  id: z.uuid(),
  kind: z.enum(['text', 'video']),
  body: z.string(),
  authorName: z.string(),
  authorKind: z.enum(['member', 'resident']),
  audienceOrgId: z.uuid(),
  audienceName: z.string(),
  status: PostStatusEnum,
  durationMs: z.number().int().nullable(),
  hasVideo: z.boolean(),
  reason: z.string().nullable(),
  failure: z.string().nullable(),
  reportCount: z.number().int(),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  version: z.number().int(),
});
export type PostView = z.infer<typeof PostView>;

export const FeedPost = PostView.extend({ mine: z.boolean(), reportedByMe: z.boolean() });
export type FeedPost = z.infer<typeof FeedPost>;

export const PostFeed = z.object({ items: z.array(FeedPost) });
export type PostFeed = z.infer<typeof PostFeed>;

export const ReportResult = z.object({ reportCount: z.number().int(), hidden: z.boolean() });
export type ReportResult = z.infer<typeof ReportResult>;

export const AudienceOption = z.object({ orgId: z.uuid(), name: z.string() });
export const MyPosts = z.object({ items: z.array(PostView), audiences: z.array(AudienceOption) });
export type MyPosts = z.infer<typeof MyPosts>;

export const PostReportView = z.object({ reason: z.string(), reporterName: z.string(), createdAt: z.string() });
export const ModerationPost = PostView.extend({ moderatingOrgName: z.string(), sizeBytes: z.number().nullable(), reports: z.array(PostReportView), reviewedAt: z.string().nullable() });
export type ModerationPost = z.infer<typeof ModerationPost>;
export const ModerationPage = pageOf(ModerationPost);
export type ModerationPage = z.infer<typeof ModerationPage>;
