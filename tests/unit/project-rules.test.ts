import { describe, expect, it } from 'vitest';
import {
  actualAt, behindSince, gapLevel, isComplete, milestonePlannedAt, milestoneState, planLine, plannedAt, projectStanding, type MilestoneFact, type ProjectFacts,
} from '../../src/server/domains/project/project.policy';

// Key projects (重点项目): the plan, the reported progress, the gap and the
// warning level under the platform's default thresholds (7 days, 10, 30).

const RULE = { milestoneNoticeDays: 7, yellowGap: 10, redGap: 30 };

const m = (id: string, seq: number, dueOn: string, weight: number, over: Partial<MilestoneFact> = {}): MilestoneFact => ({ id, seq, title: `节点${seq}`, dueOn, weight, doneOn: null, reports: [], ...over });

/** 2026: start 1 Jan; 调研 (weight 1) by 31 Jan; 建设 (weight 2) by 2 Mar; 总结 (weight 1) by 1 Apr. */
const project = (milestones: MilestoneFact[] = [m('a', 1, '2026-01-31', 1), m('b', 2, '2026-03-02', 2), m('c', 3, '2026-04-01', 1)]): ProjectFacts => ({
  startOn: '2026-01-01', endOn: '2026-04-30', status: 'active', milestones, projectReports: [],
});

describe('the planned progress', () => {
  it('grows each milestone share linearly from the previous milestone date to its own, weighted', () => {
    const p = project();
    expect(plannedAt(p, '2025-12-31')).toBe(0);
    expect(plannedAt(p, '2026-01-01')).toBe(0);
    // half of the first stretch (30 days): half of a quarter
    expect(plannedAt(p, '2026-01-16')).toBeCloseTo(12.5, 6);
    expect(plannedAt(p, '2026-01-31')).toBeCloseTo(25, 6);
    // the second stretch runs from 31 Jan to 2 Mar (30 days): weight 2 of 4
    expect(plannedAt(p, '2026-02-15')).toBeCloseTo(25 + 50 * (15 / 30), 6);
    expect(plannedAt(p, '2026-03-02')).toBeCloseTo(75, 6);
    expect(plannedAt(p, '2026-04-01')).toBeCloseTo(100, 6);
    expect(plannedAt(p, '2026-04-20')).toBe(100);
    expect(milestonePlannedAt(p, 'b', '2026-01-20')).toBe(0);
    expect(milestonePlannedAt(p, 'b', '2026-02-15')).toBeCloseTo(50, 6);
    expect(planLine(p)).toEqual([
      { on: '2026-01-01', planned: 0 }, { on: '2026-01-31', planned: 25 }, { on: '2026-03-02', planned: 75 }, { on: '2026-04-01', planned: 100 }, { on: '2026-04-30', planned: 100 },
    ]);
  });

  it('lets milestones due on the same day share their stretch, and plans a project without a roadmap from start to end', () => {
    const p = project([m('a', 1, '2026-01-31', 1), m('b', 2, '2026-01-31', 3)]);
    expect(plannedAt(p, '2026-01-16')).toBeCloseTo(50, 6);
    expect(milestonePlannedAt(p, 'a', '2026-01-16')).toBeCloseTo(50, 6);
    const bare = project([]);
    expect(plannedAt(bare, '2026-01-01')).toBe(0);
    expect(plannedAt(bare, '2026-04-30')).toBe(100);
    expect(plannedAt({ ...bare, endOn: '2026-01-01' }, '2026-01-01')).toBe(100);
    // out of order in the roadmap: the plan follows the dates
    const shuffled = project([m('c', 1, '2026-04-01', 1), m('a', 2, '2026-01-31', 1), m('b', 3, '2026-03-02', 2)]);
    expect(plannedAt(shuffled, '2026-02-15')).toBeCloseTo(plannedAt(project(), '2026-02-15'), 6);
  });
});

describe('the reported progress', () => {
  it('counts a done milestone in full, else its latest report on or before the day, weighted', () => {
    const p = project([
      m('a', 1, '2026-01-31', 1, { doneOn: '2026-01-28', reports: [{ on: '2026-01-10', percent: 40 }, { on: '2026-01-28', percent: 100 }] }),
      m('b', 2, '2026-03-02', 2, { reports: [{ on: '2026-02-10', percent: 30 }, { on: '2026-02-20', percent: 60 }] }),
      m('c', 3, '2026-04-01', 1),
    ]);
    expect(actualAt(p, '2026-01-09')).toBe(0);
    expect(actualAt(p, '2026-01-10')).toBeCloseTo(10, 6);
    expect(actualAt(p, '2026-02-15')).toBeCloseTo(25 + 15, 6);
    expect(actualAt(p, '2026-02-25')).toBeCloseTo(25 + 30, 6);
    // the later of two reports on one day wins (recording order)
    const sameDay = project([m('a', 1, '2026-01-31', 1, { reports: [{ on: '2026-01-10', percent: 40 }, { on: '2026-01-10', percent: 20 }] })]);
    expect(actualAt(sameDay, '2026-01-10')).toBe(20);
    const bare = { ...project([]), projectReports: [{ on: '2026-02-01', percent: 35 }] };
    expect(actualAt(bare, '2026-02-02')).toBe(35);
    expect(isComplete(bare, '2026-02-02')).toBe(false);
    expect(isComplete({ ...bare, projectReports: [{ on: '2026-02-01', percent: 100 }] }, '2026-02-02')).toBe(true);
  });
});

