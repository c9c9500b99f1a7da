import type { Deps } from '../../deps';
import type { Queryable } from '../../platform/db';
import type { Sql } from '../../platform/sql';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { pickRule, rulesInForce } from '../../platform/rules';
import { findOrgInScope, orgInScope, topOrgInScope, type OrgRef } from '../../platform/scope';
import { EDUCATIONS, MEMBER_EVENT_REASONS, OCCUPATIONS, ORG_TYPES, UNIT_KINDS, type MemberEventReason } from '../../../contracts/dict';
import { AGE_BANDS, ageBandOf } from '../../../contracts/member-stats';
import { CLOSING_ORG_TYPES as CLOSING_TYPES, STATISTICS_FORMS, type StatisticsBalance, type StatisticsClosingInfo, type StatisticsForm, type StatisticsFormKey, type StatisticsFormQuery, type StatisticsRow } from '../../../contracts/statistics';
import * as repo from './statistics.repo';

// The annual Party statistics forms (党内统计, issue 16, RULES §6) for an org
// subtree in the viewer's scope and a year: each form an aggregation of the
// year's member change events and of the formal roll at the year's end (the
// cut-off: 12-31, or today in the running year). Age is reached in the form's
// year (year − birth year), as the member statistics count it.

const READ = 'member.read' as const;

interface JoinGroups {
  groups: Array<{ from: string | null; label: string }>;
}

const EXIT_REASONS = ['expelled', 'removed', 'lapsed', 'withdrew'] as const satisfies readonly MemberEventReason[];
const INCREASES = ['recruited', 'transfer_in', 'restored', 'registered'] as const satisfies readonly MemberEventReason[];
/** decreases other than 出党, each a row of its own on form 1 */
const OTHER_DECREASES = ['suspended', 'deceased', 'transfer_out', 'probation_cancelled'] as const satisfies readonly MemberEventReason[];
const DECREASES = [...EXIT_REASONS, ...OTHER_DECREASES] as const;

const label = (r: MemberEventReason) => MEMBER_EVENT_REASONS[r].label;
/** 出党's manner alone (开除, 除名 …), as the rows under 出党 read */
const exitLabel = (r: MemberEventReason) => label(r).replace(/^出党（(.*)）$/, '$1');

/** The members counted in the rows that `pick` accepts (all of them without one). */
const count = <T extends { n: number }>(rows: readonly T[], pick: (r: T) => boolean = () => true) => rows.reduce((a, r) => a + (pick(r) ? r.n : 0), 0);

/** Rows counting groups by the basic dimensions (women, minorities, probationary, age, education, occupation). */
function dimensionRows(groups: repo.GroupRow[], year: number): StatisticsRow[] {
  const total = count(groups);
  const sum = (pick: (g: repo.GroupRow) => boolean) => count(groups, pick);
  const row = (key: string, text: string, level: number, n: number): StatisticsRow => ({ key, label: text, level, values: [n, total ? Math.round((n / total) * 1000) / 10 : 0] });
  return [
    row('total', '合计', 0, total),
    row('female', '女', 1, sum((g) => g.sex === 'female')),
    row('minority', '少数民族', 1, sum((g) => g.minority)),
    row('probationary', '预备党员', 1, sum((g) => g.probationary)),
    row('age', '年龄', 0, total),
    ...AGE_BANDS.map((b) => row(`age.${b.key}`, b.label, 1, sum((g) => ageBandOf(year - g.birth_year) === b.key))),
    row('education', '学历', 0, total),
    ...Object.entries(EDUCATIONS).map(([k, v]) => row(`education.${k}`, v, 1, sum((g) => g.education === k))),
    row('occupation', '职业', 0, total),
    ...Object.entries(OCCUPATIONS).map(([k, v]) => row(`occupation.${k}`, v, 1, sum((g) => g.occupation === k))),
  ];
}

