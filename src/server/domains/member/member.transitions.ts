import type { Queryable } from '../../platform/db';
import type { FieldCipher } from '../../platform/crypto';
import { AppError, conflict } from '../../platform/errors';
import { addDays } from '../../platform/dates';
import { MEMBER_EVENT_REASONS, type PipelineStatus } from '../../../contracts/dict';
import type { RequestContext } from '../../platform/actor';
import { masks, namePinyin } from './member.policy';
import { disablePersonAccounts } from '../activation';
import * as repo from './member.repo';

// The transitions of a person's Party status, written once for every module
// that causes them (development now, transfers and discipline next): the person
// row, the formal relation (membership) and the member-change event that Party
// statistics read (RULES §6) change together, in the caller's transaction.

interface Change {
  personId: string;
  orgId: string;
  actorId: string | null;
}

/** What an application for membership says of the person (入党申请书), the ID number already validated. */
export interface ApplicantRecord {
  name: string;
  sex: 'male' | 'female';
  ethnicity: string;
  birthDate: string;
  /** the validated, normalised ID number */
  idNumber: string;
  phone?: string | null;
  education: string;
  occupation: string;
  unitName?: string | null;
  address?: string | null;
}

/**
 * A 入党申请人's person row. One identity spans the installation: the
 * branch's own earlier closed record (群众, 出党…) is reused and becomes an
 * applicant again; an earlier record elsewhere is never moved or overwritten
 * (issue 9, C1) — a new record in the applying branch points to it.
 */
export async function registerApplicant(
  t: Queryable,
  cipher: FieldCipher,
  org: { id: string; region_key: string | null },
  rec: ApplicantRecord,
  earlier: repo.EarlierRecordRow | null,
): Promise<string> {
  const py = namePinyin(rec.name);
  const m = masks(rec.idNumber, rec.phone ?? undefined);
  const phone = rec.phone ? { phoneEnc: cipher.encrypt(rec.phone), phoneHash: cipher.hash(rec.phone) } : null;
  if (earlier && earlier.org_id === org.id) {
    const ok = await repo.updatePerson(t, earlier.id, earlier.version, {
      name: rec.name, name_pinyin: py.full, name_initials: py.initials, sex: rec.sex, ethnicity: rec.ethnicity, education: rec.education, occupation: rec.occupation,
      unit_name: rec.unitName ?? null, address: rec.address ?? null, status: 'applicant', org_id: org.id, region_key: org.region_key,
      ...(phone ? { phone_enc: phone.phoneEnc, phone_hash: phone.phoneHash, phone_tail: m.phoneTail, phone_masked: m.phoneMasked } : {}),
    });
    if (!ok) throw conflict();
    return earlier.id;
  }
  return repo.insertPerson(t, {
    name: rec.name, namePinyin: py.full, nameInitials: py.initials, sex: rec.sex, ethnicity: rec.ethnicity, birthDate: rec.birthDate,
    idEnc: cipher.encrypt(rec.idNumber), idHash: cipher.hash(rec.idNumber), idMasked: m.idMasked,
    phoneEnc: phone?.phoneEnc ?? null, phoneHash: phone?.phoneHash ?? null, phoneTail: m.phoneTail, phoneMasked: m.phoneMasked,
    incomeEnc: null, education: rec.education, occupation: rec.occupation, unitName: rec.unitName ?? null, address: rec.address ?? null,
    joinDate: null, conversionDate: null, status: 'applicant', orgId: org.id, regionKey: org.region_key, previousPersonId: earlier?.id ?? null,
  });
}

/** 入党申请人 → 入党积极分子 → 发展对象, or back to 群众 when the file closes without admission. */
export async function setPipelineStatus(t: Queryable, personId: string, status: PipelineStatus): Promise<void> {
  await repo.setPersonStatus(t, personId, status);
}

/** 新发展: a 预备党员 of the branch from the 支部大会 resolution; the formal relation opens on the superior's approval. */
export async function admitMember(t: Queryable, c: Change & { resolutionDate: string; approvalDate: string }): Promise<void> {
  await repo.markPersonAdmitted(t, c.personId, c.orgId, c.resolutionDate);
  await repo.openMembership(t, c.personId, c.orgId, c.approvalDate);
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS.recruited.direction, reason: 'recruited', eventDate: c.approvalDate,
    fromStatus: 'candidate', toStatus: 'probationary', note: `支部大会 ${c.resolutionDate} 通过，上级党委 ${c.approvalDate} 批准`, actorId: c.actorId,
  });
}

/** 转正 on the day the probation ends (党龄 counts from it). */
export async function convertMember(t: Queryable, c: Change & { conversionDate: string; approvalDate: string }): Promise<void> {
  await repo.markPersonConverted(t, c.personId, c.conversionDate);
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS.converted.direction, reason: 'converted', eventDate: c.conversionDate,
    fromStatus: 'probationary', toStatus: 'full', note: `按期转正，上级党委 ${c.approvalDate} 批准`, actorId: c.actorId,
  });
}

