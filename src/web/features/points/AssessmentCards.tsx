import { useState } from 'react';
import { Alert, App, Button, Card, Empty, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { AssessmentItem } from '../../../contracts/assessment';
import { applyServerErrors } from '../../shared/form-errors';
import { formatDateTime } from '../../shared/dates';
import { useAgreeAssessment, useAssessmentScheme, useBranchAssessment, usePublishAssessment, useScoreAssessment, type BranchAssessment } from './api';
import { VoteFiguresModal } from './VoteFiguresModal';

// 上级考核 (the seed: branch points = the members' average + the superior's
// assessment points; the superior's rules are agreed by the branch). On a
// branch: the scheme that applies, the 支部党员大会 vote on it, the superior's
// scores with their evidence. On a committee: its scheme and which branches
// agreed, and publishing a scheme.

function ScoreModal({ a, onClose }: { a: BranchAssessment; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ scores: Array<{ points?: number; evidence?: string }> }>();
  const score = useScoreAssessment();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { scores: Array<{ points?: number; evidence?: string }> }) => {
    setError(null);
    const scores = a.scores.map((s, i) => ({ item: s.item, points: v.scores[i]?.points, evidence: v.scores[i]?.evidence ?? '' })).filter((s) => s.points !== undefined && s.points !== null);
    try {
      await score.mutateAsync({ orgId: a.org.id, year: a.year, scores: scores.map((s) => ({ item: s.item, points: s.points!, evidence: s.evidence })) });
      message.success('评分已记录');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`考核评分：${a.org.name}（${a.year}年度）`} onCancel={onClose} destroyOnHidden width={720} okText="保存评分" cancelText="取消" onOk={() => form.submit()} confirmLoading={score.isPending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">逐项评分并写明依据；重新评分时以最后一次为准，原记录保留。只填写要评的项目。</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} initialValues={{ scores: a.scores.map((s) => ({ points: s.points ?? undefined, evidence: s.evidence ?? undefined })) }}>
        {a.scores.map((s, i) => (
          <Card key={s.item} size="small" style={{ marginBottom: 8 }} title={`${s.label}（最多${s.maxPoints}分）`}>
            <Space align="start" wrap style={{ width: '100%' }}>
              <Form.Item name={['scores', i, 'points']} label="得分" style={{ marginBottom: 0 }}>
                <InputNumber min={0} max={s.maxPoints} step={0.5} precision={1} addonAfter="分" style={{ width: 140 }} aria-label={`${s.label}得分`} />
              </Form.Item>
              <Form.Item
                name={['scores', i, 'evidence']}
                label="评分依据"
                style={{ marginBottom: 0, minWidth: 280, flex: 1 }}
                dependencies={[['scores', i, 'points']]}
                rules={[({ getFieldValue }) => ({ validator: (_, v: string | undefined) => (getFieldValue(['scores', i, 'points']) !== undefined && getFieldValue(['scores', i, 'points']) !== null && !(v ?? '').trim() ? Promise.reject(new Error('请写明评分依据')) : Promise.resolve()) })]}
              >
                <Input.TextArea rows={2} maxLength={1000} aria-label={`${s.label}评分依据`} placeholder="如：查阅会议记录，缺一次支委会记录" />
              </Form.Item>
            </Space>
          </Card>
        ))}
      </Form>
    </Modal>
  );
}

/** A branch's assessment for the year of the page's period. */
export function BranchAssessmentCard({ orgId, year }: { orgId: string; year: number }) {
  const { message } = App.useApp();
  const q = useBranchAssessment(orgId, year, true);
  const agree = useAgreeAssessment();
  const [voting, setVoting] = useState(false);
  const [scoring, setScoring] = useState(false);
  const a = q.data;
  return (
    <Card
      size="small"
      title={`上级考核（${year}年度）`}
      loading={q.isLoading}
      data-testid="branch-assessment"
      extra={
        a && (
          <Space>
            {a.canAgree && (
              <Button size="small" type="primary" onClick={() => setVoting(true)}>
                登记支部党员大会表决
              </Button>
            )}
            {a.canScore && (
              <Button size="small" type="primary" onClick={() => setScoring(true)}>
                评分
              </Button>
            )}
          </Space>
        )
      }
    >
      {q.isError ? (
        <Alert type="error" showIcon title="上级考核加载失败" />
      ) : !a ? null : !a.scheme ? (
        <Empty description="上级党组织尚未发布本年度的支部考核细则" />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <span>{a.scheme.orgName}发布</span>
            {a.agreed ? <Tag color="green">支部党员大会已同意</Tag> : <Tag color="orange">待支部党员大会表决同意，同意后方可评分</Tag>}
            {a.total !== null && <Typography.Text strong>考核得分 {a.total} 分</Typography.Text>}
          </Space>
          {a.votes[0] && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {a.votes[0].votedOn} 表决：应到{a.votes[0].expected}人，实到{a.votes[0].present}人，赞成{a.votes[0].yes}票。{a.votes[0].arithmetic.at(-1)}
            </Typography.Text>
          )}
          <Table
            rowKey="item"
            size="small"
            pagination={false}
            dataSource={a.scores}
            scroll={{ x: 560 }}
            columns={[
              { title: '考核项目', dataIndex: 'label' },
              { title: '分值上限', dataIndex: 'maxPoints', width: 90 },
              { title: '考核依据', key: 'basis', render: (_, r) => a.scheme!.items.find((i) => i.key === r.item)?.basis },
              { title: '得分', dataIndex: 'points', width: 80, render: (v: number | null) => v ?? '—' },
              { title: '评分依据', dataIndex: 'evidence', render: (v: string | null, r) => (v ? <span title={r.scoredAt ? `${r.scoredBy ?? ''} ${formatDateTime(r.scoredAt)}` : undefined}>{v}</span> : '—') },
            ]}
          />
        </Space>
      )}
      {voting && a?.scheme && (
        <VoteFiguresModal
          title={`登记表决：${a.org.name}同意${a.scheme.orgName}${year}年度考核细则`}
          pending={agree.isPending}
          onClose={() => setVoting(false)}
          onSubmit={async (f) => {
            const r = await agree.mutateAsync({ schemeId: a.scheme!.ruleVersionId, body: { orgId: a.org.id, ...f } });
            message.success(r.agreed ? '表决通过，考核细则对本支部生效' : '表决未通过，已记录');
            setVoting(false);
          }}
        />
      )}
      {scoring && a && <ScoreModal a={a} onClose={() => setScoring(false)} />}
    </Card>
  );
}

