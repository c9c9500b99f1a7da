import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope } from '../../platform/scope';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { POINT_ITEMS } from '../../../contracts/points';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import * as repo from './points.repo';
import * as assessment from './assessment.repo';

// The 党员积分 工作台 section: large awards and deductions waiting for a
// second approver (not the caller's own), branches whose members earn
// nothing because no 积分细则 has passed their 支部党员大会 yet, and branches
// that have not yet agreed to the superior's assessment scheme of the year.

const RULE_ORG_TYPES = ['branch', 'joint_branch', 'general_branch'];

export async function pointsWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const groups: WorkbenchGroup[] = [];
  const pending = (await repo.pendingForWorkbench(deps.db, orgInScope(ctx.actor, 'points.approve'), under?.path ?? null, WORKBENCH_GROUP_ITEMS));
  if (pending.length) {
    groups.push({
      kind: 'award_requests', label: '大额积分奖惩待复核', level: 'info', count: pending[0].total, source: null, link: '/admin/points/requests',
      items: pending.map((r) => ({
        title: `${r.person_name} ${r.item === 'manual.deduction' ? '−' : '+'}${r.points}分`, detail: `${POINT_ITEMS[r.item as keyof typeof POINT_ITEMS] ?? r.item}：${r.reason}${r.requested_by === ctx.actor.accountId ? '（本人登记，须他人复核）' : ''}`,
        orgName: r.org_name, date: null, level: 'info' as const, link: '/admin/points/requests',
      })),
    });
  }
  const missing = await repo.branchesWithoutRules(deps.db, orgInScope(ctx.actor, 'points.read'), under?.path ?? null, deps.clock.today(), RULE_ORG_TYPES, WORKBENCH_GROUP_ITEMS);
  if (missing.length) {
    groups.push({
      kind: 'rules_missing', label: '尚无生效的积分细则（党员暂不计积分）', level: 'warning', count: missing[0].total, source: '积分细则经支部党员大会表决通过后生效', link: '/admin/points/rules',
      items: missing.map((b) => ({ title: b.name, detail: b.waiting ? '草案待支部党员大会表决' : '尚未起草', orgName: null, date: null, level: 'warning' as const, link: `/admin/points/rules?orgId=${b.id}` })),
    });
  }
  const year = Number(deps.clock.today().slice(0, 4));
  const awaiting = await assessment.awaitingAgreement(deps.db, orgInScope(ctx.actor, 'points.manage'), under?.path ?? null, year, RULE_ORG_TYPES, WORKBENCH_GROUP_ITEMS);
  if (awaiting.length) {
    groups.push({
      kind: 'assessment_agreement', label: `${year}年度上级考核细则待支部党员大会表决同意`, level: 'info', count: awaiting[0].total, source: '上级考核细则经支部同意后方可评分', link: '/admin/points/index',
      items: awaiting.map((b) => ({ title: b.name, detail: `${b.scheme_org}发布的考核细则`, orgName: null, date: null, level: 'info' as const, link: `/admin/points/index?orgId=${b.id}` })),
    });
  }
  return {
    link: '/admin/points',
    stats: [{ label: '待复核', value: pending[0]?.total ?? 0, unit: '笔', link: '/admin/points/requests' }, { label: '无细则支部', value: missing[0]?.total ?? 0, unit: '个', link: '/admin/points/rules' }],
    groups,
    empty: '积分工作无待办事项。',
  };
}

export function registerPointsWorkbench() {
  registerWorkbenchSource({ key: 'points', title: '党员积分', permission: 'points.read', order: 50, load: pointsWorkbench });
}
