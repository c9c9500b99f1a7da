import { useState } from 'react';
import { Alert, Button } from 'antd';
import { CheckCircleFilled } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { DUES_CATEGORIES, PAYMENT_METHODS } from '../../../contracts/dues';
import { errorMessage } from '../../shared/api';
import { formatYuan } from '../../shared/format';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { isNoProfile, useCreateDuesOrder, useMyDues, useMyProfile, type MyDues, type MyDuesBill } from './api';
import { monthLabel, type PayState } from './dues-shared';
import { MobileError, MobileLoading } from './MobileStates';
import './dues.css';

function CurrentCard({ current }: { current: MyDues['current'] }) {
  return (
    <section className="m-card" aria-labelledby="m-dues-current">
      <h2 id="m-dues-current">我的党费</h2>
      {current ? (
        <>
          <div className="m-dues-amount" data-testid="dues-monthly">
            <span className="m-dues-amount-label">每月应交</span>
            <span className="m-dues-amount-value">{formatYuan(current.amountFen)}</span>
          </div>
          <dl className="m-rows">
            <div className="m-row">
              <dt>党费类别</dt>
              <dd>{DUES_CATEGORIES[current.category] ?? current.category}</dd>
            </div>
            {current.baseFen !== null && (
              <div className="m-row">
                <dt>月交纳基数</dt>
                <dd>{formatYuan(current.baseFen)}</dd>
              </div>
            )}
            <div className="m-row">
              <dt>执行起始</dt>
              <dd>{monthLabel(current.effectiveMonth)}</dd>
            </div>
          </dl>
          <p className="m-dues-explain" data-testid="dues-explanation">
            计算方法：{current.explanation}
          </p>
        </>
      ) : (
        <p className="m-dues-empty" data-testid="dues-no-base">
          支部尚未设置您的党费基数。设置后，这里会显示您每月应交的党费及计算方法；如有疑问，请联系支部书记。
        </p>
      )}
    </section>
  );
}

/**
 * 欠交 with month selection. Months are paid oldest first: checking a month
 * selects every older one too, unchecking a month leaves only the older ones.
 */
function OwedCard({ dues }: { dues: MyDues }) {
  const owed = dues.owed; // oldest first (server order)
  const [count, setCount] = useState<number | null>(null);
  const selected = Math.min(count ?? owed.length, owed.length);
  const create = useCreateDuesOrder();
  const navigate = useNavigate();
  const picked = owed.slice(0, selected);
  const totalFen = picked.reduce((s, b) => s + b.dueFen, 0);

  const toggle = (i: number) => setCount(i < selected ? i : i + 1);
  const pay = () => {
    create.mutate(
      picked.map((b) => b.id),
      {
        onSuccess: (o) => {
          const state: PayState = { months: o.months, amountFen: o.amountFen, provider: o.provider };
          // the simulated cashier is a page of this app; WeChat Pay and Alipay are the provider's pages
          if (o.payUrl.startsWith('/')) void navigate(o.payUrl, { state });
          else window.location.assign(o.payUrl);
        },
      },
    );
  };

  return (
    <section className="m-card" aria-labelledby="m-dues-owed">
      <h2 id="m-dues-owed">欠交党费</h2>
      {dues.unpaidMonths >= 3 && (
        <Alert type="warning" showIcon className="m-dues-warn" data-testid="dues-arrears-warning" title={`已连续${dues.unpaidMonths}个月未交党费，请尽快交纳`} />
      )}
      {owed.length === 0 ? (
        <p className="m-dues-clear" data-testid="dues-none-owed">
          <CheckCircleFilled style={{ color: '#389e0d' }} /> 没有欠交的党费，谢谢您按时交纳。
        </p>
      ) : (
        <>
          <p className="m-dues-hint">
            共欠交 {owed.length} 个月，合计 <strong data-testid="dues-owed-total">{formatYuan(dues.owedFen)}</strong>。{dues.onlinePayment.available ? '请选择要交纳的月份（按月份先后交纳）：' : ''}
          </p>
          <ul className="m-dues-owed" data-testid="dues-owed">
            {owed.map((b: MyDuesBill, i) => (
              <li key={b.id}>
                <label className={i < selected ? 'm-dues-month m-dues-month-on' : 'm-dues-month'}>
                  <input type="checkbox" checked={i < selected} onChange={() => toggle(i)} aria-label={`${monthLabel(b.month)} ${formatYuan(b.dueFen)}`} />
                  <span className="m-dues-month-name">{monthLabel(b.month)}</span>
                  <span className="m-dues-month-amount">{formatYuan(b.dueFen)}</span>
                </label>
              </li>
            ))}
          </ul>
          {!dues.onlinePayment.available ? (
            <Alert type="info" showIcon className="m-dues-warn" data-testid="dues-online-unavailable" title="未开通在线缴纳党费，请向支部线下交纳" />
          ) : (
            <>
              {create.isError && <Alert type="error" showIcon className="m-dues-warn" title={`无法发起交纳：${errorMessage(create.error)}`} />}
              <Button type="primary" className="m-action" disabled={selected === 0} loading={create.isPending} onClick={pay} data-testid="dues-pay">
                {selected === 0 ? '请选择要交纳的月份' : `${dues.onlinePayment.simulated ? '在线交纳' : `${dues.onlinePayment.provider}交纳`} ${formatYuan(totalFen)}`}
              </Button>
            </>
          )}
        </>
      )}
    </section>
  );
}

