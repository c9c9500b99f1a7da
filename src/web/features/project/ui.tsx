import { Alert, Button, Progress, Tag, Tooltip } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import {
  MILESTONE_STATES, PROJECT_GRADES, PROJECT_LEVELS, PROJECT_STATUSES, PROJECT_TYPES, type MilestoneState, type ProjectGrade, type ProjectLevelFilter, type ProjectStatus, type ProjectType,
} from '../../../contracts/project';
import type { WorkbenchLevel } from '../../../contracts/workbench';
import { ApiError } from '../../shared/api';
import './project.css';

// Small pieces shared by the 重点项目 pages (console and phone): tags, the
// planned-against-actual progress bar, the option lists and the conflict alert.

export const TYPE_COLORS: Record<ProjectType, string> = { secretary: 'red', innovation: 'geekblue', major: 'purple' };
export const LEVEL_COLORS: Record<WorkbenchLevel, string> = { error: 'red', warning: 'gold', info: 'blue' };
const LEVEL_STROKES: Record<WorkbenchLevel | 'none', string> = { error: '#cf1322', warning: '#d48806', info: '#1677ff', none: '#389e0d' };
export const MILESTONE_COLORS: Record<MilestoneState, string> = { done: 'green', overdue: 'red', due_soon: 'gold', pending: 'blue' };
/** The roadmap's dots (a preset "blue" would be the theme's Party red, read as overdue). */
export const MILESTONE_DOTS: Record<MilestoneState, string> = { done: '#52c41a', overdue: '#cf1322', due_soon: '#d48806', pending: '#1677ff' };
const GRADE_COLORS: Record<ProjectGrade, string> = { excellent: 'red', good: 'volcano', qualified: 'blue', unqualified: 'default' };

export const typeOptions = (Object.keys(PROJECT_TYPES) as ProjectType[]).map((k) => ({ value: k, label: PROJECT_TYPES[k] }));
export const statusOptions = (Object.keys(PROJECT_STATUSES) as ProjectStatus[]).map((k) => ({ value: k, label: PROJECT_STATUSES[k] }));
export const gradeOptions = (Object.keys(PROJECT_GRADES) as ProjectGrade[]).map((k) => ({ value: k, label: PROJECT_GRADES[k] }));
export const levelKeys = Object.keys(PROJECT_LEVELS) as ProjectLevelFilter[];

export function ProjectTypeTag({ type }: { type: ProjectType }) {
  return (
    <Tag color={TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }}>
      {PROJECT_TYPES[type]}
    </Tag>
  );
}

/** The warning level (红 / 黄 / 蓝 / 正常), with its reasons on hover; an accepted project shows its status instead. */
export function LevelTag({ level, status, reasons = [] }: { level: WorkbenchLevel | null; status: ProjectStatus; reasons?: string[] }) {
  if (status === 'accepted') {
    return (
      <Tag color="success" style={{ marginInlineEnd: 0 }} data-testid="project-level">
        {PROJECT_STATUSES.accepted}
      </Tag>
    );
  }
  const tag = (
    <Tag color={level ? LEVEL_COLORS[level] : 'green'} style={{ marginInlineEnd: 0 }} data-testid="project-level">
      {PROJECT_LEVELS[level ?? 'none']}
    </Tag>
  );
  return reasons.length ? <Tooltip title={reasons.join('；')}>{tag}</Tooltip> : tag;
}

export function StatusTag({ status }: { status: ProjectStatus }) {
  return (
    <Tag color={status === 'accepted' ? 'success' : 'processing'} style={{ marginInlineEnd: 0 }} data-testid="project-status">
      {PROJECT_STATUSES[status]}
    </Tag>
  );
}

export function GradeTag({ grade }: { grade: ProjectGrade }) {
  return (
    <Tag color={GRADE_COLORS[grade]} style={{ marginInlineEnd: 0 }}>
      {PROJECT_GRADES[grade]}
    </Tag>
  );
}

export function MilestoneStateTag({ state }: { state: MilestoneState }) {
  return (
    <Tag color={MILESTONE_COLORS[state]} style={{ marginInlineEnd: 0 }}>
      {MILESTONE_STATES[state]}
    </Tag>
  );
}

/** 12.5 → "12.5%", 40 → "40%" */
export const pctText = (n: number) => `${Math.round(n * 10) / 10}%`;

/**
 * Planned against actual in one bar: the light part reaches the planned
 * progress, the coloured part (the level's colour) the reported one; the
 * numbers beside it say both.
 */
export function PlanProgress({ planned, actual, level, compact = false }: { planned: number; actual: number; level: WorkbenchLevel | null; compact?: boolean }) {
  return (
    <div className="project-progress" aria-label={`计划进度 ${pctText(planned)}，实际进度 ${pctText(actual)}`} role="img">
      <Progress
        percent={planned}
        success={{ percent: actual, strokeColor: LEVEL_STROKES[level ?? 'none'] }}
        strokeColor="#d9d9d9"
        showInfo={false}
        size="small"
        style={{ margin: 0 }}
      />
      <span className={compact ? 'project-progress-text project-progress-compact' : 'project-progress-text'}>
        实际 <strong>{pctText(actual)}</strong>
        <span className="project-progress-sep">/</span>计划 {pctText(planned)}
      </span>
    </div>
  );
}

export const isConflict = (e: unknown) => e instanceof ApiError && e.code === 'CONFLICT';

/** The project was changed by someone else meanwhile (409): reload it, then act again. */
export function ConflictAlert({ id, onRefreshed }: { id: string; onRefreshed?: () => void }) {
  const qc = useQueryClient();
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      style={{ marginBottom: 16 }}
      title="项目刚被他人修改"
      description="请刷新后核对当前内容，再办理。"
      action={
        <Button size="small" onClick={() => void qc.invalidateQueries({ queryKey: ['projects', 'detail', id] }).then(onRefreshed)}>
          刷新
        </Button>
      }
    />
  );
}