describe('the warning level', () => {
  it('is yellow from 10 points behind, red above 30, none below 10', () => {
    expect(gapLevel(9.9, RULE)).toBeNull();
    expect(gapLevel(10, RULE)).toBe('warning');
    expect(gapLevel(30, RULE)).toBe('warning');
    expect(gapLevel(30.1, RULE)).toBe('error');
    expect(gapLevel(-20, RULE)).toBeNull();
  });

  it('gives blue for a milestone within 7 days of its date, red once it is past and not done', () => {
    const p = project([m('a', 1, '2026-01-31', 1, { reports: [{ on: '2026-01-20', percent: 90 }] }), m('b', 2, '2026-03-02', 1, { reports: [{ on: '2026-01-20', percent: 0 }] })]);
    // 24 Jan: planned 38.7, reported 45: ahead; 节点1 due in 7 days
    const near = projectStanding(p, RULE, '2026-01-24');
    expect(near.level).toBe('info');
    expect(near.conditions).toEqual([
      { kind: 'milestone_due', level: 'info', milestoneId: 'a', detail: '节点「节点1」将于 2026-01-31 到期（还有 7 天），当前完成 90%', dueOn: '2026-01-31', factOn: '2026-01-24' },
    ]);
    expect(projectStanding(p, RULE, '2026-01-23').level).toBeNull();
    const late = projectStanding(p, RULE, '2026-02-03');
    // planned 50 + 5 (three days of the second stretch), reported 45: also 10 points behind
    expect(late.conditions.map((c) => [c.kind, c.level])).toEqual([['milestone_overdue', 'error'], ['behind', 'warning']]);
    expect(late.conditions[0]).toMatchObject({ factOn: '2026-02-01', detail: '节点「节点1」应于 2026-01-31 完成，已逾期 3 天，当前完成 90%' });
    expect(late.level).toBe('error');
    expect(milestoneState(p.milestones[0], '2026-02-03', RULE)).toBe('overdue');
    expect(milestoneState({ dueOn: '2026-01-31', doneOn: '2026-01-30' }, '2026-02-03', RULE)).toBe('done');
  });

  it('gives yellow then red as the gap grows, dated from the day the project fell 10 points behind', () => {
    // one milestone over the whole term (1 Jan to 1 Apr, 90 days), reported at 20 % on 10 Jan
    const p = project([m('a', 1, '2026-04-01', 1, { reports: [{ on: '2026-01-10', percent: 20 }] })]);
    const s = projectStanding(p, RULE, '2026-02-15');
    // planned 45/90 = 50 %, reported 20 %: 30 points behind
    expect(s).toMatchObject({ planned: 50, actual: 20, gap: 30, level: 'warning' });
    expect(s.conditions).toEqual([{ kind: 'behind', level: 'warning', milestoneId: null, detail: '计划进度 50%，实际进度 20%，落后计划 30 个百分点', dueOn: null, factOn: '2026-01-28' }]);
    // the gap first reached 10 points on 28 Jan (planned 30 %)
    expect(behindSince(p, '2026-02-15', 10)).toBe('2026-01-28');
    expect(projectStanding(p, RULE, '2026-02-16')).toMatchObject({ gap: 31.1, level: 'error' });
    expect(behindSince(p, '2026-01-20', 10)).toBeNull();
  });

  it('warns a project without a roadmap near and past its end, and raises nothing once it is accepted', () => {
    const bare: ProjectFacts = { ...project([]), projectReports: [{ on: '2026-04-20', percent: 95 }] };
    expect(projectStanding(bare, RULE, '2026-04-25').conditions.map((c) => c.kind)).toEqual(['project_due']);
    expect(projectStanding(bare, RULE, '2026-05-02').conditions.map((c) => [c.kind, c.level])).toEqual([['project_overdue', 'error']]);
    const accepted = projectStanding({ ...project(), status: 'accepted' }, RULE, '2026-05-02');
    expect(accepted).toMatchObject({ level: null, conditions: [] });
  });

  it('follows the thresholds of the rule version', () => {
    const p = project([m('a', 1, '2026-04-01', 1, { reports: [{ on: '2026-01-10', percent: 20 }] })]);
    expect(projectStanding(p, { milestoneNoticeDays: 3, yellowGap: 5, redGap: 15 }, '2026-01-28').level).toBe('warning');
    expect(projectStanding(p, { milestoneNoticeDays: 3, yellowGap: 5, redGap: 15 }, '2026-02-15').level).toBe('error');
  });
});
