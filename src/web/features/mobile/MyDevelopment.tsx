import { useRef, useState, type FormEvent } from 'react';
import { Alert, App, Button, Input, Tag } from 'antd';
import { FileAddOutlined, RightOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { CANDIDATE_STATUSES, DEVELOPMENT_STAGES, FILE_STATES, INFORMATIONAL_DEADLINES } from '../../../contracts/development';
import { errorMessage } from '../../shared/api';
import { dayjs, todayShanghai } from '../../shared/dates';
import { useSubmitReport, type MyDevelopment } from './api';
import './development.css';

// 我的入党进度 on the phone: where the applicant stands in the 25 steps, what
// the Party organisation does next and by when, and the 思想汇报 they submit.

type DevFile = NonNullable<MyDevelopment['file']>;
type Deadline = MyDevelopment['deadlines'][number];

const STAGE_NUMERALS = ['一', '二', '三', '四', '五'];
const STATUS_COLOR: Record<string, string> = { applicant: 'blue', activist: 'orange', candidate: 'gold', probationary: 'volcano', full: 'red' };
const REPORT_ACCEPT = '.pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png,application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function stageLabel(stage: number): string {
  return `第${stage}阶段 · ${DEVELOPMENT_STAGES[stage as keyof typeof DEVELOPMENT_STAGES] ?? ''}`;
}

function daysFromToday(date: string): number {
  return dayjs(date).diff(dayjs(todayShanghai()), 'day');
}

export function StatusTag({ file, onHero = false }: { file: DevFile; onHero?: boolean }) {
  return (
    <Tag color={onHero ? undefined : (STATUS_COLOR[file.status] ?? 'default')} style={{ verticalAlign: 'middle', marginInlineStart: onHero ? 6 : 0, ...(onHero ? { background: '#fff', color: '#c8102e', borderColor: '#fff' } : {}) }}>
      {CANDIDATE_STATUSES[file.status]}
    </Tag>
  );
}

/** "截止 2026-07-01 · 还有12天" / "已逾期" / "2026-07-01 起" for a deadline. */
function DeadlineWhen({ d }: { d: Deadline }) {
  const informational = INFORMATIONAL_DEADLINES.includes(d.kind);
  const provisional = d.provisional ? <Tag style={{ marginInlineEnd: 0 }}>暂定</Tag> : null;
  if (informational) return <span>{d.due} 起{provisional}</span>;
  const days = daysFromToday(d.due);
  return (
    <>
      <span>截止 {d.due}</span>
      {provisional}
      {d.overdue ? (
        <Tag color="error" style={{ marginInlineEnd: 0 }}>
          已逾期{days < 0 ? ` ${-days} 天` : ''}
        </Tag>
      ) : (
        <span>{days === 0 ? '今天到期' : `还有 ${days} 天`}</span>
      )}
    </>
  );
}

function DeadlineList({ deadlines }: { deadlines: Deadline[] }) {
  return (
    <ul className="m-dev-list" data-testid="my-dev-deadlines">
      {deadlines.map((d) => (
        <li key={`${d.kind}-${d.due}`} className={`m-dev-item${d.overdue ? ' m-dev-overdue' : ''}`}>
          <div className="m-dev-item-title">{d.label}</div>
          <div className="m-dev-item-meta">
            <DeadlineWhen d={d} />
          </div>
        </li>
      ))}
    </ul>
  );
}

