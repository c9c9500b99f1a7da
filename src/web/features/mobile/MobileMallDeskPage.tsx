import { usePageTitle } from '../../shared/use-title';
import { FulfilCard } from '../mall/FulfilCard';
import './mall.css';

// 领取核销 on the phone: a supplier's secretary at the service station takes
// the member's code away from the desk (the full list of redemptions stays in
// the console's 积分商城 → 兑换记录).

export function MobileMallDeskPage() {
  usePageTitle('领取核销');
  return (
    <div data-testid="m-mall-desk">
      <FulfilCard compact />
    </div>
  );
}
