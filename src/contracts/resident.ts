import { z } from 'zod';
import { PageQuery, Text, pageOf } from './common';
import { PHONE_PATTERN } from './idcard';

// Residents (群众, issue 17): register by phone with a one-time code, keep a
// profile (community, grid, address); they see no Party data.

const phoneField = Text.trim().regex(PHONE_PATTERN, { message: '手机号码应为11位数字，以1开头' });
const codeField = Text.trim().regex(/^\d{6}$/, { message: '验证码为6位数字' });
const nameField = Text.trim().min(1, { message: '请填写姓名' }).max(30, { message: '姓名不能超过30个字' });
const addressField = Text.trim().min(1, { message: '请填写居住地址' }).max(120, { message: '地址不能超过120个字' });
const communityField = z.uuid({ message: '请选择所在村（社区）' });
const gridField = z.uuid({ message: '网格编号格式不正确' }).nullish();

/** The answer to every code request: it does not say whether the number is registered. */
export const RESIDENT_CODE_MESSAGE = '验证码已发送到该手机号，10分钟内有效';

export const ResidentCodeBody = z.object({ phone: phoneField });
export type ResidentCodeBody = z.infer<typeof ResidentCodeBody>;

export const ResidentCodeAnswer = z.object({
  message: Text,
  /** demo mode only: the code, shown on screen instead of sent by SMS; always null in production */
  demoCode: Text.nullable(),
});
export type ResidentCodeAnswer = z.infer<typeof ResidentCodeAnswer>;

export const RegisterResidentBody = z.object({
  phone: phoneField,
  code: codeField,
  password: Text.min(1, { message: '请设置密码' }).max(256),
  name: nameField,
  communityId: communityField,
  gridId: gridField,
  address: addressField,
});
export type RegisterResidentBody = z.infer<typeof RegisterResidentBody>;

/** Registered and signed in: the username is the phone number. */
export const RegisterResidentResult = z.object({ ok: z.literal(true), username: Text });
export type RegisterResidentResult = z.infer<typeof RegisterResidentResult>;

/** The communities a resident may choose (public: the names of 村 and 社区 and their grids). */
export const CommunityQuery = z.object({ q: Text.pipe(z.string().trim().max(30)).optional() });
export type CommunityQuery = z.infer<typeof CommunityQuery>;
export const CommunityOption = z.object({
  id: z.uuid(),
  name: Text,
  /** the unit (村委会/居委会) the organisation sits in, as residents know it */
  unitName: Text,
  grids: z.array(z.object({ id: z.uuid(), name: Text })),
});
export type CommunityOption = z.infer<typeof CommunityOption>;
export const CommunityList = z.object({ items: z.array(CommunityOption) });
export type CommunityList = z.infer<typeof CommunityList>;

export const ResidentProfile = z.object({
  id: z.uuid(),
  name: Text,
  phoneMasked: Text,
  communityId: z.uuid(),
  communityName: Text,
  gridId: z.uuid().nullable(),
  gridName: Text.nullable(),
  address: Text,
  registeredAt: Text,
  version: z.number().int(),
});
export type ResidentProfile = z.infer<typeof ResidentProfile>;

export const UpdateResidentBody = z.object({
  name: nameField,
  communityId: communityField,
  gridId: gridField,
  address: addressField,
  version: z.number().int().min(1),
});
export type UpdateResidentBody = z.infer<typeof UpdateResidentBody>;

export const ListResidentsQuery = PageQuery.extend({
  orgId: z.uuid({ message: '编号格式不正确' }).optional(),
  gridId: z.uuid({ message: '编号格式不正确' }).optional(),
  q: Text.pipe(z.string().trim().max(30)).optional(),
});
export type ListResidentsQuery = z.infer<typeof ListResidentsQuery>;

export const ResidentView = z.object({
  id: z.uuid(),
  name: Text,
  phoneMasked: Text,
  communityId: z.uuid(),
  communityName: Text,
  gridName: Text.nullable(),
  address: Text,
  registeredAt: Text,
});
export type ResidentView = z.infer<typeof ResidentView>;
export const ResidentPage = pageOf(ResidentView);
export type ResidentPage = z.infer<typeof ResidentPage>;