function PublishModal({ orgId, year, initial, onClose }: { orgId: string; year: number; initial: AssessmentItem[]; onClose: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<{ items: AssessmentItem[] }>();
  const publish = usePublishAssessment();
  const [error, setError] = useState<string | null>(null);
  const submit = async (v: { items: Array<Omit<AssessmentItem, 'key'> & { key?: string }> }) => {
    setError(null);
    try {
      await publish.mutateAsync({ orgId, year, items: v.items.map((it, i) => ({ ...it, key: it.key || `item${i + 1}` })) });
      message.success('考核细则已发布，待各支部党员大会表决同意');
      onClose();
    } catch (e) {
      setError(applyServerErrors(form, e));
    }
  };
  return (
    <Modal open title={`发布${year}年度支部考核细则`} onCancel={onClose} destroyOnHidden width={760} okText="发布" cancelText="取消" onOk={() => form.submit()} confirmLoading={publish.isPending}>
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 16 }} />}
      <Typography.Paragraph type="secondary">考核细则经所辖各支部党员大会表决同意后才对该支部生效；各项分值上限合计不超过100分。</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} initialValues={{ items: initial.length ? initial : [{ label: '', maxPoints: 10, basis: '' }] }}>
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="start" wrap style={{ width: '100%', marginBottom: 4 }}>
                  <Form.Item name={[f.name, 'label']} label="考核项目" rules={[{ required: true, message: '请填写考核项目' }]} style={{ marginBottom: 8 }}>
                    <Input maxLength={40} style={{ width: 180 }} aria-label="考核项目" />
                  </Form.Item>
                  <Form.Item name={[f.name, 'maxPoints']} label="分值上限" rules={[{ required: true, message: '请填写分值上限' }]} style={{ marginBottom: 8 }}>
                    <InputNumber min={0.5} max={100} step={0.5} addonAfter="分" style={{ width: 120 }} aria-label="分值上限" />
                  </Form.Item>
                  <Form.Item name={[f.name, 'basis']} label="考核依据和评分办法" rules={[{ required: true, message: '请写明考核依据和评分办法' }]} style={{ marginBottom: 8, minWidth: 240, flex: 1 }}>
                    <Input maxLength={300} aria-label="考核依据和评分办法" />
                  </Form.Item>
                  <Button aria-label="删除该项" icon={<DeleteOutlined />} onClick={() => remove(f.name)} disabled={fields.length === 1} style={{ marginTop: 30 }} />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ label: '', maxPoints: 10, basis: '' })}>
                添加项目
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

/** A committee's scheme for a year and its branches' agreement. */
export function SchemeCard({ orgId, year }: { orgId: string; year: number }) {
  const q = useAssessmentScheme(orgId, year, true);
  const [publishing, setPublishing] = useState(false);
  const v = q.data;
  if (v && !v.scheme && !v.canPublish) return null;
  return (
    <Card
      size="small"
      title={`${year}年度支部考核细则`}
      loading={q.isLoading}
      data-testid="assessment-scheme"
      extra={v?.canPublish && (
        <Button size="small" type="primary" onClick={() => setPublishing(true)}>
          {v.scheme ? '发布新版本' : '发布考核细则'}
        </Button>
      )}
    >
      {q.isError ? (
        <Alert type="error" showIcon title="考核细则加载失败" />
      ) : !v ? null : !v.scheme ? (
        <Empty description="尚未发布本年度的支部考核细则。发布后，经各支部党员大会表决同意即对该支部生效。" />
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">
            {v.scheme.source}。已同意的支部 {v.branches.filter((b) => b.agreed).length} / {v.branches.length} 个。
          </Typography.Text>
          <Table rowKey="key" size="small" pagination={false} dataSource={v.scheme.items} scroll={{ x: 480 }} columns={[
            { title: '考核项目', dataIndex: 'label' },
            { title: '分值上限', dataIndex: 'maxPoints', width: 90 },
            { title: '考核依据和评分办法', dataIndex: 'basis' },
          ]} />
        </Space>
      )}
      {publishing && <PublishModal orgId={orgId} year={year} initial={v?.scheme?.items ?? []} onClose={() => setPublishing(false)} />}
    </Card>
  );
}
