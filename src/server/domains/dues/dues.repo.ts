import type { Queryable } from '../../platform/db';
import { sql, raw, and, type Sql } from '../../platform/sql';

// SQL of the dues domain. Scope conditions come from platform/scope.ts on the
// org alias `o` (the bill's or the member's org).

export interface BaseRow {
  id: number;
  category: string;
  base_fen: number | null;
  components: Array<{ item: string; kind: 'include' | 'exclude' | 'deduct'; amountFen: number }>;
  effective_month: string;
  note: string | null;
  recorded_by: string | null;
  recorded_at: string;
}

export function listBases(q: Queryable, personId: string) {
  return q.query<BaseRow>(sql`SELECT b.id::int AS id, b.category, b.base_fen::int AS base_fen, b.components, to_char(b.effective_month, 'YYYY-MM') AS effective_month, b.note,
      a.display_name AS recorded_by, b.recorded_at
    FROM dues_base b LEFT JOIN account a ON a.id = b.actor_id WHERE b.person_id = ${personId}::uuid ORDER BY b.effective_month DESC, b.id DESC`);
}

export async function insertBase(q: Queryable, v: { personId: string; category: string; baseFen: number | null; components: unknown[]; month: string; note: string | null; actorId: string }) {
  const r = await q.one<{ id: number }>(sql`INSERT INTO dues_base (person_id, category, base_fen, components, effective_month, note, actor_id)
    VALUES (${v.personId}, ${v.category}, ${v.baseFen}, ${JSON.stringify(v.components)}::jsonb, ${v.month + '-01'}::date, ${v.note}, ${v.actorId}) RETURNING id::int AS id`);
  return r.id;
}

export interface BillingRow {
  person_id: string;
  org_id: string;
  org_path: string;
  region_key: string | null;
  base_id: number | null;
  category: string | null;
  base_fen: number | null;
  reduction_id: string | null;
  reduction_kind: 'reduce' | 'exempt' | null;
  reduction_fen: number | null;
}

/**
 * Who owes dues for a month in a subtree: the formal relation covering the
 * month's first day (else the first one starting in the month: dues are
 * payable from the month of admission), with the base in force and any
 * approved reduction covering the month.
 */
export function billingRows(q: Queryable, subtreePath: string, month: string) {
  const start = `${month}-01`;
  return q.query<BillingRow>(sql`
    WITH rel AS (
      SELECT DISTINCT ON (m.person_id) m.person_id, m.org_id
      FROM membership m JOIN org o ON o.id = m.org_id
      WHERE o.path <@ ${subtreePath}::ltree AND m.valid_from < (${start}::date + interval '1 month') AND (m.valid_to IS NULL OR m.valid_to > ${start}::date)
      ORDER BY m.person_id, (m.valid_from <= ${start}::date) DESC, m.valid_from)
    SELECT rel.person_id, rel.org_id, o.path::text AS org_path, o.region_key,
      b.id::int AS base_id, b.category, b.base_fen::int AS base_fen,
      r.id AS reduction_id, r.kind AS reduction_kind, r.monthly_fen::int AS reduction_fen
    FROM rel JOIN org o ON o.id = rel.org_id
    LEFT JOIN LATERAL (SELECT id, category, base_fen FROM dues_base WHERE person_id = rel.person_id AND effective_month <= ${start}::date
                       ORDER BY effective_month DESC, id DESC LIMIT 1) b ON true
    LEFT JOIN LATERAL (SELECT id, kind, monthly_fen FROM dues_reduction WHERE person_id = rel.person_id AND status = 'approved'
                       AND from_month <= ${start}::date AND to_month >= ${start}::date ORDER BY decided_at DESC LIMIT 1) r ON true`);
}

export interface ExistingBill {
  id: string;
  person_id: string;
  org_id: string;
  category: string;
  base_fen: number | null;
  rate_bp: number | null;
  computed_fen: number;
  due_fen: number;
  base_id: number | null;
  reduction_id: string | null;
  rule_version_id: string;
  paid_on: string | null;
}

