import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import { listTransfers, ruleFor } from './transfer.service';
import { listLostContactMembers, listMobileMembers, mobilityRule } from './transfer.mobile';

// The 组织关系转接 工作台 section (RULES §4): incoming letters to accept (those
// about to run out first), letters out of the installation whose receipt is
// late, mobile members whose certificate or yearly report needs attention, and
// members out of contact — each scoped like its own list page.

const MOBILE_FLAG_LABELS = { expired: '活动证已过期', report_overdue: '逾期未向原党组织报告', should_transfer: '外出超过6个月，应转移组织关系' } as const;

export async function transferWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const today = deps.clock.today();
  const page = { page: 1, pageSize: 100 };
  const [rule, mobility, incoming, outgoing, mobile, lost] = await Promise.all([
    ruleFor(deps.db, today),
    mobilityRule(deps, today),
    listTransfers(deps, ctx, { direction: 'incoming', status: 'issued', orgId: under?.id, ...page }),
    listTransfers(deps, ctx, { direction: 'outgoing', status: 'issued', orgId: under?.id, ...page }),
    listMobileMembers(deps, ctx, { direction: 'outgoing', status: 'open', orgId: under?.id, ...page }),
    listLostContactMembers(deps, ctx, { orgId: under?.id, page: 1, pageSize: WORKBENCH_GROUP_ITEMS }),
  ]);
  const groups: WorkbenchGroup[] = [];
  const toAccept = [...incoming.items].sort((a, b) => ((a.validUntil ?? '') < (b.validUntil ?? '') ? -1 : 1));
  if (incoming.total) {
    groups.push({
      kind: 'incoming_letters', label: '转入介绍信待接收', level: toAccept.some((t) => t.expiringSoon) ? 'warning' : 'info', count: incoming.total, source: rule.source,
      link: '/admin/transfers?view=incoming',
      items: toAccept.slice(0, WORKBENCH_GROUP_ITEMS).map((t) => ({
        title: t.personName, orgName: t.toOrgName, date: t.validUntil, level: t.expiringSoon ? ('warning' as const) : ('info' as const),
        detail: `${t.fromOrgName}开具，有效期至${t.validUntil}${t.expiringSoon ? '，即将到期' : ''}`, link: `/admin/transfers/${t.id}`,
      })),
    });
  }
  const late = outgoing.items.filter((t) => t.receiptOverdue);
  if (late.length) {
    groups.push({
      kind: 'receipt_overdue', label: '转出本系统的介绍信回执逾期', level: 'warning', count: late.length, source: rule.source, link: '/admin/transfers?view=outgoing',
      items: late.slice(0, WORKBENCH_GROUP_ITEMS).map((t) => ({ title: t.personName, orgName: t.fromOrgName, date: t.validUntil, level: 'warning' as const, detail: `转往${t.toOrgName}，回执未寄回`, link: `/admin/transfers/${t.id}` })),
    });
  }
  const flagged = mobile.items.filter((m) => m.flags.length);
  if (flagged.length) {
    groups.push({
      kind: 'mobile_attention', label: '流动党员需办理', level: 'warning', count: flagged.length, source: mobility.source, link: '/admin/transfers/mobile',
      items: flagged.slice(0, WORKBENCH_GROUP_ITEMS).map((m) => ({ title: m.personName, orgName: m.orgName, date: m.validUntil, level: 'warning' as const, detail: m.flags.map((f) => MOBILE_FLAG_LABELS[f]).join('；'), link: '/admin/transfers/mobile' })),
    });
  }
  if (lost.total) {
    groups.push({
      kind: 'lost_contact', label: '失联或可能自行脱党的党员（须核实，不自动处理）', level: 'warning', count: lost.total, source: null, link: '/admin/transfers/lost-contact',
      items: lost.items.map((m) => ({
        title: m.name, orgName: m.orgName, date: m.lastContactOn, level: 'warning' as const,
        detail: [m.lostContact ? `最后联系 ${m.lastContactOn ?? '无记录'}` : null, m.lapseCandidate ? `连续 ${m.unpaidMonths} 个月未交党费` : null].filter(Boolean).join('；'),
        link: '/admin/transfers/lost-contact',
      })),
    });
  }
  return {
    link: '/admin/transfers',
    stats: [
      { label: '转入待接收', value: incoming.total, unit: '份', link: '/admin/transfers?view=incoming' },
      { label: '转出办理中', value: outgoing.total, unit: '份', link: '/admin/transfers?view=outgoing' },
      { label: '流动党员', value: mobile.total, unit: '人', link: '/admin/transfers/mobile' },
      { label: '失联党员', value: lost.total, unit: '人', link: '/admin/transfers/lost-contact' },
    ],
    groups,
    empty: '没有待接收的介绍信、需办理的流动党员或失联党员。',
  };
}

export function registerTransferWorkbench() {
  registerWorkbenchSource({ key: 'transfer', title: '组织关系转接', permission: 'transfer.read', order: 25, load: transferWorkbench });
}
