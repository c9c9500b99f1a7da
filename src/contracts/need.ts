import { z } from 'zod';
import { PageQuery, Text, keysOf, pageOf } from './common';
import { VOLUNTEER_SKILLS, VolunteerSkillEnum, type VolunteerSkill } from './volunteer';

// Needs (群众需求 / 微心愿, issue 17): a resident publishes a need (点单); the
// platform ranks volunteers by skill, grid distance, availability and recent
// load and pushes it to the best few (派单); one volunteer claims it (接单),
// completes it (办结) and the resident rates it (评单). A need nobody claims
// in time is escalated to the community.

/** The need's category and the volunteer skills that answer it. */
export const NEED_CATEGORIES = {
  elderly: { label: '助老助残', skills: ['elderly', 'medical', 'driving'] },
  repair: { label: '维修服务', skills: ['repair', 'digital'] },
  health: { label: '医疗健康', skills: ['medical', 'counseling'] },
  study: { label: '学业辅导', skills: ['tutoring'] },
  legal: { label: '法律咨询', skills: ['legal'] },
  environment: { label: '环境整治', skills: ['cleaning'] },
  errand: { label: '跑腿代办', skills: ['driving', 'elderly'] },
  digital: { label: '智能手机使用', skills: ['digital'] },
  other: { label: '其他', skills: [] },
} as const satisfies Record<string, { label: string; skills: readonly VolunteerSkill[] }>;
export type NeedCategory = keyof typeof NEED_CATEGORIES;
export const NeedCategoryEnum = z.enum(keysOf(NEED_CATEGORIES), { message: '请选择需求类别' });

/** When a volunteer can help; a need's time window touches one or more of them (Beijing time). */
export const AVAILABILITY_SLOTS = { weekday_day: '工作日白天', weekday_evening: '工作日晚上', weekend: '周末' } as const;
export type AvailabilitySlot = keyof typeof AVAILABILITY_SLOTS;
export const AvailabilitySlotEnum = z.enum(keysOf(AVAILABILITY_SLOTS), { message: '请选择可服务时间' });

export const NEED_STATUSES = { open: '待接单', claimed: '已接单', completed: '已办结', rated: '已评价', cancelled: '已撤回' } as const;
export type NeedStatus = keyof typeof NEED_STATUSES;

export const RATING_LABELS = { 1: '很不满意', 2: '不满意', 3: '基本满意', 4: '满意', 5: '非常满意' } as const;

const DateTime = z.iso.datetime({ offset: true, message: '时间格式不正确' });

export const PublishNeedBody = z
  .object({
    category: NeedCategoryEnum,
    title: Text.pipe(z.string().trim().min(2, '请用一句话说明需求').max(40, '需求标题不超过40字')),
    detail: Text.pipe(z.string().trim().max(500, '需求说明不超过500字')).default(''),
    place: Text.pipe(z.string().trim().min(2, '请填写服务地点').max(100, '地点不超过100字')),
    windowFrom: DateTime,
    windowTo: DateTime,
  })
  .refine((b) => Date.parse(b.windowTo) > Date.parse(b.windowFrom), { message: '结束时间须晚于开始时间', path: ['windowTo'] });
export type PublishNeedBody = z.infer<typeof PublishNeedBody>;

export const CancelNeedBody = z.object({ reason: Text.pipe(z.string().trim().min(2, '请填写撤回原因').max(200, '原因不超过200字')) });
export type CancelNeedBody = z.infer<typeof CancelNeedBody>;

export const RateNeedBody = z.object({
  rating: z.number({ message: '请评分' }).int('评分须为1至5的整数').min(1, '评分须为1至5的整数').max(5, '评分须为1至5的整数'),
  comment: Text.pipe(z.string().trim().max(200, '评价不超过200字')).default(''),
});
export type RateNeedBody = z.infer<typeof RateNeedBody>;

export const CompleteNeedBody = z.object({ note: Text.pipe(z.string().trim().min(2, '请简要说明办理情况').max(300, '办理情况不超过300字')) });
export type CompleteNeedBody = z.infer<typeof CompleteNeedBody>;

/** The volunteer's willingness to take needs (接单意愿). */
export const SaveVolunteerProfileBody = z.object({
  /** the community (村/社区) where they serve: where they live, or where they reported (双报到) */
  communityOrgId: z.uuid({ message: '请选择服务的村/社区' }),
  gridId: z.uuid({ message: '网格编号格式不正确' }).nullish(),
  skills: z.array(VolunteerSkillEnum).min(1, '请至少选择一项技能').max(6, '最多选择6项技能'),
  availability: z.array(AvailabilitySlotEnum).min(1, '请至少选择一个可服务时间'),
  accepting: z.boolean(),
  version: z.number().int().nullish(),
});
export type SaveVolunteerProfileBody = z.infer<typeof SaveVolunteerProfileBody>;

