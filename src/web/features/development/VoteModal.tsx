import { useEffect, useRef, useState } from 'react';
import { Alert, App, Button, Col, DatePicker, Form, Input, InputNumber, Modal, Radio, Result, Row, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { ApiError } from '../../shared/api';
import { afterToday, DATE_FORMAT, dayjs, fromDayjs, todayShanghai } from '../../shared/dates';
import { applyServerErrors } from '../../shared/form-errors';
import { useRecordVote, useVotingMembers, type CandidateDetail, type StepPlanView, type VoteInput, type VoteResult } from './api';
import { ConflictAlert, ErrorAlert, ruleRefusal, RuleAlert, type RuleRefusal } from './ui';
import { voteArithmetic } from '../../../contracts/vote';

// 支部大会讨论 (step 15 接收预备党员, step 23 转正): the figures of the vote on
// one candidate. 应到 comes from the member registry on the meeting date; the
// quorum and the result are worked out live, the same integer way as the
// server, and after the vote the server's own arithmetic is shown.

interface Values {
  meetingDate?: Dayjs;
  expected?: number | null;
  expectedNote?: string;
  present?: number | null;
  written?: number | null;
  yes?: number | null;
  no?: number | null;
  abstain?: number | null;
  outcome?: 'convert' | 'extend' | 'cancel';
  extensionMonths?: number | null;
}

const OUTCOMES = { convert: '按期转正', extend: '延长预备期', cancel: '取消预备党员资格' } as const;
const COUNT_FIELDS = [
  { name: 'present', label: '实到（有表决权）' },
  { name: 'written', label: '书面意见（未到会）' },
  { name: 'yes', label: '赞成' },
  { name: 'no', label: '反对' },
  { name: 'abstain', label: '弃权' },
] as const;

const num = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export function VoteModal({ detail, plan, onClose }: { detail: CandidateDetail; plan: StepPlanView; onClose: () => void }) {
  const kind: VoteInput['kind'] = plan.step === 15 ? 'admission' : 'conversion';
  const [form] = Form.useForm<Values>();
  const { message, modal } = App.useApp();
  const record = useRecordVote();
  const [refusal, setRefusal] = useState<RuleRefusal | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [result, setResult] = useState<VoteResult | null>(null);
  const top = useRef<HTMLDivElement>(null);
  const today = todayShanghai();

  const meetingDate = Form.useWatch('meetingDate', form);
  const date = meetingDate ? meetingDate.format(DATE_FORMAT) : null;
  const registry = useVotingMembers(detail.id, date);
  const registryCount = registry.data?.date === date ? registry.data.registryCount : undefined;
  const values = Form.useWatch([], form) as Values | undefined;
  const outcome = Form.useWatch('outcome', form);
  const expected = num(values?.expected);
  const figures = { expected, present: num(values?.present), written: num(values?.written), yes: num(values?.yes), no: num(values?.no), abstain: num(values?.abstain) };
  const live = voteArithmetic(figures);
  const filled = values?.expected != null && values?.present != null && values?.yes != null;
  const mismatch = registryCount !== undefined && values?.expected != null && values.expected !== registryCount;

  // 应到 follows the registry (per meeting date) until the secretary types another figure
  const autoExpected = useRef<number | null>(null);
  useEffect(() => {
    if (registryCount === undefined) return;
    const current = form.getFieldValue('expected') as number | null | undefined;
    if (current == null || current === autoExpected.current) {
      autoExpected.current = registryCount;
      form.setFields([{ name: 'expected', value: registryCount, errors: [] }]);
    }
  }, [registryCount, form]);
  useEffect(() => {
    if (refusal || error || conflict) top.current?.scrollIntoView({ block: 'nearest' });
  }, [refusal, error, conflict]);

  const send = async (v: Values) => {
    setRefusal(null);
    setError(null);
    setConflict(false);
    const body: VoteInput = {
      kind,
      meetingDate: fromDayjs(v.meetingDate)!,
      expected: num(v.expected),
      expectedNote: v.expectedNote?.trim() || null,
      present: num(v.present),
      written: num(v.written),
      yes: num(v.yes),
      no: num(v.no),
      abstain: num(v.abstain),
      version: detail.version,
    };
    if (kind === 'conversion') {
      body.outcome = v.outcome;
      if (v.outcome === 'extend') body.extensionMonths = v.extensionMonths ?? null;
    }
    try {
      const r = await record.mutateAsync({ id: detail.id, body });
      setResult(r);
      message.success(r.isPassed ? '支部大会表决已登记：通过' : '支部大会表决已登记：未通过');
    } catch (e) {
      const rule = ruleRefusal(e);
      if (rule) setRefusal(rule);
      else if (e instanceof ApiError && e.code === 'CONFLICT') setConflict(true);
      else setError(applyServerErrors(form, e));
    }
  };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the fields show what to fix
    const a = voteArithmetic({ expected: num(v.expected), present: num(v.present), written: num(v.written), yes: num(v.yes), no: num(v.no), abstain: num(v.abstain) });
    if (kind === 'admission' && a.isQuorate && !a.isPassed && a.problems.length === 0) {
      modal.confirm({
        title: '表决未通过',
        content: `赞成票未超过应到会有表决权党员的半数。登记后，${detail.name}的发展档案将结束（支部大会表决未通过），确定登记吗？`,
        okText: '登记',
        okButtonProps: { danger: true },
        cancelText: '返回修改',
        onOk: () => send(v),
      });
      return;
    }
    await send(v);
  };

  const title = `支部大会表决：${kind === 'admission' ? '讨论接收预备党员（第15步）' : '讨论预备党员转正（第23步）'}`;

  if (result) {
    return (
      <Modal open title={title} onCancel={onClose} destroyOnHidden footer={<Button type="primary" onClick={onClose}>完成</Button>} width={640}>
        <Result
          status={result.isPassed ? 'success' : 'warning'}
          title={result.isPassed ? '表决通过' : '表决未通过'}
          subTitle={`${detail.name} · 党员名册有表决权的正式党员 ${result.registryCount} 名`}
          style={{ padding: '16px 0' }}
        />
        <div data-testid="vote-result">
          <Typography.Text strong>计算过程（系统核算）</Typography.Text>
          <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }}>
            {result.arithmetic.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </div>
      </Modal>
    );
  }

  return (
    <Modal open title={title} onCancel={onClose} onOk={submit} okText={record.isPending ? '正在登记…' : '登记表决结果'} okButtonProps={{ disabled: record.isPending }} destroyOnHidden width={720} maskClosable={false}>
      <div ref={top} />
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        支部大会对{detail.name}单独讨论、逐个表决。到会人数超过应到会有表决权党员的半数会议方有效；赞成人数（含未到会党员的书面意见）超过应到会有表决权党员的半数方为通过。预备党员没有表决权。
      </Typography.Paragraph>
      {refusal && <RuleAlert refusal={refusal} onClose={() => setRefusal(null)} />}
      {error && <ErrorAlert error={error} onClose={() => setError(null)} />}
      {conflict && <ConflictAlert candidateId={detail.id} onRefreshed={() => setConflict(false)} />}
      <Form<Values>
        form={form}
        name="vote"
        layout="vertical"
        initialValues={{ meetingDate: dayjs(today), written: 0, no: 0, abstain: 0, outcome: kind === 'conversion' ? 'convert' : undefined }}
        onValuesChange={() => setError(null)}
      >
        <Row gutter={16}>
          <Col xs={24} sm={10}>
            <Form.Item
              label="会议日期"
              name="meetingDate"
              rules={[
                { required: true, message: '请选择支部大会召开日期' },
                {
                  validator: async (_r, v: Dayjs | undefined) => {
                    if (v && v.format(DATE_FORMAT) > today) throw new Error('会议日期不能晚于今天');
                  },
                },
                {
                  warningOnly: true,
                  validator: async (_r, v: Dayjs | undefined) => {
                    const d = v?.format(DATE_FORMAT);
                    if (d && plan.earliest && d < plan.earliest) throw new Error(kind === 'conversion' ? `预备期至 ${plan.earliest} 期满，期满后方可讨论转正` : `早于最早可办理日期 ${plan.earliest}`);
                  },
                },
              ]}
              extra={plan.earliest ? `${kind === 'conversion' ? '预备期满' : '最早可办理日期'} ${plan.earliest}` : undefined}
            >
              <DatePicker disabledDate={afterToday} style={{ width: '100%' }} placeholder="YYYY-MM-DD" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={14}>
            <Form.Item
              label="应到会有表决权的正式党员"
              name="expected"
              rules={[
                { required: true, message: '请填写应到人数' },
                { type: 'number', min: 1, message: '应到人数须至少为1' },
              ]}
              extra={
                <span data-testid="registry-count" data-date={registryCount !== undefined ? date : undefined}>
                  {registry.isFetching && registryCount === undefined
                    ? '正在查询党员名册…'
                    : registryCount !== undefined
                      ? `党员名册：${registryCount} 名有表决权的正式党员（不含预备党员、受留党察看处分者）`
                      : registry.isError
                        ? '党员名册查询失败，请核对后手工填写'
                        : '选择会议日期后按党员名册自动填写'}
                </span>
              }
            >
              <InputNumber min={0} max={100000} precision={0} suffix="名" style={{ width: 160 }} />
            </Form.Item>
          </Col>
        </Row>
        {mismatch && (
          <Form.Item
            label="应到人数与党员名册不一致的原因"
            name="expectedNote"
            rules={[
              { required: true, whitespace: true, message: '请说明应到人数与名册不一致的原因' },
              { max: 500, message: '不能超过500个字' },
            ]}
          >
            <Input.TextArea rows={2} maxLength={500} placeholder="如：名册中1名党员已于会前转出，尚未办结" />
          </Form.Item>
        )}
        <Row gutter={16}>
          {COUNT_FIELDS.map((f) => (
            <Col xs={12} sm={8} md={f.name === 'present' || f.name === 'written' ? 6 : 4} key={f.name}>
              <Form.Item label={f.label} name={f.name} rules={[{ required: true, message: '请填写人数' }]}>
                <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          ))}
        </Row>
        {kind === 'conversion' && (
          <Row gutter={16}>
            <Col xs={24} sm={14}>
              <Form.Item label="支部大会处理意见" name="outcome" rules={[{ required: true, message: '请选择处理意见' }]}>
                <Radio.Group options={(Object.keys(OUTCOMES) as Array<keyof typeof OUTCOMES>).map((k) => ({ value: k, label: OUTCOMES[k] }))} />
              </Form.Item>
            </Col>
            {outcome === 'extend' && (
              <Col xs={24} sm={10}>
                <Form.Item
                  label="延长预备期"
                  name="extensionMonths"
                  rules={[
                    { required: true, message: '请填写延长的月数' },
                    { type: 'number', min: 6, max: 12, message: '延长预备期不能少于6个月、最长不超过12个月（依据《中国共产党发展党员工作细则》）' },
                  ]}
                  extra="6至12个月，只能延长一次"
                >
                  <InputNumber min={1} max={24} precision={0} suffix="个月" style={{ width: 160 }} />
                </Form.Item>
              </Col>
            )}
          </Row>
        )}
      </Form>
      {filled && (
        <Alert
          data-testid="vote-live"
          type={live.problems.length || !live.isQuorate ? 'error' : live.isPassed ? 'success' : 'warning'}
          showIcon
          title="按所填人数计算"
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {live.problems.map((p) => (
                <li key={p} style={{ color: '#cf1322' }}>
                  {p}
                </li>
              ))}
              {live.lines.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          }
        />
      )}
    </Modal>
  );
}
