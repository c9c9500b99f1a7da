import { useMemo, useState, type FormEvent } from 'react';
import { Alert, App, Button, Drawer, Input, Segmented } from 'antd';
import { CheckCircleFilled, EnvironmentOutlined, GiftOutlined, MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router';
import { CancelRedemptionBody } from '../../../contracts/mall';
import { errorMessage } from '../../shared/api';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { usePageTitle } from '../../shared/use-title';
import { newKey, useCancelRedemption, useMyMall, useMyRedemptions, useRedeem, type MyMallItem, type RedemptionView } from '../mall/api';
import { KindTag, notOnSaleReason, RedemptionStatusTag, whenText } from '../mall/ui';
import { MobileError, MobileLoading } from './MobileStates';
import './mall.css';

// 积分商城 on the phone: my points (可用 and 冻结 by redemptions waiting for
// pick-up), the goods and services I may redeem today, 兑换 in a sheet with the
// quantity and the total, then the redemption code to show at the pick-up
// place; 我的兑换 lists my redemptions, the code of those waiting, and 取消兑换.

type Tab = 'items' | 'mine';

/** How many the member may take at most: stock, the per-person limit left, the points, and the contract's 100 per redemption. */
function maxQuantity(i: MyMallItem, balance: number): number {
  const byLimit = i.perPersonLimit === null ? Infinity : i.perPersonLimit - i.redeemedByMe;
  return Math.max(0, Math.min(i.stock, byLimit, Math.floor(balance / i.pointsPrice), 100));
}

/** Why the member cannot redeem this item now (null when they can). */
function blockedReason(i: MyMallItem, balance: number, today: string): string | null {
  const closed = notOnSaleReason(i, today);
  if (closed) return closed;
  if (i.perPersonLimit !== null && i.redeemedByMe >= i.perPersonLimit) return `每人限兑 ${i.perPersonLimit} 件，您已兑满`;
  if (balance < i.pointsPrice) return `可用积分不足（还差 ${i.pointsPrice - balance} 分）`;
  return null;
}

function ItemCard({ i, balance, today, onRedeem }: { i: MyMallItem; balance: number; today: string; onRedeem: () => void }) {
  const why = blockedReason(i, balance, today);
  return (
    <li className="m-card m-ml-item" data-testid="m-mall-item" data-id={i.id}>
      <div className="m-ml-head">
        <span className="m-ml-name">{i.name}</span>
        <KindTag kind={i.kind} />
      </div>
      {i.description && <p className="m-ml-desc">{i.description}</p>}
      <div className="m-ml-price">
        <strong>{i.pointsPrice}</strong> 积分{i.kind === 'goods' ? '/件' : '/次'}
      </div>
      <dl className="m-ml-facts">
        <div>
          <dt>剩余</dt>
          <dd>{i.stock > 0 ? `${i.stock} 件` : '已兑完'}</dd>
        </div>
        <div>
          <dt>每人限兑</dt>
          <dd>{i.perPersonLimit === null ? '不限' : `${i.perPersonLimit} 件${i.redeemedByMe ? `（已兑 ${i.redeemedByMe}）` : ''}`}</dd>
        </div>
        <div>
          <dt>兑换截止</dt>
          <dd>{i.saleTo ? i.saleTo.slice(0, 10) : '长期有效'}</dd>
        </div>
        <div className="m-ml-wide">
          <dt>领取地点</dt>
          <dd>{i.pickupPlace}</dd>
        </div>
        <div className="m-ml-wide">
          <dt>提供单位</dt>
          <dd>{i.supplierOrgName}</dd>
        </div>
      </dl>
      {why && <div className="m-ml-why">{why}</div>}
      <Button type="primary" className="m-ml-action" icon={<GiftOutlined />} disabled={!!why} onClick={onRedeem} aria-label={`兑换：${i.name}`}>
        兑换
      </Button>
    </li>
  );
}

/** The code the pick-up desk asks for: large, spaced, selectable. */
function CodeBox({ code }: { code: string }) {
  return (
    <div className="m-ml-code" aria-label={`兑换码 ${code.split('').join(' ')}`}>
      <span className="m-ml-code-label">兑换码</span>
      <strong data-testid="redemption-code">{code}</strong>
    </div>
  );
}

function RedeemSuccess({ r, onMine, onClose }: { r: RedemptionView; onMine: () => void; onClose: () => void }) {
  return (
    <div className="m-ml-done" role="status" data-testid="redeem-success">
      <CheckCircleFilled className="m-ml-done-icon" />
      <p className="m-ml-done-title">兑换成功</p>
      <p className="m-ml-done-what">
        {r.itemName} × {r.quantity}，冻结 {r.points} 积分
      </p>
      {r.code && <CodeBox code={r.code} />}
      <dl className="m-ml-pickup">
        <div>
          <dt>领取地点</dt>
          <dd>{r.pickupPlace}</dd>
        </div>
        <div>
          <dt>领取期限</dt>
          <dd data-testid="pickup-by">{whenText(r.pickupBy)} 前</dd>
        </div>
      </dl>
      <p className="m-ml-note">请在期限内到领取地点出示兑换码，领取后扣除积分；逾期未领的，兑换自动取消，积分退回。兑换码也可在“我的兑换”中查看。</p>
      <div className="m-ml-buttons">
        <Button className="m-ml-half" onClick={onMine}>
          我的兑换
        </Button>
        <Button type="primary" className="m-ml-half" onClick={onClose}>
          完成
        </Button>
      </div>
    </div>
  );
}

/** 兑换: the quantity (a stepper), the total and what stays, then the code. */
function RedeemSheet({ item, balance, onClose, onMine }: { item: MyMallItem; balance: number; onClose: () => void; onMine: () => void }) {
  const redeem = useRedeem();
  // one key per opening: a double tap or a retry after a lost answer gives the same redemption
  const key = useMemo(newKey, []);
  const max = maxQuantity(item, balance);
  const [quantity, setQuantity] = useState(1);
  const [done, setDone] = useState<RedemptionView | null>(null);
  const total = quantity * item.pointsPrice;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (redeem.isPending) return;
    redeem.mutate({ itemId: item.id, quantity, idempotencyKey: key }, { onSuccess: (r) => setDone(r) });
  };
  return (
    <Drawer open placement="bottom" size="auto" title={done ? '兑换码' : '确认兑换'} onClose={onClose} destroyOnHidden rootClassName="m-ml-sheet">
      {done ? (
        <RedeemSuccess r={done} onMine={onMine} onClose={onClose} />
      ) : (
        <form onSubmit={submit} noValidate aria-label="确认兑换" className="m-ml-form">
          <p className="m-ml-sheet-name">{item.name}</p>
          <div className="m-ml-sheet-sub">
            {item.pointsPrice} 积分{item.kind === 'goods' ? '/件' : '/次'} · 领取地点：{item.pickupPlace}
          </div>
          <div className="m-ml-stepper-row">
            <span id="m-ml-qty-label">数量</span>
            <div className="m-ml-stepper" role="group" aria-labelledby="m-ml-qty-label">
              <Button icon={<MinusOutlined />} aria-label="减少数量" disabled={quantity <= 1 || redeem.isPending} onClick={() => setQuantity((n) => Math.max(1, n - 1))} />
              <output className="m-ml-qty" aria-live="polite" data-testid="redeem-quantity">
                {quantity}
              </output>
              <Button icon={<PlusOutlined />} aria-label="增加数量" disabled={quantity >= max || redeem.isPending} onClick={() => setQuantity((n) => Math.min(max, n + 1))} />
            </div>
          </div>
          <div className="m-ml-total" data-testid="redeem-total">
            <span>合计</span>
            <strong>{total} 积分</strong>
          </div>
          <div className="m-ml-sheet-sub">
            可用积分 {balance}，兑换后 {balance - total}
            {max > 1 ? `；本次最多可兑 ${max} 件` : ''}
          </div>
          {redeem.isError && <Alert type="error" showIcon role="alert" title={`兑换失败：${errorMessage(redeem.error)}`} />}
          <Button type="primary" htmlType="submit" className="m-action" loading={redeem.isPending}>
            确认兑换（{total} 积分）
          </Button>
        </form>
      )}
    </Drawer>
  );
}