export const VolunteerProfileView = z.object({
  id: z.uuid(),
  communityOrgId: z.uuid(),
  communityName: Text,
  gridId: z.uuid().nullable(),
  gridName: Text.nullable(),
  skills: z.array(VolunteerSkillEnum),
  availability: z.array(AvailabilitySlotEnum),
  accepting: z.boolean(),
  claimed: z.number().int(),
  completed: z.number().int(),
  /** the mean of the ratings received, one decimal; null before the first */
  averageRating: z.number().nullable(),
  version: z.number().int(),
});
export type VolunteerProfileView = z.infer<typeof VolunteerProfileView>;

export const NeedView = z.object({
  id: z.uuid(),
  category: NeedCategoryEnum,
  title: Text,
  detail: Text,
  place: Text,
  windowFrom: Text,
  windowTo: Text,
  communityOrgId: z.uuid(),
  communityName: Text,
  gridName: Text.nullable(),
  status: z.enum(keysOf(NEED_STATUSES)),
  publishedAt: Text,
  /** set when nobody claimed it in time and the community was told */
  escalatedAt: Text.nullable(),
  claimedAt: Text.nullable(),
  completedAt: Text.nullable(),
  completionNote: Text.nullable(),
  rating: z.number().int().nullable(),
  ratingComment: Text.nullable(),
  cancelReason: Text.nullable(),
  /** the volunteer who claimed it (their name only) */
  volunteerName: Text.nullable(),
  version: z.number().int(),
});
export type NeedView = z.infer<typeof NeedView>;

/** The resident's own needs, newest first. */
export const MyNeeds = z.object({ items: z.array(NeedView) });
export type MyNeeds = z.infer<typeof MyNeeds>;

/** A need as a volunteer sees it; the publisher's name and phone only once they claimed it. */
export const ServableNeedView = NeedView.extend({
  distanceKm: z.number().nullable(),
  pushedToMe: z.boolean(),
  publisherName: Text.nullable(),
  publisherPhone: Text.nullable(),
});
export type ServableNeedView = z.infer<typeof ServableNeedView>;

export const MyServableNeeds = z.object({
  profile: VolunteerProfileView.nullable(),
  /** open needs pushed to the caller or in their community, nearest and newest first */
  open: z.array(ServableNeedView),
  /** needs the caller claimed, newest first */
  mine: z.array(ServableNeedView),
});
export type MyServableNeeds = z.infer<typeof MyServableNeeds>;

export const ListNeedsQuery = PageQuery.extend({
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  status: z.enum(keysOf(NEED_STATUSES)).optional(),
  escalated: z.enum(['true', 'false']).optional(),
});
export type ListNeedsQuery = z.infer<typeof ListNeedsQuery>;

export const NeedAdminView = NeedView.extend({ publisherName: Text, pushes: z.number().int() });
export type NeedAdminView = z.infer<typeof NeedAdminView>;
export const NeedPage = pageOf(NeedAdminView);
export type NeedPage = z.infer<typeof NeedPage>;

export const NeedCandidate = z.object({
  profileId: z.uuid(),
  name: Text,
  /** 党员 or 群众 */
  kind: z.enum(['member', 'resident']),
  orgName: Text,
  skills: z.array(VolunteerSkillEnum),
  distanceKm: z.number().nullable(),
  skillMatch: z.boolean(),
  availabilityMatch: z.boolean(),
  recentLoad: z.number().int(),
  score: z.number(),
  pushedAt: Text.nullable(),
});
export type NeedCandidate = z.infer<typeof NeedCandidate>;

export const NeedDetail = z.object({
  need: NeedAdminView,
  /** the ranked candidates (the best first), with those already pushed marked */
  candidates: z.array(NeedCandidate),
  /** the volunteers it was pushed to, in the order pushed */
  pushed: z.array(NeedCandidate),
});
export type NeedDetail = z.infer<typeof NeedDetail>;

/** 派单: push to the volunteers named, or (none named) to the best few not yet pushed. */
export const MatchNeedBody = z.object({ profileIds: z.array(z.uuid({ message: '编号格式不正确' })).max(20, '一次最多派给20人').optional() });
export type MatchNeedBody = z.infer<typeof MatchNeedBody>;

export const skillLabels = (skills: readonly VolunteerSkill[]) => skills.map((s) => VOLUNTEER_SKILLS[s]).join('、');
