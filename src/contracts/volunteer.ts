import { z } from 'zod';
import { PageQuery, Text, keysOf, pageOf } from './common';

// Volunteer service (志愿服务, issue 17): activities, sign-up, hours attested
// by the organiser, the volunteer's record and certificate.

/** Skills an activity asks for and a volunteer offers (needs are matched on them). */
export const VOLUNTEER_SKILLS = {
  elderly: '助老陪护',
  medical: '医疗护理',
  repair: '家电维修',
  haircut: '理发',
  legal: '法律咨询',
  tutoring: '课业辅导',
  digital: '手机电脑',
  cleaning: '环境清洁',
  culture: '文艺宣传',
  counseling: '心理疏导',
  traffic: '交通劝导',
  driving: '驾驶接送',
} as const;
export type VolunteerSkill = keyof typeof VOLUNTEER_SKILLS;
export const VolunteerSkillEnum = z.enum(keysOf(VOLUNTEER_SKILLS), { message: '请选择服务技能' });

export const ACTIVITY_STATUSES = { open: '报名中', cancelled: '已取消' } as const;
export const SIGNUP_STATUSES = { signed_up: '已报名', withdrawn: '已取消报名', attested: '已认定时长', absent: '未到场' } as const;

const DateTime = z.iso.datetime({ offset: true, message: '时间格式不正确' });
const titleField = Text.pipe(z.string().trim().min(2, '请填写活动名称').max(60, '活动名称不超过60字'));
const placeField = Text.pipe(z.string().trim().min(2, '请填写活动地点').max(100, '地点不超过100字'));
const descriptionField = Text.pipe(z.string().trim().max(1000, '活动说明不超过1000字')).default('');
const capacityField = z.number({ message: '请填写招募人数' }).int('招募人数须为整数').min(1, '招募人数至少1人').max(1000, '招募人数不超过1000人');
const skillsField = z.array(VolunteerSkillEnum).max(5, '最多选择5项技能').default([]);
const window = <T extends { startsAt: string; endsAt: string }>(b: T) => Date.parse(b.endsAt) > Date.parse(b.startsAt);
const WINDOW_MESSAGE = { message: '结束时间须晚于开始时间', path: ['endsAt'] };

export const CreateVolunteerActivityBody = z
  .object({
    orgId: z.uuid({ message: '请选择组织单位' }),
    /** who may sign up: members under it and residents of communities under it (default: the organiser) */
    audienceOrgId: z.uuid({ message: '请选择报名范围' }).nullish(),
    title: titleField,
    description: descriptionField,
    place: placeField,
    startsAt: DateTime,
    endsAt: DateTime,
    capacity: capacityField,
    skills: skillsField,
  })
  .refine(window, WINDOW_MESSAGE);
export type CreateVolunteerActivityBody = z.infer<typeof CreateVolunteerActivityBody>;

export const CancelVolunteerActivityBody = z.object({ reason: Text.pipe(z.string().trim().min(2, '请填写取消原因').max(200, '原因不超过200字')) });
export type CancelVolunteerActivityBody = z.infer<typeof CancelVolunteerActivityBody>;

export const VolunteerActivityView = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  orgName: Text,
  audienceOrgId: z.uuid(),
  audienceOrgName: Text,
  title: Text,
  description: Text,
  place: Text,
  startsAt: Text,
  endsAt: Text,
  capacity: z.number().int(),
  signedUp: z.number().int(),
  attested: z.number().int(),
  attestedHours: z.number(),
  skills: z.array(VolunteerSkillEnum),
  status: z.enum(keysOf(ACTIVITY_STATUSES)),
  cancelReason: Text.nullable(),
  version: z.number().int(),
});
export type VolunteerActivityView = z.infer<typeof VolunteerActivityView>;

export const ListVolunteerActivitiesQuery = PageQuery.extend({
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  status: z.enum(keysOf(ACTIVITY_STATUSES)).optional(),
  /** upcoming: not yet ended; past: ended */
  when: z.enum(['upcoming', 'past']).optional(),
});
export type ListVolunteerActivitiesQuery = z.infer<typeof ListVolunteerActivitiesQuery>;
export const VolunteerActivityPage = pageOf(VolunteerActivityView);
export type VolunteerActivityPage = z.infer<typeof VolunteerActivityPage>;

export const VolunteerSignupView = z.object({
  id: z.uuid(),
  name: Text,
  /** 党员 or 群众 */
  kind: z.enum(['member', 'resident']),
  orgName: Text.nullable(),
  status: z.enum(keysOf(SIGNUP_STATUSES)),
  checkInAt: Text.nullable(),
  checkOutAt: Text.nullable(),
  hours: z.number().nullable(),
  signedUpAt: Text,
  /** when they scanned the centre's check-in code (活动中心大屏), if they did: a help to the organiser, never the attestation */
  arrivedAt: Text.nullable(),
});
export type VolunteerSignupView = z.infer<typeof VolunteerSignupView>;

export const VolunteerActivityDetail = z.object({ activity: VolunteerActivityView, signups: z.array(VolunteerSignupView), maxHoursPerActivity: z.number() });
export type VolunteerActivityDetail = z.infer<typeof VolunteerActivityDetail>;

/** The organiser attests one volunteer: present from check-in to check-out (within the activity's time), or absent. */
export const AttestHoursBody = z.union([
  z.object({ signupId: z.uuid({ message: '编号格式不正确' }), checkInAt: DateTime, checkOutAt: DateTime, absent: z.literal(false).optional() }),
  z.object({ signupId: z.uuid({ message: '编号格式不正确' }), absent: z.literal(true) }),
]);
export type AttestHoursBody = z.infer<typeof AttestHoursBody>;

export const SignUpBody = z.object({ activityId: z.uuid({ message: '编号格式不正确' }) });
export type SignUpBody = z.infer<typeof SignUpBody>;

/** An activity as a volunteer sees it (no one else's names). */
export const OpenActivityView = VolunteerActivityView.omit({ attested: true, attestedHours: true, version: true, audienceOrgId: true, audienceOrgName: true }).extend({
  /** the caller's place on it, if any */
  mySignup: z.object({ id: z.uuid(), status: z.enum(keysOf(SIGNUP_STATUSES)), hours: z.number().nullable() }).nullable(),
});
export type OpenActivityView = z.infer<typeof OpenActivityView>;

export const MyVolunteer = z.object({
  /** activities open to the caller that have not ended, soonest first */
  upcoming: z.array(OpenActivityView),
  /** the caller's places, newest first */
  mine: z.array(OpenActivityView),
  /** attested hours this year and in all */
  hoursThisYear: z.number(),
  hoursTotal: z.number(),
});
export type MyVolunteer = z.infer<typeof MyVolunteer>;

export const CertificateQuery = z.object({ year: z.coerce.number().int().min(2000).max(2199).optional() });
export type CertificateQuery = z.infer<typeof CertificateQuery>;
