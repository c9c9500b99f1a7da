import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Space, Tag, Tooltip, Typography } from 'antd';
import { CANDIDATE_STATUSES, DEVELOPMENT_STAGES, FILE_STATES, INFORMATIONAL_DEADLINES, type DeadlineKind } from '../../../contracts/development';
import { ApiError, errorMessage } from '../../shared/api';
import { setCurrentOrg, useCurrentOrg } from '../../shared/current-org';
import { useMe } from '../../shared/session';
import type { DeadlineView } from './api';

// Small pieces shared by the 发展党员 pages: status tags, the deadline tag,
// the rule refusal (message + the rule's source) and the current org.

export type CandidateStatus = keyof typeof CANDIDATE_STATUSES;
export type FileState = keyof typeof FILE_STATES;

export const STATUS_COLORS: Record<CandidateStatus, string> = {
  masses: 'default', applicant: 'blue', activist: 'cyan', candidate: 'gold', probationary: 'orange', full: 'red', left: 'default', suspended: 'default', deceased: 'default',
};
export const STATE_COLORS: Record<FileState, string> = { open: 'processing', archived: 'success', rejected: 'default', withdrawn: 'default', cancelled: 'default' };

/** Short stage names for tags and columns (the full names are in DEVELOPMENT_STAGES). */
export const STAGE_SHORT: Record<number, string> = { 1: '入党申请', 2: '入党积极分子', 3: '发展对象', 4: '预备党员的接收', 5: '预备期考察与转正' };

export function StatusTag({ status }: { status: CandidateStatus }) {
  return <Tag color={STATUS_COLORS[status]}>{CANDIDATE_STATUSES[status]}</Tag>;
}

export function StateTag({ state }: { state: FileState }) {
  return <Tag color={STATE_COLORS[state]}>{FILE_STATES[state]}</Tag>;
}

export function StageText({ stage, nowrap = true }: { stage: number; nowrap?: boolean }) {
  const full = DEVELOPMENT_STAGES[stage as keyof typeof DEVELOPMENT_STAGES];
  return (
    <Tooltip title={full}>
      <span style={nowrap ? { whiteSpace: 'nowrap' } : undefined}>
        第{stage}阶段 · {STAGE_SHORT[stage] ?? full}
      </span>
    </Tooltip>
  );
}

const isInformational = (kind: DeadlineKind) => INFORMATIONAL_DEADLINES.includes(kind);

/** Days left / 已逾期 for a deadline; informational points (可办理自…) are not overdue. */
export function DaysLeftTag({ d }: { d: Pick<DeadlineView, 'kind' | 'daysLeft' | 'overdue' | 'provisional'> }) {
  let tag;
  if (d.overdue) tag = <Tag color="red">已逾期 {-d.daysLeft} 天</Tag>;
  else if (d.daysLeft < 0 || (d.daysLeft === 0 && isInformational(d.kind))) tag = <Tag color="green">已可办理</Tag>;
  else if (d.daysLeft === 0) tag = <Tag color="volcano">今天到期</Tag>;
  else tag = <Tag color={d.daysLeft <= 7 ? 'orange' : 'blue'}>还有 {d.daysLeft} 天</Tag>;
  return (
    <Space size={4} wrap>
      {tag}
      {d.provisional && (
        <Tooltip title="该年未配置节假日日历，按周一至周五计算，日期为暂定">
          <Tag>暂定</Tag>
        </Tooltip>
      )}
    </Space>
  );
}

/** A deadline in one line: label, date, days left. */
export function DeadlineLine({ d }: { d: DeadlineView | null }) {
  if (!d) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={6} wrap>
      <span>{d.label}</span>
      <Typography.Text type={d.overdue ? 'danger' : undefined} style={{ whiteSpace: 'nowrap' }}>
        {d.due}
      </Typography.Text>
      <DaysLeftTag d={d} />
    </Space>
  );
}

export interface RuleRefusal {
  rule: string | null;
  source: string | null;
  messages: string[];
}

/** A statutory-rule refusal (code DEVELOPMENT_RULE, details { rule, source, issues[] }), or null. */
export function ruleRefusal(e: unknown): RuleRefusal | null {
  if (!(e instanceof ApiError) || e.code !== 'DEVELOPMENT_RULE') return null;
  const d = (e.details ?? {}) as { rule?: unknown; source?: unknown; issues?: Array<{ message?: unknown }> };
  const messages = Array.isArray(d.issues) ? d.issues.map((i) => (typeof i?.message === 'string' ? i.message : '')).filter(Boolean) : [];
  return {
    rule: typeof d.rule === 'string' ? d.rule : null,
    source: typeof d.source === 'string' && d.source ? d.source : null,
    messages: messages.length ? [...new Set(messages)] : [e.message],
  };
}

/** The refusal as an alert: what the rule says, and where it comes from. */
export function RuleAlert({ refusal, onClose }: { refusal: RuleRefusal; onClose?: () => void }) {
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="rule-refusal"
      closable={!!onClose}
      onClose={onClose}
      style={{ marginBottom: 16 }}
      title={refusal.messages.length === 1 ? refusal.messages[0] : '不符合发展党员工作的规定：'}
      description={
        <>
          {refusal.messages.length > 1 && (
            <ul style={{ margin: '0 0 4px', paddingInlineStart: 20 }}>
              {refusal.messages.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
          {refusal.source && <div>依据：{refusal.source}</div>}
        </>
      }
    />
  );
}

/** An error that is not a rule refusal, shown plainly. */
export function ErrorAlert({ error, onClose }: { error: string; onClose?: () => void }) {
  return <Alert type="error" showIcon role="alert" title={error} closable={!!onClose} onClose={onClose} style={{ marginBottom: 16 }} />;
}

/** A step or vote refused because the file changed meanwhile: reload the file, keep what was typed. */
export function ConflictAlert({ candidateId, onRefreshed }: { candidateId: string; onRefreshed: () => void }) {
  const qc = useQueryClient();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title="该发展档案刚被他人修改"
      description="请刷新档案后核对，再登记。已填写的内容会保留。"
      action={
        <Button size="small" onClick={() => void qc.invalidateQueries({ queryKey: ['development', 'candidate', candidateId] }).then(onRefreshed)}>
          刷新档案
        </Button>
      }
    />
  );
}

/**
 * The org the development pages show: the org chosen in the header's switcher,
 * or undefined for the user's whole scope (the server then starts from the
 * shallowest org in scope).
 */
export function useDevelopmentOrg(): string | undefined {
  const me = useMe().data;
  return useCurrentOrg(me?.username ?? '') ?? undefined;
}

/** Forgets a remembered org that has left the user's scope (the query answered 404). */
export function useForgetGoneOrg(orgId: string | undefined, error: unknown) {
  const me = useMe().data;
  const gone = !!orgId && error instanceof ApiError && error.code === 'NOT_FOUND';
  useEffect(() => {
    if (gone && me) setCurrentOrg(me.username, null);
  }, [gone, me]);
}

export { errorMessage };
