import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { AppError } from '../../platform/errors';
import { orgInScope, type OrgRef } from '../../platform/scope';
import type { Sql } from '../../platform/sql';
import {
  CLOSING_ORG_TYPES, STATISTICS_FORMS,
  type StatisticsFigures, type StatisticsForm, type StatisticsFormKey, type StatisticsReconciliation, type StatisticsReconciliationQuery, type StatisticsYearBody,
} from '../../../contracts/statistics';
import * as repo from './statistics.repo';
import { closingInfo, computeForm, flowsOf, orgOf, yearOf } from './statistics.service';

// Year closing (年度结算) and the reconciliation with the subordinate units
// (issue 16, RULES §6). A committee closes a year once it has ended and its
// subordinate committees have closed theirs: every form is computed in one
// database snapshot and kept frozen with the last change event it saw; the
// forms of a closed year are read from the snapshot ever after, and what is
// recorded later about the closed year is the next year's adjustment (see
// computeForm's balance). Branches are closed with the committee above them.

const READ = 'member.read' as const;
const CLOSE = 'statistics.close' as const;

const closesOwnYear = (type: string) => (CLOSING_ORG_TYPES as readonly string[]).includes(type);
const figuresOf = (b: repo.ClosingRow['balance']): StatisticsFigures => ({ start: b.start, adjustment: b.adjustment ?? 0, increases: b.increases, decreases: b.decreases, end: b.end });
const add = (a: StatisticsFigures, b: StatisticsFigures): StatisticsFigures => ({
  start: a.start + b.start, adjustment: a.adjustment + b.adjustment, increases: a.increases + b.increases, decreases: a.decreases + b.decreases, end: a.end + b.end,
});

type Org = OrgRef & { type: string };

async function balanceFigures(q: Queryable, c: { today: string; scope: Sql; org: OrgRef; year: number }): Promise<StatisticsFigures> {
  const f = await computeForm(q, { ...c, form: 'balance' });
  return figuresOf(f.balance!);
}

/** The reconciliation of an org's year with its subordinate orgs, as the records read in `q` (closed orgs by their snapshots). */
async function reconcile(q: Queryable, c: { today: string; scope: Sql; org: Org; year: number; total?: StatisticsFigures }): Promise<Omit<StatisticsReconciliation, 'closing' | 'currentYear'>> {
  const { today, scope, org, year } = c;
  const children = await repo.childOrgs(q, { orgId: org.id, scope, yearStart: `${year}-01-01` });
  const closings = new Map((await repo.closingsOf(q, [org.id, ...children.map((x) => x.id)], year)).map((x) => [x.org_id, x]));
  const lines = [];
  for (const child of children) {
    const closed = closings.get(child.id);
    lines.push({
      org: { id: child.id, name: child.name, type: child.type },
      closesOwnYear: closesOwnYear(child.type),
      closing: closed ? closingInfo(closed) : null,
      figures: closed ? figuresOf(closed.balance) : await balanceFigures(q, { today, scope, org: child, year }),
    });
  }
  const cutoff = year === Number(today.slice(0, 4)) ? today : `${year}-12-31`;
  const own = await repo.balanceOf(q, { path: org.path, scope, start: `${year - 1}-12-31`, end: cutoff, onlyOrgId: org.id });
  const ownFigures: StatisticsFigures = { start: own.start, adjustment: 0, ...flowsOf(own.reasons ?? {}), end: own.end };
  const sum = lines.reduce((a, l) => add(a, l.figures), ownFigures);
  const frozen = closings.get(org.id);
  const total = c.total ?? (frozen ? figuresOf(frozen.balance) : await balanceFigures(q, { today, scope, org, year }));
  return {
    org: { id: org.id, name: org.name, type: org.type },
    year,
    closesOwnYear: closesOwnYear(org.type),
    openChildren: lines.filter((l) => l.closesOwnYear && !l.closing).map((l) => ({ id: l.org.id, name: l.org.name })),
    children: lines,
    own: ownFigures,
    sum,
    total,
    difference: { start: total.start + total.adjustment - (sum.start + sum.adjustment), end: total.end - sum.end },
    notes: [
      '已结算的下级党组织取其结算时冻结的数字，未结算的下级党组织和党支部按当前记录计算。',
      '合计的上年底和本年底党员数应与本组织的党员数综合比较表一致；下级之间的组织关系转接在下级各计一次转出、一次转入，所以合计的增加、减少数可能多于本组织的数字。',
    ],
  };
}

