import { useState } from 'react';
import { Alert, App, Button, Drawer, Form, Segmented } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { PROJECT_LEVELS, PROJECT_STATUSES, type ProjectStatus } from '../../../contracts/project';
import { errorMessage } from '../../shared/api';
import { applyServerErrors } from '../../shared/form-errors';
import { can, useMe } from '../../shared/session';
import { usePageTitle } from '../../shared/use-title';
import { useProject, useProjects, useRecordProgress, type ProjectDetail, type ProjectListItem } from '../project/api';
import { evidenceUploading, PROGRESS_FIELDS, progressBody, progressInitial, ProgressFields, type ProgressValues } from '../project/ProgressFields';
import { LevelTag, PlanProgress, ProjectTypeTag } from '../project/ui';
import { MobileError, MobileLoading } from './MobileStates';
import './projects.css';

// 重点项目 on the phone, for the secretary away from the desk: the projects of
// the user's scope with their planned against actual progress and warning
// level, and 登记进展 in a sheet (the milestone, how far it is, what was done,
// a photo taken on the spot). Setting up and planning stay on the console.

const PAGE = 20;

function Counts({ counts }: { counts: { error: number; warning: number; info: number; none: number } }) {
  return (
    <div className="m-pj-counts" data-testid="project-counts">
      <span className="m-pj-count m-pj-count-error">
        <strong>{counts.error}</strong>
        {PROJECT_LEVELS.error}
      </span>
      <span className="m-pj-count m-pj-count-warning">
        <strong>{counts.warning}</strong>
        {PROJECT_LEVELS.warning}
      </span>
      <span className="m-pj-count m-pj-count-info">
        <strong>{counts.info}</strong>
        {PROJECT_LEVELS.info}
      </span>
      <span className="m-pj-count">
        <strong>{counts.none}</strong>
        {PROJECT_LEVELS.none}
      </span>
    </div>
  );
}

function ProjectItem({ p, onRecord }: { p: ProjectListItem; onRecord?: () => void }) {
  return (
    <li className="m-pj-item" data-testid="m-project" data-id={p.id}>
      <div className="m-pj-head">
        <span className="m-pj-name">{p.name}</span>
        <LevelTag level={p.level} status={p.status} />
      </div>
      <div className="m-pj-sub">
        <ProjectTypeTag type={p.type} />
        <span>
          {p.ownerOrgName} · {p.ownerPersonName}
        </span>
      </div>
      <PlanProgress planned={p.planned} actual={p.actual} level={p.status === 'accepted' ? null : p.level} />
      <div className="m-pj-line">
        {p.milestones ? `节点 ${p.milestonesDone}/${p.milestones} 已完成` : '尚未制定路线图'}
        {p.nextMilestone && `；下一节点：${p.nextMilestone.title}（${p.nextMilestone.dueOn} 到期）`}
      </div>
      {p.status === 'active' && p.reasons.length > 0 && <div className={`m-pj-reason m-pj-reason-${p.level ?? 'none'}`}>{p.reasons[0]}</div>}
      {onRecord && p.status === 'active' && (
        <Button className="m-pj-action" icon={<EditOutlined />} onClick={onRecord} aria-label={`登记进展：${p.name}`}>
          登记进展
        </Button>
      )}
    </li>
  );
}

