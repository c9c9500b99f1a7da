import { useEffect, useState } from 'react';
import { Alert, Button, Spin } from 'antd';
import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, errorMessage } from '../../shared/api';
import { formatYuan } from '../../shared/format';
import { usePageTitle } from '../../shared/use-title';
import { useDuesOrder, useSimulatePay } from './api';
import { isPayState, monthLabel } from './dues-shared';
import './dues.css';

/** After this many status checks without a result the page stops polling and says so. */
const MAX_POLLS = 40;

function BackToDues({ primary = false }: { primary?: boolean }) {
  const navigate = useNavigate();
  return (
    <Button type={primary ? 'primary' : 'default'} className="m-action m-dues-back" onClick={() => void navigate('/m/dues')}>
      返回党费
    </Button>
  );
}

/**
 * The order's page. For the simulated provider (demo mode) it is the cashier:
 * the payer confirms, the provider notifies the server asynchronously, and the
 * page polls the order's status until the server has settled it. WeChat Pay
 * and Alipay bring the payer back here after their own cashier; the page then
 * only polls.
 */
export function MobilePayPage() {
  usePageTitle('交纳党费');
  const { outTradeNo = '' } = useParams();
  const location = useLocation();
  const info = isPayState(location.state) ? location.state : null;
  const [confirmed, setConfirmed] = useState(false);
  const order = useDuesOrder(outTradeNo, confirmed, MAX_POLLS);
  const simulate = useSimulatePay(outTradeNo);
  const qc = useQueryClient();
  const status = order.data?.status;
  const polls = qc.getQueryState(['me', 'dues', 'order', outTradeNo])?.dataUpdateCount ?? 0; // re-read on every update (each one re-renders)
  const gaveUp = confirmed && status === 'pending' && polls > MAX_POLLS;

  useEffect(() => {
    // the statement and the owed months changed: the 党费 page reloads them
    if (status === 'paid') void qc.invalidateQueries({ queryKey: ['me', 'dues'], exact: true });
  }, [status, qc]);
  // back from WeChat Pay or Alipay: their cashier took the payment, this page waits for the notification
  const external = order.data ? !order.data.simulated : false;
  useEffect(() => {
    if (external) setConfirmed(true);
  }, [external]);

  if (order.isPending) return <div className="m-card"><Spin /> 正在加载订单…</div>;
  if (order.isError) {
    // 404: no such order of mine; 400: not an order number at all
    const notFound = order.error instanceof ApiError && (order.error.status === 404 || order.error.status === 400);
    return (
      <section className="m-card" role="alert">
        <h2>{notFound ? '订单不存在' : '订单加载失败'}</h2>
        <p className="m-dues-empty">
          {notFound ? '没有找到这笔交纳订单，可能链接有误或订单不属于您。请返回党费页面重新发起交纳。' : `${errorMessage(order.error)}。请检查网络后重试。`}
        </p>
        {!notFound && (
          <Button className="m-action" onClick={() => order.refetch()} style={{ marginBottom: 12 }}>
            重新加载
          </Button>
        )}
        <BackToDues />
      </section>
    );
  }

  const o = order.data;
  if (o.status === 'paid') {
    return (
      <section className="m-card m-pay-result" data-testid="pay-success">
        <CheckCircleFilled className="m-pay-result-icon" style={{ color: '#389e0d' }} />
        <h2>交纳成功</h2>
        <p className="m-pay-amount">{formatYuan(o.amountFen)}</p>
        {info && <p className="m-dues-empty">{info.months.map(monthLabel).join('、')} 党费</p>}
        <p className="m-dues-empty">谢谢您按时交纳党费。交纳记录已更新。</p>
        <BackToDues primary />
      </section>
    );
  }
  if (o.status === 'closed' || o.status === 'failed') {
    return (
      <section className="m-card m-pay-result" role="alert">
        <CloseCircleFilled className="m-pay-result-icon" style={{ color: '#cf1322' }} />
        <h2>{o.status === 'closed' ? '订单已关闭' : '支付未成功'}</h2>
        <p className="m-dues-empty">这笔订单没有完成支付，党费未交纳。请返回党费页面重新发起交纳。</p>
        <BackToDues primary />
      </section>
    );
  }

  const waiting = confirmed && !gaveUp;
  return (
    <section className="m-card m-pay" aria-labelledby="m-pay-title">
      <div className="m-pay-provider" id="m-pay-title">
        {info?.provider ?? o.provider}
      </div>
      {o.simulated && <p className="m-pay-note">这是开发与演示环境的模拟收银台，不会产生真实扣款。</p>}
      <div className="m-pay-amount" data-testid="pay-amount">
        {formatYuan(o.amountFen)}
      </div>
      <dl className="m-rows">
        <div className="m-row">
          <dt>款项</dt>
          <dd>党费</dd>
        </div>
        <div className="m-row">
          <dt>交纳月份</dt>
          <dd data-testid="pay-months">{(info?.months ?? o.months).map(monthLabel).join('、')}</dd>
        </div>
        <div className="m-row">
          <dt>订单号</dt>
          <dd className="m-pay-no">{o.outTradeNo}</dd>
        </div>
      </dl>
      {simulate.isError && <Alert type="error" showIcon className="m-dues-warn" title={`支付失败：${errorMessage(simulate.error)}`} />}
      {gaveUp && <Alert type="info" showIcon className="m-dues-warn" title="支付结果仍在确认中。请稍后在党费页面的交纳记录中查看，请勿重复支付。" />}
      {!o.simulated ? (
        !gaveUp && (
          <div className="m-pay-waiting" role="status" aria-live="polite">
            <Spin /> 正在确认支付结果…
          </div>
        )
      ) : waiting ? (
        <div className="m-pay-waiting" role="status" aria-live="polite">
          <Spin /> 正在确认支付结果…
        </div>
      ) : (
        <Button
          type="primary"
          size="large"
          className="m-action m-pay-confirm"
          loading={simulate.isPending}
          disabled={gaveUp}
          onClick={() => simulate.mutate(undefined, { onSuccess: () => { setConfirmed(true); void order.refetch(); } })}
        >
          确认支付
        </Button>
      )}
      <BackToDues />
    </section>
  );
}
