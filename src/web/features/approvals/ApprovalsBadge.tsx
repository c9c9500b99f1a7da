import { Badge } from 'antd';
import { useMyApprovals } from './api';

/** The number awaiting the caller's decision, beside 待我审批 in the menu (nothing while loading or at zero). */
export function ApprovalsBadge() {
  const q = useMyApprovals();
  const n = q.data?.total ?? 0;
  return <Badge count={n} overflowCount={99} size="small" offset={[6, -2]} aria-label={`待我审批 ${n} 项`} />;
}
