import { Badge } from 'antd';
import { useWarningCounts } from './api';

/** The open warnings in the caller's scope, beside 预警中心 in the menu (nothing while loading or at zero). */
export function WarningsBadge() {
  const q = useWarningCounts();
  const n = q.data?.counts.open ?? 0;
  return <Badge count={n} overflowCount={99} size="small" offset={[6, -2]} aria-label={`待处理预警 ${n} 条`} />;
}
