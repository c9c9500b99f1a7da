import type { Deps } from '../../deps';
import { can, type ActorContext } from '../../platform/actor';
import { auditInTx } from '../../platform/audit';
import { addMonths } from '../../platform/dates';
import { AppError } from '../../platform/errors';
import { ORG_DIMENSION, reportSubject, reportSubjects, type ReportMeasureSource, type ReportSubjectSource } from '../../platform/report-subjects';
import { coversSubtree, findOrgInScope, orgInScope, topOrgInScope } from '../../platform/scope';
import type { ReportDimension, ReportResult, ReportSpec, ReportSubject, SavedReport, SaveReportBody } from '../../../contracts/reports';
import * as repo from './reports.repo';

// The report builder (自定义报表, issue 16): the subjects the viewer may
// count, a report run over an org's subtree within the viewer's scope for the
// subject's permission, and saved reports (the viewer's own and those shared
// on orgs the viewer sees).

const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', message, { issues: [{ field, message }] });

function describe(s: ReportSubjectSource): ReportSubject {
  return {
    key: s.key,
    label: s.label,
    description: s.description,
    dimensions: [ORG_DIMENSION, ...s.dimensions.map(({ key, label, values }) => ({ key, label, values }))],
    measures: s.measures.map(({ key, label, kind, unit }) => ({ key, label, kind, unit })),
  };
}

export function listReportSubjects(ctx: ActorContext): { items: ReportSubject[] } {
  return { items: reportSubjects().filter((s) => can(ctx.actor, s.permission)).map(describe) };
}

/** The subject, dimensions, measures and filters of a spec checked against the registry (refused in the words of the page). */
function check(ctx: ActorContext, spec: ReportSpec) {
  const s = reportSubject(spec.subject);
  if (!s) throw invalid('subject', '请选择报表主题');
  // a subject outside the viewer's permissions is not offered (the route's own permission is the org tree)
  if (!can(ctx.actor, s.permission)) throw invalid('subject', `您没有统计“${s.label}”的权限`);
  const d = describe(s);
  const dim = (key: string | undefined, field: string) => {
    if (key === undefined) return undefined;
    const found = d.dimensions.find((x) => x.key === key);
    if (!found) throw invalid(field, `“${s.label}”没有这个统计维度`);
    return found;
  };
  const rows = dim(spec.rows, 'rows')!;
  const cols = dim(spec.columns, 'columns');
  const measures = spec.measures.map((key) => {
    const m = s.measures.find((x) => x.key === key);
    if (!m) throw invalid('measures', `“${s.label}”没有这项统计指标`);
    return m;
  });
  if (new Set(spec.measures).size !== spec.measures.length) throw invalid('measures', '统计指标不能重复选择');
  for (const [key, values] of Object.entries(spec.filters)) {
    const f = dim(key, `filters.${key}`)!;
    if (!f.values) throw invalid(`filters.${key}`, `“${f.label}”不能作为筛选条件`);
    for (const v of values) if (!f.values.some((x) => x.value === v)) throw invalid(`filters.${key}`, `“${f.label}”没有“${v}”这个取值`);
  }
  return { s, d, rows, cols, measures };
}

/** The months from `from` to `to` as YYYY-MM. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = `${from.slice(0, 7)}-01`; m.slice(0, 7) <= to.slice(0, 7); m = addMonths(m, 1)) out.push(m.slice(0, 7));
  return out;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A measure's shown value from its aggregate parts ([value] or [numerator, denominator]). */
function valueOf(m: ReportMeasureSource, parts: number[]): number {
  if (m.kind === 'rate') return parts[1] ? round((parts[0] / parts[1]) * 100, 1) : 0;
  return m.divisor ? round(parts[0] / m.divisor, 2) : parts[0];
}
const addParts = (a: number[] | undefined, b: number[]) => (a ? a.map((x, i) => x + (b[i] ?? 0)) : [...b]);

/**
 * Whether the subject's rollup answers the report: it has every dimension and
 * measure asked, nothing is filtered, and the viewer sees the org's whole
 * subtree (the rollup counts all of it).
 */
function fromRollup(ctx: ActorContext, s: ReportSubjectSource, org: { path: string }, spec: ReportSpec): boolean {
  const r = s.rollup;
  if (!r || Object.values(spec.filters).some((v) => v.length)) return false;
  const dims = [spec.rows, spec.columns].filter((d): d is string => d !== undefined);
  return dims.every((d) => d === 'org' || d in r.dimensions) && spec.measures.every((m) => m in r.measures) && coversSubtree(ctx.actor, s.permission, org);
}

