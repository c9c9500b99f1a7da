import type { Deps } from '../../deps';
import { addDays } from '../../platform/dates';
import { unscoped } from '../../platform/scope';
import type { DetectedWarning, WarningDetector } from '../warning';
import { ruleFor } from './transfer.service';
import * as repo from './transfer.repo';

// Relation transfers (RULES §4) as warnings: an issued letter the receiving
// branch has not accepted and that runs out within the rule's reminder days
// (on the receiving branch), and a letter out of the installation whose 回执
// is late (on the sending branch). Accepted, returned or expired: cleared.
const EVERY_ROW = 1_000_000;

export const transferWarningDetector: WarningDetector = {
  module: 'transfer',
  kinds: { letter_expiring: '介绍信即将过期未接收', receipt_overdue: '介绍信回执逾期' },
  async detect(deps: Deps, today: string) {
    const rule = await ruleFor(deps.db, today);
    const remind = rule.body.remindDaysBeforeExpiry;
    const rows = await repo.listTransfers(deps.db, { visible: unscoped('the warning scan reads every letter; the list scopes its reads'), statuses: ['issued'] }, EVERY_ROW, 0);
    const out: DetectedWarning[] = [];
    for (const r of rows) {
      if (r.kind !== 'outgoing' && r.to_org_id && r.valid_until && r.valid_until <= addDays(today, remind)) {
        out.push({
          kind: 'letter_expiring', subject: r.id, orgId: r.to_org_id, title: r.person_name, level: r.valid_until <= today ? 'error' : 'warning',
          detail: `${r.from_org_name}开具的介绍信有效期至 ${r.valid_until}，尚未接收`, source: rule.source, link: `/admin/transfers/${r.id}`,
          dueOn: r.valid_until, factOn: addDays(r.valid_until, -remind),
        });
      }
      if (r.kind === 'outgoing' && r.from_org_id && r.receipt_due && r.receipt_due < today) {
        out.push({
          kind: 'receipt_overdue', subject: r.id, orgId: r.from_org_id, title: r.person_name, level: 'warning',
          detail: `转往${r.to_org_name}的介绍信回执应于 ${r.receipt_due} 前寄回，尚未收到`, source: rule.source, link: `/admin/transfers/${r.id}`,
          dueOn: r.receipt_due, factOn: addDays(r.receipt_due, 1),
        });
      }
    }
    return out;
  },
};
