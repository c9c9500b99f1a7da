import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Descriptions, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { ROLES, type Role } from '../../../contracts/permissions';
import { AUDIT_DETAIL_LABELS, AUDIT_OBJECT_TYPES, auditDetailValue } from '../../../contracts/audit-labels';
import { errorMessage } from '../../shared/api';
import { formatDateTime, fromDayjs } from '../../shared/dates';
import { EmptyState, ErrorState } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { AUDIT_ACTION_GROUPS, AUDIT_ACTIONS, OUTCOMES, useAuditLog, verifyAudit, type AuditEntry, type AuditFilters, type AuditVerify } from './api';

const roleText = (roles: string | null) =>
  roles
    ? roles
        .split(/[,\s]+/)
        .filter(Boolean)
        .map((r) => ROLES[r as Role]?.label ?? r)
        .join('、')
    : '—';

const PROBLEM_KINDS: Record<AuditVerify['problems'][number]['kind'], { text: string; color: string }> = {
  missing: { text: '记录缺失', color: 'red' },
  relinked: { text: '链接断开', color: 'red' },
  modified: { text: '内容被改', color: 'red' },
  truncated: { text: '尾部截断', color: 'red' },
  head: { text: '链头不符', color: 'orange' },
  checkpoint: { text: '与检查点不符', color: 'red' },
  checkpoint_invalid: { text: '检查点无效', color: 'orange' },
  scheme: { text: '密钥起点被改', color: 'red' },
};

function checkpointText(v: AuditVerify): string {
  if (!v.checkpoints) return '';
  if (!v.checkpoints.checked) return '尚无库外签名检查点可供对照（检查点由系统定时写入）。';
  return `已对照 ${v.checkpoints.checked} 个库外签名检查点（最近一个：第 ${v.checkpoints.latestId} 条，${v.checkpoints.latestAt ? formatDateTime(v.checkpoints.latestAt, true) : '—'}）。`;
}

/** 张三（党员/人员）: the object's name and type; a bare id only when the object has no name (e.g. it was deleted). */
function objectText(r: AuditEntry): string {
  if (!r.objectType) return '—';
  const type = AUDIT_OBJECT_TYPES[r.objectType] ?? r.objectType;
  if (r.objectName) return `${r.objectName}（${type}）`;
  return r.objectId ? `${type} ${r.objectId.slice(0, 8)}` : type;
}

