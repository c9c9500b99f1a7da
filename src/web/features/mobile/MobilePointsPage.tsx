import { useState } from 'react';
import { Button } from 'antd';
import { GiftOutlined, RightOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { POINT_TXN_KINDS } from '../../../contracts/points';
import { usePageTitle } from '../../shared/use-title';
import { useMyBranchIndex, useMyPoints } from '../points/api';
import { MobileError, MobileLoading } from './MobileStates';
import './points.css';

// 我的积分 on the phone: the balance, what will expire at the year's end, and
// every entry with its reason and where it came from. No ranking (RULES §8).

const SOURCE: Record<string, string> = { meeting: '组织生活记录', dues_bill: '党费交纳记录', dev_step: '发展党员培养考察记录' };

/** My branch's index, where the deployment shows it: band and score, the sub-indices; never a ranking. */
function MyBranchIndexCard() {
  const q = useMyBranchIndex();
  if (!q.data?.shown || q.data.composite === null) return null;
  const d = q.data;
  return (
    <section className="m-card" aria-labelledby="m-index-head" data-testid="my-branch-index">
      <h2 id="m-index-head" className="m-pt-h2">
        {d.orgName} · 先锋指数
      </h2>
      <div className="m-pt-figures">
        <div>
          <strong>{d.composite}</strong>
          <span>{d.periodLabel}综合指数</span>
        </div>
        <div>
          <strong>{d.bandLabel}</strong>
          <span>档次</span>
        </div>
      </div>
      <ul className="m-pt-list">
        {d.subIndices.map((s) => (
          <li key={s.label}>
            <div className="m-pt-row">
              <span className="m-pt-reason">{s.label}</span>
              <span>{s.score === null ? '无数据' : s.score}</span>
            </div>
          </li>
        ))}
      </ul>
      <p className="m-pt-hint">指数由组织生活、党费交纳、班子建设等已有记录自动计算，用于支部查找短板，不作排名。</p>
    </section>
  );
}

export function MobilePointsPage() {
  usePageTitle('我的积分');
  const [page, setPage] = useState(1);
  const q = useMyPoints(page);
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="积分加载失败" />;
  const { balance: b, entries } = q.data;
  return (
    <>
      <section className="m-card" aria-labelledby="m-points-head" data-testid="my-points-balance">
        <h1 id="m-points-head" className="m-pt-title">
          我的积分
        </h1>
        <div className="m-pt-figures">
          <div>
            <strong data-testid="my-points-balance-value">{b.balance}</strong>
            <span>可用积分</span>
          </div>
          <div>
            <strong>{b.awardedThisYear}</strong>
            <span>本年获得</span>
          </div>
          {b.onHold > 0 && (
            <div>
              <strong>{b.onHold}</strong>
              <span>兑换冻结</span>
            </div>
          )}
        </div>
        {b.expiringThisYear > 0 && <p className="m-pt-hint">{b.expiringThisYear} 分将于 {b.expiresOn} 到期</p>}
        <p className="m-pt-hint">积分按支部党员大会表决通过的积分细则，根据已登记的组织生活、党费交纳等记录计算。</p>
      </section>
      <section className="m-card" aria-label="积分商城">
        <Link to="/m/mall" className="m-pt-mall" data-testid="points-mall-link">
          <h2 className="m-pt-h2" style={{ margin: 0 }}>
            <GiftOutlined /> 积分商城
          </h2>
          <span className="m-pt-mall-go">
            用积分兑换 <RightOutlined />
          </span>
        </Link>
      </section>
      <MyBranchIndexCard />
      <section className="m-card" aria-labelledby="m-points-list" data-testid="my-points-entries">
        <h2 id="m-points-list" className="m-pt-h2">
          积分明细
        </h2>
        {entries.items.length === 0 ? (
          <p className="m-pt-hint">还没有积分记录。</p>
        ) : (
          <ul className="m-pt-list">
            {entries.items.map((e) => (
              <li key={e.id}>
                <div className="m-pt-row">
                  <span className="m-pt-reason">{e.reason ?? e.itemLabel ?? POINT_TXN_KINDS[e.kind]}</span>
                  <strong className={e.points < 0 ? 'm-pt-minus' : 'm-pt-plus'}>{e.points > 0 ? `+${e.points}` : e.points === 0 ? POINT_TXN_KINDS[e.kind] : e.points}</strong>
                </div>
                <div className="m-pt-sub">
                  {e.factDate} · {POINT_TXN_KINDS[e.kind]}
                  {e.sourceType && SOURCE[e.sourceType] ? ` · 来源：${SOURCE[e.sourceType]}` : e.actorName ? ` · 支部登记` : ''}
                  {e.reversedBy ? ' · 已冲正' : ''}
                </div>
              </li>
            ))}
          </ul>
        )}
        {entries.total > page * 20 && (
          <Button block onClick={() => setPage(page + 1)}>
            更早的记录
          </Button>
        )}
        {page > 1 && (
          <Button block type="link" onClick={() => setPage(1)}>
            回到最新
          </Button>
        )}
      </section>
    </>
  );
}