function StatementCard({ statement }: { statement: MyDues['statement'] }) {
  return (
    <section className="m-card" aria-labelledby="m-dues-statement">
      <h2 id="m-dues-statement">交纳记录</h2>
      {statement.length === 0 ? (
        <p className="m-dues-empty">还没有交纳记录。</p>
      ) : (
        <ul className="m-dues-list" data-testid="dues-statement">
          {statement.map((e) => (
            <li key={e.id} className="m-dues-entry">
              <div className="m-dues-entry-head">
                <span className="m-dues-entry-title">{e.kind === 'voluntary' ? '自愿交纳' : e.month ? monthLabel(e.month) : '党费'}</span>
                <span className="m-dues-entry-amount">{formatYuan(e.amountFen)}</span>
              </div>
              <div className="m-dues-entry-meta">
                <span>{PAYMENT_METHODS[e.method as keyof typeof PAYMENT_METHODS] ?? e.method}</span>
                <span>{e.paidOn}</span>
                {e.payerName && <span>代交人：{e.payerName}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** 党费 tab: the monthly amount and how it is computed, 欠交 with online payment, 交纳记录. */
export function MobileDuesPage() {
  usePageTitle('党费');
  const me = useMe().data!;
  const selfRead = can(me, 'self.read');
  const dues = useMyDues(selfRead);
  const profile = useMyProfile(selfRead);

  if (!selfRead) {
    return (
      <section className="m-card">
        <h2>党费</h2>
        <p className="m-dues-empty">您的账号没有查看本人党费的权限，请联系支部书记。</p>
      </section>
    );
  }
  // an applicant is not a Party member yet: no dues
  if (profile.isError && isNoProfile(profile.error)) {
    return (
      <section className="m-card">
        <h2>党费</h2>
        <p className="m-dues-empty">成为党员（含预备党员）后，您可以在这里查看和交纳党费。</p>
      </section>
    );
  }
  if (dues.isPending) return <MobileLoading />;
  if (dues.isError) return <MobileError error={dues.error} onRetry={() => dues.refetch()} title="党费信息加载失败" />;
  return (
    <>
      <CurrentCard current={dues.data.current} />
      {(dues.data.current || dues.data.owed.length > 0) && <OwedCard key={dues.data.owed.map((b) => b.id).join()} dues={dues.data} />}
      <StatementCard statement={dues.data.statement} />
    </>
  );
}
