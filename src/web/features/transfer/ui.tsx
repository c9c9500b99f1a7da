import { Alert, Button, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { TRANSFER_SCOPES, TRANSFER_STATUSES, type TransferScope, type TransferStatus } from '../../../contracts/transfer';

// Small pieces shared by the 组织关系转接 pages.

export const TRANSFER_STATUS_COLORS: Record<TransferStatus, string> = {
  draft: 'default',
  pending_approval: 'orange',
  issued: 'blue',
  accepted: 'green',
  rejected: 'red',
  revoked: 'default',
  expired: 'volcano',
};

export function TransferStatusTag({ status }: { status: TransferStatus }) {
  return <Tag color={TRANSFER_STATUS_COLORS[status]}>{TRANSFER_STATUSES[status]}</Tag>;
}

export const scopeLabel = (s: TransferScope) => TRANSFER_SCOPES[s];

/** 党费交到 2026-11 → 2026年11月 */
export function monthText(ym: string | null | undefined): string {
  if (!ym) return '—';
  const [y, m] = ym.split('-');
  return `${y}年${Number(m)}月`;
}

/** A row changed by someone else meanwhile (409): reload the lists, then close the modal so the row can be read again. */
export function StaleRowAlert({ what, onRefreshed }: { what: string; onRefreshed: () => void }) {
  const qc = useQueryClient();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title={`该${what}刚被他人办理`}
      description="请刷新后核对当前状态，再办理。"
      action={
        <Button size="small" onClick={() => void qc.invalidateQueries({ queryKey: ['transfers'] }).then(onRefreshed)}>
          刷新
        </Button>
      }
    />
  );
}
