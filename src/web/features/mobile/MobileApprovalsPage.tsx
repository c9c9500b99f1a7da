import { Link } from 'react-router';
import { APPROVAL_KINDS } from '../../../contracts/approvals';
import { usePageTitle } from '../../shared/use-title';
import { useMyApprovals } from '../approvals/api';
import { MobileError, MobileLoading } from './MobileStates';
import './approvals.css';

/**
 * 待我审批 on the phone: the list of what awaits the caller, the oldest first.
 * Deciding happens on the console page each item links to.
 */
export function MobileApprovalsPage() {
  usePageTitle('待我审批');
  const q = useMyApprovals();
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => q.refetch()} title="待审批事项加载失败" />;
  const { items, counts, total } = q.data;
  return (
    <>
      <section className="m-card" aria-labelledby="m-approvals">
        <h2 id="m-approvals">待我审批（{total}）</h2>
        <div className="m-approval-counts">
          <span>{APPROVAL_KINDS.development_step} {counts.development_step}</span>
          <span>{APPROVAL_KINDS.dues_reduction} {counts.dues_reduction}</span>
          {counts.transfer_letter > 0 && <span>{APPROVAL_KINDS.transfer_letter} {counts.transfer_letter}</span>}
          {counts.lost_contact_decision > 0 && <span>{APPROVAL_KINDS.lost_contact_decision} {counts.lost_contact_decision}</span>}
          {counts.point_award > 0 && <span>{APPROVAL_KINDS.point_award} {counts.point_award}</span>}
        </div>
        {items.length === 0 ? (
          <p className="m-approval-empty">暂无待审批事项</p>
        ) : (
          <ul className="m-approval-list">
            {items.map((i) => (
              <li key={i.key}>
                <Link to={i.link} className="m-approval-item">
                  <span className="m-approval-title">
                    <strong>{i.personName}</strong> {i.asked}
                  </span>
                  <span className="m-approval-meta">
                    {i.orgName} · 等待自 {i.since}
                    {i.due && <span className={i.overdue ? 'm-approval-overdue' : undefined}>{i.overdue ? ` · 已逾期（${i.due}）` : ` · 期限 ${i.due}`}</span>}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      {items.length > 0 && <p className="m-approval-note">点击事项在管理端办理审批。</p>}
    </>
  );
}
