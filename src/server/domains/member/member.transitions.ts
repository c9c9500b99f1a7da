import type { Queryable } from '../../platform/db';
import { MEMBER_EVENT_REASONS, type PipelineStatus } from '../../../contracts/dict';
import type { RequestContext } from '../../platform/actor';
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