/** 延长预备期 by the approved number of months (the person stays 预备党员). */
export async function extendProbation(t: Queryable, c: Change & { approvalDate: string; months: number | null }): Promise<void> {
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS.probation_extended.direction, reason: 'probation_extended', eventDate: c.approvalDate,
    fromStatus: 'probationary', toStatus: 'probationary', note: `延长预备期${c.months}个月`, actorId: c.actorId,
  });
}

/** 取消预备党员资格: the person leaves; the formal relation ends on the approval date. */
export async function cancelProbation(t: Queryable, c: Change & { approvalDate: string }, ctx: RequestContext): Promise<void> {
  await repo.markPersonLeft(t, c.personId);
  await repo.closeMembership(t, c.personId, c.approvalDate);
  await disablePersonAccounts(t, ctx, c.personId, 'probation_cancelled');
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS.probation_cancelled.direction, reason: 'probation_cancelled', eventDate: c.approvalDate,
    fromStatus: 'probationary', toStatus: 'left', note: null, actorId: c.actorId,
  });
}

/**
 * 组织关系转接 accepted inside the installation: the relation in the sending
 * branch ends the day before the new one starts (at every moment one branch),
 * the person row follows (the rollup triggers move both ancestor chains), and
 * the 转出 / 转入 events are written — all in the caller's transaction.
 */
export async function transferMember(t: Queryable, c: Change & { toOrg: { id: string; region_key: string | null }; acceptedOn: string; status: string; note: string }): Promise<void> {
  const rel = await repo.lockOpenMembership(t, c.personId);
  if (!rel || rel.org_id !== c.orgId) throw new AppError('MEMBER_NOT_CURRENT', '该党员的组织关系已不在转出支部，不能接收');
  const lastDay = addDays(c.acceptedOn, -1);
  if (lastDay < rel.valid_from) throw new AppError('TRANSFER_RULE', `接收日期应晚于党员在原支部的起始日期（${rel.valid_from}）`);
  await repo.endMembership(t, rel.id, lastDay);
  await repo.openMembership(t, c.personId, c.toOrg.id, c.acceptedOn);
  await repo.movePersonToOrg(t, c.personId, c.toOrg);
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS.transfer_out.direction, reason: 'transfer_out', eventDate: c.acceptedOn,
    fromStatus: c.status, toStatus: c.status, note: c.note, actorId: c.actorId,
  });
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.toOrg.id, direction: MEMBER_EVENT_REASONS.transfer_in.direction, reason: 'transfer_in', eventDate: c.acceptedOn,
    fromStatus: c.status, toStatus: c.status, note: c.note, actorId: c.actorId,
  });
}

/**
 * 转出本系统: the receipt (回执) came back from an organisation outside the
 * installation; the relation here ends on the day before the receiving side
 * took the member in, and the person leaves the roll (accounts disabled).
 */
export async function transferOutOfInstallation(t: Queryable, c: Change & { receivedOn: string; status: string; note: string }, ctx: RequestContext): Promise<void> {
  const rel = await repo.lockOpenMembership(t, c.personId);
  if (!rel || rel.org_id !== c.orgId) throw new AppError('MEMBER_NOT_CURRENT', '该党员的组织关系已不在转出支部');
  await repo.endMembership(t, rel.id, maxDate(rel.valid_from, addDays(c.receivedOn, -1)));
  await repo.markPersonLeft(t, c.personId);
  await disablePersonAccounts(t, ctx, c.personId, 'transfer_out');
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS.transfer_out.direction, reason: 'transfer_out', eventDate: c.receivedOn,
    fromStatus: c.status, toStatus: 'left', note: c.note, actorId: c.actorId,
  });
}

const maxDate = (a: string, b: string) => (a > b ? a : b);

/**
 * 停止党籍 or 除名 (自行脱党) decided on a member out of contact (transfer
 * domain, approved by the superior committee): the person leaves the roll on
 * the resolution's day, their relation ends then, their accounts are disabled.
 */
export async function leaveRoll(t: Queryable, ctx: RequestContext, c: Change & { reason: 'suspended' | 'lapsed'; eventDate: string; note: string }): Promise<void> {
  const from = await repo.lockCurrentStatus(t, c.personId);
  if (!from) throw new AppError('MEMBER_NOT_CURRENT');
  const to = c.reason === 'suspended' ? 'suspended' : 'left';
  await repo.setPersonStatus(t, c.personId, to);
  await repo.closeMembership(t, c.personId, c.eventDate);
  await disablePersonAccounts(t, ctx, c.personId, c.reason);
  await repo.insertEvent(t, {
    personId: c.personId, orgId: c.orgId, direction: MEMBER_EVENT_REASONS[c.reason].direction, reason: c.reason, eventDate: c.eventDate,
    fromStatus: from, toStatus: to, note: c.note, actorId: c.actorId,
  });
}