function explain(m: { atStart: boolean; atEnd: boolean; events: Array<{ direction: 'increase' | 'decrease' }> }): string {
  const net = m.events.reduce((a, e) => a + (e.direction === 'increase' ? 1 : -1), 0);
  const was = m.atStart ? '上年底在册' : '上年底不在册';
  const now = m.atEnd ? '本年底在册' : '本年底不在册';
  if (!m.events.length) return `${was}、${now}，但本年没有登记相应的增加或减少变动`;
  return `${was}，本年登记变动净${net >= 0 ? '增加' : '减少'}${Math.abs(net)}人次，与${now}不符`;
}

/** The year asked for (without one: the last closed year), refused when it has not begun. */
export function yearOf(today: string, asked: number | undefined): { year: number; thisYear: number } {
  const thisYear = Number(today.slice(0, 4));
  const year = asked ?? thisYear - 1;
  if (year > thisYear) throw new AppError('VALIDATION_FAILED', `统计年度不能晚于${thisYear}年`, { issues: [{ field: 'year', message: `统计年度不能晚于${thisYear}年` }] });
  return { year, thisYear };
}

/** The org asked for in a scope (without one: the widest the scope sees); out of scope is not found. */
export async function orgOf(q: Queryable, scope: Sql, orgId: string | undefined): Promise<OrgRef> {
  const org = orgId ? await findOrgInScope(q, orgId, scope) : await topOrgInScope(q, scope);
  if (!org) throw notFound();
  return org;
}

/** Form 1's increases and decreases from the counts by reason. */
export function flowsOf(reasons: Record<string, number>): { increases: number; decreases: number } {
  const count = (rs: readonly string[]) => rs.reduce((a, r) => a + (reasons[r] ?? 0), 0);
  return { increases: count(INCREASES), decreases: count(DECREASES) };
}

export const closingInfo = (c: { closed_at: string | Date; closed_by_name: string | null }): StatisticsClosingInfo => ({ closedAt: new Date(c.closed_at).toISOString(), closedBy: c.closed_by_name });

export async function getStatisticsForm(deps: Deps, ctx: ActorContext, form: StatisticsFormKey, query: StatisticsFormQuery): Promise<StatisticsForm> {
  const today = deps.clock.today();
  const { year, thisYear } = yearOf(today, query.year);
  const scope = orgInScope(ctx.actor, READ);
  const org = await orgOf(deps.db, scope, query.orgId);
  // a closed year is read from its snapshot: its figures never move
  const closed = await repo.closingWithSnapshot<StatisticsForm, unknown>(deps.db, org.id, year);
  if (closed?.forms[form]) return { ...closed.forms[form], currentYear: thisYear, closing: closingInfo(closed) };
  const live = await computeForm(deps.db, { today, scope, org, form, year });
  // a form added after the year was closed: as the records read now, and said so
  return closed ? { ...live, notes: [...live.notes, `${year}年度结算时尚无此表，本表按当前记录计算，未冻结。`] } : live;
}

