import type { Deps } from '../../deps';
import type { Queryable } from '../../platform/db';
import type { ActorContext } from '../../platform/actor';
import { notFound } from '../../platform/errors';
import { coversSubtree, findOrgInScope, topOrgInScope } from '../../platform/scope';
import { rulesInForce, pickRule } from '../../platform/rules';
import { addDays, daysBetween } from '../../platform/dates';
import { accountsCovering } from '../../platform/notify';
import { unscoped } from '../../platform/scope';
import type { Sql } from '../../platform/sql';
import {
  MEETING_TYPES, periodBounds, periodLabel, periodOf,
  type CadencePeriod, type CadenceRule, type ComplianceQuery, type MeetingCompliance, type MeetingType,
} from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { cadenceLabel, isObligated } from './meeting.policy';
import { cadenceRule, readScope, SECRETARY_ROLES } from './meeting.service';

// Compliance (RULES §3): per org subtree and period, the orgs bound by each
// meeting type's cadence against those that met it, meetings held, minutes
// confirmed and the attendance rate — all read from the rollups
// (meeting_rollup, meeting_compliance), never from the meeting rows.

/** The cadence periods of one kind that overlap [from, to] and have begun by `today`. */
export function subPeriods(kind: CadencePeriod, from: string, to: string, today: string): string[] {
  const out: string[] = [];
  let d = from;
  while (d <= to && d <= today) {
    const key = periodOf(kind, d);
    if (!out.includes(key)) out.push(key);
    d = addDays(periodBounds(key).to, 1);
  }
  return out;
}

export async function getMeetingCompliance(deps: Deps, ctx: ActorContext, query: ComplianceQuery): Promise<MeetingCompliance> {
  const q = deps.db;
  const today = deps.clock.today();
  const root = query.orgId ? await findOrgInScope(q, query.orgId, readScope(ctx)) : await topOrgInScope(q, readScope(ctx));
  if (!root) throw notFound();
  const org = await repo.orgTypeOf(q, root.id);
  const period = query.period ?? periodOf('quarter', today);
  const { from, to } = periodBounds(period);
  const ruleDate = to < today ? to : today < from ? from : today;
  const rule = await cadenceRule(q, ruleDate, root.path);
  const types = Object.keys(MEETING_TYPES) as MeetingType[];
  const keysOf = new Map(types.map((t) => [t, subPeriods(rule.body.types[t].period, from, to, today)]));
  const allKeys = [...new Set([...keysOf.values()].flat())];
  // a caller who sees the org alone (a node grant) gets its own figures, never its subtree's
  const whole = coversSubtree(ctx.actor, 'meeting.read', root);
  const [counts, sums, met, children] = whole
    ? await Promise.all([repo.obligatedCounts(q, root), repo.rollupSums(q, root.id, from, to), repo.complianceSums(q, root.id, allKeys), repo.childFigures(q, root.id, from, to, allKeys)])
    : await Promise.all([
      repo.hasCommittee(q, root.id).then((c) => [{ child_id: root.id, type: org.type, has_committee: c, n: 1 }]),
      repo.ownSums(q, root.id, from, to),
      ownMet(q, root, rule.body, from, to),
      Promise.resolve([]),
    ]);
  const obligatedIn = (childId: string | null, type: MeetingType) => counts
    .filter((c) => (childId === null || c.child_id === childId) && isObligated(rule.body, type, { type: c.type, hasCommittee: c.has_committee }))
    .reduce((n, c) => n + c.n, 0) * (keysOf.get(type)?.length ?? 0);
  const rows = types.map((type) => {
    const s = sums.find((x) => x.type === type);
    const keys = keysOf.get(type) ?? [];
    return {
      type, cadence: cadenceLabel(rule.body, type), periods: keys.map(periodLabel),
      obligated: obligatedIn(null, type),
      met: met.filter((m) => m.type === type && keys.includes(m.period)).reduce((n, m) => n + m.met, 0),
      held: s?.held ?? 0, minutesDone: s?.minutes_done ?? 0,
      attendanceRate: s && s.expected > 0 ? s.present / s.expected : null,
    };
  });
  return {
    org: { id: root.id, name: root.name, type: org.type }, period, periodLabel: periodLabel(period), from, to, rows,
    children: children.map((c) => ({
      orgId: c.id, orgName: c.name, orgType: c.type, obligated: types.reduce((n, t) => n + obligatedIn(c.id, t), 0), met: c.met, held: c.held,
      attendanceRate: c.expected > 0 ? c.present / c.expected : null,
    })),
    source: rule.source,
  };
}

