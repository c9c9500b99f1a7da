import type { WorkbenchLevel } from '../../../contracts/workbench';
import type { MilestoneState, ProjectWarningRule } from '../../../contracts/project';
import { addDays, daysBetween } from '../../platform/dates';

// Pure rules of key projects (重点项目): the planned progress at a date, the
// reported progress, the gap between them and the warning level under the
// rule version `project.warning`. Unit-tested without a database.
//
// The plan. The milestones, ordered by date, are the roadmap's phases: each
// one's share of the project (its weight over the sum of the weights) is
// planned to grow linearly from the previous milestone date (the project's
// start for the first) to its own date; milestones due on the same day share
// that stretch. A project without a roadmap is planned linearly from its start
// to its end. The planned progress at a date is the weighted sum.
//
// The reported progress. A milestone counts 100 % from the day it was done,
// before that the completion of its latest report on or before the date (0
// without one). A project without a roadmap counts its latest project-level
// report. The gap is planned − reported in percentage points.
//
// The levels. Red: a milestone past its date and not done (a project without
// a roadmap past its end and not at 100 %), or behind plan by more than
// `redGap` points. Yellow: behind by `yellowGap` to `redGap` points. Blue: a
// milestone not done whose date falls within `milestoneNoticeDays` (for a
// project without a roadmap: its end). None for an accepted project.

export interface ReportFact {
  on: string;
  percent: number;
}

export interface MilestoneFact {
  id: string;
  seq: number;
  title: string;
  dueOn: string;
  weight: number;
  doneOn: string | null;
  /** this milestone's reports, any order */
  reports: readonly ReportFact[];
}

export interface ProjectFacts {
  startOn: string;
  endOn: string;
  status: 'active' | 'accepted';
  milestones: readonly MilestoneFact[];
  /** reports without a milestone (a project without a roadmap) */
  projectReports: readonly ReportFact[];
}

export type ConditionKind = 'milestone_overdue' | 'milestone_due' | 'behind' | 'project_overdue' | 'project_due';

/** One reason for a warning, as the detector and the pages state it. */
export interface Condition {
  kind: ConditionKind;
  level: WorkbenchLevel;
  /** the milestone concerned, or null (the whole project) */
  milestoneId: string | null;
  detail: string;
  dueOn: string | null;
  /** the day the condition arose, as far as the facts tell */
  factOn: string | null;
}

export interface Standing {
  planned: number;
  actual: number;
  gap: number;
  level: WorkbenchLevel | null;
  conditions: Condition[];
}

const RANK: Record<WorkbenchLevel, number> = { error: 3, warning: 2, info: 1 };

/** One decimal, as the pages show it. */
export const round1 = (x: number) => Math.round(x * 10) / 10;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** The share (0–1) of a stretch from `from` to `to` planned to be done on `on`: linear; a stretch of no days is done on its day. */
function linear(from: string, to: string, on: string): number {
  const len = daysBetween(from, to);
  if (len <= 0) return on >= to ? 1 : 0;
  return clamp01(daysBetween(from, on) / len);
}

/** The milestones in plan order: by date, then by their place in the roadmap. */
export function inPlanOrder<M extends Pick<MilestoneFact, 'dueOn' | 'seq'>>(milestones: readonly M[]): M[] {
  return [...milestones].sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.seq - b.seq));
}

/** The day each milestone's stretch starts: the previous milestone date before its own (the project's start for the first). */
function stretchStarts(p: Pick<ProjectFacts, 'startOn' | 'milestones'>): Map<string, string> {
  const starts = new Map<string, string>();
  let previous = p.startOn;
  let currentDue: string | null = null;
  let currentStart = p.startOn;
  for (const m of inPlanOrder(p.milestones)) {
    if (m.dueOn !== currentDue) {
      currentStart = currentDue === null ? p.startOn : previous;
      // a milestone dated before the start (should not happen: the term is checked) starts on its own day
      if (currentStart > m.dueOn) currentStart = m.dueOn;
      previous = m.dueOn;
      currentDue = m.dueOn;
    }
    starts.set(m.id, currentStart);
  }
  return starts;
}

/** The planned completion (0–100) of one milestone on a date. */
export function milestonePlannedAt(p: Pick<ProjectFacts, 'startOn' | 'milestones'>, milestoneId: string, on: string): number {
  const m = p.milestones.find((x) => x.id === milestoneId);
  if (!m) return 0;
  return 100 * linear(stretchStarts(p).get(m.id)!, m.dueOn, on);
}

/** The planned progress (0–100) of the project on a date. */
export function plannedAt(p: Pick<ProjectFacts, 'startOn' | 'endOn' | 'milestones'>, on: string): number {
  if (!p.milestones.length) return 100 * linear(p.startOn, p.endOn, on);
  const starts = stretchStarts(p);
  const total = p.milestones.reduce((s, m) => s + m.weight, 0);
  return p.milestones.reduce((s, m) => s + m.weight * 100 * linear(starts.get(m.id)!, m.dueOn, on), 0) / total;
}

/** The latest report on or before a date (later recorded wins on the same day: the caller passes them in recording order). */
function latestOn(reports: readonly ReportFact[], on: string): ReportFact | null {
  let best: ReportFact | null = null;
  for (const r of reports) if (r.on <= on && (!best || r.on >= best.on)) best = r;
  return best;
}

/** A milestone's reported completion (0–100) on a date. */
export function milestonePercentAt(m: Pick<MilestoneFact, 'doneOn' | 'reports'>, on: string): number {
  if (m.doneOn && m.doneOn <= on) return 100;
  return latestOn(m.reports, on)?.percent ?? 0;
}