/** Rollup rows as the raw grouping gives them: by 下级组织, the org's own members are its total less its children; otherwise the total. */
function ownFromTotals(rows: repo.GroupedRow[], spec: ReportSpec): repo.GroupedRow[] {
  const orgIsRow = spec.rows === 'org';
  const orgIsCol = spec.columns === 'org';
  if (!orgIsRow && !orgIsCol) return rows.map((g) => ({ ...g }));
  const other = (g: repo.GroupedRow) => (orgIsRow ? g.c : g.r);
  const orgKey = (g: repo.GroupedRow) => (orgIsRow ? g.r : g.c);
  const own = new Map<string | null, number[][]>();
  for (const g of rows) if (orgKey(g) === '__total') own.set(other(g), g.m.map((p) => [...p]));
  for (const g of rows) {
    if (orgKey(g) === '__total') continue;
    const t = own.get(other(g));
    if (t) g.m.forEach((p, i) => p.forEach((v, j) => (t[i][j] -= v)));
  }
  const selfRows = [...own.entries()]
    .filter(([, m]) => m.some((p) => p.some((v) => Math.abs(v) > 1e-9)))
    .map(([k, m]) => (orgIsRow ? { r: 'self', c: k, m } : { r: k, c: 'self', m }));
  return [...rows.filter((g) => orgKey(g) !== '__total'), ...selfRows];
}

export async function runReport(deps: Deps, ctx: ActorContext, spec: ReportSpec): Promise<ReportResult> {
  const { s, d, rows: rowDim, cols: colDim, measures } = check(ctx, spec);
  const scope = orgInScope(ctx.actor, s.permission);
  const org = spec.orgId ? await findOrgInScope(deps.db, spec.orgId, scope) : await topOrgInScope(deps.db, scope);
  if (!org) throw new AppError('NOT_FOUND');
  const period = { from: spec.from, to: spec.to, current: spec.to >= deps.clock.today() };
  const grouped = fromRollup(ctx, s, org, spec)
    ? ownFromTotals(await repo.rollupGrouped(deps.db, s.rollup!, { orgId: org.id, period, rows: spec.rows, cols: spec.columns, measures: spec.measures }), spec)
    : await repo.runGrouped(deps.db, s, { path: org.path, scope, period, rows: spec.rows, cols: spec.columns, measures, filters: spec.filters });

  // the values of a dimension in order, with labels: a fixed list, the org's children, the period's months, or what was found
  const children = rowDim.key === 'org' || colDim?.key === 'org' ? await repo.childOrgs(deps.db, org.id, scope) : [];
  const orgIdOf = new Map<string, string>([['self', org.id], ...children.map((c) => [c.path, c.id] as [string, string])]);
  const valuesOf = (dim: ReportDimension, found: Set<string>): Array<{ value: string; label: string }> => {
    if (dim.key === 'org') return [...(found.has('self') ? [{ value: 'self', label: `${org.name}（本级）` }] : []), ...children.map((c) => ({ value: c.path, label: c.name }))];
    if (dim.values) return [...dim.values, ...[...found].filter((v) => !dim.values!.some((x) => x.value === v)).map((v) => ({ value: v, label: v }))];
    if (dim.key === 'month') return monthsBetween(spec.from, spec.to).map((v) => ({ value: v, label: v }));
    return [...found].sort().map((v) => ({ value: v, label: v }));
  };
  const cell = new Map<string, number[][]>();
  for (const g of grouped) cell.set(`${g.r ?? ''}\u0000${g.c ?? ''}`, g.m);
  const rowValues = valuesOf(rowDim, new Set(grouped.map((g) => g.r ?? '')));
  const colValues = colDim ? valuesOf(colDim, new Set(grouped.map((g) => g.c ?? ''))) : [];
  const today = deps.clock.today();
  const fixed = Object.fromEntries(Object.entries(spec.filters).filter(([, v]) => v.length === 1).map(([k, v]) => [k, v[0]]));
  const linkOf = (values: Record<string, string>) => {
    if (!s.link) return null;
    const v = { ...fixed, ...values };
    if (v.org !== undefined) v.org = orgIdOf.get(v.org) ?? org.id;
    return s.link(v, org.id, period, today);
  };

  let columns: ReportResult['columns'];
  let rows: ReportResult['rows'];
  let total: number[];
  if (!colDim) {
    columns = measures.map((m) => ({ key: m.key, label: m.label, unit: m.unit }));
    const sums: number[][] = measures.map(() => []);
    rows = rowValues.map((rv) => {
      const parts = cell.get(`${rv.value}\u0000`);
      return {
        key: rv.value,
        label: rv.label,
        cells: measures.map((m, i) => {
          const p = parts?.[i] ?? (m.denominator ? [0, 0] : [0]);
          sums[i] = addParts(sums[i].length ? sums[i] : undefined, p);
          return { value: valueOf(m, p), link: linkOf({ [rowDim.key]: rv.value }) };
        }),
      };
    });
    total = measures.map((m, i) => valueOf(m, sums[i].length ? sums[i] : [0, 0]));
  } else {
    const m = measures[0];
    columns = colValues.map((cv) => ({ key: cv.value, label: cv.label, unit: m.unit }));
    const sums = new Map<string, number[]>();
    rows = rowValues.map((rv) => ({
      key: rv.value,
      label: rv.label,
      cells: colValues.map((cv) => {
        const p = cell.get(`${rv.value}\u0000${cv.value}`)?.[0] ?? (m.denominator ? [0, 0] : [0]);
        sums.set(cv.value, addParts(sums.get(cv.value), p));
        return { value: valueOf(m, p), link: linkOf({ [rowDim.key]: rv.value, [colDim.key]: cv.value }) };
      }),
    }));
    total = colValues.map((cv) => valueOf(m, sums.get(cv.value) ?? [0, 0]));
  }

  const filterWords = Object.entries(spec.filters)
    .filter(([, v]) => v.length)
    .map(([k, v]) => {
      const f = d.dimensions.find((x) => x.key === k)!;
      return `${f.label}：${v.map((x) => f.values?.find((y) => y.value === x)?.label ?? x).join('、')}`;
    });
  return {
    subject: d,
    org: { id: org.id, name: org.name },
    from: spec.from,
    to: spec.to,
    columns,
    rows,
    total,
    caption: [`${s.label}`, `${org.name}及以下`, `${spec.from} 至 ${spec.to}`, ...filterWords].join('｜'),
  };
}

