import { useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, FileAddOutlined, PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { POINT_ITEMS, PROPOSAL_STATUSES, type PointItemKey, type PointItemRule, type PointRules } from '../../../contracts/points';
import { applyServerErrors } from '../../shared/form-errors';
import { dayjs, formatDateTime, todayShanghai } from '../../shared/dates';
import { usePageOrg } from '../../shared/current-org';
import { can, useMe } from '../../shared/session';
import { ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { useApproveRules, usePointRules, useProposeRules, type PointRuleProposalView } from './api';
import { signed } from './PointsPage';
import { VoteFiguresModal } from './VoteFiguresModal';

// 积分细则: the rules a branch's points are computed by, agreed by the branch
// (the seed: the rules and how they are computed are agreed by the branch).
// A draft starts from the template (or the rules in force); the 支部党员大会
// votes on it and the secretary records 应到 / 实到 / 书面意见 / 赞成 / 反对 /
// 弃权 — the same arithmetic as admitting a member, shown while typing.
// Passed, it applies from its effective date; until then nothing is awarded.

const CAP_TEXT = { day: '每日', month: '每月', year: '每年' } as const;

function capsText(caps: PointItemRule['caps']) {
  const parts = (Object.keys(CAP_TEXT) as Array<keyof typeof CAP_TEXT>).filter((k) => caps[k] !== undefined).map((k) => `${CAP_TEXT[k]}最多${caps[k]}分`);
  return parts.length ? parts.join('，') : '不限';
}

function RulesTable({ rules }: { rules: PointRules }) {
  return (
    <>
      <Table<PointItemRule>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rules.items}
        columns={[
          { title: '项目', dataIndex: 'label' },
          { title: '来源', dataIndex: 'key', render: (k: PointItemKey) => <Typography.Text type="secondary">{POINT_ITEMS[k]}</Typography.Text> },
          { title: '分值', dataIndex: 'points', width: 90, align: 'right', render: (n: number) => `${signed(n)} 分` },
          { title: '上限', dataIndex: 'caps', render: capsText },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
        有效期：{rules.expiry ? `获得后第${rules.expiry.yearsAfterAward}年年底到期` : '不过期'}；人工奖惩超过 {rules.secondApproverAbove} 分须另一名负责人复核。
      </Typography.Paragraph>
    </>
  );
}

interface DraftItem {
  key?: PointItemKey;
  label?: string;
  points?: number;
  year?: number | null;
  month?: number | null;
}
interface DraftValues {
  effectiveFrom?: Dayjs;
  items: DraftItem[];
  expiryYears?: number | null;
  secondApproverAbove?: number;
  note?: string;
}

function DraftModal({ orgId, start, onClose }: { orgId: string; start: PointRules; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<DraftValues>();
  const propose = useProposeRules();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: DraftValues) => {
    setError(null);
    const rules: PointRules = {
      items: v.items.map((i) => ({ key: i.key!, label: i.label ?? '', points: i.points ?? 0, caps: { ...(i.year ? { year: i.year } : {}), ...(i.month ? { month: i.month } : {}) } })),
      expiry: v.expiryYears === null || v.expiryYears === undefined ? null : { yearsAfterAward: v.expiryYears },
      secondApproverAbove: v.secondApproverAbove ?? 10,
    };
    try {
      await propose.mutateAsync({ orgId, effectiveFrom: v.effectiveFrom!.format('YYYY-MM-DD'), rules, note: v.note });
      message.success('细则草案已保存，请提交支部党员大会表决');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title="起草积分细则" onCancel={onClose} destroyOnHidden width={860} okText="保存草案" cancelText="取消" onOk={() => form.submit()} confirmLoading={propose.isPending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">细则须经支部党员大会表决通过后才生效；已发生的事实按当时有效的细则计分。</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark={false}
        initialValues={{
          effectiveFrom: dayjs(todayShanghai()),
          items: start.items.map((i) => ({ key: i.key, label: i.label, points: i.points, year: i.caps.year ?? null, month: i.caps.month ?? null })),
          expiryYears: start.expiry?.yearsAfterAward ?? null,
          secondApproverAbove: start.secondApproverAbove,
        }}
      >
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap style={{ display: 'flex', marginBottom: 4 }}>
                  <Form.Item name={[f.name, 'key']} rules={[{ required: true, message: '请选择来源' }]} style={{ width: 170 }}>
                    <Select aria-label="来源" options={Object.entries(POINT_ITEMS).map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'label']} rules={[{ required: true, message: '请填写项目名称' }]} style={{ width: 200 }}>
                    <Input aria-label="项目名称" maxLength={40} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'points']} rules={[{ required: true, message: '请填写分值' }]}>
                    <InputNumber aria-label="分值" min={-1000} max={1000} precision={0} addonAfter="分" style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'year']}>
                    <InputNumber aria-label="每年上限" min={1} precision={0} addonBefore="每年≤" style={{ width: 150 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'month']}>
                    <InputNumber aria-label="每月上限" min={1} precision={0} addonBefore="每月≤" style={{ width: 150 }} />
                  </Form.Item>
                  <Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除项目" />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ points: 1 })} style={{ marginBottom: 16 }}>
                添加项目
              </Button>
            </>
          )}
        </Form.List>
        <Space size={16} wrap>
          <Form.Item name="effectiveFrom" label="生效日期" rules={[{ required: true, message: '请选择生效日期' }]}>
            <DatePicker allowClear={false} disabledDate={(d) => d.format('YYYY-MM-DD') < todayShanghai()} aria-label="生效日期" />
          </Form.Item>
          <Form.Item name="expiryYears" label="有效期（获得后第几年年底到期，空为不过期）">
            <InputNumber min={0} max={10} precision={0} aria-label="有效期" />
          </Form.Item>
          <Form.Item name="secondApproverAbove" label="人工奖惩超过此分值须复核">
            <InputNumber min={1} max={1000} precision={0} addonAfter="分" aria-label="复核分值" />
          </Form.Item>
        </Space>
        <Form.Item name="note" label="说明">
          <Input.TextArea rows={2} maxLength={500} aria-label="说明" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function VoteModal({ proposal, onClose }: { proposal: PointRuleProposalView; onClose: () => void }) {
  const { message } = App.useApp();
  const approve = useApproveRules();
  return (
    <VoteFiguresModal
      title={`登记表决：${proposal.orgName}积分细则`}
      pending={approve.isPending}
      onClose={onClose}
      onSubmit={async (f) => {
        const r = await approve.mutateAsync({ id: proposal.id, body: { version: proposal.version, ...f } });
        message.success(r.status === 'approved' ? '表决通过，细则按生效日期执行' : '表决未通过，已记录');
        onClose();
      }}
    />
  );
}