/** 取消兑换: a reason, then the points come back. */
function CancelSheet({ r, onClose }: { r: RedemptionView; onClose: () => void }) {
  const { message } = App.useApp();
  const cancel = useCancelRedemption();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (cancel.isPending) return;
    const parsed = CancelRedemptionBody.safeParse({ reason });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? '请填写取消原因');
      return;
    }
    cancel.mutate(
      { id: r.id, body: parsed.data },
      {
        onSuccess: () => {
          void message.success(`已取消，${r.points} 积分已退回`);
          onClose();
        },
      },
    );
  };
  return (
    <Drawer open placement="bottom" size="auto" title="取消兑换" onClose={onClose} destroyOnHidden rootClassName="m-ml-sheet">
      <form onSubmit={submit} noValidate aria-label="取消兑换" className="m-ml-form">
        <p className="m-ml-sheet-name">
          {r.itemName} × {r.quantity}
        </p>
        <div>
          <label className="m-ml-label" htmlFor="ml-cancel-reason">
            取消原因 <span className="m-ml-required">*</span>
          </label>
          <Input.TextArea
            id="ml-cancel-reason"
            value={reason}
            maxLength={200}
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder="如：近期外出，无法按时领取"
            status={problem ? 'error' : undefined}
            onChange={(e) => {
              setReason(e.target.value);
              setProblem(null);
            }}
            style={{ fontSize: 16 }}
          />
          {problem ? <div className="m-ml-error">{problem}</div> : <div className="m-ml-help">取消后冻结的 {r.points} 积分退回，可再兑换其他商品。</div>}
        </div>
        {cancel.isError && <Alert type="error" showIcon role="alert" title={`取消失败：${errorMessage(cancel.error)}`} />}
        <Button danger type="primary" htmlType="submit" className="m-action" loading={cancel.isPending}>
          确认取消兑换
        </Button>
      </form>
    </Drawer>
  );
}

