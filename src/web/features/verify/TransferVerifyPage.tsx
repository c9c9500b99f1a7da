import { useQuery } from '@tanstack/react-query';
import { Button } from 'antd';
import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { useParams } from 'react-router';
import { TRANSFER_STATUSES, type TransferLetterCheck } from '../../../contracts/transfer';
import { ApiError, api, errorMessage } from '../../shared/api';
import { usePageTitle } from '../../shared/use-title';
import './verify.css';

// The page behind the QR code printed on a 组织关系介绍信: anyone (the receiving
// branch, the member) checks without logging in that the letter was issued by
// this system and is still usable. It shows the letter, never the member.

/** 2026-12-13 → 2026年12月13日 */
function cnDate(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** The code is unknown or malformed: the server says so with 404 / 400. */
function isNotFound(e: unknown) {
  return e instanceof ApiError && (e.status === 404 || e.status === 400);
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <div className="m-row">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function LetterResult({ check }: { check: TransferLetterCheck }) {
  return (
    <section className={`v-result ${check.valid ? 'v-result-ok' : 'v-result-stale'}`} data-testid="verify-result" aria-labelledby="v-verdict">
      <div className="v-verdict">
        <span className="v-verdict-icon" aria-hidden>
          {check.valid ? <CheckCircleFilled /> : <ExclamationCircleFilled />}
        </span>
        <div>
          <h1 id="v-verdict" className="v-verdict-title">
            {check.valid ? '真实有效' : '真实但已失效'}
          </h1>
          <div className="v-verdict-sub">{check.valid ? '本介绍信由本系统开具，目前可以使用' : '本介绍信由本系统开具，但已不能使用'}</div>
        </div>
      </div>
      {/* a valid letter's message repeats the rows; a stale one says why it can no longer be used */}
      {!check.valid && <p className="v-message">{check.message}</p>}
      <dl className="m-rows">
        <Row label="介绍信编号" value={check.letterCode} />
        <Row label="开具党组织" value={check.issuerOrgName} />
        <Row label="接收党组织" value={check.toOrgName} />
        <Row label="开具日期" value={cnDate(check.issuedOn)} />
        <Row label="有效期至" value={cnDate(check.validUntil)} />
        <Row label="当前状态" value={TRANSFER_STATUSES[check.status]} />
      </dl>
    </section>
  );
}

function NotFoundCard({ error }: { error: unknown }) {
  return (
    <section className="v-result v-result-none" data-testid="verify-result" aria-labelledby="v-verdict">
      <div className="v-verdict">
        <span className="v-verdict-icon" aria-hidden>
          <CloseCircleFilled />
        </span>
        <div>
          <h1 id="v-verdict" className="v-verdict-title">
            未找到
          </h1>
          <div className="v-verdict-sub">本系统中没有这封介绍信</div>
        </div>
      </div>
      <p className="v-message">{errorMessage(error)}。请核对是否扫描了介绍信上的二维码；如有疑问，请与开具介绍信的党组织联系核实。</p>
    </section>
  );
}

export function TransferVerifyPage() {
  usePageTitle('介绍信核验');
  const { code = '' } = useParams();
  const check = useQuery({
    queryKey: ['public', 'transfer-letter', code],
    queryFn: () => api.get<TransferLetterCheck>(`/api/v1/public/transfer-letters/${encodeURIComponent(code)}`),
    retry: (n, e) => !(e instanceof ApiError && e.status < 500) && n < 2,
  });
  return (
    <div className="v-page">
      <header className="v-header">
        <span className="m-header-logo" aria-hidden>
          党
        </span>
        组织关系介绍信核验
      </header>
      <main className="v-main">
        {check.isPending ? (
          <section className="v-result" role="status" aria-live="polite" style={{ textAlign: 'center', color: '#8c8c8c' }}>
            正在核验…
          </section>
        ) : check.isError && isNotFound(check.error) ? (
          <NotFoundCard error={check.error} />
        ) : check.isError ? (
          <section className="v-result" role="alert">
            <p className="v-message">核验没有完成：{errorMessage(check.error)}。请检查网络后重试。</p>
            <Button className="m-action" onClick={() => void check.refetch()}>
              重新核验
            </Button>
          </section>
        ) : (
          <LetterResult check={check.data} />
        )}
        <p className="v-note">本页面仅用于核验介绍信的真伪和有效期，不显示党员的任何个人信息。党员报到时，请以介绍信原件为准。</p>
      </main>
    </div>
  );
}