export function existingBills(q: Queryable, subtreePath: string, month: string) {
  return q.query<ExistingBill>(sql`SELECT b.id, b.person_id, b.org_id, b.category, b.base_fen::int AS base_fen, b.rate_bp, b.computed_fen::int AS computed_fen, b.due_fen::int AS due_fen,
      b.base_id::int AS base_id, b.reduction_id, b.rule_version_id, b.paid_on
    FROM dues_bill b JOIN org o ON o.id = b.org_id WHERE b.month = ${`${month}-01`}::date AND o.path <@ ${subtreePath}::ltree`);
}

export interface NewBill {
  personId: string; orgId: string; regionKey: string | null; category: string; baseFen: number | null; rateBp: number | null;
  computedFen: number; dueFen: number; baseId: number | null; reductionId: string | null; ruleVersionId: string;
}

export async function insertBills(q: Queryable, month: string, rows: readonly NewBill[]) {
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    await q.exec(sql`INSERT INTO dues_bill (person_id, org_id, region_key, month, category, base_fen, rate_bp, computed_fen, due_fen, base_id, reduction_id, rule_version_id)
      SELECT p, o, r, ${`${month}-01`}::date, c, bf, rb, cf, df, bi, ri, rv FROM unnest(${b.map((x) => x.personId)}::uuid[], ${b.map((x) => x.orgId)}::uuid[], ${b.map((x) => x.regionKey)}::uuid[],
        ${b.map((x) => x.category)}::text[], ${b.map((x) => x.baseFen)}::bigint[], ${b.map((x) => x.rateBp)}::int[], ${b.map((x) => x.computedFen)}::bigint[], ${b.map((x) => x.dueFen)}::bigint[],
        ${b.map((x) => x.baseId)}::bigint[], ${b.map((x) => x.reductionId)}::uuid[], ${b.map((x) => x.ruleVersionId)}::uuid[]) AS t(p, o, r, c, bf, rb, cf, df, bi, ri, rv)
      ON CONFLICT (person_id, month) DO NOTHING`);
  }
}

/** Corrects unpaid bills (a paid bill is never recomputed: `paid_on IS NULL` is re-checked under the row lock). */
export async function updateBills(q: Queryable, rows: ReadonlyArray<NewBill & { id: string }>): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    const r = await q.query<{ id: string }>(sql`UPDATE dues_bill d SET org_id = t.o, category = t.c, base_fen = t.bf, rate_bp = t.rb, computed_fen = t.cf, due_fen = t.df,
        base_id = t.bi, reduction_id = t.ri, rule_version_id = t.rv, updated_at = now(), version = d.version + 1
      FROM unnest(${b.map((x) => x.id)}::uuid[], ${b.map((x) => x.orgId)}::uuid[], ${b.map((x) => x.category)}::text[], ${b.map((x) => x.baseFen)}::bigint[], ${b.map((x) => x.rateBp)}::int[],
        ${b.map((x) => x.computedFen)}::bigint[], ${b.map((x) => x.dueFen)}::bigint[], ${b.map((x) => x.baseId)}::bigint[], ${b.map((x) => x.reductionId)}::uuid[], ${b.map((x) => x.ruleVersionId)}::uuid[])
        AS t(id, o, c, bf, rb, cf, df, bi, ri, rv)
      WHERE d.id = t.id AND d.paid_on IS NULL RETURNING d.id`);
    for (const x of r) done.add(x.id);
  }
  return done;
}

