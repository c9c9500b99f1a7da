import { useState, type ReactNode } from 'react';
import { App, Breadcrumb, Button, Card, Descriptions, Form, Input, Space, Steps, Table, Tabs, Tag, Timeline, Typography, Upload } from 'antd';
import { EarlierRecordNote } from '../member/EarlierRecordNote';
import { DownloadOutlined, PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Link, useParams, useSearchParams } from 'react-router';
import { DEVELOPMENT_STAGES, DEVELOPMENT_STEPS, REPEATABLE_STEPS, SUPERIOR_STEPS, VOTE_STEPS } from '../../../contracts/development';
import { formatDate, formatDateTime, todayShanghai } from '../../shared/dates';
import { can, useMe } from '../../shared/session';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { EDUCATIONS, label, OCCUPATIONS, SEXES } from '../member/labels';
import {
  downloadStoredFile, useCandidate, useUploadReport, type CandidateDetail, type DeadlineView, type StepPlanView, type StepView, type VoteView,
} from './api';
import { DocumentButtons } from './documents';
import { StepModal } from './StepModal';
import { DaysLeftTag, DeadlineLine, errorMessage, StageText, StateTag, StatusTag } from './ui';
import { VoteModal } from './VoteModal';

// 发展档案: the header with the key facts, and tabs — the 25 steps as plan vs
// actual (登记 from here), the 支部大会 votes, the deadlines, 思想汇报 and the
// documents generated from the recorded facts.

const CONCLUSION_LABELS: Record<number, string> = { 6: '考察意见', 21: '考察意见', 10: '政治审查结论', 12: '审查意见' };
const RECOMMENDATIONS: Record<string, string> = { member: '党员推荐', mass_org: '群团组织推优' };
const OUTCOMES: Record<string, string> = { convert: '按期转正', extend: '延长预备期', cancel: '取消预备党员资格' };

function Fact({ label: l, children }: { label: string; children: ReactNode }) {
  return (
    <span style={{ display: 'inline-flex', gap: 4, marginRight: 16, lineHeight: '22px' }}>
      <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap' }}>
        {l}：
      </Typography.Text>
      <span style={{ wordBreak: 'break-all' }}>{children}</span>
    </span>
  );
}

function approvalText(step: number, approved: unknown) {
  if (approved === true) return step === 13 ? '同意' : '批准';
  if (approved === false) return step === 13 ? '不同意' : '不批准';
  return null;
}

/** What was recorded for one step: date, who decided, who talked, conclusions, attachments. */
function StepRecord({ s }: { s: StepView }) {
  const { message } = App.useApp();
  const d = s.data as Record<string, unknown>;
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  const vote = d.vote as { expected: number; present: number; written: number; yes: number; no: number; abstain: number } | undefined;
  const approval = approvalText(s.step, d.approved);
  return (
    <div style={{ background: '#fafafa', border: '1px solid #f0f0f0', borderRadius: 6, padding: '6px 10px', marginTop: 6 }} data-testid={`record-${s.step}`}>
      <Fact label="日期">{s.date}</Fact>
      {s.decisionBody && <Fact label="决定机关">{s.decisionBody}</Fact>}
      {str('recommendation') && <Fact label="推荐方式">{RECOMMENDATIONS[str('recommendation')!] ?? str('recommendation')}</Fact>}
      {s.talkers.length > 0 && <Fact label="谈话人">{s.talkers.join('、')}</Fact>}
      {s.envoy && <Fact label={s.step === 16 ? '派出' : '指派人'}>{s.envoy}</Fact>}
      {s.contacts.length > 0 && <Fact label="培养联系人">{s.contacts.map((c) => c.name).join('、')}</Fact>}
      {s.introducers.length > 0 && <Fact label="入党介绍人">{s.introducers.map((c) => c.name).join('、')}</Fact>}
      {str('conclusion') && <Fact label={CONCLUSION_LABELS[s.step] ?? '意见'}>{str('conclusion')}</Fact>}
      {str('publicNoticeStart') && <Fact label="公示开始">{str('publicNoticeStart')}</Fact>}
      {s.step === 11 && (
        <Fact label="集中培训">
          {[str('trainingName'), `${Number(d.trainingDays ?? 0)} 天`, `${Number(d.trainingHours ?? 0)} 学时`].filter(Boolean).join('，')}
        </Fact>
      )}
      {approval && <Fact label={s.step === 13 ? '预审结论' : '审批结论'}>{approval}</Fact>}
      {str('extensionReason') && <Fact label="特殊情况">{str('extensionReason')}</Fact>}
      {str('formNumber') && <Fact label="志愿书编号">{str('formNumber')}</Fact>}
      {str('groupName') && <Fact label="党小组">{str('groupName')}</Fact>}
      {str('archiveLocation') && <Fact label="归档位置">{str('archiveLocation')}</Fact>}
      {vote && (
        <Fact label="表决">
          应到 {vote.expected}，实到 {vote.present}，书面意见 {vote.written}；赞成 {vote.yes}，反对 {vote.no}，弃权 {vote.abstain}
        </Fact>
      )}
      {str('outcome') && <Fact label="处理意见">{OUTCOMES[str('outcome')!] ?? str('outcome')}</Fact>}
      {typeof d.extensionMonths === 'number' && <Fact label="延长">{d.extensionMonths} 个月</Fact>}
      {s.note && <Fact label="备注">{s.note}</Fact>}
      {s.attachments.length > 0 && (
        <Fact label="附件">
          <Space size={4} wrap>
            {s.attachments.map((a) => (
              <Button
                key={a.id}
                type="link"
                size="small"
                icon={<PaperClipOutlined />}
                style={{ padding: 0, height: 'auto' }}
                onClick={() => downloadStoredFile(a.id, a.fileName).catch((e: unknown) => message.error(`下载失败：${errorMessage(e)}`))}
              >
                {a.fileName}
              </Button>
            ))}
          </Space>
        </Fact>
      )}
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {s.recordedBy ? `${s.recordedBy} ` : ''}登记于 {formatDateTime(s.recordedAt)}
        </Typography.Text>
      </div>
    </div>
  );
}

