import { useState, type FormEvent } from 'react';
import { Alert, App, Button, Input, Tag } from 'antd';
import { FLOW_STATUSES, TRANSFER_KINDS, TRANSFER_REQUEST_STATUSES, TRANSFER_STATUSES } from '../../../contracts/transfer';
import { errorMessage } from '../../shared/api';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useMyTransfers, useRequestMyTransfer, useWithdrawMyTransferRequest, type MyTransferLetter, type MyTransferRequest, type MyTransfers } from './api';
import { MobileError, MobileLoading } from './MobileStates';
import './transfers.css';

// 组织关系 on the phone: the member's letters in plain words (where to report
// and by when), their requests to the branch, their 流动党员活动证, and a form
// to ask the branch for a transfer.

/** 2026-12-13 → 2026年12月13日 */
export function cnDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

const LETTER_COLOR: Record<string, string> = { issued: 'processing', accepted: 'success', rejected: 'error', revoked: 'default', expired: 'warning' };
const REQUEST_COLOR: Record<string, string> = { open: 'processing', drafted: 'success', declined: 'error', withdrawn: 'default' };

/** What the letter means for the member, in one sentence. */
function letterSentence(l: MyTransferLetter, today: string): string {
  switch (l.status) {
    case 'issued':
      if (l.validUntil && l.validUntil < today) return '介绍信已超过有效期，请联系支部重新开具。';
      if (l.kind === 'incoming') return `外来介绍信已登记，正在转入 ${l.toOrgName}。`;
      return `介绍信已开具，请于 ${cnDate(l.validUntil)} 前到 ${l.toOrgName} 报到。`;
    case 'accepted':
      return `已转入 ${l.toOrgName}${l.acceptedOn ? `（${cnDate(l.acceptedOn)}）` : ''}。`;
    case 'rejected':
      return '接收方已退回介绍信，请联系支部了解原因。';
    case 'revoked':
      return '介绍信已撤销，不能再使用。';
    case 'expired':
      return '介绍信已过期（未在有效期内报到）。如仍需转接，请联系支部重新开具。';
    default:
      return '支部正在办理介绍信。';
  }
}

function requestSentence(r: MyTransferRequest): string {
  switch (r.status) {
    case 'open':
      return '等待支部办理。支部会与您联系，介绍信开具后会显示在下方“介绍信”中。';
    case 'drafted':
      return '支部已受理，正在办理介绍信；开具后会显示在“介绍信”中。';
    case 'declined':
      return `支部未同意${r.answer ? `：${r.answer}` : '。'}`;
    default:
      return '您已撤回此申请。';
  }
}

function Row({ label, value }: { label: string; value: string | null | undefined }) {
  return (
    <div className="m-row">
      <dt>{label}</dt>
      <dd>{value || '—'}</dd>
    </div>
  );
}