/** Adds per-org deltas to the rollups of every ancestor (inclusive) of each org. */
export async function addToRollups(q: Queryable, month: string, deltas: ReadonlyArray<{ orgId: string; bills?: number; dueFen?: number; paidFen?: number; paidOnTimeFen?: number; billsPaid?: number; billsOnTime?: number; voluntaryFen?: number }>) {
  if (!deltas.length) return;
  const col = (k: keyof (typeof deltas)[number]) => deltas.map((d) => (d[k] as number | undefined) ?? 0);
  await q.exec(sql`INSERT INTO dues_rollup (org_id, month, bills, due_fen, paid_fen, paid_on_time_fen, bills_paid, bills_on_time, voluntary_fen)
    SELECT a.id, ${`${month}-01`}::date, sum(t.bills), sum(t.due), sum(t.paid), sum(t.ontime), sum(t.bpaid), sum(t.bontime), sum(t.vol)
    FROM unnest(${deltas.map((d) => d.orgId)}::uuid[], ${col('bills')}::int[], ${col('dueFen')}::bigint[], ${col('paidFen')}::bigint[], ${col('paidOnTimeFen')}::bigint[],
                ${col('billsPaid')}::int[], ${col('billsOnTime')}::int[], ${col('voluntaryFen')}::bigint[]) AS t(org, bills, due, paid, ontime, bpaid, bontime, vol)
    JOIN org b ON b.id = t.org JOIN org a ON a.path @> b.path
    GROUP BY a.id
    ON CONFLICT (org_id, month) DO UPDATE SET bills = dues_rollup.bills + EXCLUDED.bills, due_fen = dues_rollup.due_fen + EXCLUDED.due_fen,
      paid_fen = dues_rollup.paid_fen + EXCLUDED.paid_fen, paid_on_time_fen = dues_rollup.paid_on_time_fen + EXCLUDED.paid_on_time_fen,
      bills_paid = dues_rollup.bills_paid + EXCLUDED.bills_paid, bills_on_time = dues_rollup.bills_on_time + EXCLUDED.bills_on_time,
      voluntary_fen = dues_rollup.voluntary_fen + EXCLUDED.voluntary_fen`);
}

export interface BillRow {
  id: string;
  person_id: string;
  name: string;
  org_id: string;
  org_name: string;
  org_path: string;
  month: string;
  category: string;
  base_fen: number | null;
  rate_bp: number | null;
  computed_fen: number;
  due_fen: number;
  paid_fen: number;
  paid_on: string | null;
  reduction_id: string | null;
  region_key: string | null;
}

const BILL_SELECT = sql`SELECT b.id, b.person_id, p.name, b.org_id, b.region_key, o.name AS org_name, o.path::text AS org_path, to_char(b.month, 'YYYY-MM') AS month, b.category,
    b.base_fen::int AS base_fen, b.rate_bp, b.computed_fen::int AS computed_fen, b.due_fen::int AS due_fen,
    coalesce((SELECT sum(e.amount_fen) FROM dues_entry e WHERE e.bill_id = b.id), 0)::int AS paid_fen, b.paid_on, b.reduction_id
  FROM dues_bill b JOIN person p ON p.id = b.person_id JOIN org o ON o.id = b.org_id`;

export function lockBills(q: Queryable, ids: readonly string[], scope: Sql) {
  return q.query<BillRow>(sql`${BILL_SELECT} WHERE b.id = ANY(${ids}::uuid[]) AND ${scope} ORDER BY b.id FOR UPDATE OF b`);
}

export interface BillFilter {
  scope: Sql;
  orgPath?: string | null;
  personId?: string;
  month?: string;
  status: 'all' | 'unpaid' | 'paid';
  q?: string;
}

function billWhere(f: BillFilter): Sql {
  const parts: Sql[] = [f.scope];
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.personId) parts.push(sql`b.person_id = ${f.personId}::uuid`);
  if (f.month) parts.push(sql`b.month = ${`${f.month}-01`}::date`);
  if (f.status === 'unpaid') parts.push(sql`b.paid_on IS NULL AND b.due_fen > 0`);
  else if (f.status === 'paid') parts.push(sql`(b.paid_on IS NOT NULL OR b.due_fen = 0)`);
  if (f.q) parts.push(sql`(p.name LIKE ${'%' + f.q.replace(/[%_\\]/g, '\\$&') + '%'} OR p.name_initials LIKE ${f.q.toLowerCase() + '%'})`);
  return and(parts);
}

