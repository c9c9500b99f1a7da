import { z } from 'zod';
import { IsoDate, Text } from './common';
import { ORG_TYPES, UNIT_KINDS, COMMITTEE_POSTS } from './dict';

export const OrgTypeEnum = z.enum(Object.keys(ORG_TYPES) as [keyof typeof ORG_TYPES, ...(keyof typeof ORG_TYPES)[]], { message: '请选择组织类型' });
export const UnitKindEnum = z.enum(Object.keys(UNIT_KINDS) as [keyof typeof UNIT_KINDS, ...(keyof typeof UNIT_KINDS)[]], { message: '请选择单位类别' });
export const CommitteePostEnum = z.enum(Object.keys(COMMITTEE_POSTS) as [keyof typeof COMMITTEE_POSTS, ...(keyof typeof COMMITTEE_POSTS)[]]);

export const OrgSummary = z.object({
  id: z.uuid(),
  parentId: z.uuid().nullable(),
  type: OrgTypeEnum,
  name: Text,
  code: Text.nullable(),
  isDissolved: z.boolean(),
  hasChildren: z.boolean(),
  memberCount: z.number().int(),
});
export type OrgSummary = z.infer<typeof OrgSummary>;

export const SetupWarning = z.object({
  code: z.enum(['too_few_full_members', 'too_many_members', 'committee_required', 'term_expiring', 'term_overdue', 'no_committee_term', 'no_secretary']),
  level: z.enum(['warning', 'error']),
  message: Text,
  source: Text,
});
export type SetupWarning = z.infer<typeof SetupWarning>;

export const OrgWarningList = z.object({
  items: z.array(z.object({ orgId: z.uuid(), orgName: Text, orgType: OrgTypeEnum, warning: SetupWarning })),
  total: z.number().int(),
  checkedOrgs: z.number().int(),
  byCode: z.record(Text, z.number().int()),
});
export type OrgWarningList = z.infer<typeof OrgWarningList>;

export const CommitteePostView = z.object({ id: z.uuid(), post: CommitteePostEnum, holderName: Text, personId: z.uuid().nullable(), approvedOn: Text.nullable() });
export const CommitteeView = z.object({
  id: z.uuid(),
  electedOn: Text,
  termYears: z.number().int(),
  termEndsOn: Text,
  posts: z.array(CommitteePostView),
});

export const OrgDetail = OrgSummary.extend({
  unitName: Text.nullable(),
  unitKind: UnitKindEnum,
  address: Text.nullable(),
  lng: z.number().nullable(),
  lat: z.number().nullable(),
  setupDate: Text.nullable(),
  dissolvedOn: Text.nullable(),
  dissolveReason: Text.nullable(),
  version: z.number().int(),
  ancestors: z.array(z.object({ id: z.uuid(), name: Text })),
  stats: z.object({ fullMembers: z.number().int(), probationaryMembers: z.number().int(), subtreeMembers: z.number().int() }),
  committee: CommitteeView.nullable(),
  warnings: z.array(SetupWarning),
  abilities: z.object({ update: z.boolean(), createChild: z.boolean(), move: z.boolean(), dissolve: z.boolean(), manageCommittee: z.boolean() }),
});
export type OrgDetail = z.infer<typeof OrgDetail>;

const optionalText = (max: number) => Text.trim().max(max, { message: `不能超过${max}个字` }).nullish();

export const CreateOrgBody = z.object({
  parentId: z.uuid({ message: '请选择上级组织' }),
  type: OrgTypeEnum,
  name: Text.trim().min(2, { message: '组织名称至少2个字' }).max(100, { message: '组织名称不能超过100个字' }),
  code: Text.trim().regex(/^[0-9A-Za-z]{1,32}$/, { message: '组织代码只能包含字母和数字，最长32位' }).nullish(),
  unitName: optionalText(100),
  unitKind: UnitKindEnum.default('other'),
  address: optionalText(200),
  lng: z.number().min(-180).max(180).nullish(),
  lat: z.number().min(-90).max(90).nullish(),
  setupDate: IsoDate.nullish(),
});
export type CreateOrgBody = z.infer<typeof CreateOrgBody>;

export const UpdateOrgBody = CreateOrgBody.omit({ parentId: true }).partial().extend({ version: z.number().int() });
export type UpdateOrgBody = z.infer<typeof UpdateOrgBody>;

export const MoveOrgBody = z.object({ newParentId: z.uuid({ message: '请选择新的上级组织' }), version: z.number().int() });
export const DissolveOrgBody = z.object({
  dissolvedOn: IsoDate,
  reason: Text.trim().min(2, { message: '请填写撤销原因' }).max(500),
  version: z.number().int(),
});

export const ElectCommitteeBody = z.object({
  electedOn: IsoDate,
  termYears: z.number().int().min(1).max(10).optional(),
  posts: z.array(z.object({
    post: CommitteePostEnum,
    holderName: Text.trim().min(1, { message: '请填写任职人姓名' }).max(50),
    personId: z.uuid().nullish(),
    approvedOn: IsoDate.nullish(),
  })).min(1, { message: '至少填写一名班子成员' }).max(9, { message: '支部委员会最多7人' }),
});

export const OrgList = z.object({ items: z.array(OrgSummary) });
export type OrgList = z.infer<typeof OrgList>;
