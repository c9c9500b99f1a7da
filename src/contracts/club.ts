import { z } from 'zod';
import { PageQuery, Text, keysOf, pageOf } from './common';
import { SIGNUP_STATUSES } from './volunteer';

// Clubs (社团, issue 17): founded by a member or a resident in a 村/社区,
// approved by the community, joined by members and residents; the club's
// activities reuse the volunteer activity model (sign-up with a capacity)
// and are open to the club's members only.

export const CLUB_CATEGORIES = {
  culture: '文化艺术',
  sports: '体育健身',
  reading: '读书学习',
  calligraphy: '书法绘画',
  music: '音乐舞蹈',
  health: '健康养生',
  tech: '科普科技',
  parenting: '亲子家庭',
  other: '其他',
} as const;
export type ClubCategory = keyof typeof CLUB_CATEGORIES;
export const ClubCategoryEnum = z.enum(keysOf(CLUB_CATEGORIES), { message: '请选择社团类别' });

export const CLUB_STATUSES = { pending: '待审核', active: '活动中', rejected: '未通过', dissolved: '已解散' } as const;
export type ClubStatus = keyof typeof CLUB_STATUSES;

const DateTime = z.iso.datetime({ offset: true, message: '时间格式不正确' });
const reason = (what: string) => Text.pipe(z.string().trim().min(2, `请填写${what}`).max(200, `${what}不超过200字`));

export const CreateClubBody = z.object({
  /** the community it belongs to; a resident's own community when omitted */
  communityOrgId: z.uuid({ message: '请选择所在的村（社区）' }).nullish(),
  name: Text.pipe(z.string().trim().min(2, '请填写社团名称').max(30, '社团名称不超过30字')),
  category: ClubCategoryEnum,
  description: Text.pipe(z.string().trim().min(10, '请用至少10个字介绍社团的宗旨和活动').max(500, '社团介绍不超过500字')),
});
export type CreateClubBody = z.infer<typeof CreateClubBody>;

export const ReviewClubBody = z
  .object({ decision: z.enum(['approve', 'reject'], { message: '请选择审核结果' }), note: Text.pipe(z.string().trim().max(200, '审核意见不超过200字')).default('') })
  .refine((b) => b.decision === 'approve' || b.note.length >= 2, { message: '不通过时请写明原因', path: ['note'] });
export type ReviewClubBody = z.infer<typeof ReviewClubBody>;

export const DissolveClubBody = z.object({ reason: reason('解散原因') });
export type DissolveClubBody = z.infer<typeof DissolveClubBody>;

export const CreateClubActivityBody = z
  .object({
    title: Text.pipe(z.string().trim().min(2, '请填写活动名称').max(60, '活动名称不超过60字')),
    description: Text.pipe(z.string().trim().max(1000, '活动说明不超过1000字')).default(''),
    place: Text.pipe(z.string().trim().min(2, '请填写活动地点').max(100, '地点不超过100字')),
    startsAt: DateTime,
    endsAt: DateTime,
    capacity: z.number({ message: '请填写人数上限' }).int('人数上限须为整数').min(1, '人数上限至少1人').max(1000, '人数上限不超过1000人'),
  })
  .refine((b) => Date.parse(b.endsAt) > Date.parse(b.startsAt), { message: '结束时间须晚于开始时间', path: ['endsAt'] });
export type CreateClubActivityBody = z.infer<typeof CreateClubActivityBody>;

export const ClubView = z.object({
  id: z.uuid(),
  communityOrgId: z.uuid(),
  communityName: Text,
  name: Text,
  category: ClubCategoryEnum,
  description: Text,
  founderName: Text,
  /** 党员 or 群众 */
  founderKind: z.enum(['member', 'resident']),
  status: z.enum(keysOf(CLUB_STATUSES)),
  reviewNote: Text.nullable(),
  reviewedAt: Text.nullable(),
  dissolveReason: Text.nullable(),
  memberCount: z.number().int(),
  activityCount: z.number().int(),
  createdAt: Text,
});
export type ClubView = z.infer<typeof ClubView>;

export const ClubMemberView = z.object({ id: z.uuid(), name: Text, kind: z.enum(['member', 'resident']), role: z.enum(['leader', 'member']), joinedAt: Text });
export type ClubMemberView = z.infer<typeof ClubMemberView>;

export const ClubActivityView = z.object({
  id: z.uuid(),
  title: Text,
  description: Text,
  place: Text,
  startsAt: Text,
  endsAt: Text,
  capacity: z.number().int(),
  signedUp: z.number().int(),
  status: z.enum(['open', 'cancelled']),
  cancelReason: Text.nullable(),
  /** the caller's place on it (phone only) */
  mySignup: z.object({ id: z.uuid(), status: z.enum(keysOf(SIGNUP_STATUSES)) }).nullable(),
});
export type ClubActivityView = z.infer<typeof ClubActivityView>;

export const ClubDetail = z.object({
  club: ClubView,
  members: z.array(ClubMemberView),
  activities: z.array(ClubActivityView),
});
export type ClubDetail = z.infer<typeof ClubDetail>;

export const MyClubDetail = ClubDetail.extend({
  /** the caller's membership */
  myRole: z.enum(['leader', 'member']).nullable(),
});
export type MyClubDetail = z.infer<typeof MyClubDetail>;

export const ListClubsQuery = PageQuery.extend({
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  status: z.enum(keysOf(CLUB_STATUSES)).optional(),
  q: Text.pipe(z.string().trim().max(30)).optional(),
});
export type ListClubsQuery = z.infer<typeof ListClubsQuery>;
export const ClubPage = pageOf(ClubView);
export type ClubPage = z.infer<typeof ClubPage>;

export const MyClubsQuery = z.object({ communityOrgId: z.uuid({ message: '编号格式不正确' }).optional() });
export type MyClubsQuery = z.infer<typeof MyClubsQuery>;

export const MyClubs = z.object({
  /** the community whose clubs are listed (the resident's own, the member's 接单/报到 community, or the one asked for); null when a member has none yet */
  community: z.object({ id: z.uuid(), name: Text }).nullable(),
  /** the community's active clubs */
  clubs: z.array(ClubView.extend({ joined: z.boolean() })),
  /** the clubs the caller founded or belongs to, anywhere, with pending and rejected applications */
  mine: z.array(ClubView.extend({ myRole: z.enum(['leader', 'member']).nullable() })),
});
export type MyClubs = z.infer<typeof MyClubs>;