const BILL_SORTS = {
  org: 'b.month DESC, o.path, p.name_pinyin',
  name: 'p.name_pinyin {o}, b.month DESC',
  baseFen: 'b.base_fen {o} NULLS FIRST, p.name_pinyin',
  dueFen: 'b.due_fen {o}, p.name_pinyin',
  month: 'b.month {o}, p.name_pinyin',
} as const;

export async function listBills(q: Queryable, f: BillFilter, limit: number, offset: number, sort: keyof typeof BILL_SORTS = 'org', order: 'asc' | 'desc' = 'asc') {
  const where = billWhere(f);
  const orderBy = raw(BILL_SORTS[sort].replaceAll('{o}', order === 'desc' ? 'DESC' : 'ASC') + ', b.id');
  const [rows, totals] = await Promise.all([
    q.query<BillRow>(sql`${BILL_SELECT} WHERE ${where} ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`),
    q.one<{ n: number; due: number; paid: number }>(sql`SELECT count(*)::int AS n, coalesce(sum(b.due_fen), 0)::bigint::float8 AS due,
        coalesce(sum(CASE WHEN b.paid_on IS NOT NULL THEN b.due_fen ELSE 0 END), 0)::bigint::float8 AS paid
      FROM dues_bill b JOIN person p ON p.id = b.person_id JOIN org o ON o.id = b.org_id WHERE ${where}`),
  ]);
  return { rows, total: totals.n, dueFen: totals.due, paidFen: totals.paid };
}

export function lastEntryHash(q: Queryable, personId: string) {
  return q.maybeOne<{ hash: string }>(sql`SELECT hash FROM dues_entry WHERE person_id = ${personId}::uuid ORDER BY id DESC LIMIT 1`);
}

export function entriesByKeyPrefix(q: Queryable, key: string) {
  return q.query<{ id: number; amount_fen: number }>(sql`SELECT id::int AS id, amount_fen::int AS amount_fen FROM dues_entry
    WHERE idempotency_key = ${key} OR idempotency_key LIKE ${key.replace(/[%_\\]/g, '\\$&') + ':%'} ORDER BY id`);
}

export async function insertEntry(q: Queryable, e: {
  personId: string; orgId: string; regionKey: string | null; billId: string | null; kind: 'payment' | 'voluntary'; amountFen: number; method: string; payerName: string | null;
  paidOn: string; orderId: string | null; key: string; ruleVersionId: string | null; note: string | null; actorId: string | null; prevHash: string; hash: string;
}) {
  const r = await q.one<{ id: number }>(sql`INSERT INTO dues_entry (person_id, org_id, region_key, bill_id, kind, amount_fen, method, payer_name, paid_on, order_id, idempotency_key,
      rule_version_id, note, actor_id, prev_hash, hash)
    VALUES (${e.personId}, ${e.orgId}, ${e.regionKey}, ${e.billId}, ${e.kind}, ${e.amountFen}, ${e.method}, ${e.payerName}, ${e.paidOn}, ${e.orderId}, ${e.key},
      ${e.ruleVersionId}, ${e.note}, ${e.actorId}, ${e.prevHash}, ${e.hash}) RETURNING id::int AS id`);
  return r.id;
}

export function rollups(q: Queryable, orgId: string, from: string, to: string) {
  return q.query<{ month: string; bills: number; due_fen: number; paid_fen: number; paid_on_time_fen: number; bills_paid: number; bills_on_time: number; voluntary_fen: number }>(sql`
    SELECT to_char(month, 'YYYY-MM') AS month, bills, due_fen::float8 AS due_fen, paid_fen::float8 AS paid_fen, paid_on_time_fen::float8 AS paid_on_time_fen,
      bills_paid, bills_on_time, voluntary_fen::float8 AS voluntary_fen
    FROM dues_rollup WHERE org_id = ${orgId}::uuid AND month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date ORDER BY month`);
}

