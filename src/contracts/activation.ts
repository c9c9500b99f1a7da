import { z } from 'zod';
import { Text } from './common';
import { PHONE_PATTERN } from './idcard';

// Members activate their own phone login (issue 11): verify who they are
// against the member record (name, ID number, phone), then set a password.

const idNumberField = Text.trim().toUpperCase().regex(/^\d{17}[\dX]$/, { message: '身份证号应为18位（最后一位可以是X）' });
const phoneField = Text.trim().regex(PHONE_PATTERN, { message: '手机号码应为11位数字，以1开头' });
const codeField = Text.trim().regex(/^\d{6}$/, { message: '验证码为6位数字' });

/** The answer to every activation request, whoever asks: it never says whether the person is a member. */
export const ACTIVATION_REQUEST_MESSAGE = '如信息与党员档案一致，验证码已发送到该手机号，10分钟内有效';

export const RequestActivationBody = z.object({
  name: Text.trim().min(1, { message: '请填写姓名' }).max(30, { message: '姓名不能超过30个字' }),
  idNumber: idNumberField,
  phone: phoneField,
});
export type RequestActivationBody = z.infer<typeof RequestActivationBody>;

export const ActivationRequestAnswer = z.object({
  message: Text,
  /** demo mode only: the code, shown on screen instead of sent by SMS; always null in production */
  demoCode: Text.nullable(),
});
export type ActivationRequestAnswer = z.infer<typeof ActivationRequestAnswer>;

export const ActivateAccountBody = z.object({
  idNumber: idNumberField,
  phone: phoneField,
  code: codeField,
  password: Text.min(1, { message: '请设置密码' }).max(256),
});
export type ActivateAccountBody = z.infer<typeof ActivateAccountBody>;

/** The account activated: its username is the phone number (docs/DECISIONS.md). */
export const ActivationResult = z.object({ ok: z.literal(true), username: Text });
export type ActivationResult = z.infer<typeof ActivationResult>;

/** The security administrator links an account to a member found by name and ID number. */
export const LinkAccountPersonBody = z.object({
  name: Text.trim().min(1, { message: '请填写党员姓名' }).max(30),
  idNumber: idNumberField,
});
export type LinkAccountPersonBody = z.infer<typeof LinkAccountPersonBody>;

export const LinkedPersonView = z.object({ personId: z.uuid(), name: Text, orgName: Text.nullable() });
export type LinkedPersonView = z.infer<typeof LinkedPersonView>;
