import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope, personInScope } from '../../platform/scope';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import * as repo from './dues.repo';
import { arrears, ruleFor } from './dues.bills';
import { monthOf } from './dues.policy';

// The dues 工作台 section (RULES §2): members in arrears (3 months: 批评教育;
// 6: 组织处理), this month's unpaid bills, and current members without a dues
// base (not billed until one is set) — each scoped to the caller's dues.read.

const yuan = (fen: number) => `${(fen / 100).toFixed(2)} 元`;

export async function duesWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const actor = ctx.actor;
  const month = monthOf(deps.clock.today());
  const rule = await ruleFor(deps.db, month);
  const [unpaid, noBase, owing] = await Promise.all([
    repo.listBills(deps.db, { scope: orgInScope(actor, 'dues.read'), orgPath: under?.path, month, status: 'unpaid' }, WORKBENCH_GROUP_ITEMS, 0, 'org', 'asc'),
    repo.membersWithoutBase(deps.db, personInScope(actor, 'dues.read'), under?.path ?? null, month, WORKBENCH_GROUP_ITEMS),
    arrears(deps, ctx, { orgId: under?.id, minMonths: rule.body.arrearsWarnMonths }, month),
  ]);
  const action = owing.items.filter((a) => a.level === 'action');
  const warn = owing.items.filter((a) => a.level === 'warn');
  const arrearsItems = (list: typeof owing.items) => list.slice(0, WORKBENCH_GROUP_ITEMS).map((a) => ({
    title: a.name, orgName: a.orgName, date: a.since, level: a.level === 'action' ? ('error' as const) : ('warning' as const),
    detail: `自 ${a.since} 起连续 ${a.months} 个月未交，欠交 ${yuan(a.owedFen)}`,
    link: `/admin/dues/bills?status=unpaid&month=${a.since}&q=${encodeURIComponent(a.name)}`,
  }));
  const groups: WorkbenchGroup[] = [];
  if (action.length) {
    groups.push({ kind: 'arrears_action', label: `连续${rule.body.arrearsActionMonths}个月以上未交党费（须组织处理）`, level: 'error', count: action.length, source: rule.source, items: arrearsItems(action), link: '/admin/dues/summary' });
  }
  if (warn.length) {
    groups.push({ kind: 'arrears_warn', label: `连续${rule.body.arrearsWarnMonths}个月以上未交党费（批评教育）`, level: 'warning', count: warn.length, source: rule.source, items: arrearsItems(warn), link: '/admin/dues/summary' });
  }
  if (noBase.total) {
    groups.push({
      kind: 'no_base', label: '未设置党费基数（本月不生成账单）', level: 'warning', count: noBase.total, source: null, link: '/admin/dues/bases',
      items: noBase.rows.map((m) => ({ title: m.name, orgName: m.org_name, date: null, level: 'warning' as const, detail: '尚未设置交纳类别和基数', link: `/admin/dues/bases?personId=${m.person_id}&name=${encodeURIComponent(m.name)}` })),
    });
  }
  if (unpaid.total) {
    groups.push({
      kind: 'unpaid_month', label: `${month} 月党费未交`, level: 'info', count: unpaid.total, source: null, link: `/admin/dues/bills?status=unpaid&month=${month}`,
      items: unpaid.rows.map((b) => ({ title: b.name, orgName: b.org_name, date: b.month, level: 'info' as const, detail: `应交 ${yuan(b.due_fen)}`, link: `/admin/dues/bills?status=unpaid&month=${month}&q=${encodeURIComponent(b.name)}` })),
    });
  }
  return {
    link: '/admin/dues/bills',
    stats: [
      { label: '本月未交', value: unpaid.total, unit: '人', link: `/admin/dues/bills?status=unpaid&month=${month}` },
      { label: '本月未交金额', value: unpaid.dueFen / 100, unit: '元', link: null },
      { label: '未设基数', value: noBase.total, unit: '人', link: '/admin/dues/bases' },
      { label: `连续欠交${rule.body.arrearsWarnMonths}个月以上`, value: owing.items.length, unit: '人', link: '/admin/dues/summary' },
    ],
    groups,
    empty: `${month} 月党费已全部交纳，没有欠交和未设基数的党员。`,
  };
}

export function registerDuesWorkbench() {
  registerWorkbenchSource({ key: 'dues', title: '党费收缴', permission: 'dues.read', order: 20, load: duesWorkbench });
}
