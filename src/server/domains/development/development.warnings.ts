import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import { addDays, daysBetween } from '../../platform/dates';
import { ruleInForce } from '../../platform/rules';
import { DEADLINE_KINDS, INFORMATIONAL_DEADLINES, OVERDUE_KINDS, type DeadlineKind } from '../../../contracts/development';
import type { DetectedWarning, WarningDetector } from '../warning';
import { citationFor } from './development.workbench';
import * as repo from './development.repo';

// Development deadlines (《发展党员工作细则》) as warnings: a deadline of an open
// file due within a week (yellow) or past (red). The "can be done from" dates
// (informational kinds) are reminders on the 工作台, not warnings.
const NEAR_DAYS = 7;
const EVERY_ROW = 1_000_000;

export const developmentWarningDetector: WarningDetector = {
  module: 'development',
  kinds: DEADLINE_KINDS,
  async detect(deps: Deps, today: string) {
    const [rows, rule] = await Promise.all([
      repo.deadlinesByKind(deps.db, unscoped('the warning scan reads every file; the list scopes its reads'), null, addDays(today, NEAR_DAYS), today, OVERDUE_KINDS, INFORMATIONAL_DEADLINES, EVERY_ROW),
      ruleInForce(deps.db, 'development', 'intervals', today),
    ]);
    const out: DetectedWarning[] = [];
    for (const r of rows) {
      const kind = r.kind as DeadlineKind;
      if (INFORMATIONAL_DEADLINES.includes(kind)) continue;
      const left = daysBetween(today, r.due);
      const overdue = left < 0;
      out.push({
        kind, subject: r.file_id, orgId: r.org_id, title: r.person_name, level: overdue ? 'error' : 'warning',
        detail: `${DEADLINE_KINDS[kind].replace(/（.*）$/, '')}${overdue ? `已逾期 ${-left} 天` : left === 0 ? '今天到期' : `${left} 天后到期`}（${r.due}）`,
        source: citationFor(rule.source, kind), link: `/admin/development/candidates/${r.file_id}`, dueOn: r.due,
        // the warning's fact: the day the deadline came within the week, or the day after it passed
        factOn: overdue ? addDays(r.due, 1) : addDays(r.due, -NEAR_DAYS),
      });
    }
    return out;
  },
};