async function orgWithType(q: Queryable, scope: Sql, orgId: string | undefined): Promise<Org> {
  const org = await orgOf(q, scope, orgId);
  return { ...org, type: await repo.orgType(q, org.id) };
}

export async function getStatisticsReconciliation(deps: Deps, ctx: ActorContext, query: StatisticsReconciliationQuery): Promise<StatisticsReconciliation> {
  const today = deps.clock.today();
  const { year, thisYear } = yearOf(today, query.year);
  const scope = orgInScope(ctx.actor, READ);
  const org = await orgWithType(deps.db, scope, query.orgId);
  const closed = await repo.closingWithSnapshot<StatisticsForm, Omit<StatisticsReconciliation, 'closing' | 'currentYear'>>(deps.db, org.id, year);
  // a closed year shows the reconciliation as it stood when it was closed
  if (closed) return { ...closed.reconciliation, currentYear: thisYear, closing: closingInfo(closed) };
  return { ...(await reconcile(deps.db, { today, scope, org, year })), currentYear: thisYear, closing: null };
}

const refuse = (message: string) => new AppError('STATISTICS_CLOSING_RULE', message);

export async function closeStatisticsYear(deps: Deps, ctx: ActorContext, body: StatisticsYearBody): Promise<StatisticsReconciliation> {
  const today = deps.clock.today();
  const { year, thisYear } = yearOf(today, body.year);
  // found among the orgs the actor may close, the forms computed in the actor's reading scope
  const org = await orgWithType(deps.db, orgInScope(ctx.actor, CLOSE), body.orgId);
  const scope = orgInScope(ctx.actor, READ);
  if (year >= thisYear) throw refuse(`${year}年尚未结束，只能结算${thisYear - 1}年及以前的年度`);
  if (!closesOwnYear(org.type)) throw refuse('党支部的统计数据由上级党委（党总支）汇总结算，不单独结算');
  const done = await deps.db.tx(async (t) => {
    await repo.readOneSnapshot(t);
    const watermark = await repo.lastEventId(t);
    const forms = {} as Record<StatisticsFormKey, StatisticsForm>;
    for (const form of Object.keys(STATISTICS_FORMS) as StatisticsFormKey[]) forms[form] = await computeForm(t, { today, scope, org, form, year });
    const reconciliation = await reconcile(t, { today, scope, org, year, total: figuresOf(forms.balance.balance!) });
    if (reconciliation.openChildren.length) throw refuse(`下级党组织尚未结算${year}年度：${reconciliation.openChildren.map((x) => x.name).join('、')}。请待下级结算后再结算本级`);
    const inserted = await repo.insertClosing(t, { orgId: org.id, year, closedAt: deps.clock.now(), closedBy: ctx.actor.accountId, watermark, forms, reconciliation });
    if (!inserted) return false;
    await auditInTx(t, ctx, {
      action: 'statistics.year_close', objectType: 'org', objectId: org.id, orgId: org.id,
      detail: { year, start: reconciliation.total.start, end: reconciliation.total.end, difference: forms.balance.balance!.difference },
    });
    return true;
  });
  if (!done) throw new AppError('STATISTICS_YEAR_CLOSED', `${org.name}${year}年度的党内统计已结算，数据已冻结；之后登记的更正列入下一年度`);
  return getStatisticsReconciliation(deps, ctx, { orgId: org.id, year });
}