function Letters({ letters }: { letters: MyTransferLetter[] }) {
  const today = todayShanghai();
  return (
    <section className="m-card" aria-labelledby="m-tr-letters">
      <h2 id="m-tr-letters">介绍信</h2>
      {letters.length === 0 ? (
        <p className="m-tr-empty">暂无介绍信。支部开具介绍信后，这里会显示转往何处、编号和有效期。</p>
      ) : (
        <ul className="m-tr-list" data-testid="my-transfer-letters">
          {letters.map((l) => (
            <li key={l.id} className="m-tr-item">
              <div className="m-tr-item-head">
                <span className="m-tr-item-title">{l.kind === 'incoming' ? '转入' : '转出'}介绍信</span>
                <Tag color={LETTER_COLOR[l.status] ?? 'default'} style={{ marginInlineEnd: 0 }}>
                  {TRANSFER_STATUSES[l.status]}
                </Tag>
              </div>
              <p className={`m-tr-sentence m-tr-sentence-${l.status}`}>{letterSentence(l, today)}</p>
              <dl className="m-rows">
                <Row label="转出" value={l.fromOrgName} />
                <Row label="转往" value={l.toOrgName} />
                {l.letterCode && <Row label="介绍信编号" value={l.letterCode} />}
                {l.issuedOn && <Row label="开具日期" value={cnDate(l.issuedOn)} />}
                {l.validUntil && l.status !== 'accepted' && <Row label="有效期至" value={cnDate(l.validUntil)} />}
                {l.acceptedOn && <Row label="转入日期" value={cnDate(l.acceptedOn)} />}
                {l.kind !== 'internal' && <Row label="类型" value={TRANSFER_KINDS[l.kind]} />}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Requests({ requests }: { requests: MyTransferRequest[] }) {
  const { modal, message } = App.useApp();
  const withdraw = useWithdrawMyTransferRequest();
  const confirmWithdraw = (r: MyTransferRequest) =>
    modal.confirm({
      title: '撤回转接申请？',
      content: `撤回后支部将不再办理转往“${r.destination}”的申请；如有需要可以重新申请。`,
      okText: '撤回申请',
      okButtonProps: { danger: true },
      cancelText: '不撤回',
      onOk: () =>
        withdraw.mutateAsync(
          { id: r.id, version: r.version },
          { onSuccess: () => void message.success('申请已撤回'), onError: (e) => void message.error(`撤回失败：${errorMessage(e)}`) },
        ).catch(() => undefined),
    });
  if (requests.length === 0) return null;
  return (
    <section className="m-card" aria-labelledby="m-tr-requests">
      <h2 id="m-tr-requests">我的转接申请</h2>
      <ul className="m-tr-list" data-testid="my-transfer-requests">
        {requests.map((r) => (
          <li key={r.id} className="m-tr-item" data-status={r.status}>
            <div className="m-tr-item-head">
              <span className="m-tr-item-title">转往 {r.destination}</span>
              <Tag color={REQUEST_COLOR[r.status] ?? 'default'} style={{ marginInlineEnd: 0 }}>
                {TRANSFER_REQUEST_STATUSES[r.status]}
              </Tag>
            </div>
            <p className={`m-tr-sentence m-tr-sentence-${r.status}`}>{requestSentence(r)}</p>
            <dl className="m-rows">
              <Row label="转接原因" value={r.reason} />
              <Row label="提交时间" value={formatDateTime(r.createdAt)} />
            </dl>
            {r.status === 'open' && (
              <Button className="m-action" onClick={() => confirmWithdraw(r)} loading={withdraw.isPending && withdraw.variables?.id === r.id}>
                撤回申请
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FlowCard({ flow }: { flow: NonNullable<MyTransfers['flow']> }) {
  return (
    <section className="m-card" aria-labelledby="m-tr-flow">
      <h2 id="m-tr-flow">流动党员活动证</h2>
      <dl className="m-rows">
        <Row label="证号" value={flow.certificateCode} />
        <Row label="外出地点" value={flow.destination} />
        <Row label="有效期至" value={cnDate(flow.validUntil)} />
        <Row label="状态" value={FLOW_STATUSES[flow.status]} />
      </dl>
      <p className="m-tr-hint">外出期间请按时参加流入地党组织的活动，并定期向原支部报告情况。</p>
    </section>
  );
}

/** 申请转接组织关系: where to and why; the branch then drafts the letter. */
function RequestForm({ onDone }: { onDone: () => void }) {
  const submit = useRequestMyTransfer();
  const [destination, setDestination] = useState('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<{ destination?: string; reason?: string }>({});

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (submit.isPending) return;
    const d = destination.trim();
    const r = reason.trim();
    const p = {
      destination: d.length < 2 ? '请填写转往的单位或党组织' : d.length > 100 ? '不超过100字' : undefined,
      reason: r.length < 2 ? '请填写转接原因' : r.length > 200 ? '转接原因不超过200字' : undefined,
    };
    setProblems(p);
    if (p.destination || p.reason) return;
    submit.mutate(
      { destination: d, reason: r },
      {
        onSuccess: () => {
          setDestination('');
          setReason('');
          onDone();
        },
      },
    );
  };

  return (
    <section className="m-card" aria-labelledby="m-tr-form">
      <h2 id="m-tr-form">申请转接组织关系</h2>
      <p className="m-tr-hint">工作、学习或居住地变动需要转接组织关系时，请在这里提出申请，由支部为您开具介绍信。</p>
      <form className="m-tr-form" onSubmit={onSubmit} noValidate aria-label="申请转接组织关系">
        <div>
          <label className="m-tr-label" htmlFor="tr-destination">
            转往 <span className="m-tr-required">*</span>
          </label>
          <Input
            id="tr-destination"
            size="large"
            value={destination}
            maxLength={100}
            placeholder="如：某某街道某某社区党支部"
            status={problems.destination ? 'error' : undefined}
            onChange={(e) => {
              setDestination(e.target.value);
              setProblems((p) => ({ ...p, destination: undefined }));
            }}
            autoComplete="off"
          />
          {problems.destination ? <div className="m-tr-error">{problems.destination}</div> : <div className="m-tr-help">新单位、新住址所在的党组织，或新单位名称</div>}
        </div>
        <div>
          <label className="m-tr-label" htmlFor="tr-reason">
            转接原因 <span className="m-tr-required">*</span>
          </label>
          <Input.TextArea
            id="tr-reason"
            value={reason}
            maxLength={200}
            autoSize={{ minRows: 3, maxRows: 6 }}
            placeholder="如：工作调动、升学、迁居"
            status={problems.reason ? 'error' : undefined}
            onChange={(e) => {
              setReason(e.target.value);
              setProblems((p) => ({ ...p, reason: undefined }));
            }}
            style={{ fontSize: 16 }}
          />
          {problems.reason && <div className="m-tr-error">{problems.reason}</div>}
        </div>
        {submit.isError && <Alert type="error" showIcon title={`提交失败：${errorMessage(submit.error)}`} role="alert" />}
        <Button type="primary" htmlType="submit" className="m-action" loading={submit.isPending}>
          提交申请
        </Button>
      </form>
    </section>
  );
}

export function MobileTransfersPage() {
  usePageTitle('组织关系');
  const me = useMe().data!;
  const mine = useMyTransfers(can(me, 'self.read'));
  const [submitted, setSubmitted] = useState(false);

  if (mine.isPending) return <MobileLoading />;
  if (mine.isError) return <MobileError error={mine.error} onRetry={() => mine.refetch()} title="组织关系加载失败" />;
  const { letters, requests, flow } = mine.data;
  // a request the branch has not finished: still open, or drafted into a letter not yet issued
  const openRequest = requests.some((r) => r.status === 'open' || (r.status === 'drafted' && !letters.some((l) => l.id === r.transferId)));
  const openLetter = letters.some((l) => l.status === 'issued');

  return (
    <>
      <h1 className="m-tr-title">组织关系</h1>
      {submitted && openRequest && (
        <Alert type="success" showIcon title="已提交，支部将与您联系" className="m-tr-done" data-testid="transfer-request-sent" />
      )}
      {openRequest || openLetter ? null : <RequestForm onDone={() => setSubmitted(true)} />}
      <Requests requests={requests} />
      <Letters letters={letters} />
      {flow && <FlowCard flow={flow} />}
      {(openRequest || openLetter) && <p className="m-tr-hint m-tr-footnote">{openLetter ? '您有正在使用的介绍信，报到后支部会办理接收。' : '支部办理完您的申请前，不能再提交新的申请。'}如有疑问，请联系支部书记。</p>}
    </>
  );
}