function NextSteps({ next }: { next: MyDevelopment['next'] }) {
  return (
    <ul className="m-dev-list" data-testid="my-dev-next">
      {next.map((n) => (
        <li key={n.step} className="m-dev-item m-dev-next">
          <div className="m-dev-item-title">
            第{n.step}步 {n.label}
          </div>
          {(n.earliest || n.due) && (
            <div className="m-dev-item-meta">
              {n.earliest && <span>最早 {n.earliest}</span>}
              {n.due && <span>截止 {n.due}</span>}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

function StepTimeline({ dev }: { dev: MyDevelopment }) {
  const nextSteps = new Set(dev.next.map((n) => n.step));
  const current = dev.file?.stage ?? 1;
  return (
    <div data-testid="my-dev-steps">
      {[1, 2, 3, 4, 5].map((stage) => {
        const steps = dev.steps.filter((s) => s.stage === stage);
        const done = steps.filter((s) => s.done.length > 0).length;
        return (
          <section key={stage} className={`m-dev-stage${stage === current ? ' m-dev-stage-current' : ''}`} aria-label={`第${stage}阶段`}>
            <div className="m-dev-stage-head">
              <h3 className="m-dev-stage-title">
                第{STAGE_NUMERALS[stage - 1]}阶段 {DEVELOPMENT_STAGES[stage as keyof typeof DEVELOPMENT_STAGES]}
              </h3>
              <span className="m-dev-stage-count">
                {done}/{steps.length}
              </span>
            </div>
            <ol className="m-dev-steps">
              {steps.map((s) => {
                const isDone = s.done.length > 0;
                const isNext = !isDone && nextSteps.has(s.step);
                const cls = isDone ? 'm-dev-step-done' : isNext ? 'm-dev-step-next' : 'm-dev-step-pending';
                return (
                  <li key={s.step} className={`m-dev-step ${cls}`} data-step={s.step}>
                    <span className="m-dev-dot" aria-hidden>
                      {isDone ? '✓' : s.step}
                    </span>
                    <div className="m-dev-step-body">
                      <div className="m-dev-step-label">{s.label}</div>
                      <div className="m-dev-step-date">{isDone ? `✓ ${s.done.join('、')}` : isNext ? '待办理' : '未开始'}</div>
                    </div>
                  </li>
                );
              })}
            </ol>
          </section>
        );
      })}
    </div>
  );
}

/** The progress card: status, stage, what comes next, deadlines and the 25 steps. */
export function DevelopmentProgress({ dev }: { dev: MyDevelopment }) {
  const f = dev.file!;
  const open = f.state === 'open';
  return (
    <>
      <section className="m-card" id="progress" aria-labelledby="m-dev">
        <h2 id="m-dev">我的入党进度</h2>
        <dl className="m-rows">
          <div className="m-row">
            <dt>当前身份</dt>
            <dd data-testid="my-dev-status">
              <StatusTag file={f} />
            </dd>
          </div>
          <div className="m-row">
            <dt>所处阶段</dt>
            <dd data-testid="my-dev-stage">{stageLabel(f.stage)}</dd>
          </div>
          {!open && (
            <div className="m-row">
              <dt>档案状态</dt>
              <dd data-testid="my-dev-state">{FILE_STATES[f.state]}</dd>
            </div>
          )}
          <div className="m-row">
            <dt>递交申请</dt>
            <dd>{f.appliedOn}</dd>
          </div>
          <div className="m-row">
            <dt>所在党支部</dt>
            <dd>{f.orgName}</dd>
          </div>
        </dl>

        {open && dev.next.length > 0 && (
          <>
            <h3 className="m-dev-sub">下一步</h3>
            <p className="m-dev-hint">以下事项由党组织办理，如有疑问请联系支部书记。</p>
            <NextSteps next={dev.next} />
          </>
        )}

        {dev.deadlines.length > 0 && (
          <>
            <h3 className="m-dev-sub">期限提醒</h3>
            <DeadlineList deadlines={dev.deadlines} />
          </>
        )}
      </section>

      <section className="m-card" aria-labelledby="m-dev-steps">
        <h2 id="m-dev-steps">发展步骤（共25步）</h2>
        <StepTimeline dev={dev} />
      </section>
    </>
  );
}

/** 思想汇报: what was submitted and a form to submit another. */
export function ReportSection({ dev }: { dev: MyDevelopment }) {
  const { message } = App.useApp();
  const submit = useSubmitReport();
  const inputRef = useRef<HTMLInputElement>(null);
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<{ title?: string; file?: string }>({});
  const canSubmit = dev.file?.state === 'open';

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (submit.isPending) return;
    const t = title.trim();
    const p = { title: t ? (t.length > 100 ? '标题不能超过100个字' : undefined) : '请填写标题', file: file ? undefined : '请选择思想汇报文件' };
    setProblems(p);
    if (p.title || p.file || !file) return;
    submit.reset();
    submit.mutate(
      { title: t, file },
      {
        onSuccess: () => {
          message.success('思想汇报已提交');
          setTitle('');
          setFile(null);
          if (inputRef.current) inputRef.current.value = '';
        },
      },
    );
  };

  return (
    <section className="m-card" id="reports" aria-labelledby="m-dev-reports">
      <h2 id="m-dev-reports">思想汇报{dev.reports.length ? `（${dev.reports.length}）` : ''}</h2>
      {dev.reports.length === 0 ? (
        <p className="m-dev-hint">还没有提交思想汇报。</p>
      ) : (
        <ul className="m-dev-list" data-testid="my-dev-reports">
          {dev.reports.map((r) => (
            <li key={r.id} className="m-dev-item">
              <div className="m-dev-item-head">
                <a className="m-dev-item-title" href={`/api/v1/me/development/reports/${r.id}`} download>
                  {r.title}
                </a>
                <span style={{ color: '#8c8c8c', fontSize: 14, flex: 'none' }}>{r.submittedOn}</span>
              </div>
            </li>
          ))}
        </ul>
      )}

      {canSubmit && (
        <form className="m-dev-form" onSubmit={onSubmit} noValidate aria-label="提交思想汇报">
          <div>
            <label className="m-dev-field-label" htmlFor="report-title">
              标题
            </label>
            <Input
              id="report-title"
              size="large"
              value={title}
              maxLength={100}
              placeholder="如：2026年第二季度思想汇报"
              status={problems.title ? 'error' : undefined}
              onChange={(e) => setTitle(e.target.value)}
              autoComplete="off"
            />
            {problems.title && <div className="m-dev-field-error">{problems.title}</div>}
          </div>
          <div>
            <span className="m-dev-field-label" id="report-file-label">
              文件（PDF、Word（.docx）或 JPG、PNG 图片）
            </span>
            <label className="m-dev-file" style={problems.file ? { borderColor: '#cf1322' } : undefined}>
              <FileAddOutlined aria-hidden />
              <span data-testid="report-file-name">{file ? file.name : '点击选择文件'}</span>
              <input
                ref={inputRef}
                className="m-dev-file-input"
                type="file"
                accept={REPORT_ACCEPT}
                aria-labelledby="report-file-label"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setProblems((p) => ({ ...p, file: undefined }));
                  submit.reset();
                }}
              />
            </label>
            {problems.file && <div className="m-dev-field-error">{problems.file}</div>}
          </div>
          {submit.isError && <Alert type="error" showIcon title={`提交失败：${errorMessage(submit.error)}`} />}
          <Button type="primary" htmlType="submit" className="m-action" loading={submit.isPending}>
            {submit.isPending ? '正在上传…' : '提交思想汇报'}
          </Button>
        </form>
      )}
    </section>
  );
}

/** The 首页 to-do card for someone with a development file. */
export function DevelopmentTodoCard({ dev }: { dev: MyDevelopment }) {
  const f = dev.file!;
  const overdue = dev.deadlines.filter((d) => d.overdue);
  const upcoming = dev.deadlines.filter((d) => !d.overdue && !INFORMATIONAL_DEADLINES.includes(d.kind)).slice(0, 1);
  const next = f.state === 'open' ? dev.next.slice(0, 2) : [];
  const navigate = useNavigate();
  return (
    <section className="m-card" aria-labelledby="m-dev-todo">
      <h2 id="m-dev-todo">我的入党进度</h2>
      <div style={{ display: 'flex', alignItems: 'center', gap: 8, flexWrap: 'wrap' }}>
        <StatusTag file={f} />
        <span>{stageLabel(f.stage)}</span>
      </div>
      {next.length > 0 && (
        <>
          <h3 className="m-dev-sub">下一步</h3>
          <NextSteps next={next} />
        </>
      )}
      {(overdue.length > 0 || upcoming.length > 0) && (
        <>
          <h3 className="m-dev-sub">期限提醒</h3>
          <DeadlineList deadlines={[...overdue, ...upcoming]} />
        </>
      )}
      <div style={{ display: 'flex', gap: 8, marginTop: 12 }}>
        <Button className="m-action" style={{ flex: 1 }} onClick={() => navigate('/m/me#progress')}>
          查看进度 <RightOutlined />
        </Button>
        {f.state === 'open' && (
          <Button className="m-action" style={{ flex: 1 }} type="primary" ghost onClick={() => navigate('/m/me#reports')}>
            提交思想汇报
          </Button>
        )}
      </div>
    </section>
  );
}
