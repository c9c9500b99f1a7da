import { useEffect, useRef } from 'react';
import { Button, Result } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { useCheckIn } from '../kiosk/api';
import { MobileLoading } from './MobileStates';

// The check-in code on the centre's screen opens this page: the arrival is
// recorded at once (a place on the activity, the code fresh, the activity
// open for check-in), or the reason it is not.

export function MobileCheckInPage() {
  usePageTitle('活动签到');
  const [params] = useSearchParams();
  const checkIn = useCheckIn();
  const sent = useRef(false);
  const body = { activityId: params.get('a') ?? '', kioskId: params.get('k') ?? '', token: params.get('t') ?? '' };
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    checkIn.mutate(body);
    // once per page load: a scanned code is sent once
  }, []);
  if (checkIn.isPending || checkIn.isIdle) return <MobileLoading />;
  if (checkIn.isError) {
    return (
      <section className="m-card" data-testid="m-checkin-error">
        <Result status="warning" title="签到未成功" subTitle={errorMessage(checkIn.error)} extra={<Link to="/m/volunteer"><Button type="primary">查看我的志愿服务</Button></Link>} />
      </section>
    );
  }
  const r = checkIn.data;
  return (
    <section className="m-card" data-testid="m-checkin-done">
      <Result
        status="success"
        title={r.alreadyCheckedIn ? '您已签到过' : '签到成功'}
        subTitle={`${r.activityTitle}，${r.centreName}，到场时间 ${formatDateTime(r.arrivedAt)}。服务时长由组织者认定。`}
        extra={<Link to="/m/volunteer"><Button type="primary">查看我的志愿服务</Button></Link>}
      />
    </section>
  );
}