function SheetBody({ p, onDone }: { p: ProjectDetail; onDone: () => void }) {
  const { message } = App.useApp();
  const [form] = Form.useForm<ProgressValues>();
  const record = useRecordProgress(p.id);
  const [error, setError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  if (!p.can.record || (p.roadmap.length > 0 && !p.roadmap.some((m) => m.canRecord))) {
    return (
      <p className="m-pj-hint" role="status">
        {p.status === 'accepted' ? '项目已验收，不能再登记进展。' : p.can.record ? '路线图的节点都已完成。' : '只有牵头组织或节点的责任组织可以登记进展。'}
      </p>
    );
  }
  const submit = async () => {
    setError(null);
    let v: ProgressValues;
    try {
      v = await form.validateFields();
    } catch {
      return;
    }
    if (evidenceUploading(v)) {
      setWaiting(true);
      return;
    }
    setWaiting(false);
    try {
      await record.mutateAsync(progressBody(v));
      message.success('进展已登记');
      onDone();
    } catch (e) {
      setError(applyServerErrors(form, e, PROGRESS_FIELDS));
    }
  };
  return (
    <Form<ProgressValues> form={form} layout="vertical" name="m-project-progress" initialValues={progressInitial(p)} className="m-pj-form" onFinish={() => void submit()}>
      <p className="m-pj-sheet-name">{p.name}</p>
      <ProgressFields form={form} project={p} phone />
      {error && <Alert type="error" showIcon role="alert" title={error} style={{ marginBottom: 12 }} />}
      {waiting && <Alert type="info" showIcon title="照片正在上传，请稍候再提交" style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit" className="m-action" loading={record.isPending}>
        提交进展
      </Button>
    </Form>
  );
}

/** The 登记进展 sheet: the project is read whole (its milestones, which ones the user may report on). */
function ProgressSheet({ id, onClose }: { id: string; onClose: () => void }) {
  const q = useProject(id);
  return (
    <Drawer open placement="bottom" size="auto" title="登记进展" onClose={onClose} destroyOnHidden rootClassName="m-pj-sheet">
      {q.isPending ? (
        <p className="m-pj-hint">正在加载…</p>
      ) : q.isError ? (
        <p className="m-pj-hint" role="alert">
          项目加载失败：{errorMessage(q.error)}
        </p>
      ) : (
        <SheetBody p={q.data} onDone={onClose} />
      )}
    </Drawer>
  );
}

export function MobileProjectsPage() {
  usePageTitle('重点项目');
  const me = useMe().data!;
  const reads = can(me, 'project.read');
  const manages = can(me, 'project.manage');
  const [status, setStatus] = useState<ProjectStatus>('active');
  const [shown, setShown] = useState(PAGE);
  const list = useProjects({ status, page: 1, pageSize: shown }, reads);
  const [recordFor, setRecordFor] = useState<string | null>(null);

  if (!reads) {
    return (
      <section className="m-card" role="alert">
        <h2>重点项目</h2>
        <p className="m-pj-hint">重点项目由支部书记、党务工作者和党委管理员查看和登记进展。如需使用，请联系安全管理员授予相应角色。</p>
      </section>
    );
  }
  const data = list.data;
  return (
    <>
      <h1 className="m-pj-title">重点项目</h1>
      <Segmented<ProjectStatus>
        block
        value={status}
        onChange={(s) => {
          setStatus(s);
          setShown(PAGE);
        }}
        options={(Object.keys(PROJECT_STATUSES) as ProjectStatus[]).map((k) => ({ value: k, label: PROJECT_STATUSES[k] }))}
        className="m-pj-tabs"
        aria-label="项目状态"
      />
      {list.isPending ? (
        <MobileLoading />
      ) : list.isError && !data ? (
        <MobileError error={list.error} onRetry={() => void list.refetch()} title="项目加载失败" />
      ) : data ? (
        <section className="m-card" aria-label={`${PROJECT_STATUSES[status]}的项目`}>
          {status === 'active' && <Counts counts={data.counts} />}
          {data.items.length === 0 ? (
            <p className="m-pj-hint">{status === 'active' ? '管理范围内没有推进中的重点项目。立项请在电脑上的管理端办理。' : '还没有已验收的项目。'}</p>
          ) : (
            <ul className="m-pj-list" data-testid="m-projects">
              {data.items.map((p) => (
                <ProjectItem key={p.id} p={p} onRecord={manages ? () => setRecordFor(p.id) : undefined} />
              ))}
            </ul>
          )}
          {data.total > data.items.length && (
            <Button type="link" className="m-pj-more" onClick={() => setShown((n) => Math.min(100, n + PAGE))} loading={list.isFetching} disabled={shown >= 100}>
              显示更多（共 {data.total} 个）
            </Button>
          )}
          <p className="m-pj-note">进度截至 {data.asOf}：彩色为实际进度，灰色为按路线图应达到的计划进度。</p>
        </section>
      ) : null}
      {recordFor && <ProgressSheet id={recordFor} onClose={() => setRecordFor(null)} />}
    </>
  );
}
