import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { orgInScope } from '../../platform/scope';
import { addDays, daysBetween } from '../../platform/dates';
import { ruleInForce } from '../../platform/rules';
import { DEADLINE_KINDS, INFORMATIONAL_DEADLINES, OVERDUE_KINDS, type DeadlineKind } from '../../../contracts/development';
import { WORKBENCH_GROUP_ITEMS, type WorkbenchGroup } from '../../../contracts/workbench';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import * as repo from './development.repo';

// The development pipeline's 工作台 section: deadlines of open files due
// within the next 30 days and overdue ones, one group per kind of deadline.

const WINDOW_DAYS = 30;

/** Words that find a kind's clause in the rule version's citation (clauses split by '；'). */
const CLAUSE_HINTS: Partial<Record<DeadlineKind, string>> = {
  talk: '谈话', assessment: '考察一次', candidate_eligible: '发展对象', public_notice_end: '公示',
  approval: '上级党委审批', probation_end: '预备期为', conversion_approval: '转正审批',
};

/**
 * The part of the rule's citation a kind rests on: the document and the
 * clause naming it, read from the rule version in force (the whole citation
 * when no clause names it).
 */
export function citationFor(source: string, kind: DeadlineKind): string {
  const hint = CLAUSE_HINTS[kind];
  const at = source.indexOf('：');
  if (!hint || at < 0) return source;
  const clause = source.slice(at + 1).split('；').find((c) => c.includes(hint));
  return clause ? `${source.slice(0, at)}：${clause.replace(/。$/, '')}` : source;
}

export async function developmentWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const today = deps.clock.today();
  const [rows, rule] = await Promise.all([
    repo.deadlinesByKind(deps.db, orgInScope(ctx.actor, 'development.read'), under?.path ?? null, addDays(today, WINDOW_DAYS), today, OVERDUE_KINDS, INFORMATIONAL_DEADLINES, WORKBENCH_GROUP_ITEMS),
    ruleInForce(deps.db, 'development', 'intervals', today, under?.path), // a subtree's own version when narrowed to it
  ]);
  const groups = new Map<string, WorkbenchGroup & { overdue: number; first: string }>();
  for (const r of rows) {
    const kind = r.kind as DeadlineKind;
    const informational = INFORMATIONAL_DEADLINES.includes(kind);
    const overdue = !informational && r.due < today;
    let g = groups.get(kind);
    if (!g) {
      g = {
        kind, label: DEADLINE_KINDS[kind], level: r.overdue_n > 0 ? 'error' : informational ? 'info' : 'warning', count: r.n, source: citationFor(rule.source, kind), items: [],
        link: '/admin/development/candidates', overdue: r.overdue_n, first: r.due,
      };
      groups.set(kind, g);
    }
    const left = daysBetween(today, r.due);
    g.items.push({
      title: r.person_name, orgName: r.org_name, date: r.due, link: `/admin/development/candidates/${r.file_id}`,
      level: overdue ? 'error' : informational ? 'info' : left <= 7 ? 'warning' : 'info',
      detail: overdue ? `已逾期 ${-left} 天` : informational ? (left <= 0 ? '已可办理' : `${left} 天后可办理`) : left === 0 ? '今天到期' : `${left} 天后到期`,
    });
  }
  // overdue kinds first, then by the earliest due date
  const list = [...groups.values()].sort((a, b) => (b.overdue > 0 ? 1 : 0) - (a.overdue > 0 ? 1 : 0) || a.first.localeCompare(b.first));
  const total = list.reduce((s, g) => s + g.count, 0);
  const overdue = list.reduce((s, g) => s + g.overdue, 0);
  return {
    link: '/admin/development/candidates',
    stats: [
      { label: `近${WINDOW_DAYS}天到期及已逾期`, value: total, unit: '项', link: null },
      { label: '已逾期', value: overdue, unit: '项', link: null },
    ],
    groups: list.map(({ overdue: _o, first: _f, ...g }) => g),
    empty: `近${WINDOW_DAYS}天没有到期事项`,
  };
}

export function registerDevelopmentWorkbench() {
  registerWorkbenchSource({ key: 'development', title: '发展党员待办', permission: 'development.read', order: 10, load: developmentWorkbench });
}