/** The reported progress (0–100) of the project on a date. */
export function actualAt(p: Pick<ProjectFacts, 'milestones' | 'projectReports'>, on: string): number {
  if (!p.milestones.length) return latestOn(p.projectReports, on)?.percent ?? 0;
  const total = p.milestones.reduce((s, m) => s + m.weight, 0);
  return p.milestones.reduce((s, m) => s + m.weight * milestonePercentAt(m, on), 0) / total;
}

/** Points behind plan on a date (rounded as shown; negative: ahead). */
export function gapAt(p: ProjectFacts, on: string): number {
  return round1(round1(plannedAt(p, on)) - round1(actualAt(p, on)));
}

/**
 * The first day of the current stretch of days on which the project has been
 * at least `threshold` points behind, as the facts known today tell it (null
 * when it is not behind today). Walks back from today to the start.
 */
export function behindSince(p: ProjectFacts, today: string, threshold: number): string | null {
  if (gapAt(p, today) < threshold) return null;
  let day = today;
  while (day > p.startOn && gapAt(p, addDays(day, -1)) >= threshold) day = addDays(day, -1);
  return day;
}

/** The level of a gap alone: red above redGap, yellow from yellowGap, else none. */
export function gapLevel(gap: number, rule: ProjectWarningRule): WorkbenchLevel | null {
  if (gap > rule.redGap) return 'error';
  if (gap >= rule.yellowGap) return 'warning';
  return null;
}

/** The state of a milestone on a date (for the roadmap's table). */
export function milestoneState(m: Pick<MilestoneFact, 'dueOn' | 'doneOn'>, today: string, rule: ProjectWarningRule): MilestoneState {
  if (m.doneOn && m.doneOn <= today) return 'done';
  if (m.dueOn < today) return 'overdue';
  if (daysBetween(today, m.dueOn) <= rule.milestoneNoticeDays) return 'due_soon';
  return 'pending';
}

/** The higher of two levels (null: none). */
export function higher(a: WorkbenchLevel | null, b: WorkbenchLevel | null): WorkbenchLevel | null {
  if (!a) return b;
  if (!b) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/** Where the project stands on `today`: planned, reported, the gap, the level and every condition behind it. */
export function projectStanding(p: ProjectFacts, rule: ProjectWarningRule, today: string, titles: ReadonlyMap<string, string> = new Map()): Standing {
  const planned = round1(plannedAt(p, today));
  const actual = round1(actualAt(p, today));
  const gap = round1(planned - actual);
  const conditions: Condition[] = [];
  if (p.status === 'active') {
    for (const m of inPlanOrder(p.milestones)) {
      const title = titles.get(m.id) ?? m.title;
      const state = milestoneState(m, today, rule);
      const percent = milestonePercentAt(m, today);
      if (state === 'overdue') {
        conditions.push({ kind: 'milestone_overdue', level: 'error', milestoneId: m.id, detail: `节点「${title}」应于 ${m.dueOn} 完成，已逾期 ${daysBetween(m.dueOn, today)} 天，当前完成 ${percent}%`, dueOn: m.dueOn, factOn: addDays(m.dueOn, 1) });
      } else if (state === 'due_soon') {
        const left = daysBetween(today, m.dueOn);
        conditions.push({
          kind: 'milestone_due', level: 'info', milestoneId: m.id, detail: `节点「${title}」将于 ${m.dueOn} 到期（${left === 0 ? '今天到期' : `还有 ${left} 天`}），当前完成 ${percent}%`,
          dueOn: m.dueOn, factOn: addDays(m.dueOn, -rule.milestoneNoticeDays) < p.startOn ? p.startOn : addDays(m.dueOn, -rule.milestoneNoticeDays),
        });
      }
    }
    if (!p.milestones.length && actual < 100) {
      if (p.endOn < today) {
        conditions.push({ kind: 'project_overdue', level: 'error', milestoneId: null, detail: `项目应于 ${p.endOn} 完成，已逾期 ${daysBetween(p.endOn, today)} 天，实际进度 ${actual}%`, dueOn: p.endOn, factOn: addDays(p.endOn, 1) });
      } else if (daysBetween(today, p.endOn) <= rule.milestoneNoticeDays) {
        conditions.push({ kind: 'project_due', level: 'info', milestoneId: null, detail: `项目将于 ${p.endOn} 到期，实际进度 ${actual}%`, dueOn: p.endOn, factOn: addDays(p.endOn, -rule.milestoneNoticeDays) });
      }
    }
    const behind = gapLevel(gap, rule);
    if (behind) {
      conditions.push({
        kind: 'behind', level: behind, milestoneId: null, detail: `计划进度 ${planned}%，实际进度 ${actual}%，落后计划 ${gap} 个百分点`,
        dueOn: null, factOn: behindSince(p, today, rule.yellowGap),
      });
    }
  }
  const level = conditions.reduce<WorkbenchLevel | null>((l, c) => higher(l, c.level), null);
  return { planned, actual, gap, level, conditions };
}

/** The plan as a line: the planned progress at the start, at each milestone date and at the end. */
export function planLine(p: Pick<ProjectFacts, 'startOn' | 'endOn' | 'milestones'>): Array<{ on: string; planned: number }> {
  const days = [...new Set([p.startOn, ...inPlanOrder(p.milestones).map((m) => m.dueOn), p.endOn])].sort();
  return days.map((on) => ({ on, planned: round1(plannedAt(p, on)) }));
}

/** Whether every part of the project is done (acceptance as 合格 or better needs it). */
export function isComplete(p: Pick<ProjectFacts, 'milestones' | 'projectReports'>, on: string): boolean {
  return actualAt(p, on) >= 100;
}
