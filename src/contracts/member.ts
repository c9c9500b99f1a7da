import { z } from 'zod';
import { ImportIssue, IsoDate, PageQuery, Text, pageOf, keysOf } from './common';
import { EDUCATIONS, MEMBER_EVENT_REASONS, MEMBER_STATUSES, OCCUPATIONS, SENSITIVE_FIELDS, SEXES } from './dict';
import { PHONE_PATTERN } from './idcard';


export const SexEnum = z.enum(keysOf(SEXES), { message: '请选择性别' });
export const EducationEnum = z.enum(keysOf(EDUCATIONS), { message: '请选择学历' });
export const OccupationEnum = z.enum(keysOf(OCCUPATIONS), { message: '请选择职业/人员类别' });
export const MemberStatusEnum = z.enum(keysOf(MEMBER_STATUSES));
export const MemberEventReasonEnum = z.enum(keysOf(MEMBER_EVENT_REASONS));
export const SensitiveFieldEnum = z.enum(keysOf(SENSITIVE_FIELDS));

export const MemberListItem = z.object({
  id: z.uuid(),
  name: Text,
  sex: SexEnum,
  birthDate: Text,
  education: EducationEnum,
  occupation: OccupationEnum,
  status: MemberStatusEnum,
  orgId: z.uuid().nullable(),
  orgName: Text.nullable(),
  joinDate: Text.nullable(),
  partyAgeYears: z.number().int().nullable(),
  phoneMasked: Text.nullable(),
  /** 已激活: the member has an enabled account (phone login) */
  activated: z.boolean(),
});
export type MemberListItem = z.infer<typeof MemberListItem>;

export const ListMembersQuery = PageQuery.extend({
  orgId: z.uuid().optional(),
  q: Text.trim().max(50).optional(),
  status: z.enum(['current', 'probationary', 'full', 'former']).default('current'),
  sex: SexEnum.optional(),
  education: EducationEnum.optional(),
  sort: z.enum(['name', 'joinDate', 'birthDate']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
});
export type ListMembersQuery = z.infer<typeof ListMembersQuery>;
/** `totalCapped`: a broad pinyin-prefix search counted no further than the cap; `total` is the cap (the list shows "1000+") */
export const MemberPage = pageOf(MemberListItem).extend({ totalCapped: z.boolean() });

export const MemberEventView = z.object({
  id: z.number().int(),
  direction: z.enum(['increase', 'decrease', 'change']),
  reason: MemberEventReasonEnum,
  eventDate: Text,
  orgName: Text.nullable(),
  fromStatus: Text.nullable(),
  toStatus: Text.nullable(),
  note: Text.nullable(),
  recordedAt: Text,
});

/**
 * What an organisation learns of a person's earlier record elsewhere (issue 9,
 * C1): the organisation's name, the status and when and why it ended — never
 * the record itself.
 */
export const EarlierRecordView = z.object({
  orgName: Text.nullable(),
  statusLabel: Text,
  reasonLabel: Text.nullable(),
  endedOn: Text.nullable(),
});
export type EarlierRecordView = z.infer<typeof EarlierRecordView>;

export const MemberDetail = MemberListItem.extend({
  ethnicity: Text,
  idNumberMasked: Text,
  phoneMasked: Text.nullable(),
  hasIncome: z.boolean(),
  unitName: Text.nullable(),
  address: Text.nullable(),
  conversionDate: Text.nullable(),
  orgPath: z.array(z.object({ id: z.uuid(), name: Text })),
  events: z.array(MemberEventView),
  earlierRecord: EarlierRecordView.nullable(),
  version: z.number().int(),
  abilities: z.object({ update: z.boolean(), reveal: z.boolean(), changeStatus: z.boolean(), resetActivation: z.boolean() }),
});
export type MemberDetail = z.infer<typeof MemberDetail>;

const phoneField = Text.trim().regex(PHONE_PATTERN, { message: '手机号码应为11位数字，以1开头' });
const textField = (label: string, max: number) => Text.trim().max(max, { message: `${label}不能超过${max}个字` });

export const MemberFields = z.object({
  name: Text.trim().min(2, { message: '姓名至少2个字' }).max(30, { message: '姓名不能超过30个字' }),
  sex: SexEnum,
  ethnicity: Text.trim().min(1, { message: '请选择民族' }).max(20),
  idNumber: Text.trim().min(1, { message: '请填写身份证号' }).max(18, { message: '身份证号应为18位' }),
  education: EducationEnum,
  occupation: OccupationEnum,
  unitName: textField('工作单位', 100).nullish(),
  phone: phoneField.nullish(),
  address: textField('家庭住址', 200).nullish(),
  joinDate: IsoDate,
  conversionDate: IsoDate.nullish(),
  status: z.enum(['probationary', 'full'], { message: '请选择党员类别' }),
  monthlyIncomeFen: z.number().int().min(0).max(100_000_000_00).nullish(),
});

export const CreateMemberBody = MemberFields.extend({
  orgId: z.uuid({ message: '请选择所在党支部' }),
  reason: z.enum(['registered', 'transfer_in', 'recruited', 'restored']).default('registered'),
});
export type CreateMemberBody = z.infer<typeof CreateMemberBody>;

// orgId and status are not updatable here: moving a member is a transfer, a
// status change is an event (no mass assignment).
export const UpdateMemberBody = MemberFields.omit({ status: true }).partial().extend({ version: z.number().int() });
export type UpdateMemberBody = z.infer<typeof UpdateMemberBody>;

export const RecordMemberEventBody = z.object({
  reason: z.enum(['converted', 'expelled', 'removed', 'lapsed', 'withdrew', 'probation_cancelled', 'suspended', 'deceased', 'transfer_out', 'party_probation', 'party_probation_ended']),
  eventDate: IsoDate,
  note: Text.trim().max(500).nullish(),
  version: z.number().int(),
});

export const RevealBody = z.object({
  field: SensitiveFieldEnum,
  reason: Text.trim().min(4, { message: '请填写查看事由（至少4个字）' }).max(200),
});
export const RevealResult = z.object({ field: SensitiveFieldEnum, value: Text.nullable() });

export const ExportMembersQuery = z.object({
  orgId: z.uuid().optional(),
  q: Text.trim().max(50).optional(),
  status: z.enum(['current', 'probationary', 'full', 'former']).default('current'),
  sex: SexEnum.optional(),
  education: EducationEnum.optional(),
  /** a selection on the list: up to 500 member ids, comma-separated (the other filters still apply) */
  ids: Text.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(,[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}){0,499}$/i, { message: '所选党员的编号格式不正确（一次最多导出500名）' }).optional(),
});

/** What a member import did (or, in a dry run, would do). Also the import job's result. */
export const MemberImportReport = z.object({ total: z.number().int(), valid: z.number().int(), skipped: z.number().int(), created: z.number().int(), errors: z.array(ImportIssue) });
export type MemberImportReport = z.infer<typeof MemberImportReport>;
/** A dry run answers its report at once; a real import is queued as a job (202). */
export const MemberImportAnswer = z.discriminatedUnion('dryRun', [
  z.object({ dryRun: z.literal(true), report: MemberImportReport }),
  z.object({ dryRun: z.literal(false), jobId: z.uuid() }),
]);