/** One org's own met obligations per type and period key (from its held meetings against the cadence). */
async function ownMet(q: Queryable, org: { id: string }, rule: CadenceRule, from: string, to: string) {
  const type = (await repo.orgTypeOf(q, org.id)).type;
  const hasCommittee = await repo.hasCommittee(q, org.id);
  // whole cadence periods around the range: a quarter's meeting counts for a month inside it
  const first = periodBounds(periodOf('year', from)).from;
  const last = periodBounds(periodOf('year', to)).to;
  const counts = new Map<string, { type: string; period: string; n: number; min: number }>();
  for (const h of await repo.ownHeld(q, org.id, first, last)) {
    const c = rule.types[h.type as MeetingType];
    if (!c || !isObligated(rule, h.type as MeetingType, { type, hasCommittee })) continue;
    const period = periodOf(c.period, h.held_on);
    const e = counts.get(`${h.type}|${period}`) ?? { type: h.type, period, n: 0, min: c.min };
    e.n++;
    counts.set(`${h.type}|${period}`, e);
  }
  return [...counts.values()].filter((e) => e.n >= e.min).map((e) => ({ type: e.type, period: e.period, met: 1 }));
}

/** Orgs bound by a type's cadence that have not held the required meetings in a period (own meetings), in a scope. */
export function behindInPeriod(q: Queryable, rule: CadenceRule, type: MeetingType, period: string, scope: Sql, underPath: string | null, limit: number | null) {
  const { from, to } = periodBounds(period);
  return repo.behindInPeriod(q, rule.types[type], type, from, to, scope, underPath, limit);
}

/**
 * The daily reminders: before a period ends without the required meeting, to
 * the branch (本季度尚未召开支部党员大会); once it has ended, one summary per
 * committee above to its organisers. Each once per org, type and period.
 */
export async function remindMeetings(deps: Deps): Promise<{ due: number; overdue: number }> {
  const today = deps.clock.today();
  const q = deps.db;
  const versions = await rulesInForce<CadenceRule>(q, 'meetings', 'cadence', today);
  const national = pickRule(versions, '')!;
  let due = 0;
  let overdue = 0;
  for (const type of Object.keys(MEETING_TYPES) as MeetingType[]) {
    const c = national.body.types[type];
    if (!c || type === 'heart_talk') continue;
    const current = periodOf(c.period, today);
    const daysLeft = daysBetween(today, periodBounds(current).to);
    if (daysLeft <= national.body.warnDaysBeforeEnd) {
      for (const o of await behindInPeriod(q, national.body, type, current, unscoped('the daily reminder job covers every org'), null, null)) {
        if (!(await repo.logReminder(q, 'meeting_due', o.id, `${type}:${current}`))) continue;
        due++;
        for (const accountId of await accountsCovering(q, o, SECRETARY_ROLES)) {
          await deps.notify.notify(q, accountId, { kind: 'meeting', title: `${periodLabel(current)}尚未召开${MEETING_TYPES[type]}`, body: `${o.name}：${cadenceLabel(national.body, type)}，本期还剩${daysLeft}天（${national.source.slice(0, 40)}…）`, link: `/admin/meetings?orgId=${o.id}` });
        }
      }
    }
    const previous = periodOf(c.period, addDays(periodBounds(current).from, -1));
    const late = await behindInPeriod(q, national.body, type, previous, unscoped('the daily reminder job covers every org'), null, null);
    const byParent = new Map<string, typeof late>();
    for (const o of late) if (o.parent_id) byParent.set(o.parent_id, [...(byParent.get(o.parent_id) ?? []), o]);
    for (const [parentId, list] of byParent) {
      if (!(await repo.logReminder(q, 'meeting_overdue', parentId, `${type}:${previous}`))) continue;
      overdue++;
      const parent = await repo.orgRef(q, parentId);
      for (const accountId of await accountsCovering(q, parent, ['org_admin'])) {
        await deps.notify.notify(q, accountId, { kind: 'meeting', title: `${periodLabel(previous)}有${list.length}个组织未按期召开${MEETING_TYPES[type]}`, body: list.slice(0, 5).map((o) => o.name).join('、') + (list.length > 5 ? ' 等' : ''), link: `/admin/meetings/compliance?orgId=${parentId}&period=${previous}` });
      }
    }
  }
  return { due, overdue };
}