export function toSaved(r: repo.SavedRow, accountId: string): SavedReport {
  const s = reportSubject(String(r.spec.subject));
  return {
    id: r.id, name: r.name, shared: r.shared, mine: r.owner_id === accountId, ownerName: r.owner_name, orgName: r.org_name,
    subjectLabel: s?.label ?? String(r.spec.subject), spec: r.spec as ReportSpec, updatedAt: new Date(r.updated_at).toISOString(),
    schedule: r.schedule && r.schedule_format && r.next_run_on ? { frequency: r.schedule, format: r.schedule_format, nextRunOn: r.next_run_on } : null,
  };
}

/** The viewer's saved reports and those shared on orgs the viewer sees, on subjects the viewer may count. */
export async function listReports(deps: Deps, ctx: ActorContext): Promise<{ items: SavedReport[] }> {
  const rows = await repo.listSaved(deps.db, { accountId: ctx.actor.accountId, scope: orgInScope(ctx.actor, 'org.read') });
  const allowed = new Set(listReportSubjects(ctx).items.map((s) => s.key));
  return { items: rows.filter((r) => allowed.has(String(r.spec.subject))).map((r) => toSaved(r, ctx.actor.accountId)) };
}

export async function saveReport(deps: Deps, ctx: ActorContext, body: SaveReportBody): Promise<SavedReport> {
  const { s } = check(ctx, body.spec);
  const scope = orgInScope(ctx.actor, s.permission);
  const org = body.spec.orgId ? await findOrgInScope(deps.db, body.spec.orgId, scope) : await topOrgInScope(deps.db, scope);
  if (!org) throw new AppError('NOT_FOUND');
  const spec = { ...body.spec, orgId: org.id };
  const id = await deps.db.tx(async (t) => {
    const id = await repo.insertSaved(t, { name: body.name, shared: body.shared, ownerId: ctx.actor.accountId, orgId: org.id, spec, at: deps.clock.now() });
    await auditInTx(t, ctx, { action: 'report.save', objectType: 'saved_report', objectId: id, orgId: org.id, detail: { name: body.name, subject: s.key, shared: body.shared } });
    return id;
  });
  return toSaved((await repo.ownSaved(deps.db, id, ctx.actor.accountId))!, ctx.actor.accountId);
}
