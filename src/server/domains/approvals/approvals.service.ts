import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import type { MyApprovals, MyApprovalsQuery } from '../../../contracts/approvals';
import { listPendingApprovals } from '../development';
import { listPendingReductions } from '../dues';
import { listPendingLostContactDecisions, listPendingTransferApprovals } from '../transfer';
import { listPendingAwardApprovals } from '../points';

// "待我审批": composes each domain's own scoped queue, no SQL of its own, so an
// item here is exactly one the caller may decide on that domain's page (and a
// decision takes it out in the deciding transaction).
export async function listMyApprovals(deps: Deps, ctx: ActorContext, query: MyApprovalsQuery): Promise<MyApprovals> {
  const [development, dues, transfers, lost, points] = await Promise.all([
    listPendingApprovals(deps, ctx, query.limit), listPendingReductions(deps, ctx, query.limit),
    listPendingTransferApprovals(deps, ctx, query.limit), listPendingLostContactDecisions(deps, ctx, query.limit),
    listPendingAwardApprovals(deps, ctx, query.limit),
  ]);
  const items = [...development.items, ...dues.items, ...transfers.items, ...lost.items, ...points.items]
    .sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, query.limit);
  return {
    items,
    counts: { development_step: development.total, dues_reduction: dues.total, transfer_letter: transfers.total, lost_contact_decision: lost.total, point_award: points.total },
    total: development.total + dues.total + transfers.total + lost.total + points.total,
  };
}