function MyRedemptionsList({ onCancel }: { onCancel: (r: RedemptionView) => void }) {
  const q = useMyRedemptions();
  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="兑换记录加载失败" />;
  if (q.data.items.length === 0) {
    return (
      <section className="m-card">
        <p className="m-ml-empty">还没有兑换记录。在“可兑换商品”中选择商品兑换后，兑换码会显示在这里。</p>
      </section>
    );
  }
  return (
    <ul className="m-ml-list" data-testid="my-redemptions">
      {q.data.items.map((r) => (
        <li key={r.id} className="m-card m-ml-item" data-testid="my-redemption" data-id={r.id}>
          <div className="m-ml-head">
            <span className="m-ml-name">
              {r.itemName} × {r.quantity}
            </span>
            <RedemptionStatusTag status={r.status} />
          </div>
          <div className="m-ml-line">
            {r.points} 积分 · {formatDateTime(r.redeemedAt)} 兑换
          </div>
          {r.status === 'reserved' && (
            <>
              {r.code && <CodeBox code={r.code} />}
              <div className="m-ml-line">
                <EnvironmentOutlined /> {r.pickupPlace}
              </div>
              <div className="m-ml-line">请于 {whenText(r.pickupBy)} 前领取</div>
              <Button className="m-ml-action" onClick={() => onCancel(r)} aria-label={`取消兑换：${r.itemName}`}>
                取消兑换
              </Button>
            </>
          )}
          {r.status === 'fulfilled' && r.settledAt && <div className="m-ml-line">{formatDateTime(r.settledAt)} 已在 {r.supplierOrgName} 领取</div>}
          {r.status === 'cancelled' && <div className="m-ml-line">积分已退回{r.cancelReason ? `；取消原因：${r.cancelReason}` : ''}</div>}
          {r.status === 'expired' && <div className="m-ml-line">超过领取期限未领取，积分已退回</div>}
        </li>
      ))}
    </ul>
  );
}

export function MobileMallPage() {
  usePageTitle('积分商城');
  const [params, setParams] = useSearchParams();
  const tab: Tab = params.get('tab') === 'mine' ? 'mine' : 'items';
  const setTab = (t: Tab) => setParams(t === 'mine' ? { tab: 'mine' } : {}, { replace: true });
  const q = useMyMall();
  const mine = useMyRedemptions();
  const [redeeming, setRedeeming] = useState<MyMallItem | null>(null);
  const [cancelling, setCancelling] = useState<RedemptionView | null>(null);
  const today = todayShanghai();
  const waiting = mine.data?.items.filter((r) => r.status === 'reserved').length ?? 0;

  if (q.isPending) return <MobileLoading />;
  if (q.isError) return <MobileError error={q.error} onRetry={() => void q.refetch()} title="积分商城加载失败" />;
  const { balance, onHold, items } = q.data;
  return (
    <>
      <section className="m-card" aria-labelledby="m-mall-head" data-testid="my-mall-balance">
        <h1 id="m-mall-head" className="m-ml-title">
          积分商城
        </h1>
        <div className="m-ml-figures">
          <div>
            <strong data-testid="my-mall-balance-value">{balance}</strong>
            <span>可用积分</span>
          </div>
          <div>
            <strong>{onHold}</strong>
            <span>冻结</span>
          </div>
        </div>
        <p className="m-ml-hint">兑换时先冻结积分，凭兑换码领取后扣除；取消或逾期未领的，积分自动退回。</p>
      </section>
      <Segmented<Tab>
        block
        value={tab}
        onChange={setTab}
        options={[
          { value: 'items', label: '可兑换商品' },
          { value: 'mine', label: waiting ? `我的兑换（${waiting}）` : '我的兑换' },
        ]}
        className="m-ml-tabs"
        aria-label="积分商城"
      />
      {tab === 'items' ? (
        items.length === 0 ? (
          <section className="m-card">
            <p className="m-ml-empty">暂无可兑换的商品。社区、单位党组织上架商品后会显示在这里。</p>
          </section>
        ) : (
          <ul className="m-ml-list" data-testid="m-mall-items">
            {items.map((i) => (
              <ItemCard key={i.id} i={i} balance={balance} today={today} onRedeem={() => setRedeeming(i)} />
            ))}
          </ul>
        )
      ) : (
        <MyRedemptionsList onCancel={setCancelling} />
      )}
      {redeeming && (
        <RedeemSheet
          item={redeeming}
          balance={balance}
          onClose={() => setRedeeming(null)}
          onMine={() => {
            setRedeeming(null);
            setTab('mine');
          }}
        />
      )}
      {cancelling && <CancelSheet r={cancelling} onClose={() => setCancelling(null)} />}
    </>
  );
}
