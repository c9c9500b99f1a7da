import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope } from '../../platform/scope';
import type { SetupWarning } from '../../../contracts/org';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import { setupWarningsIn } from './org.service';

// The setup checks' 工作台 section (RULES §3): one group per kind of
// warning (换届 overdue or due, too few full members, a committee required…)
// over every open org in scope, with the rule's citation once per group.

export const SETUP_LABELS: Record<SetupWarning['code'], string> = {
  term_overdue: '超期未换届',
  too_few_full_members: '正式党员人数不足',
  term_expiring: '任期即将届满',
  no_secretary: '书记空缺',
  committee_required: '应设立支部委员会',
  too_many_members: '党员人数过多',
  no_committee_term: '未登记班子及任期',
};
const ORDER = Object.keys(SETUP_LABELS) as Array<SetupWarning['code']>;

export async function setupWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const { all, checkedOrgs } = await setupWarningsIn(deps, orgInScope(ctx.actor, 'org.read'), under?.path ?? null);
  const groups = new Map<string, WorkbenchGroup>();
  for (const w of all) {
    let g = groups.get(w.warning.code);
    if (!g) {
      g = { kind: w.warning.code, label: SETUP_LABELS[w.warning.code], level: w.warning.level, count: 0, source: w.warning.source, items: [], link: '/admin/orgs' };
      groups.set(w.warning.code, g);
    }
    g.count++;
    // a subtree under a local rule version may cite another source: the group shows the first
    if (g.items.length < WORKBENCH_GROUP_ITEMS) g.items.push({ title: w.orgName, detail: w.warning.message, orgName: null, date: null, link: `/admin/orgs?id=${w.orgId}`, level: w.warning.level });
  }
  const list = [...groups.values()].sort((a, b) => (a.level === b.level ? 0 : a.level === 'error' ? -1 : 1) || ORDER.indexOf(a.kind as SetupWarning['code']) - ORDER.indexOf(b.kind as SetupWarning['code']));
  return {
    link: '/admin/orgs',
    stats: [
      { label: '已检查组织', value: checkedOrgs, unit: '个', link: null },
      { label: '发现问题', value: all.length, unit: '项', link: null },
    ],
    groups: list,
    empty: `已检查管理范围内 ${checkedOrgs} 个组织，未发现设置问题。`,
  };
}

export function registerOrgWorkbench() {
  registerWorkbenchSource({ key: 'setup', title: '组织设置检查', permission: 'org.read', order: 30, load: setupWorkbench });
}
