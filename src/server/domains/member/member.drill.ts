import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { notFound } from '../../platform/errors';
import { loadExcel, printSheet } from '../../platform/excel';
import { findOrgInScope, orgInScope, personInScope, topOrgInScope } from '../../platform/scope';
import { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, SEXES } from '../../../contracts/dict';
import { JOIN_PERIOD_UNKNOWN_LABEL, JOIN_PERIODS } from '../../../contracts/member-stats';
import { DRILL_DIMENSIONS, type DashboardDrill, type DashboardDrillQuery, type DrillDimension } from '../../../contracts/dashboard';
import * as repo from './member.drill.repo';

// The ad-hoc drill-down (分析: QUALITY B2): the members on the roll of a
// subtree in the caller's scope, by any two dimensions, with totals; the same
// as an Excel sheet. Counts only: no member is listed.

const READ = 'member.read' as const;
const AGE_LABELS: Record<string, string> = { upto30: '30岁及以下', '31_45': '31—45岁', '46_60': '46—60岁', '61plus': '61岁及以上' };
const JOIN_LABELS: Record<string, string> = { ...Object.fromEntries(JOIN_PERIODS.map((p) => [p.key, p.label])), unknown: JOIN_PERIOD_UNKNOWN_LABEL };

/** A dimension's keys in their natural order with their labels (the keys found, plus every known key of a short list). */
function keysOf(d: DrillDimension, found: Set<string>, children: Array<{ path: string; name: string }>): Array<{ key: string; label: string }> {
  const known = (labels: Record<string, string>, all: boolean) =>
    Object.entries(labels).filter(([k]) => all || found.has(k)).map(([key, label]) => ({ key, label }));
  const rest = (list: Array<{ key: string }>) => [...found].filter((k) => !list.some((x) => x.key === k)).sort().map((key) => ({ key, label: key }));
  let list: Array<{ key: string; label: string }>;
  switch (d) {
    case 'org':
      list = [...(found.has('self') ? [{ key: 'self', label: '本级' }] : []), ...children.filter((c) => found.has(c.path)).map((c) => ({ key: c.path, label: c.name }))];
      break;
    case 'sex':
      list = known(SEXES, true);
      break;
    case 'age':
      list = known(AGE_LABELS, true);
      break;
    case 'join_period':
      list = known(JOIN_LABELS, false);
      break;
    case 'education':
      list = known(EDUCATIONS, false);
      break;
    case 'occupation':
      list = known(OCCUPATIONS, false);
      break;
    case 'status':
      list = known({ full: MEMBER_STATUSES.full, probationary: MEMBER_STATUSES.probationary }, true);
      break;
    case 'ethnicity':
      list = [];
      break;
  }
  return [...list, ...rest(list)];
}

export async function drillMembers(deps: Deps, ctx: ActorContext, query: DashboardDrillQuery): Promise<DashboardDrill> {
  const scope = orgInScope(ctx.actor, READ);
  const org = query.orgId ? await findOrgInScope(deps.db, query.orgId, scope) : await topOrgInScope(deps.db, scope);
  if (!org) throw notFound();
  const asOf = deps.clock.today();
  const [cells, children] = await Promise.all([
    repo.crossTab(deps.db, { scope: personInScope(ctx.actor, READ), path: org.path, rows: query.rows, cols: query.cols, year: Number(asOf.slice(0, 4)), status: query.status, sex: query.sex }),
    query.rows === 'org' || query.cols === 'org' ? repo.childLabels(deps.db, org.id) : Promise.resolve([]),
  ]);
  const rows = keysOf(query.rows, new Set(cells.map((c) => c.r)), children);
  const cols = keysOf(query.cols, new Set(cells.map((c) => c.c)), children);
  const at = new Map(cells.map((c) => [`${c.r}\u0000${c.c}`, c.n]));
  const matrix = rows.map((r) => cols.map((c) => at.get(`${r.key}\u0000${c.key}`) ?? 0));
  const rowTotals = matrix.map((line) => line.reduce((a, n) => a + n, 0));
  const colTotals = cols.map((_, j) => matrix.reduce((a, line) => a + line[j], 0));
  return { org: { id: org.id, name: org.name }, rows, cols, cells: matrix, rowTotals, colTotals, total: rowTotals.reduce((a, n) => a + n, 0), asOf };
}

/** The drill-down as a printable sheet: the cross-tab with its totals, titled with the org, the dimensions, the filters and the day. */
export async function exportDrill(deps: Deps, ctx: ActorContext, query: DashboardDrillQuery): Promise<{ data: Buffer; fileName: string }> {
  const d = await drillMembers(deps, ctx, query);
  const filters = [query.status ? MEMBER_STATUSES[query.status] : null, query.sex ? `${SEXES[query.sex]}党员` : null].filter(Boolean).join('、');
  const wb = new (await loadExcel()).Workbook();
  const sheet = printSheet(wb, {
    name: '交叉统计', title: '党员交叉统计',
    caption: [d.org.name, `${DRILL_DIMENSIONS[query.rows]} × ${DRILL_DIMENSIONS[query.cols]}`, filters ? `仅${filters}` : '在册党员', `截至 ${d.asOf}`],
    columns: [DRILL_DIMENSIONS[query.rows], ...d.cols.map((c) => c.label), '合计'],
  });
  d.rows.forEach((r, i) => sheet.add([r.label, ...d.cells[i], d.rowTotals[i]]));
  sheet.note(['合计', ...d.colTotals, d.total]);
  sheet.finish();
  await audit(deps.db, ctx, { action: 'member.drill_export', objectType: 'org', objectId: d.org.id, orgId: d.org.id, detail: { rows: query.rows, cols: query.cols, status: query.status ?? null, sex: query.sex ?? null } });
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `党员交叉统计-${d.org.name}-${DRILL_DIMENSIONS[query.rows]}×${DRILL_DIMENSIONS[query.cols]}.xlsx` };
}