/**
 * Recomputes the rollups of some months from the bills and entries (repair,
 * bulk loads, and the reference the incremental rollups are tested against).
 */
export async function rebuildRollups(q: Queryable, months: readonly string[]) {
  const starts = months.map((m) => `${m}-01`);
  await q.exec(sql`DELETE FROM dues_rollup WHERE month = ANY(${starts}::date[])`);
  await q.exec(sql`
    WITH per_org AS (
      SELECT b.org_id, b.month, count(*)::int AS bills, sum(b.due_fen) AS due,
        sum(b.due_fen) FILTER (WHERE b.paid_on IS NOT NULL) AS paid,
        sum(b.due_fen) FILTER (WHERE b.paid_on IS NOT NULL AND b.paid_on < b.month + interval '1 month') AS ontime,
        count(*) FILTER (WHERE b.paid_on IS NOT NULL)::int AS bpaid,
        count(*) FILTER (WHERE b.paid_on IS NOT NULL AND b.paid_on < b.month + interval '1 month')::int AS bontime,
        0::bigint AS vol
      FROM dues_bill b WHERE b.month = ANY(${starts}::date[]) GROUP BY b.org_id, b.month
      UNION ALL
      SELECT e.org_id, date_trunc('month', e.paid_on)::date, 0, 0, 0, 0, 0, 0, sum(e.amount_fen)
      FROM dues_entry e WHERE e.kind = 'voluntary' AND date_trunc('month', e.paid_on)::date = ANY(${starts}::date[]) GROUP BY e.org_id, date_trunc('month', e.paid_on))
    INSERT INTO dues_rollup (org_id, month, bills, due_fen, paid_fen, paid_on_time_fen, bills_paid, bills_on_time, voluntary_fen)
    SELECT a.id, p.month, sum(p.bills), coalesce(sum(p.due), 0), coalesce(sum(p.paid), 0), coalesce(sum(p.ontime), 0), sum(p.bpaid), sum(p.bontime), sum(p.vol)
    FROM per_org p JOIN org b ON b.id = p.org_id JOIN org a ON a.path @> b.path
    GROUP BY a.id, p.month`);
}

/**
 * Members with `minMonths` or more consecutive unpaid months up to `asOf`
 * (months with nothing due are skipped, as in the policy's consecutiveUnpaid).
 */
export function arrears(q: Queryable, scope: Sql, orgPath: string | null, asOf: string, minMonths: number) {
  const pathCond = orgPath ? sql`o.path <@ ${orgPath}::ltree` : sql`TRUE`;
  return q.query<{ person_id: string; name: string; org_id: string; org_name: string; org_path: string; months: number; owed_fen: number; since: string }>(sql`
    WITH last_paid AS (
      SELECT b.person_id, max(b.month) FILTER (WHERE b.paid_on IS NOT NULL AND b.due_fen > 0) AS last_ok
      FROM dues_bill b JOIN org o ON o.id = b.org_id
      WHERE ${scope} AND ${pathCond} AND b.month <= ${`${asOf}-01`}::date GROUP BY b.person_id)
    SELECT b.person_id, p.name, po.id AS org_id, po.name AS org_name, po.path::text AS org_path, count(*)::int AS months, sum(b.due_fen)::int AS owed_fen, to_char(min(b.month), 'YYYY-MM') AS since
    FROM dues_bill b JOIN last_paid l ON l.person_id = b.person_id JOIN person p ON p.id = b.person_id JOIN org po ON po.id = p.org_id
    WHERE b.paid_on IS NULL AND b.due_fen > 0 AND b.month <= ${`${asOf}-01`}::date AND (l.last_ok IS NULL OR b.month > l.last_ok) AND p.is_current
    GROUP BY b.person_id, p.name, p.name_pinyin, po.id, po.name, po.path
    HAVING count(*) >= ${minMonths}
    ORDER BY count(*) DESC, p.name_pinyin`);
}