function StepItem({ plan, records, detail, onRecord }: { plan: StepPlanView; records: StepView[]; detail: CandidateDetail; onRecord: (p: StepPlanView) => void }) {
  const today = todayShanghai();
  const done = plan.done.length > 0;
  const late = !done && !!plan.due && plan.due < today && detail.state === 'open';
  const isVote = VOTE_STEPS.includes(plan.step);
  const isSuperior = SUPERIOR_STEPS.includes(plan.step);
  const allowed = isSuperior ? detail.abilities.approve : detail.abilities.record;
  const repeatable = REPEATABLE_STEPS.includes(plan.step);
  const blockers = done ? plan.blockers.filter((b) => !b.includes('已登记')) : plan.blockers;
  return (
    <div data-testid={`step-${plan.step}`}>
      <Space size={8} wrap align="center">
        <Typography.Text strong>
          第{plan.step}步 {plan.label}
        </Typography.Text>
        {done ? (
          <Tag color="success">已完成 {plan.done.join('、')}</Tag>
        ) : plan.canRecordNow ? (
          <Tag color="processing">可登记</Tag>
        ) : (
          <Tag>未开始</Tag>
        )}
        {late && <Tag color="red">已超过应完成日期</Tag>}
        {isSuperior && <Tag color="purple">上级党委</Tag>}
        {plan.canRecordNow && allowed && (
          <Button size="small" type={done ? 'default' : 'primary'} onClick={() => onRecord(plan)}>
            {isVote ? '登记表决' : done && repeatable ? '再次登记' : '登记'}
          </Button>
        )}
        {plan.canRecordNow && !allowed && detail.state === 'open' && isSuperior && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            由上级党委登记
          </Typography.Text>
        )}
      </Space>
      {(plan.earliest || plan.due) && !(done && !repeatable && plan.step !== 22 && plan.step !== 23 && plan.step !== 24) && (
        <div style={{ marginTop: 2 }}>
          {plan.earliest && <Fact label="最早可办理日期">{plan.earliest}</Fact>}
          {plan.due && (
            <Fact label="应完成日期">
              <Typography.Text type={late ? 'danger' : undefined}>{plan.due}</Typography.Text>
            </Fact>
          )}
        </div>
      )}
      {blockers.length > 0 && detail.state === 'open' && (
        <div style={{ marginTop: 2 }}>
          <Typography.Text type="secondary" style={{ fontSize: 13 }}>
            {blockers.join('；')}
          </Typography.Text>
        </div>
      )}
      {records.map((r) => (
        <StepRecord key={r.id} s={r} />
      ))}
    </div>
  );
}

const STAGES = [1, 2, 3, 4, 5] as const;

/** The step to work on next: the first one open for recording, else the first not yet done. */
function currentStep(detail: CandidateDetail): number | null {
  const open = detail.plan.filter((p) => p.done.length === 0);
  return (open.find((p) => p.canRecordNow) ?? open[0])?.step ?? null;
}