/** A form as the records read now (in `q`'s snapshot), for an org found in `scope`. */
export async function computeForm(q: Queryable, c: { today: string; scope: Sql; org: OrgRef; form: StatisticsFormKey; year: number }): Promise<StatisticsForm> {
  const { today, scope, org, form, year } = c;
  const thisYear = Number(today.slice(0, 4));
  const from = `${year}-01-01`;
  const cutoff = year === thisYear ? today : `${year}-12-31`;
  const previousEnd = `${year - 1}-12-31`;
  const versions = await rulesInForce<JoinGroups>(q, 'statistics', 'join_periods', cutoff);
  const rule = pickRule(versions, org.path);
  if (!rule) throw new Error(`no rule statistics.join_periods in force on ${cutoff}`);
  const froms = rule.body.groups.slice(1).map((g) => g.from!);
  const at = { path: org.path, scope };
  const base = { form, title: STATISTICS_FORMS[form], org: { id: org.id, name: org.name }, year, currentYear: thisYear, cutoff, balance: null, sources: [] as string[], closing: null };

  switch (form) {
    case 'balance': {
      const b = await repo.balanceOf(q, { ...at, start: previousEnd, end: cutoff });
      const reasons = b.reasons ?? {};
      const count = (rs: readonly string[]) => rs.reduce((a, r) => a + (reasons[r] ?? 0), 0);
      const { increases, decreases } = flowsOf(reasons);
      // the previous year closed for this org: it starts from the frozen end, and what was recorded since about it is the adjustment
      const [previous] = await repo.closingsOf(q, [org.id], year - 1);
      const start = previous ? previous.balance.end : b.start;
      const adjustments = previous
        ? (await repo.eventsAfterClosing(q, { ...at, watermark: previous.event_watermark, through: previousEnd })).map((e) => ({
            personId: e.person_id, name: e.name, date: e.date, label: MEMBER_EVENT_REASONS[e.reason as MemberEventReason]?.label ?? e.reason, direction: e.direction,
          }))
        : [];
      const adjustment = b.start - start;
      const expectedEnd = start + adjustment + increases - decreases;
      const ids = (b.mismatches ?? []).map((m) => m.person_id);
      const details = ids.length ? await repo.mismatchDetails(q, { ...at, start: previousEnd, end: cutoff, personIds: ids }) : [];
      const flags = new Map((b.mismatches ?? []).map((m) => [m.person_id, m]));
      const balance: StatisticsBalance = {
        start, adjustment, adjustments, increases, decreases, expectedEnd, end: b.end, difference: b.end - expectedEnd,
        mismatches: details.map((d) => {
          const f = flags.get(d.id)!;
          const events = (d.events ?? []).map((e) => ({ date: e.date, reason: e.reason, label: MEMBER_EVENT_REASONS[e.reason as MemberEventReason]?.label ?? e.reason, direction: e.direction }));
          const m = { atStart: f.at_start, atEnd: f.at_end, events };
          return { personId: d.id, name: d.name, orgName: d.org_name, ...m, explanation: explain(m) };
        }),
      };
      const row = (key: string, text: string, level: number, n: number): StatisticsRow => ({ key, label: text, level, values: [n] });
      return {
        ...base,
        columns: ['人数'],
        rows: [
          row('start', `${year - 1}年底党员数`, 0, start),
          ...(previous ? [row('adjustment', `${year - 1}年度结算后更正`, 0, adjustment)] : []),
          row('increase', '本年增加', 0, increases),
          ...INCREASES.map((r) => row(`increase.${r}`, label(r), 1, reasons[r] ?? 0)),
          row('decrease', '本年减少', 0, decreases),
          row('decrease.exit', '出党', 1, count(EXIT_REASONS)),
          ...EXIT_REASONS.map((r) => row(`decrease.${r}`, exitLabel(r), 2, reasons[r] ?? 0)),
          ...OTHER_DECREASES.map((r) => row(`decrease.${r}`, label(r), 1, reasons[r] ?? 0)),
          row('end', year === thisYear ? `截至${cutoff}党员数` : `${year}年底党员数`, 0, b.end),
          row('expected', '按增减计算应为', 0, balance.expectedEnd),
          row('difference', '差额', 0, balance.difference),
        ],
        balance,
        notes: [
          '上年底党员数 + 本年增加 − 本年减少 = 本年底党员数（RULES §6）；有差额时列出差额涉及的党员，不作调平。',
          '党员按组织关系所在组织统计；本组织范围内各组织之间的转移接续既不计转入也不计转出。建档登记为系统启用时录入的在册党员。',
          ...(previous ? [`${year - 1}年度已结算：上年底党员数取结算时冻结的数字，结算后登记的${year - 1}年及以前的变动列为“结算后更正”。`] : []),
        ],
      };
    }
    case 'basics': {
      const groups = await repo.rosterGroups(q, { ...at, day: cutoff, froms });
      return { ...base, columns: ['人数', '占比（%）'], rows: dimensionRows(groups, year), notes: [`${cutoff}组织关系在本组织范围内的党员；年龄按${year}年周岁计算。`] };
    }
    case 'join_time': {
      const groups = await repo.rosterGroups(q, { ...at, day: cutoff, froms });
      const line = (key: string, text: string, level: number, pick: (g: repo.GroupRow) => boolean): StatisticsRow => ({
        key, label: text, level, values: [count(groups, pick), count(groups, (g) => pick(g) && g.sex === 'female'), count(groups, (g) => pick(g) && g.minority)],
      });
      const unknown = (g: repo.GroupRow) => g.join_group === -1;
      return {
        ...base,
        columns: ['人数', '其中：女', '其中：少数民族'],
        rows: [
          line('total', '合计', 0, () => true),
          ...rule.body.groups.map((jg, i) => line(`group.${i}`, jg.label, 1, (g) => g.join_group === i)),
          ...(count(groups, unknown) ? [line('group.unknown', '入党时间未填写', 1, unknown)] : []),
        ],
        notes: [`${cutoff}组织关系在本组织范围内的党员，按入党时间分组。`],
        sources: [rule.source],
      };
    }
    case 'development': {
      const groups = await repo.recruitedGroups(q, { ...at, from, to: cutoff, froms });
      return { ...base, columns: ['人数', '占比（%）'], rows: dimensionRows(groups, year), notes: [`${year}年由本组织范围内的党组织发展（接收为预备党员，以上级党委审批日期计）的党员；年龄按${year}年周岁计算。`] };
    }
    case 'exits': {
      const counts = await repo.eventCounts(q, { ...at, from, to: cutoff, reasons: EXIT_REASONS });
      const of = (r: string | null, probationary?: boolean) => count(counts, (c) => (r === null || c.reason === r) && (probationary === undefined || (c.from_status === 'probationary') === probationary));
      return {
        ...base,
        columns: ['合计', '正式党员', '预备党员'],
        rows: [
          { key: 'total', label: '出党合计', level: 0, values: [of(null), of(null, false), of(null, true)] },
          ...EXIT_REASONS.map((r) => ({ key: r, label: exitLabel(r), level: 1, values: [of(r), of(r, false), of(r, true)] })),
        ],
        notes: [`${year}年由本组织范围内的党组织作出决定的出党（按决定日期）。停止党籍、死亡、取消预备党员资格不计入出党，见党员数综合比较表。`],
      };
    }
    case 'conversion': {
      const counts = await repo.eventCounts(q, { ...at, from, to: cutoff, reasons: ['converted', 'probation_extended', 'probation_cancelled'] });
      const of = (r: string, afterExtension?: boolean) => count(counts, (c) => c.reason === r && (afterExtension === undefined || c.after_extension === afterExtension));
      return {
        ...base,
        columns: ['人数'],
        rows: [
          { key: 'converted', label: '转为正式党员', level: 0, values: [of('converted')] },
          { key: 'converted.on_time', label: '按期转正', level: 1, values: [of('converted', false)] },
          { key: 'converted.extended', label: '延长预备期后转正', level: 1, values: [of('converted', true)] },
          { key: 'probation_extended', label: '延长预备期', level: 0, values: [of('probation_extended')] },
          { key: 'probation_cancelled', label: '取消预备党员资格', level: 0, values: [of('probation_cancelled')] },
        ],
        notes: [`${year}年由本组织范围内的党组织办理（以上级党委审批日期计）的预备党员转正、延长预备期和取消预备党员资格。`],
      };
    }
    case 'flow': {
      const f = await repo.flowCounts(q, { ...at, day: cutoff, from });
      const row = (key: string, text: string, level: number, n: number, female?: number): StatisticsRow => ({ key, label: text, level, values: [n, female ?? 0] });
      return {
        ...base,
        columns: ['人数', '其中：女'],
        rows: [
          row('out', '外出流动党员', 0, f.out, f.out_female),
          row('out.registered', '已在流入地党组织登记', 1, f.out_registered),
          row('out.unregistered', '未在流入地党组织登记', 1, f.out - f.out_registered),
          row('issued', '本年发放流动党员活动证', 0, f.issued),
          row('returned', '本年返回（交回活动证）', 0, f.returned),
          row('hosted', '流入本组织参加组织生活的党员', 0, f.hosted, f.hosted_female),
        ],
        notes: [
          `外出流动党员：${cutoff}持有流动党员活动证、组织关系在本组织范围内的党员（组织关系不转移，仍计入本组织党员数）。`,
          '流入党员：组织关系在其他地方、在本组织范围内的党支部登记参加组织生活的党员，不计入本组织党员数。',
        ],
      };
    }
    case 'orgs': {
      const counts = await repo.orgCounts(q, { ...at, day: cutoff, from });
      const closing = (t: string) => (CLOSING_TYPES as readonly string[]).includes(t);
      const sum = (pick: (c: (typeof counts)[number]) => boolean) => count(counts, pick);
      const grassroots = (c: { type: string }) => c.type !== 'party_group';
      const row = (key: string, text: string, level: number, n: number): StatisticsRow => ({ key, label: text, level, values: [n] });
      return {
        ...base,
        columns: ['个数'],
        rows: [
          row('total', '基层党组织合计', 0, sum(grassroots)),
          ...(Object.keys(ORG_TYPES) as Array<keyof typeof ORG_TYPES>).filter((t) => t !== 'party_group').map((t) => row(`type.${t}`, ORG_TYPES[t], 1, sum((c) => c.type === t))),
          row('unit', '按所在单位', 0, sum(grassroots)),
          ...Object.entries(UNIT_KINDS).map(([k, v]) => row(`unit.${k}`, v, 1, sum((c) => grassroots(c) && c.unit_kind === k))),
          row('committee', '领导班子', 0, sum(grassroots)),
          row('committee.current', '班子在任期内', 1, sum((c) => grassroots(c) && c.committee === 'current')),
          row('committee.elected', '其中：本年换届', 2, sum((c) => grassroots(c) && c.committee === 'current' && c.elected_in_year)),
          row('committee.overdue', '任期已满未换届', 1, sum((c) => grassroots(c) && c.committee === 'overdue')),
          row('committee.none', '未登记班子', 1, sum((c) => grassroots(c) && c.committee === 'none')),
          row('committee.none.committees', '其中：党委、党工委、党总支', 2, sum((c) => closing(c.type) && c.committee === 'none')),
          row('party_group', '党小组', 0, sum((c) => c.type === 'party_group')),
        ],
        notes: [`${cutoff}本组织及以下存续的党组织（含本组织），班子按当日在任的一届计；党小组不计入基层党组织数。`],
      };
    }
    case 'secretaries': {
      const groups = await repo.secretaryGroups(q, { ...at, day: cutoff, froms });
      const rows = dimensionRows(groups, year).filter((r) => !r.key.startsWith('occupation') && r.key !== 'probationary');
      const total = count(groups);
      const share = (n: number) => [n, total ? Math.round((n / total) * 1000) / 10 : 0];
      const byType = (Object.keys(ORG_TYPES) as Array<keyof typeof ORG_TYPES>).filter((t) => t !== 'party_group');
      return {
        ...base,
        columns: ['人数', '占比（%）'],
        rows: [
          rows[0],
          ...byType.map((t) => ({ key: `type.${t}`, label: `${ORG_TYPES[t]}书记`, level: 1, values: share(count(groups, (g) => g.org_type === t)) })),
          ...rows.slice(1),
          ...(count(groups, (g) => !g.linked) ? [{ key: 'unlinked', label: '未关联党员档案（性别、年龄等未统计）', level: 0, values: share(count(groups, (g) => !g.linked)) }] : []),
        ],
        notes: [`${cutoff}本组织及以下各党组织在任班子的书记；年龄按${year}年周岁计算。`],
      };
    }
  }
}
