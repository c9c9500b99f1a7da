import { useParams } from 'react-router';
import { Result, Spin } from 'antd';
import { ApiError } from '../../shared/api';
import { formatDateTime } from '../../shared/dates';
import { useQrImage } from '../../shared/qr';
import { usePageTitle } from '../../shared/use-title';
import { useKioskBoard, type KioskBoard } from './api';
import './kiosk.css';

// The 智慧党群活动中心's touch screen: opened by the kiosk's link, no account.
// Three columns — 今日活动 (each open for check-in with its rotating QR code,
// the others with the phone page to sign up), 身边需求 (category, a line and the
// time: no names, no addresses; a QR code to 身边需求 on the phone), 积分商城
// (what is picked up here). Read again every refreshSeconds (the rule).

const time = (iso: string) => formatDateTime(iso).slice(11, 16);
const abs = (path: string) => `${window.location.origin}${path}`;

function Qr({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const img = useQrImage(text);
  return img ? <img className="ks-qr" src={img} alt={label} data-testid={testId} /> : <div className="ks-qr ks-qr-wait">…</div>;
}

function Activity({ a }: { a: KioskBoard['activities'][number] }) {
  return (
    <li className="ks-card" data-testid="kiosk-activity">
      <div className="ks-card-main">
        <div className="ks-card-title">{a.clubName ? `【${a.clubName}】${a.title}` : a.title}</div>
        <div className="ks-line">
          {time(a.startsAt)}—{time(a.endsAt)} · {a.place}
        </div>
        <div className="ks-line">
          已报名 {a.signedUp}/{a.capacity}
        </div>
      </div>
      {a.checkInUrl ? (
        <div className="ks-qr-box">
          <Qr text={abs(a.checkInUrl)} label={`签到二维码：${a.title}`} testId="kiosk-checkin-qr" />
          <span>扫码签到</span>
        </div>
      ) : null}
    </li>
  );
}

export function KioskPage() {
  const { token } = useParams();
  const q = useKioskBoard(token, 30);
  usePageTitle(q.data ? `${q.data.centre.name} · 活动中心` : '活动中心');
  if (q.isPending) {
    return (
      <div className="ks-shell ks-center">
        <Spin size="large" />
      </div>
    );
  }
  if (q.isError && !q.data) {
    const gone = q.error instanceof ApiError && q.error.status === 404;
    return (
      <div className="ks-shell ks-center">
        <Result status={gone ? '404' : 'error'} title={gone ? '大屏链接无效或已停用' : '暂时无法加载'} subTitle={gone ? '请联系村（社区）工作人员在管理后台重新生成大屏链接。' : '正在自动重试，请稍候。'} />
      </div>
    );
  }
  const d = q.data!;
  const withQr = d.activities.some((a) => a.checkInUrl);
  return (
    <div className="ks-shell" data-testid="kiosk">
      <header className="ks-header">
        <span className="ks-logo" aria-hidden>
          党
        </span>
        <h1>{d.centre.name} · 党群服务中心</h1>
        <span className="ks-date">
          {d.today} · 更新于 {time(d.generatedAt)}
        </span>
      </header>
      <main className="ks-grid">
        <section className="ks-col" aria-labelledby="ks-activities">
          <h2 id="ks-activities">今日活动</h2>
          {d.activities.length === 0 ? (
            <p className="ks-empty">今天没有安排活动。</p>
          ) : (
            <ul className="ks-list">
              {d.activities.map((a) => (
                <Activity key={a.id} a={a} />
              ))}
            </ul>
          )}
          <div className="ks-hint">
            <Qr text={abs('/m/volunteer')} label="志愿服务报名二维码" />
            <span>{withQr ? '已报名的志愿者：用手机扫描活动旁的二维码签到。' : '扫码报名志愿服务活动'}</span>
          </div>
        </section>
        <section className="ks-col" aria-labelledby="ks-needs">
          <h2 id="ks-needs">身边需求</h2>
          {d.needs.length === 0 ? (
            <p className="ks-empty">目前没有等待接单的需求。</p>
          ) : (
            <ul className="ks-list">
              {d.needs.map((n) => (
                <li key={n.id} className="ks-card" data-testid="kiosk-need">
                  <div className="ks-card-main">
                    <div className="ks-card-title">{n.title}</div>
                    <div className="ks-line">
                      {n.category} · {formatDateTime(n.windowFrom).slice(5, 16)}起
                    </div>
                  </div>
                </li>
              ))}
            </ul>
          )}
          <div className="ks-hint">
            <Qr text={abs('/m/serve')} label="身边需求接单二维码" />
            <span>扫码登记接单意愿，帮助身边的邻居</span>
          </div>
        </section>
        <section className="ks-col" aria-labelledby="ks-mall">
          <h2 id="ks-mall">积分商城</h2>
          {d.mallItems.length === 0 ? (
            <p className="ks-empty">本中心暂无可兑换的物品。</p>
          ) : (
            <ul className="ks-list">
              {d.mallItems.map((i) => (
                <li key={i.id} className="ks-card" data-testid="kiosk-mall-item">
                  <div className="ks-card-main">
                    <div className="ks-card-title">{i.name}</div>
                    <div className="ks-line">
                      {i.pointsPrice} 积分 · {i.kind} · 余 {i.stock}
                    </div>
                    <div className="ks-line">领取：{i.pickupPlace}</div>
                  </div>
                </li>
              ))}
            </ul>
          )}
          <p className="ks-empty">党员在手机“积分商城”兑换后，凭兑换码到服务台领取。</p>
        </section>
      </main>
    </div>
  );
}