function scrollToStep(step: number) {
  document.querySelector(`[data-testid="step-${step}"]`)?.scrollIntoView({ behavior: 'smooth', block: 'center' });
}

function ProgressTab({ detail, onRecord }: { detail: CandidateDetail; onRecord: (p: StepPlanView) => void }) {
  const today = todayShanghai();
  const finished = detail.state === 'archived';
  const stageDone = (stage: number) => detail.plan.filter((p) => p.stage === stage).every((p) => p.done.length > 0);
  // While the file is open, the stages already completed when the page was opened are folded (a
  // 2,500 px scroll otherwise); a closed file is a record and shows every step. Recording a step
  // never folds what the user is looking at.
  const [folded, setFolded] = useState<Set<number>>(() => new Set(detail.state === 'open' ? STAGES.filter(stageDone) : []));
  const unfold = (stage: number) => setFolded((f) => new Set([...f].filter((s) => s !== stage)));
  const current = detail.state === 'open' ? currentStep(detail) : null;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Steps
        size="small"
        current={finished ? 5 : detail.stage - 1}
        status={detail.state === 'open' || finished ? undefined : 'error'}
        onChange={(i) => {
          unfold(i + 1);
          requestAnimationFrame(() => document.getElementById(`stage-${i + 1}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
        }}
        items={STAGES.map((s) => ({ title: `第${s}阶段`, content: DEVELOPMENT_STAGES[s] }))}
      />
      {current && (
        <Button type="link" style={{ padding: 0, alignSelf: 'flex-start' }} onClick={() => scrollToStep(current)}>
          跳到当前步骤：第{current}步 {DEVELOPMENT_STEPS[current - 1]?.label}
        </Button>
      )}
      {STAGES.map((stage) => {
        const plans = detail.plan.filter((p) => p.stage === stage);
        const title = (
          <Typography.Title level={5} style={{ marginTop: 0, marginBottom: folded.has(stage) ? 0 : undefined }}>
            第{stage}阶段 · {DEVELOPMENT_STAGES[stage]}
          </Typography.Title>
        );
        if (folded.has(stage)) {
          const dates = plans.flatMap((p) => p.done).sort();
          return (
            <section key={stage} id={`stage-${stage}`} aria-label={`第${stage}阶段`} className="stage-folded">
              <Space wrap size={8} align="center">
                {title}
                <Tag color="success">
                  已完成 {plans.length} 步{dates.length ? `（${dates[0]} 至 ${dates[dates.length - 1]}）` : ''}
                </Tag>
                <Button size="small" onClick={() => unfold(stage)} aria-label={`展开第${stage}阶段`}>
                  展开
                </Button>
              </Space>
            </section>
          );
        }
        return (
          <section key={stage} id={`stage-${stage}`} aria-label={`第${stage}阶段`}>
            {title}
            <Timeline
              items={plans.map((p) => {
                const done = p.done.length > 0;
                const late = !done && !!p.due && p.due < today && detail.state === 'open';
                return {
                  key: p.step,
                  color: done ? 'green' : late ? 'red' : p.canRecordNow ? 'blue' : 'gray',
                  content: <StepItem plan={p} records={detail.steps.filter((s) => s.step === p.step)} detail={detail} onRecord={onRecord} />,
                };
              })}
            />
          </section>
        );
      })}
    </Space>
  );
}

function VotesTab({ votes }: { votes: VoteView[] }) {
  if (votes.length === 0) return <EmptyState description="还没有支部大会表决记录。第15步“支部大会讨论”接收预备党员、第23步讨论转正时，在“发展进程”中登记表决。" />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {votes.map((v) => (
        <Card
          key={`${v.kind}-${v.round}`}
          size="small"
          data-testid={`vote-${v.kind}-${v.round}`}
          title={
            <Space wrap>
              <span>{v.kind === 'admission' ? '接收预备党员' : `讨论转正${v.round > 1 ? `（第${v.round}次）` : ''}`}</span>
              <Typography.Text type="secondary">{v.meetingDate}</Typography.Text>
            </Space>
          }
          extra={
            <Space size={4}>
              <Tag color={v.isQuorate ? 'green' : 'red'}>{v.isQuorate ? '会议有效' : '不足法定人数'}</Tag>
              <Tag color={v.isPassed ? 'green' : 'red'}>{v.isPassed ? '通过' : '未通过'}</Tag>
            </Space>
          }
        >
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
            <Descriptions.Item label="应到">{v.expected} 名</Descriptions.Item>
            <Descriptions.Item label="党员名册">{v.registryCount} 名</Descriptions.Item>
            <Descriptions.Item label="实到">{v.present} 名</Descriptions.Item>
            <Descriptions.Item label="书面意见">{v.written} 份</Descriptions.Item>
            <Descriptions.Item label="赞成">{v.yes}</Descriptions.Item>
            <Descriptions.Item label="反对">{v.no}</Descriptions.Item>
            <Descriptions.Item label="弃权">{v.abstain}</Descriptions.Item>
            {v.outcome && <Descriptions.Item label="处理意见">{OUTCOMES[v.outcome]}{v.extensionMonths ? `（${v.extensionMonths}个月）` : ''}</Descriptions.Item>}
            {v.expectedNote && (
              <Descriptions.Item label="应到与名册不一致的原因" span="filled">
                {v.expectedNote}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Text type="secondary">计算过程：</Typography.Text>
          <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
            {v.arithmetic.map((l) => (
              <li key={l}>{l}</li>
            ))}
          </ul>
        </Card>
      ))}
    </Space>
  );
}

function DeadlinesTab({ detail }: { detail: CandidateDetail }) {
  return (
    <Table<DeadlineView>
      rowKey="kind"
      size="small"
      dataSource={detail.deadlines}
      pagination={false}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: <EmptyState description={detail.state === 'open' ? '目前没有待办期限。' : '发展档案已结束，没有待办期限。'} /> }}
      columns={[
        { title: '事项', dataIndex: 'label', key: 'label' },
        { title: '到期日', dataIndex: 'due', key: 'due', width: 110, render: (d: string, r) => <Typography.Text type={r.overdue ? 'danger' : undefined}>{d}</Typography.Text> },
        { title: '特殊情况可延至', dataIndex: 'extendedDue', key: 'extendedDue', width: 130, render: formatDate },
        { title: '剩余', key: 'left', width: 170, render: (_: unknown, r) => <DaysLeftTag d={r} /> },
      ]}
    />
  );
}

function ReportsTab({ detail }: { detail: CandidateDetail }) {
  const me = useMe().data;
  const { message } = App.useApp();
  const upload = useUploadReport();
  const [form] = Form.useForm<{ title: string }>();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const canUpload = can(me, 'development.manage');
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!file) setFileError('请选择思想汇报文件');
    if (!v || !file) return;
    try {
      await upload.mutateAsync({ id: detail.id, title: v.title.trim(), file });
      message.success(`已上传思想汇报：${v.title.trim()}`);
      form.resetFields();
      setFile(null);
    } catch (e) {
      message.error(`上传失败：${errorMessage(e)}`);
    }
  };
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {canUpload && (
        <Form form={form} name="report" layout="inline" style={{ rowGap: 8 }}>
          <Form.Item name="title" label="标题" rules={[{ required: true, whitespace: true, message: '请填写标题' }, { max: 100, message: '不能超过100个字' }]}>
            <Input maxLength={100} placeholder="如：2026年第三季度思想汇报" style={{ width: 260 }} />
          </Form.Item>
          <Form.Item validateStatus={fileError ? 'error' : undefined} help={fileError ?? undefined}>
            <Upload
              accept=".pdf,.png,.jpg,.jpeg,.docx"
              maxCount={1}
              fileList={file ? [{ uid: 'report', name: file.name, status: 'done' }] : []}
              beforeUpload={(f) => {
                setFile(f);
                setFileError(null);
                return false;
              }}
              onRemove={() => setFile(null)}
            >
              <Button icon={<UploadOutlined />}>选择文件</Button>
            </Upload>
          </Form.Item>
          <Form.Item>
            <Button type="primary" onClick={submit} disabled={upload.isPending}>
              {upload.isPending ? '正在上传…' : '上传思想汇报'}
            </Button>
          </Form.Item>
        </Form>
      )}
      <Table
        rowKey="id"
        size="small"
        dataSource={detail.reports}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <EmptyState description="还没有思想汇报。入党积极分子一般每季度向党组织提交一次思想汇报；申请人可在手机端提交，也可由支部代为上传。" /> }}
        columns={[
          { title: '标题', dataIndex: 'title', key: 'title' },
          { title: '提交日期', dataIndex: 'submittedOn', key: 'submittedOn', width: 110 },
          {
            title: '文件',
            key: 'file',
            render: (_: unknown, r) => (
              <Button
                type="link"
                size="small"
                icon={<DownloadOutlined />}
                onClick={() => downloadStoredFile(r.fileId, r.fileName).catch((e: unknown) => message.error(`下载失败：${errorMessage(e)}`))}
              >
                {r.fileName}
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}

const TABS = ['progress', 'votes', 'deadlines', 'reports', 'documents'] as const;

export function CandidateDetailPage() {
  const { id } = useParams();
  const q = useCandidate(id);
  usePageTitle(q.data ? `发展档案：${q.data.name}` : '发展档案');
  const [params, setParams] = useSearchParams();
  const tab = TABS.includes(params.get('tab') as (typeof TABS)[number]) ? params.get('tab')! : 'progress';
  const [recording, setRecording] = useState<number | null>(null);

  if (q.isPending) return <PageLoading />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="发展档案加载失败" extra={<Link to="/admin/development/candidates">返回发展对象档案</Link>} />;
  const d = q.data;
  const plan = recording ? d.plan.find((p) => p.step === recording) : undefined;
  const stepLabel = DEVELOPMENT_STEPS[d.lastStep - 1]?.label;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/admin/development">发展党员</Link> }, { title: <Link to="/admin/development/candidates">发展对象档案</Link> }, { title: d.name }]} />
        <div className="page-header" style={{ marginBottom: 12 }}>
          <Space size={12} wrap align="center">
            <Typography.Title level={3} data-testid="candidate-name">
              {d.name}
            </Typography.Title>
            <span data-testid="candidate-status">
              <StatusTag status={d.status} />
            </span>
            <span data-testid="candidate-state">
              <StateTag state={d.state} />
            </span>
            <Typography.Text type="secondary">{d.orgName}</Typography.Text>
          </Space>
        </div>
        <EarlierRecordNote record={d.earlierRecord} />
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3, xxl: 4 }}>
          <Descriptions.Item label="阶段">
            <StageText stage={d.stage} nowrap={false} />
          </Descriptions.Item>
          <Descriptions.Item label="进度">
            已完成到第{d.lastStep}步{stepLabel ? `（${stepLabel}）` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="申请日期">{d.appliedOn}</Descriptions.Item>
          {d.probationEnd && <Descriptions.Item label="预备期满">{d.probationEnd}</Descriptions.Item>}
          {d.extensions.length > 0 && <Descriptions.Item label="延长预备期">{d.extensions.map((m) => `${m}个月`).join('、')}</Descriptions.Item>}
          {d.state === 'open' ? (
            <Descriptions.Item label="下一期限" span={2}>
              <DeadlineLine d={d.nextDue} />
            </Descriptions.Item>
          ) : (
            <Descriptions.Item label="结束" span={2}>
              {formatDate(d.closedOn)}
              {d.closeReason ? `，${d.closeReason}` : ''}
            </Descriptions.Item>
          )}
          <Descriptions.Item label="性别 / 出生日期">
            {label(SEXES, d.sex)} / {d.birthDate}
          </Descriptions.Item>
          <Descriptions.Item label="民族">{d.ethnicity}</Descriptions.Item>
          <Descriptions.Item label="学历">{label(EDUCATIONS, d.education)}</Descriptions.Item>
          <Descriptions.Item label="职业">{label(OCCUPATIONS, d.occupation)}</Descriptions.Item>
          <Descriptions.Item label="工作单位">{d.unitName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="身份证号">{d.idNumberMasked}</Descriptions.Item>
          <Descriptions.Item label="手机">{d.phoneMasked ?? '—'}</Descriptions.Item>
          {d.leavesUnitOn && <Descriptions.Item label="预计离开单位">{d.leavesUnitOn}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(k) => setParams(k === 'progress' ? {} : { tab: k }, { replace: true })}
          items={[
            { key: 'progress', label: '发展进程', children: <ProgressTab detail={d} onRecord={(p) => setRecording(p.step)} /> },
            { key: 'votes', label: `表决记录（${d.votes.length}）`, children: <VotesTab votes={d.votes} /> },
            { key: 'deadlines', label: `期限（${d.deadlines.length}）`, children: <DeadlinesTab detail={d} /> },
            { key: 'reports', label: `思想汇报（${d.reports.length}）`, children: <ReportsTab detail={d} /> },
            { key: 'documents', label: '文书', children: <DocumentButtons detail={d} /> },
          ]}
        />
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 16, marginBottom: 0 }}>
          依据：{d.ruleSource.split('：')[0]}
        </Typography.Paragraph>
      </Card>
      {plan && (VOTE_STEPS.includes(plan.step) ? <VoteModal key={plan.step} detail={d} plan={plan} onClose={() => setRecording(null)} /> : <StepModal key={plan.step} detail={d} plan={plan} onClose={() => setRecording(null)} />)}
    </Space>
  );
}
