import type { Permission } from '../../contracts/permissions';
import type { ReportDimension, ReportMeasure } from '../../contracts/reports';
import type { Sql } from './sql';
import { addDays, addMonths } from './dates';

// The report builder's subjects (issue 16). Each module registers what it can
// be reported by (`<domain>.report.repo.ts`, gathered in
// src/server/report-subjects.ts): the rows it counts joined to their org,
// the period's condition, its dimensions and measures as SQL over those rows.
// The runner (domains/reports/reports.repo.ts) adds the subtree, the viewer's scope, the
// 下级组织 dimension and the filters; a subject is offered only to a viewer
// holding its permission, and counted only over the orgs that permission
// reaches.

export interface ReportPeriod {
  from: string;
  to: string;
  /** the period ends today or later (a stock at its end is the present one) */
  current?: boolean;
}

export interface ReportDimensionSource extends ReportDimension {
  /** the value of a row (text) */
  expr(p: ReportPeriod): Sql;
}

/** SQL, or SQL that depends on the period (a count of what happened in it) */
export type PeriodSql = Sql | ((p: ReportPeriod) => Sql);

export const atPeriod = (x: PeriodSql, p: ReportPeriod): Sql => (typeof x === 'function' ? x(p) : x);

export interface ReportMeasureSource extends ReportMeasure {
  /** an aggregate over the rows; for a rate, the numerator */
  expr: PeriodSql;
  /** for a rate: the denominator aggregate */
  denominator?: PeriodSql;
  /** the stored unit per shown unit (fen → 元: 100) */
  divisor?: number;
}

/**
 * A subject's rollup (counts kept per org and its whole subtree, moved with
 * the facts): answers a report grouped by 下级组织 and the rollup's own
 * dimensions, without filters, when the viewer sees the org's whole subtree.
 * `from` joins the rollup (aliased r) to `org o`; every measure part is a sum.
 */
export interface ReportRollupSource {
  from: Sql;
  where(p: ReportPeriod): Sql;
  dimensions: Record<string, (p: ReportPeriod) => Sql>;
  measures: Record<string, { expr: Sql; denominator?: Sql }>;
}

export interface ReportSubjectSource {
  key: string;
  label: string;
  description: string;
  permission: Permission;
  /** where the subject sits in the list (smaller first) */
  order: number;
  /** the rows and their org: `orgs` is a relation with columns id, path and child (aliased o) */
  from(orgs: Sql, p: ReportPeriod): Sql;
  /** the subject's own condition for the period */
  where(p: ReportPeriod): Sql;
  dimensions: ReportDimensionSource[];
  measures: ReportMeasureSource[];
  rollup?: ReportRollupSource;
  /** the console page listing the rows behind a figure with these dimension values, or null where no list shows them */
  link?(values: Record<string, string>, orgId: string, p: ReportPeriod, today: string): string | null;
}

const subjects = new Map<string, ReportSubjectSource>();

/** Adds (or, for the same key, replaces: apps built again in one process) a subject. */
export function registerReportSubject(s: ReportSubjectSource): void {
  subjects.set(s.key, s);
}

export function reportSubjects(): ReportSubjectSource[] {
  return [...subjects.values()].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}

export function reportSubject(key: string): ReportSubjectSource | undefined {
  return subjects.get(key);
}

/** A dimension's fixed values from a label map (key → Chinese label), in its order. */
export const dimensionValues = (labels: Record<string | number, string>) => Object.entries(labels).map(([value, label]) => ({ value, label }));

/** The days a link lists: the period, or one month of it (a 月份 value 'YYYY-MM'); null for a month outside it. */
export function monthWindow(month: string | undefined, p: ReportPeriod): { from: string; to: string } | null {
  if (!month) return { from: p.from, to: p.to };
  if (!/^\d{4}-\d{2}$/.test(month)) return null;
  const first = `${month}-01`;
  const last = addDays(addMonths(first, 1), -1);
  const from = first > p.from ? first : p.from;
  const to = last < p.to ? last : p.to;
  return from <= to ? { from, to } : null;
}

/** The 下级组织 dimension every subject has (added by the runner). */
export const ORG_DIMENSION: ReportDimension = { key: 'org', label: '下级组织', values: null };