/** The met obligations as the cadence computes them from the held meetings (rebuild and verify). */
export async function metFromMeetings(q: Queryable): Promise<{ orgId: string; period: string; type: string }[]> {
  const held = await repo.heldMeetings(q);
  const ruleCache = new Map<string, Awaited<ReturnType<typeof rulesInForce<CadenceRule>>>>();
  const paths = new Map((await repo.orgPathsOf(q, [...new Set(held.map((h) => h.org_id))])).map((o) => [o.id, o.path]));
  const counts = new Map<string, { orgId: string; period: string; type: string; n: number; min: number }>();
  for (const h of held) {
    let versions = ruleCache.get(h.held_on);
    if (!versions) ruleCache.set(h.held_on, (versions = await rulesInForce<CadenceRule>(q, 'meetings', 'cadence', h.held_on)));
    const rule = pickRule(versions, paths.get(h.org_id)!);
    const c = rule?.body.types[h.type as MeetingType];
    if (!rule || !c || !isObligated(rule.body, h.type as MeetingType, { type: h.org_type, hasCommittee: h.has_committee })) continue;
    const period = periodOf(c.period, h.held_on);
    const k = `${h.org_id}|${h.type}|${period}`;
    const e = counts.get(k) ?? { orgId: h.org_id, period, type: h.type, n: 0, min: c.min };
    e.n++;
    counts.set(k, e);
  }
  return [...counts.values()].filter((e) => e.n >= e.min).map(({ orgId, period, type }) => ({ orgId, period, type }));
}

export async function rebuildMeetingRollups(deps: Deps) {
  await rebuildAllMeetingRollups(deps.db);
}

/** Rebuilds both rollup tables in one transaction (the CLI, bulk loads such as the demo data). */
export async function rebuildAllMeetingRollups(db: Deps['db']) {
  await db.tx(async (t) => {
    await repo.lockRollups(t);
    await repo.rebuildRollups(t, await metFromMeetings(t));
  });
}

/** Differences between the stored rollups and a raw recomputation (empty when they agree). */
export async function meetingRollupDifferences(deps: Deps): Promise<{ rollup: { org_id: string; month: string; type: string }[]; compliance: string[] }> {
  const rollup = await repo.rollupDifferences(deps.db);
  const met = await metFromMeetings(deps.db);
  const paths = new Map((await repo.orgPathsOf(deps.db, [...new Set(met.map((m) => m.orgId))])).map((o) => [o.id, o.path]));
  const expected = new Map<string, number>();
  const ids = new Map<string, string>();
  const all = await repo.allOrgPaths(deps.db);
  for (const o of all) ids.set(o.path, o.id);
  for (const m of met) {
    const labels = paths.get(m.orgId)!.split('.');
    for (let i = 1; i <= labels.length; i++) {
      const k = `${ids.get(labels.slice(0, i).join('.'))}|${m.period}|${m.type}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
  }
  const stored = new Map((await repo.storedCompliance(deps.db)).map((r) => [`${r.org_id}|${r.period}|${r.type}`, r.met]));
  const compliance = [...new Set([...expected.keys(), ...stored.keys()])].filter((k) => expected.get(k) !== stored.get(k));
  return { rollup, compliance };
}
