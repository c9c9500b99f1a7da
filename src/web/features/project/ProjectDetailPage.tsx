import { useState } from 'react';
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Grid, Progress, Space, Table, Tag, Timeline, Typography } from 'antd';
import { AuditOutlined, EditOutlined, FileOutlined, NodeIndexOutlined, PaperClipOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { PROJECT_GRADES } from '../../../contracts/project';
import { errorMessage } from '../../shared/api';
import { formatDateTime, todayShanghai } from '../../shared/dates';
import { EmptyState, ErrorState, PageLoading } from '../../shared/states';
import { usePageTitle } from '../../shared/use-title';
import { downloadProjectFile, projectFileUrl, useProject, type MilestoneView, type ProgressView, type ProjectDetail } from './api';
import { AcceptModal, EditProjectModal, ProgressModal, RoadmapModal } from './ProjectModals';
import { GradeTag, LevelTag, MILESTONE_DOTS, MilestoneStateTag, pctText, PlanProgress, ProjectTypeTag, StatusTag } from './ui';
import './project.css';

// A key project: its facts, where it stands against the plan (and why it
// warns), the rationale and goals, the roadmap as a timeline with each
// milestone's date, weight, responsible org and person and completion, the
// progress reports with their evidence, and the superior's acceptance.

type Open = { kind: 'edit' } | { kind: 'roadmap' } | { kind: 'progress'; milestoneId?: string | null } | { kind: 'accept' } | null;

function Header({ p, onOpen }: { p: ProjectDetail; onOpen: (o: Open) => void }) {
  return (
    <div className="page-header" style={{ marginBottom: 0 }}>
      <Space size={10} wrap align="center" style={{ minWidth: 0 }}>
        <Typography.Title level={3} data-testid="project-name" style={{ wordBreak: 'break-word' }}>
          {p.name}
        </Typography.Title>
        <ProjectTypeTag type={p.type} />
        <StatusTag status={p.status} />
        {p.status === 'active' && <LevelTag level={p.level} status={p.status} />}
        {p.grade && <GradeTag grade={p.grade} />}
      </Space>
      <Space wrap>
        {p.can.edit && (
          <Button icon={<EditOutlined />} onClick={() => onOpen({ kind: 'edit' })}>
            修改项目
          </Button>
        )}
        {p.can.edit && (
          <Button icon={<NodeIndexOutlined />} onClick={() => onOpen({ kind: 'roadmap' })}>
            {p.roadmap.length ? '调整路线图' : '制定路线图'}
          </Button>
        )}
        {p.can.record && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => onOpen({ kind: 'progress' })} disabled={p.roadmap.length > 0 && !p.roadmap.some((m) => m.canRecord)}>
            登记进展
          </Button>
        )}
        {p.can.accept && (
          <Button icon={<AuditOutlined />} onClick={() => onOpen({ kind: 'accept' })}>
            验收
          </Button>
        )}
      </Space>
    </div>
  );
}

function Facts({ p }: { p: ProjectDetail }) {
  const narrow = Grid.useBreakpoint().sm === false;
  return (
    <Descriptions layout={narrow ? 'vertical' : 'horizontal'} bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 3, xl: 3, xxl: 3 }} data-testid="project-facts" style={{ marginTop: 16 }}>
      <Descriptions.Item label="牵头组织">{p.ownerOrgName}</Descriptions.Item>
      <Descriptions.Item label="项目负责人">{p.ownerPersonName}</Descriptions.Item>
      <Descriptions.Item label="起止日期">
        {p.startOn} 至 {p.endOn}
      </Descriptions.Item>
      <Descriptions.Item label="路线图">{p.milestones ? `共 ${p.milestones} 个节点，已完成 ${p.milestonesDone} 个` : '尚未制定'}</Descriptions.Item>
      <Descriptions.Item label="下一节点">{p.nextMilestone ? `${p.nextMilestone.title}（${p.nextMilestone.dueOn}）` : '—'}</Descriptions.Item>
      <Descriptions.Item label="立项">
        {p.createdBy} · {formatDateTime(p.createdAt)}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** Planned against actual, and the reasons of the warning. */
