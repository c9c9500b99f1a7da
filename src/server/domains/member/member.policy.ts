import { pinyin } from 'pinyin-pro';
import { parseIdNumber, ID_PROBLEM_MESSAGES, maskIdNumber, maskPhone } from '../../../contracts/idcard';
import { AppError } from '../../platform/errors';
import { fullYearsBetween, addYears } from '../../platform/dates';
import { MEMBER_EVENT_REASONS, type MemberEventReason, type MemberStatus } from '../../../contracts/dict';

/** Pinyin of a Chinese name for search: full syllables and initials, surname readings first. */
export function namePinyin(name: string): { full: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', v: true, nonZh: 'consecutive' }) as string[];
  const clean = syllables.map((s) => s.toLowerCase().replace(/[^a-z]/g, ''));
  return { full: clean.join(''), initials: clean.map((s) => s[0] ?? '').join('') };
}

export function validateIdNumber(raw: string, today: string) {
  const r = parseIdNumber(raw, today);
  if (!r.ok) throw new AppError('INVALID_ID_NUMBER', ID_PROBLEM_MESSAGES[r.problem], { field: 'idNumber', problem: r.problem });
  return r.info;
}

/** Party age (党龄) counts in whole years from the conversion date (RULES §1, step 25). */
export function partyAgeYears(status: MemberStatus, conversionDate: string | null, today: string): number | null {
  if (status !== 'full' && status !== 'left' && status !== 'suspended' && status !== 'deceased') return null;
  return fullYearsBetween(conversionDate, today);
}

export interface MemberDates {
  birthDate: string;
  joinDate: string;
  conversionDate: string | null;
  status: 'probationary' | 'full';
  sex: 'male' | 'female';
  idSex: 'male' | 'female';
}

/** Cross-field checks of a member record; each message says what to fix. */
export function checkMemberFacts(f: MemberDates, today: string): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (f.sex !== f.idSex) problems.push({ field: 'sex', message: '性别与身份证号不一致（身份证号第17位奇数为男、偶数为女）' });
  if (f.joinDate > today) problems.push({ field: 'joinDate', message: '入党日期不能晚于今天' });
  if (f.joinDate < addYears(f.birthDate, 18)) problems.push({ field: 'joinDate', message: '入党时须年满18岁，请核对入党日期和身份证号' });
  if (f.status === 'full' && !f.conversionDate) problems.push({ field: 'conversionDate', message: '正式党员须填写转正日期' });
  if (f.status === 'probationary' && f.conversionDate) problems.push({ field: 'conversionDate', message: '预备党员不应填写转正日期' });
  if (f.conversionDate && f.conversionDate < f.joinDate) problems.push({ field: 'conversionDate', message: '转正日期不能早于入党日期' });
  if (f.conversionDate && f.conversionDate > today) problems.push({ field: 'conversionDate', message: '转正日期不能晚于今天' });
  return problems;
}

export function masks(idNumber: string, phone: string | null | undefined) {
  return { idMasked: maskIdNumber(idNumber), phoneMasked: phone ? maskPhone(phone) : null, phoneTail: phone ? phone.slice(-4) : null };
}

/** The status a change event leads to, or an error if it does not apply. */
export function statusAfter(current: MemberStatus, reason: MemberEventReason): MemberStatus {
  if (current !== 'probationary' && current !== 'full') throw new AppError('MEMBER_NOT_CURRENT');
  switch (reason) {
    case 'converted':
      if (current !== 'probationary') throw new AppError('INVALID_STATUS_CHANGE', '只有预备党员可以转正');
      return 'full';
    case 'probation_cancelled':
      if (current !== 'probationary') throw new AppError('INVALID_STATUS_CHANGE', '只有预备党员可以取消预备党员资格');
      return 'left';
    case 'party_probation':
    case 'party_probation_ended':
      if (current !== 'full') throw new AppError('INVALID_STATUS_CHANGE', '留党察看只适用于正式党员');
      return current;
    case 'suspended':
      return 'suspended';
    case 'deceased':
      return 'deceased';
    default:
      if (MEMBER_EVENT_REASONS[reason].direction === 'decrease') return 'left';
      throw new AppError('INVALID_STATUS_CHANGE');
  }
}