export function AuditPage() {
  usePageTitle('审计日志');
  const [f, setF] = useState<AuditFilters>({ page: 1, pageSize: 20 });
  const [username, setUsername] = useState('');
  const log = useAuditLog(f);
  const [verifying, setVerifying] = useState(false);
  const [verify, setVerify] = useState<AuditVerify | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const set = (patch: Partial<AuditFilters>) => setF((x) => ({ ...x, page: 1, ...patch }));

  const runVerify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerify(await verifyAudit());
      void log.refetch();
    } catch (e) {
      setVerifyError(errorMessage(e));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <Card>
      <div className="page-header">
        <Typography.Title level={3}>审计日志</Typography.Title>
        <Button icon={<SafetyCertificateOutlined />} onClick={runVerify} loading={verifying}>
          校验哈希链
        </Button>
      </div>
      {verify &&
        (verify.ok ? (
          <Alert
            type="success"
            showIcon
            closable={{ onClose: () => setVerify(null) }}
            style={{ marginBottom: 16 }}
            title={`哈希链完整：已校验 ${verify.checked} 条记录，未发现篡改或删除。`}
            description={checkpointText(verify)}
          />
        ) : (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={`哈希链校验未通过：发现 ${verify.problemCount} 处问题，最早在第 ${verify.firstBrokenId ?? '?'} 号记录`}
            description={
              <>
                <ul className="audit-problems" aria-label="校验发现的问题">
                  {verify.problems.map((p, i) => (
                    <li key={`${p.id}-${p.kind}-${i}`}>
                      <Tag color={PROBLEM_KINDS[p.kind].color}>{PROBLEM_KINDS[p.kind].text}</Tag>
                      {p.reason}
                    </li>
                  ))}
                </ul>
                {verify.problemCount > verify.problems.length && <div>仅列出前 {verify.problems.length} 处，另有 {verify.problemCount - verify.problems.length} 处未列出（运维人员可用命令行 audit verify 查看全部）。</div>}
                <div>
                  已校验 {verify.checked} 条。{checkpointText(verify)}
                </div>
                <div>请立即保全数据库备份和库外检查点文件，并报告安全管理员和上级主管部门。</div>
              </>
            }
          />
        ))}
      {verifyError && <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`校验失败：${verifyError}`} />}
      <Space wrap style={{ marginBottom: 16 }} role="search" aria-label="筛选审计日志">
        <Select allowClear placeholder="操作类型" options={AUDIT_ACTION_GROUPS} style={{ width: 160 }} value={f.action} onChange={(action) => set({ action })} aria-label="操作类型" />
        <Input.Search
          placeholder="用户名"
          allowClear
          value={username}
          onChange={(e) => {
            setUsername(e.target.value);
            if (!e.target.value) set({ username: undefined });
          }}
          onSearch={(v) => set({ username: v.trim() || undefined })}
          style={{ width: 180 }}
          aria-label="用户名"
        />
        <Select
          allowClear
          placeholder="结果"
          style={{ width: 110 }}
          value={f.outcome}
          onChange={(outcome) => set({ outcome })}
          options={(Object.keys(OUTCOMES) as AuditEntry['outcome'][]).map((k) => ({ value: k, label: OUTCOMES[k].text }))}
          aria-label="结果"
        />
        <DatePicker.RangePicker onChange={(r) => set({ from: fromDayjs(r?.[0]) ?? undefined, to: fromDayjs(r?.[1]) ?? undefined })} aria-label="日期范围" />
      </Space>
      {log.isError && !log.data ? (
        <ErrorState error={log.error} onRetry={() => log.refetch()} title="审计日志加载失败" />
      ) : (
        <Table<AuditEntry>
          rowKey="id"
          size="small"
          loading={log.isFetching}
          dataSource={log.data?.items ?? []}
          locale={{ emptyText: log.isPending ? ' ' : <EmptyState description="没有符合条件的记录。请放宽筛选条件（操作类型、用户名、日期）。" /> }}
          expandable={{
            expandedRowRender: (r) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Descriptions size="small" column={1} colon={false} styles={{ label: { color: '#595959', minWidth: 120 } }}>
                  <Descriptions.Item label="对象">{objectText(r)}</Descriptions.Item>
                  {Object.entries(r.detail).map(([k, v]) => (
                    <Descriptions.Item key={k} label={AUDIT_DETAIL_LABELS[k] ?? k}>
                      {auditDetailValue(v)}
                    </Descriptions.Item>
                  ))}
                  <Descriptions.Item label="请求编号">
                    <Typography.Text type="secondary">{r.requestId ?? '—'}</Typography.Text>
                  </Descriptions.Item>
                </Descriptions>
              </Space>
            ),
          }}
          pagination={{
            current: f.page,
            pageSize: f.pageSize,
            total: log.data?.total ?? 0,
            showSizeChanger: true,
            showTotal: (t) => `共 ${t} 条`,
            onChange: (page, pageSize) => setF((x) => ({ ...x, page, pageSize })),
          }}
          columns={[
            { title: '编号', dataIndex: 'id', width: 80 },
            { title: '时间（北京时间）', dataIndex: 'at', width: 170, render: (s: string) => formatDateTime(s, true) },
            { title: '用户', dataIndex: 'username', width: 120, render: (s: string | null) => s ?? '（系统）' },
            { title: '角色', dataIndex: 'roles', width: 150, render: roleText, ellipsis: true },
            {
              title: '操作',
              dataIndex: 'action',
              render: (a: string) => (
                <>{AUDIT_ACTIONS[a] ?? a}</>
              ),
            },
            { title: '对象', key: 'object', width: 220, ellipsis: true, render: (_: unknown, r) => objectText(r) },
            { title: '结果', dataIndex: 'outcome', width: 80, render: (o: AuditEntry['outcome']) => <Tag color={OUTCOMES[o].color}>{OUTCOMES[o].text}</Tag> },
            { title: 'IP', dataIndex: 'ip', width: 130, render: (s: string | null) => s ?? '—' },
          ]}
        />
      )}
    </Card>
  );
}
