import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { ROLES, type Role } from '../../../contracts/permissions';
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
          <Alert type="success" showIcon closable={{ onClose: () => setVerify(null) }} style={{ marginBottom: 16 }} title={`哈希链完整：已校验 ${verify.checked} 条记录，未发现篡改或删除。`} />
        ) : (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 16 }}
            title={`哈希链校验未通过：第 ${verify.firstBrokenId ?? '?'} 号记录起被篡改或删除`}
            description={`${verify.reason ?? ''}（已校验 ${verify.checked} 条）。请立即保全数据库备份，并报告安全管理员和上级主管部门。`}
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
                <Typography.Text type="secondary">
                  请求编号 {r.requestId ?? '—'} · 对象 {r.objectType ?? '—'} {r.objectId ?? ''}
                </Typography.Text>
                <pre className="json-block">{JSON.stringify(r.detail, null, 2)}</pre>
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
                <>
                  {AUDIT_ACTIONS[a] ?? a}{' '}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {a}
                  </Typography.Text>
                </>
              ),
            },
            { title: '结果', dataIndex: 'outcome', width: 80, render: (o: AuditEntry['outcome']) => <Tag color={OUTCOMES[o].color}>{OUTCOMES[o].text}</Tag> },
            { title: 'IP', dataIndex: 'ip', width: 130, render: (s: string | null) => s ?? '—' },
          ]}
        />
      )}
    </Card>
  );
}