function Standing({ p }: { p: ProjectDetail }) {
  const points = (n: number) => `${Math.round(n * 10) / 10} 个百分点`;
  const behind = p.gap > 0 ? `落后计划 ${points(p.gap)}` : p.gap < 0 ? `超前计划 ${points(-p.gap)}` : '与计划持平';
  const asOf = p.status === 'accepted' && p.acceptedOn ? p.acceptedOn : todayShanghai();
  return (
    <div className="project-standing" data-testid="project-standing">
      <div className="project-standing-bar">
        <Typography.Text strong>截至 {asOf} 的进度</Typography.Text>
        <PlanProgress planned={p.planned} actual={p.actual} level={p.level} />
        {p.status === 'active' && <Typography.Text type="secondary">{behind}</Typography.Text>}
      </div>
      {p.status === 'active' && p.level && p.reasons.length > 0 && (
        <Alert
          type={p.level === 'error' ? 'error' : p.level === 'warning' ? 'warning' : 'info'}
          showIcon
          title={p.level === 'error' ? '红色预警' : p.level === 'warning' ? '黄色预警' : '蓝色提示'}
          description={
            <ul className="project-reasons">
              {p.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          }
          data-testid="project-reasons"
        />
      )}
    </div>
  );
}

function Acceptance({ p }: { p: ProjectDetail }) {
  const a = p.acceptance;
  if (!a) return null;
  const failed = a.grade === 'unqualified';
  return (
    <Alert
      style={{ marginTop: 16 }}
      type={failed ? 'warning' : 'success'}
      showIcon
      data-testid="project-acceptance"
      title={failed ? `验收不合格，限期整改（${a.acceptedOn}）` : `已于 ${a.acceptedOn} 通过验收：${PROJECT_GRADES[a.grade]}，${a.score} 分`}
      description={
        <Space orientation="vertical" size={2}>
          <span>验收意见：{a.opinion}</span>
          <Typography.Text type="secondary">
            验收组织：{a.byOrgName} · 经办人：{a.by}
            {failed ? ` · 考评得分 ${a.score} 分` : ''}
          </Typography.Text>
        </Space>
      }
    />
  );
}

function MilestoneItem({ m, total, onRecord }: { m: MilestoneView; total: number; onRecord: (id: string) => void }) {
  const share = total ? Math.round((m.weight / total) * 1000) / 10 : 0;
  const overdue = m.state === 'overdue';
  return (
    <div className="project-milestone-view" data-testid={`milestone-${m.seq}`} data-state={m.state}>
      <div className="project-milestone-view-head">
        <Typography.Text strong className="project-milestone-view-title">
          {m.seq}. {m.title}
        </Typography.Text>
        <MilestoneStateTag state={m.state} />
      </div>
      <div className="project-milestone-view-facts">
        <span className={overdue ? 'project-overdue' : undefined}>
          计划完成 {m.dueOn}
          {m.doneOn ? `，${m.doneOn} 完成` : ''}
        </span>
        <span>
          权重 {m.weight}（占 {share}%）
        </span>
        <span>
          责任组织 {m.responsibleOrgName}
          {m.responsiblePersonName ? ` · 责任人 ${m.responsiblePersonName}` : ''}
        </span>
      </div>
      <div className="project-milestone-view-progress">
        <Progress percent={m.percent} size="small" status={m.doneOn ? 'success' : overdue ? 'exception' : 'normal'} format={(n) => `完成 ${n}%`} style={{ margin: 0 }} />
        <Typography.Text type="secondary" className="project-milestone-view-plan">
          今天应完成 {pctText(m.planned)} · 进展记录 {m.reports} 条
        </Typography.Text>
      </div>
      {m.canRecord && (
        <Button size="small" onClick={() => onRecord(m.id)} aria-label={`登记进展：${m.title}`}>
          登记进展
        </Button>
      )}
    </div>
  );
}

function Roadmap({ p, onRecord }: { p: ProjectDetail; onRecord: (id: string) => void }) {
  if (p.roadmap.length === 0) {
    return <EmptyState description={p.can.edit ? '还没有路线图。点击“制定路线图”把项目分解为节点，写明完成日期、权重和责任组织。' : '还没有路线图。'} />;
  }
  const total = p.roadmap.reduce((s, m) => s + m.weight, 0);
  return (
    <Timeline
      data-testid="roadmap"
      items={p.roadmap.map((m) => ({
        key: m.id,
        color: MILESTONE_DOTS[m.state],
        content: <MilestoneItem m={m} total={total} onRecord={onRecord} />,
      }))}
    />
  );
}

function Reports({ p }: { p: ProjectDetail }) {
  const { message } = App.useApp();
  const download = async (f: { id: string; fileName: string }) => {
    try {
      await downloadProjectFile(p.id, f);
    } catch (e) {
      message.error(`下载失败：${errorMessage(e)}`);
    }
  };
  return (
    <Table<ProgressView>
      rowKey="id"
      size="middle"
      data-testid="project-reports"
      dataSource={p.reports}
      pagination={p.reports.length > 10 ? { pageSize: 10, showSizeChanger: false } : false}
      scroll={{ x: 900 }}
      locale={{ emptyText: <EmptyState description={p.can.record ? '还没有进展记录。点击“登记进展”填报节点的完成情况。' : '还没有进展记录。'} /> }}
      columns={[
        { title: '进展日期', dataIndex: 'reportedOn', key: 'on', width: 110 },
        { title: '节点', dataIndex: 'milestoneTitle', key: 'milestone', width: 180, render: (t: string | null) => t ?? '（整个项目）' },
        { title: '完成比例', dataIndex: 'percent', key: 'percent', width: 90, render: (n: number) => <Tag color={n >= 100 ? 'green' : 'blue'}>{n}%</Tag> },
        { title: '进展情况', dataIndex: 'note', key: 'note', render: (t: string) => <span style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{t}</span> },
        {
          title: '佐证材料',
          key: 'evidence',
          width: 200,
          render: (_: unknown, r) =>
            r.evidence.length === 0 ? (
              <Typography.Text type="secondary">—</Typography.Text>
            ) : (
              <Space orientation="vertical" size={0}>
                {r.evidence.map((f) => (
                  <a
                    key={f.id}
                    href={projectFileUrl(p.id, f.id)}
                    onClick={(e) => {
                      e.preventDefault();
                      void download(f);
                    }}
                    className="project-file-link"
                    aria-label={`下载 ${f.fileName}`}
                  >
                    {f.mime.startsWith('image/') ? <PaperClipOutlined /> : <FileOutlined />} {f.fileName}
                  </a>
                ))}
              </Space>
            ),
        },
        {
          title: '登记人',
          key: 'by',
          width: 160,
          render: (_: unknown, r) => (
            <Space orientation="vertical" size={0}>
              <span>{r.reportedBy}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                {formatDateTime(r.recordedAt)}
              </Typography.Text>
            </Space>
          ),
        },
      ]}
    />
  );
}

export function ProjectDetailPage() {
  const { id } = useParams();
  const q = useProject(id);
  const p = q.data;
  usePageTitle(p ? p.name : '重点项目');
  const [open, setOpen] = useState<Open>(null);

  if (q.isPending) return <PageLoading />;
  if (q.isError || !p) return <ErrorState error={q.error} onRetry={() => q.refetch()} title="项目加载失败" />;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Breadcrumb style={{ marginBottom: 8 }} items={[{ title: <Link to="/admin/projects">重点项目</Link> }, { title: p.name }]} />
        <Header p={p} onOpen={setOpen} />
        <Facts p={p} />
        <Standing p={p} />
        <Acceptance p={p} />
      </Card>
      <Card title="立项依据与目标">
        <div className="project-texts">
          <section>
            <Typography.Title level={5}>立项依据</Typography.Title>
            <Typography.Paragraph className="project-pre" data-testid="project-rationale">
              {p.rationale}
            </Typography.Paragraph>
          </section>
          <section>
            <Typography.Title level={5}>项目目标</Typography.Title>
            <Typography.Paragraph className="project-pre" data-testid="project-goals">
              {p.goals}
            </Typography.Paragraph>
          </section>
        </div>
      </Card>
      <Card
        title={`路线图（时间表）${p.roadmap.length ? `· ${p.milestonesDone}/${p.milestones} 已完成` : ''}`}
        extra={
          p.can.edit ? (
            <Button type="link" onClick={() => setOpen({ kind: 'roadmap' })}>
              {p.roadmap.length ? '调整路线图' : '制定路线图'}
            </Button>
          ) : undefined
        }
      >
        <Roadmap p={p} onRecord={(milestoneId) => setOpen({ kind: 'progress', milestoneId })} />
        <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }}>
          预警规则：节点逾期未完成或落后计划超过 {p.rule.redGap} 个百分点为红色预警，落后 {p.rule.yellowGap} 个百分点以上为黄色预警，节点 {p.rule.milestoneNoticeDays} 天内到期尚未完成为蓝色提示。依据：{p.rule.source}
        </Typography.Paragraph>
      </Card>
      <Card title={`进展记录（${p.reports.length}）`}>
        <Reports p={p} />
      </Card>
      {open?.kind === 'edit' && <EditProjectModal p={p} onClose={() => setOpen(null)} />}
      {open?.kind === 'roadmap' && <RoadmapModal p={p} onClose={() => setOpen(null)} />}
      {open?.kind === 'progress' && <ProgressModal p={p} milestoneId={open.milestoneId} onClose={() => setOpen(null)} />}
      {open?.kind === 'accept' && <AcceptModal p={p} onClose={() => setOpen(null)} />}
    </Space>
  );
}