export function PointRulesPage() {
  usePageTitle('积分细则');
  const me = useMe().data;
  const orgId = usePageOrg() ?? me?.scopeRoots[0]?.id;
  const manage = can(me, 'points.manage');
  const q = usePointRules(orgId);
  const [drafting, setDrafting] = useState(false);
  const [voting, setVoting] = useState<PointRuleProposalView | null>(null);
  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} title="积分细则加载失败" />;
  const r = q.data;
  return (
    <>
      <div className="page-header">
        <div>
          <Typography.Title level={3}>积分细则 · {r.orgName}</Typography.Title>
          <Typography.Text type="secondary">积分细则由支部制定，经支部党员大会表决通过后生效；没有生效的细则时不计积分。</Typography.Text>
        </div>
        {manage && (
          <Button type="primary" icon={<FileAddOutlined />} onClick={() => setDrafting(true)}>
            起草细则
          </Button>
        )}
      </div>
      <Card title="现行细则" style={{ marginBottom: 16 }} data-testid="rules-in-force">
        {r.inForce ? (
          <>
            <Typography.Paragraph>
              自 {r.inForce.effectiveFrom} 起执行{r.inForce.approvalId ? '（支部党员大会表决通过）' : ''}。
            </Typography.Paragraph>
            <RulesTable rules={r.inForce.rules} />
          </>
        ) : (
          <Empty description="本支部还没有经表决通过的积分细则，暂不计积分。可从模板起草，提交支部党员大会表决。" />
        )}
      </Card>
      <Card title="草案与表决" data-testid="rule-proposals">
        {r.proposals.length ? (
          r.proposals.map((p) => (
            <Card key={p.id} type="inner" size="small" style={{ marginBottom: 12 }} title={<Space>{`自 ${p.effectiveFrom} 起`}<Tag color={p.status === 'approved' ? 'green' : p.status === 'rejected' ? 'red' : 'blue'}>{PROPOSAL_STATUSES[p.status]}</Tag></Space>}
              extra={manage && p.status === 'proposed' ? <Button size="small" type="primary" onClick={() => setVoting(p)}>登记表决</Button> : null}>
              <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 8 }}>
                <Descriptions.Item label="起草">{p.proposedByName ?? '—'} · {formatDateTime(p.proposedAt)}</Descriptions.Item>
                {p.vote && <Descriptions.Item label="表决日期">{p.vote.votedOn}</Descriptions.Item>}
                {p.vote && <Descriptions.Item label="表决">应到 {p.vote.expected}，实到 {p.vote.present}，书面意见 {p.vote.written}，赞成 {p.vote.yes}，反对 {p.vote.no}，弃权 {p.vote.abstain}</Descriptions.Item>}
              </Descriptions>
              {p.vote && <Typography.Paragraph type="secondary">{p.vote.arithmetic.join('；')}</Typography.Paragraph>}
              {p.note && <Typography.Paragraph>{p.note}</Typography.Paragraph>}
              <RulesTable rules={p.rules} />
            </Card>
          ))
        ) : (
          <Empty description="还没有草案" />
        )}
      </Card>
      {drafting && orgId && <DraftModal orgId={orgId} start={r.inForce?.rules ?? r.template} onClose={() => setDrafting(false)} />}
      {voting && <VoteModal proposal={voting} onClose={() => setVoting(null)} />}
    </>
  );
}
