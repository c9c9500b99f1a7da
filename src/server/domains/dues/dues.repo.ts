import type { Queryable } from '../../platform/db';
import { uuidv7 } from '../../platform/ids';
import { sql, raw, and, join, type Sql } from '../../platform/sql';
import { BASED_CATEGORIES } from '../../../contracts/dues';
import type { Bracket, DuesRule } from './dues.policy';

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
  /** the member's bill of the month if there is one (wherever it was booked) */
  bill_id: string | null;
  bill_org_id: string | null;
  bill_org_path: string | null;
  bill_category: string | null;
  bill_base_fen: number | null;
  bill_rate_bp: number | null;
  bill_computed_fen: number | null;
  bill_due_fen: number | null;
  bill_base_id: number | null;
  bill_reduction_id: string | null;
  bill_rule_version_id: string | null;
  bill_paid_on: string | null;
}

/**
 * The formal relation of each member of a subtree (or partition) for a month:
 * the one covering the month's first day, else the first one starting in the
 * month (dues are payable from the month of admission). Columns person_id, org_id.
 */
const relations = (subtreePath: string, start: string, part: BillPartition) => sql`
  SELECT DISTINCT ON (m.person_id) m.person_id, m.org_id
  FROM membership m JOIN org o ON o.id = m.org_id
  WHERE o.path <@ ${subtreePath}::ltree AND m.valid_from < (${start}::date + interval '1 month') AND (m.valid_to IS NULL OR m.valid_to > ${start}::date)
    AND ${partitionCond(part)}
  ORDER BY m.person_id, (m.valid_from <= ${start}::date) DESC, m.valid_from`;

/** The base row in force for `rel.person_id` on a month's first day (for a LATERAL join). */
const baseInForce = (start: string) => sql`SELECT id, category, base_fen FROM dues_base WHERE person_id = rel.person_id AND effective_month <= ${start}::date
  ORDER BY effective_month DESC, id DESC LIMIT 1`;

/**
 * Who owes dues for a month in a subtree: the formal relation covering the
 * month's first day (else the first one starting in the month: dues are
 * payable from the month of admission), with the base in force and the
 * member's bill of that month if it exists. The bill is found by member, not
 * by org: a member who moved keeps one bill, corrected to the new org.
 */
export function billingRows(q: Queryable, subtreePath: string, month: string, part: BillPartition, existingOnly = false) {
  const start = `${month}-01`;
  return q.query<BillingRow>(sql`
    WITH rel AS (${relations(subtreePath, start, part)})
    SELECT rel.person_id, rel.org_id, o.path::text AS org_path, o.region_key,
      b.id::int AS base_id, b.category, b.base_fen::int AS base_fen,
      eb.id AS bill_id, eb.org_id AS bill_org_id, ebo.path::text AS bill_org_path, eb.category AS bill_category, eb.base_fen::int AS bill_base_fen, eb.rate_bp AS bill_rate_bp,
      eb.computed_fen::int AS bill_computed_fen, eb.due_fen::int AS bill_due_fen, eb.base_id::int AS bill_base_id, eb.reduction_id AS bill_reduction_id,
      eb.rule_version_id AS bill_rule_version_id, eb.paid_on AS bill_paid_on
    FROM rel JOIN org o ON o.id = rel.org_id
    LEFT JOIN LATERAL (${baseInForce(start)}) b ON true
    ${existingOnly ? sql`JOIN` : sql`LEFT JOIN`} dues_bill eb ON eb.month = ${start}::date AND eb.person_id = rel.person_id
    LEFT JOIN org ebo ON ebo.id = eb.org_id`);
}

/**
 * The quote of RULES §2 as SQL, built from the rule version's numbers (bind
 * parameters): the bracket's rate over columns `category` and `base_fen`, and
 * the amount over those and a column `rate_bp` holding that rate (rounded half
 * up to 分 or 角), or the fixed amount. It mirrors dues.policy quoteAmount,
 * which stays the reference: a property test checks both agree on every
 * bracket boundary.
 */
export function quoteSql(rule: DuesRule): { rateBp: Sql; amountFen: Sql } {
  const bracketCase = (brackets: readonly Bracket[]) =>
    sql`CASE ${join(brackets.map((b) => (b.upToFen === null ? sql`WHEN TRUE THEN ${b.rateBp}::int` : sql`WHEN base_fen <= ${b.upToFen}::bigint THEN ${b.rateBp}::int`)), ' ')} END`;
  const salaried = BASED_CATEGORIES.filter((c) => c !== 'retired');
  const rateBp = sql`(CASE WHEN category = 'retired' THEN ${bracketCase(rule.retiredBrackets)} WHEN category = ANY(${salaried}::text[]) THEN ${bracketCase(rule.salariedBrackets)} END)`;
  const unit = rule.rounding === 'jiao' ? 100_000 : 10_000;
  const amountFen = sql`(CASE WHEN category = 'farmer' THEN ${rule.farmerFen}::bigint WHEN rate_bp IS NULL THEN ${rule.fixedFen}::bigint
    ELSE (base_fen * rate_bp + ${unit / 2}::bigint) / ${unit}::bigint * ${rule.rounding === 'jiao' ? 10 : 1}::bigint END)`;
  return { rateBp, amountFen };
}

/** The part of a UUIDv7 before its random bits, for ids made in SQL (PostgreSQL 15 has no uuidv7()). */
const uuidv7Prefix = () => uuidv7().slice(0, 15);

/**
 * Bills the members of a partition who have none for the month, in one
 * statement (B6: nothing travels to the application and back), when one rule
 * version applies to the whole subtree. Returns the new bills per org path and,
 * under a null path, the members without a base.
 */
export function insertNewBills(q: Queryable, subtreePath: string, month: string, part: BillPartition, rule: { id: string; body: DuesRule }) {
  const start = `${month}-01`;
  const { rateBp, amountFen } = quoteSql(rule.body);
  return q.query<{ path: string | null; bills: number; due: number }>(sql`
    WITH rel AS (${relations(subtreePath, start, part)}),
    src AS MATERIALIZED (
      SELECT rel.person_id, rel.org_id, o.region_key, b.id AS base_id, b.category, b.base_fen
      FROM rel JOIN org o ON o.id = rel.org_id
      LEFT JOIN LATERAL (${baseInForce(start)}) b ON true
      WHERE NOT EXISTS (SELECT 1 FROM dues_bill eb WHERE eb.month = ${start}::date AND eb.person_id = rel.person_id)),
    red AS (${reductionsSql(start)}),
    rated AS (
      SELECT person_id, org_id, region_key, base_id, category, CASE WHEN category = ANY(${[...BASED_CATEGORIES]}::text[]) THEN base_fen END AS base_fen, ${rateBp} AS rate_bp
      FROM src WHERE category IS NOT NULL),
    priced AS (
      SELECT p.*, ${amountFen} AS computed_fen, r.id AS reduction_id, r.kind AS reduction_kind, r.monthly_fen AS reduction_fen
      FROM rated p LEFT JOIN red r ON r.person_id = p.person_id),
    ins AS (
      INSERT INTO dues_bill (id, person_id, org_id, region_key, month, category, base_fen, rate_bp, computed_fen, due_fen, base_id, reduction_id, rule_version_id)
      SELECT (${uuidv7Prefix()} || substr(gen_random_uuid()::text, 16))::uuid, person_id, org_id, region_key, ${start}::date, category, base_fen, rate_bp, computed_fen,
        CASE reduction_kind WHEN 'exempt' THEN 0 WHEN 'reduce' THEN least(computed_fen, reduction_fen) ELSE computed_fen END, base_id, reduction_id, ${rule.id}::uuid
      FROM priced
      RETURNING org_id, due_fen)
    SELECT o.path::text AS path, g.bills, g.due FROM (SELECT org_id, count(*)::int AS bills, sum(due_fen)::float8 AS due FROM ins GROUP BY org_id) g JOIN org o ON o.id = g.org_id
    UNION ALL
    SELECT NULL, count(*)::int, 0 FROM src WHERE category IS NULL`);
}

/** Approved 少交/免交 covering a month, by member (the latest decision wins). Few rows: read whole. */
export function reductionsInForce(q: Queryable, month: string) {
  return q.query<{ person_id: string; id: string; kind: 'reduce' | 'exempt'; monthly_fen: number }>(reductionsSql(`${month}-01`));
}

const reductionsSql = (start: string) => sql`SELECT DISTINCT ON (person_id) person_id, id, kind, monthly_fen::int AS monthly_fen FROM dues_reduction
  WHERE status = 'approved' AND from_month <= ${start}::date AND to_month >= ${start}::date ORDER BY person_id, decided_at DESC`;

/**
 * Members are split into BILL_PARTITIONS fixed partitions by ranges of their
 * (random v4) ids, so a large subtree's bills can be written on several
 * connections at once (B6). A range, unlike a hash, is estimated well by the
 * planner, which then joins the month's bills by hash. `null` means all.
 */
export const BILL_PARTITIONS = 2;
export type BillPartition = number | null;

const partitionBound = (k: number) => `${Math.floor((k * 0x100000000) / BILL_PARTITIONS).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;

function partitionCond(part: BillPartition): Sql {
  if (part === null) return sql`TRUE`;
  const lower = part > 0 ? sql`m.person_id >= ${partitionBound(part)}::uuid` : sql`TRUE`;
  const upper = part < BILL_PARTITIONS - 1 ? sql`m.person_id < ${partitionBound(part + 1)}::uuid` : sql`TRUE`;
  return sql`${lower} AND ${upper}`;
}

/**
 * One generation per month and partition at a time, whatever the subtree (a
 * member has one bill per month). All partitions are locked in ascending order.
 */
export async function lockMonth(q: Queryable, month: string, part: BillPartition) {
  const parts = part === null ? [...Array(BILL_PARTITIONS).keys()] : [part];
  for (const p of parts) await q.exec(sql`SELECT pg_advisory_xact_lock(hashtext('dues.bills'), hashtext(${`${month}:${p}`}))`);
}

export interface NewBill {
  personId: string; orgId: string; regionKey: string | null; category: string; baseFen: number | null; rateBp: number | null;
  computedFen: number; dueFen: number; baseId: number | null; reductionId: string | null; ruleVersionId: string;
}

/**
 * Bill ids are UUIDv7 (time-ordered), so a month's inserts land at the right
 * edge of the primary key like its month-led indexes (migration 0010). The
 * caller holds lockMonth and has read the month's bills of these members: a
 * duplicate is a bug and fails on the unique key.
 */
export async function insertBills(q: Queryable, month: string, rows: readonly NewBill[]) {
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    await q.exec(sql`INSERT INTO dues_bill (id, person_id, org_id, region_key, month, category, base_fen, rate_bp, computed_fen, due_fen, base_id, reduction_id, rule_version_id)
      SELECT id, p, o, r, ${`${month}-01`}::date, c, bf, rb, cf, df, bi, ri, rv FROM unnest(${b.map(() => uuidv7())}::uuid[], ${b.map((x) => x.personId)}::uuid[], ${b.map((x) => x.orgId)}::uuid[],
        ${b.map((x) => x.regionKey)}::uuid[], ${b.map((x) => x.category)}::text[], ${b.map((x) => x.baseFen)}::bigint[], ${b.map((x) => x.rateBp)}::int[], ${b.map((x) => x.computedFen)}::bigint[],
        ${b.map((x) => x.dueFen)}::bigint[], ${b.map((x) => x.baseId)}::bigint[], ${b.map((x) => x.reductionId)}::uuid[], ${b.map((x) => x.ruleVersionId)}::uuid[])
        AS t(id, p, o, r, c, bf, rb, cf, df, bi, ri, rv)`);
  }
}

/** Corrects unpaid bills (a paid bill is never recomputed: `paid_on IS NULL` is re-checked under the row lock). */
export async function updateBills(q: Queryable, rows: ReadonlyArray<NewBill & { id: string }>): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < rows.length; i += 5000) {
    const b = rows.slice(i, i + 5000);
    const r = await q.query<{ id: string }>(sql`UPDATE dues_bill d SET org_id = t.o, region_key = t.r, category = t.c, base_fen = t.bf, rate_bp = t.rb, computed_fen = t.cf, due_fen = t.df,
        base_id = t.bi, reduction_id = t.ri, rule_version_id = t.rv, updated_at = now(), version = d.version + 1
      FROM unnest(${b.map((x) => x.id)}::uuid[], ${b.map((x) => x.orgId)}::uuid[], ${b.map((x) => x.regionKey)}::uuid[], ${b.map((x) => x.category)}::text[], ${b.map((x) => x.baseFen)}::bigint[], ${b.map((x) => x.rateBp)}::int[],
        ${b.map((x) => x.computedFen)}::bigint[], ${b.map((x) => x.dueFen)}::bigint[], ${b.map((x) => x.baseId)}::bigint[], ${b.map((x) => x.reductionId)}::uuid[], ${b.map((x) => x.ruleVersionId)}::uuid[])
        AS t(id, o, r, c, bf, rb, cf, df, bi, ri, rv)
      WHERE d.id = t.id AND d.paid_on IS NULL RETURNING d.id`);
    for (const x of r) done.add(x.id);
  }
  return done;
}

export interface RollupDelta {
  orgPath: string;
  bills?: number;
  dueFen?: number;
  paidFen?: number;
  paidOnTimeFen?: number;
  billsPaid?: number;
  billsOnTime?: number;
  voluntaryFen?: number;
}
const ROLLUP_FIELDS = ['bills', 'dueFen', 'paidFen', 'paidOnTimeFen', 'billsPaid', 'billsOnTime', 'voluntaryFen'] as const;

/**
 * Adds per-org deltas to the rollups of every ancestor (inclusive) of each
 * org. Deltas are summed per org, then per ancestor path (a path's prefixes
 * are its ancestors), so one statement writes each touched rollup once.
 */
export async function addToRollups(q: Queryable, month: string, deltas: readonly RollupDelta[]) {
  const perOrg = new Map<string, number[]>();
  for (const d of deltas) {
    const v = perOrg.get(d.orgPath) ?? ROLLUP_FIELDS.map(() => 0);
    ROLLUP_FIELDS.forEach((f, i) => (v[i] += d[f] ?? 0));
    perOrg.set(d.orgPath, v);
  }
  const perAncestor = new Map<string, number[]>();
  for (const [path, v] of perOrg) {
    if (v.every((x) => x === 0)) continue;
    const labels = path.split('.');
    for (let i = 1; i <= labels.length; i++) {
      const p = labels.slice(0, i).join('.');
      const a = perAncestor.get(p) ?? ROLLUP_FIELDS.map(() => 0);
      v.forEach((x, j) => (a[j] += x));
      perAncestor.set(p, a);
    }
  }
  if (!perAncestor.size) return;
  const paths = [...perAncestor.keys()];
  const col = (j: number) => paths.map((p) => perAncestor.get(p)![j]);
  await q.exec(sql`INSERT INTO dues_rollup (org_id, month, bills, due_fen, paid_fen, paid_on_time_fen, bills_paid, bills_on_time, voluntary_fen)
    SELECT o.id, ${`${month}-01`}::date, t.bills, t.due, t.paid, t.ontime, t.bpaid, t.bontime, t.vol
    FROM unnest(${paths}::ltree[], ${col(0)}::int[], ${col(1)}::bigint[], ${col(2)}::bigint[], ${col(3)}::bigint[], ${col(4)}::int[], ${col(5)}::int[], ${col(6)}::bigint[])
      AS t(path, bills, due, paid, ontime, bpaid, bontime, vol)
    JOIN org o ON o.path = t.path
    ORDER BY t.path -- concurrent writers lock shared ancestors in one order
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

/** A member's bills of a month range, oldest first (found by member: see personBillIds). */
export function billsOfPerson(q: Queryable, personId: string, from: string, to: string) {
  return q.query<BillRow>(sql`${BILL_SELECT} WHERE b.id IN (${personBillIds(personId)}) AND b.month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date ORDER BY b.month`);
}

export interface EntryRow {
  id: number;
  person_id: string;
  bill_id: string | null;
  kind: 'payment' | 'voluntary';
  amount_fen: number;
  method: 'cash' | 'transfer' | 'online';
  payer_name: string | null;
  paid_on: string;
  idempotency_key: string;
  note: string | null;
  recorded_by: string | null;
  recorded_at: string;
  prev_hash: string;
  hash: string;
}

const ENTRY_SELECT = sql`SELECT e.id::int AS id, e.person_id, e.bill_id, e.kind, e.amount_fen::int AS amount_fen, e.method, e.payer_name, to_char(e.paid_on, 'YYYY-MM-DD') AS paid_on,
    e.idempotency_key, e.note, a.display_name AS recorded_by, e.recorded_at, e.prev_hash, e.hash
  FROM dues_entry e LEFT JOIN account a ON a.id = e.actor_id`;

/** Every entry of a member in ledger order (the chain is verified over all of them). */
export function entriesOfPerson(q: Queryable, personId: string) {
  return q.query<EntryRow>(sql`${ENTRY_SELECT} WHERE e.person_id = ${personId}::uuid ORDER BY e.id`);
}

/** The ledger in (member, id) order, a page at a time after a (member, id) position. */
export function entriesAfter(q: Queryable, after: { personId: string; id: number } | null, limit: number) {
  const cond = after ? sql`(e.person_id, e.id) > (${after.personId}::uuid, ${after.id})` : sql`TRUE`;
  return q.query<EntryRow>(sql`${ENTRY_SELECT} WHERE ${cond} ORDER BY e.person_id, e.id LIMIT ${limit}`);
}

/**
 * Bills whose cached payment disagrees with the ledger: paid without exactly
 * one payment entry of the due amount on that date, or an entry without the
 * bill marked paid.
 */
export function billLedgerMismatches(q: Queryable, limit: number) {
  return q.query<{ id: string; person_id: string; month: string; due_fen: number; paid_on: string | null; entries: number; amount: number | null; entry_paid_on: string | null }>(sql`
    SELECT b.id, b.person_id, to_char(b.month, 'YYYY-MM') AS month, b.due_fen::int AS due_fen, to_char(b.paid_on, 'YYYY-MM-DD') AS paid_on,
      coalesce(e.n, 0)::int AS entries, e.amount::int AS amount, to_char(e.paid_on, 'YYYY-MM-DD') AS entry_paid_on
    FROM dues_bill b LEFT JOIN (SELECT bill_id, count(*) AS n, sum(amount_fen) AS amount, max(paid_on) AS paid_on FROM dues_entry WHERE kind = 'payment' GROUP BY bill_id) e ON e.bill_id = b.id
    WHERE (b.paid_on IS NULL) <> (e.bill_id IS NULL) OR e.n > 1 OR e.amount <> b.due_fen OR e.paid_on <> b.paid_on
    ORDER BY b.month, b.id LIMIT ${limit}`);
}

export interface BillFilter {
  scope: Sql;
  orgPath?: string | null;
  personId?: string;
  month?: string;
  status: 'all' | 'unpaid' | 'paid';
  q?: string;
}

/**
 * The ids of a member's bills without an index led by person over all bills
 * (migration 0010): open ones from the partial index, paid ones through their
 * ledger entries (a bill's paid_on is set in the transaction that writes its
 * payment entry).
 */
export function personBillIds(personId: string): Sql {
  return sql`SELECT ob.id FROM dues_bill ob WHERE ob.person_id = ${personId}::uuid AND ob.paid_on IS NULL
    UNION ALL SELECT pe.bill_id FROM dues_entry pe WHERE pe.person_id = ${personId}::uuid AND pe.kind = 'payment'`;
}

function billWhere(f: BillFilter): Sql {
  const parts: Sql[] = [f.scope];
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.personId) parts.push(sql`b.id IN (${personBillIds(f.personId)})`);
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

/** The entry written under an exact idempotency key (a voluntary payment's). */
export function entriesByKey(q: Queryable, key: string) {
  return q.query<{ id: number; amount_fen: number; request_hash: string | null }>(sql`SELECT id::int AS id, amount_fen::int AS amount_fen, request_hash FROM dues_entry WHERE idempotency_key = ${key}`);
}

/**
 * A member's entries written by one payment request (each bill's entry is
 * keyed `key:billId`). Found through the member's entries, so no prefix
 * search over the whole ledger is needed whatever the collation.
 */
export function entriesOfRequest(q: Queryable, personId: string, key: string) {
  return q.query<{ id: number; amount_fen: number; bill_id: string | null; request_hash: string | null }>(sql`SELECT id::int AS id, amount_fen::int AS amount_fen, bill_id, request_hash FROM dues_entry
    WHERE person_id = ${personId}::uuid AND left(idempotency_key, ${key.length + 1}) = ${key + ':'} ORDER BY id`);
}

export async function insertEntry(q: Queryable, e: {
  personId: string; orgId: string; regionKey: string | null; billId: string | null; kind: 'payment' | 'voluntary'; amountFen: number; method: string; payerName: string | null;
  paidOn: string; orderId: string | null; key: string; ruleVersionId: string | null; note: string | null; actorId: string | null; prevHash: string; hash: string;
  /** sha256 of the canonical request the idempotency key was used for */
  requestHash: string | null;
}) {
  const r = await q.one<{ id: number }>(sql`INSERT INTO dues_entry (person_id, org_id, region_key, bill_id, kind, amount_fen, method, payer_name, paid_on, order_id, idempotency_key,
      rule_version_id, note, actor_id, prev_hash, hash, request_hash)
    VALUES (${e.personId}, ${e.orgId}, ${e.regionKey}, ${e.billId}, ${e.kind}, ${e.amountFen}, ${e.method}, ${e.payerName}, ${e.paidOn}, ${e.orderId}, ${e.key},
      ${e.ruleVersionId}, ${e.note}, ${e.actorId}, ${e.prevHash}, ${e.hash}, ${e.requestHash}) RETURNING id::int AS id`);
  return r.id;
}

export function rollups(q: Queryable, orgId: string, from: string, to: string) {
  return q.prepared<{ month: string; bills: number; due_fen: number; paid_fen: number; paid_on_time_fen: number; bills_paid: number; bills_on_time: number; voluntary_fen: number }>('dues_rollup_months', sql`
    SELECT to_char(month, 'YYYY-MM') AS month, bills, due_fen::float8 AS due_fen, paid_fen::float8 AS paid_fen, paid_on_time_fen::float8 AS paid_on_time_fen,
      bills_paid, bills_on_time, voluntary_fen::float8 AS voluntary_fen
    FROM dues_rollup WHERE org_id = ${orgId}::uuid AND month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date ORDER BY month`);
}

/** The direct sub-organisations of an org with their dues rollups summed over a period (the per-org breakdown). */
export function childRollups(q: Queryable, orgId: string, from: string, to: string) {
  return q.query<{ id: string; name: string; type: string; bills: number; due_fen: number; paid_fen: number; paid_on_time_fen: number; voluntary_fen: number }>(sql`
    SELECT c.id, c.name, c.type, coalesce(sum(r.bills), 0)::int AS bills, coalesce(sum(r.due_fen), 0)::float8 AS due_fen, coalesce(sum(r.paid_fen), 0)::float8 AS paid_fen,
      coalesce(sum(r.paid_on_time_fen), 0)::float8 AS paid_on_time_fen, coalesce(sum(r.voluntary_fen), 0)::float8 AS voluntary_fen
    FROM org c LEFT JOIN dues_rollup r ON r.org_id = c.id AND r.month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date
    WHERE c.parent_id = ${orgId}::uuid AND (c.dissolved_on IS NULL OR r.org_id IS NOT NULL)
    GROUP BY c.id, c.name, c.type, c.path, c.sort_order ORDER BY c.sort_order, c.path`);
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
 * (months with nothing due are skipped, as in the policy's consecutiveUnpaid):
 * the open bills after the member's last paid month. Open bills come from the
 * partial index, the last paid month from the member's payment entries.
 */
export function arrears(q: Queryable, scope: Sql, orgPath: string | null, asOf: string, minMonths: number) {
  const pathCond = orgPath ? sql`o.path <@ ${orgPath}::ltree` : sql`TRUE`;
  const asOfDate = `${asOf}-01`;
  return q.query<{ person_id: string; name: string; org_id: string; org_name: string; org_path: string; months: number; owed_fen: number; since: string }>(sql`
    WITH open AS MATERIALIZED (
      SELECT b.person_id, b.month, b.due_fen FROM dues_bill b JOIN org o ON o.id = b.org_id
      WHERE ${scope} AND ${pathCond} AND b.paid_on IS NULL AND b.due_fen > 0 AND b.month <= ${asOfDate}::date),
    cand AS MATERIALIZED (
      SELECT c.person_id, (SELECT max(pb.month) FROM dues_entry e JOIN dues_bill pb ON pb.id = e.bill_id
                           WHERE e.person_id = c.person_id AND e.kind = 'payment' AND pb.month <= ${asOfDate}::date) AS last_ok
      FROM (SELECT person_id FROM open GROUP BY person_id HAVING count(*) >= ${minMonths}) c)
    SELECT b.person_id, p.name, po.id AS org_id, po.name AS org_name, po.path::text AS org_path, count(*)::int AS months, sum(b.due_fen)::int AS owed_fen, to_char(min(b.month), 'YYYY-MM') AS since
    FROM open b JOIN cand l ON l.person_id = b.person_id JOIN person p ON p.id = b.person_id JOIN org po ON po.id = p.org_id
    WHERE (l.last_ok IS NULL OR b.month > l.last_ok) AND p.is_current
    GROUP BY b.person_id, p.name, p.name_pinyin, po.id, po.name, po.path
    HAVING count(*) >= ${minMonths}
    ORDER BY count(*) DESC, p.name_pinyin`);
}

/**
 * The current members of a subtree with the base in force in `month` (the
 * latest with effective_month <= month), those without one first; and how
 * many have one and how many do not.
 */
export async function baseStatus(q: Queryable, f: { scope: Sql; orgPath: string | null; month: string; has: 'all' | 'with' | 'without'; q?: string }, limit: number, offset: number) {
  const parts: Sql[] = [f.scope, sql`p.is_current`, sql`p.status IN ('full', 'probationary')`];
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.q) parts.push(sql`(p.name LIKE ${'%' + f.q.replace(/[%_\\]/g, '\\$&') + '%'} OR p.name_initials LIKE ${f.q.toLowerCase() + '%'})`);
  const where = join(parts, ' AND ');
  const base = sql`LEFT JOIN LATERAL (SELECT d.category, d.base_fen, d.effective_month FROM dues_base d
      WHERE d.person_id = p.id AND d.effective_month <= ${`${f.month}-01`}::date ORDER BY d.effective_month DESC, d.id DESC LIMIT 1) b ON TRUE`;
  const has = f.has === 'with' ? sql`b.category IS NOT NULL` : f.has === 'without' ? sql`b.category IS NULL` : sql`TRUE`;
  const [rows, counts] = await Promise.all([
    q.query<{ person_id: string; name: string; org_id: string; org_name: string; category: string | null; base_fen: number | null; effective_month: string | null }>(sql`
      SELECT p.id AS person_id, p.name, o.id AS org_id, o.name AS org_name, b.category, b.base_fen::int AS base_fen, to_char(b.effective_month, 'YYYY-MM') AS effective_month
      FROM person p JOIN org o ON o.id = p.org_id ${base}
      WHERE ${where} AND ${has} ORDER BY (b.category IS NULL) DESC, o.path, p.name_pinyin, p.id LIMIT ${limit} OFFSET ${offset}`),
    q.one<{ with_base: number; without_base: number }>(sql`
      SELECT count(*) FILTER (WHERE b.category IS NOT NULL)::int AS with_base, count(*) FILTER (WHERE b.category IS NULL)::int AS without_base
      FROM person p JOIN org o ON o.id = p.org_id ${base} WHERE ${where}`),
  ]);
  return { rows, withBase: counts.with_base, withoutBase: counts.without_base };
}

/** Whether any bill of the month exists in the member's branch (the month has been generated there). */
export async function orgHasBills(q: Queryable, orgId: string, month: string): Promise<boolean> {
  return (await q.maybeOne(sql`SELECT 1 FROM dues_bill WHERE org_id = ${orgId}::uuid AND month = ${`${month}-01`}::date LIMIT 1`)) !== null;
}

/** quoteSql over given (category, base) pairs, in order: how a test compares it with the policy. */
export function quoteRowsSql(q: Queryable, rule: DuesRule, cases: ReadonlyArray<{ category: string; baseFen: number | null }>) {
  const { rateBp, amountFen } = quoteSql(rule);
  return q.query<{ rate_bp: number | null; amount_fen: number }>(sql`SELECT rate_bp, ${amountFen}::int AS amount_fen
    FROM (SELECT category, base_fen, ord, ${rateBp} AS rate_bp
          FROM unnest(${cases.map((c) => c.category)}::text[], ${cases.map((c) => c.baseFen)}::bigint[]) WITH ORDINALITY AS t(category, base_fen, ord)) r ORDER BY ord`);
}

// ---------------------------------------------------------------------------
// Online payment: orders, their bills (one pending order per bill), notifications, reconciliation
// ---------------------------------------------------------------------------

export function billsOfMember(q: Queryable, personId: string, ids: string[]) {
  return q.query<{ id: string; month: string; due_fen: number; paid_on: string | null; org_id: string }>(sql`
    SELECT id, to_char(month, 'YYYY-MM') AS month, due_fen::int AS due_fen, paid_on, org_id FROM dues_bill WHERE id = ANY(${ids}::uuid[]) AND person_id = ${personId}::uuid`);
}

/** The order and its bills; a bill with a pending order already violates `payment_order_bill_one_pending`. */
export async function insertOrder(t: Queryable, o: { outTradeNo: string; personId: string; orgId: string; billIds: string[]; amountFen: number; provider: string; createdBy: string }) {
  const r = await t.one<{ id: string }>(sql`INSERT INTO payment_order (out_trade_no, person_id, org_id, bill_ids, amount_fen, provider, created_by)
    VALUES (${o.outTradeNo}, ${o.personId}, ${o.orgId}, ${o.billIds}::uuid[], ${o.amountFen}, ${o.provider}, ${o.createdBy}) RETURNING id`);
  await t.exec(sql`INSERT INTO payment_order_bill (order_id, bill_id) SELECT ${r.id}::uuid, unnest(${o.billIds}::uuid[])`);
  return r.id;
}

export interface PendingOrderRow { id: string; out_trade_no: string; provider: string; amount_fen: number; expired: boolean }

/** Pending orders holding any of these bills; `expired` once older than ttlMinutes. */
export function pendingOrdersOfBills(q: Queryable, billIds: string[], ttlMinutes: number) {
  return q.query<PendingOrderRow>(sql`SELECT o.id, o.out_trade_no, o.provider, o.amount_fen::int AS amount_fen, o.created_at < now() - make_interval(mins => ${ttlMinutes}) AS expired
    FROM payment_order o WHERE o.status = 'pending' AND o.id IN (SELECT order_id FROM payment_order_bill WHERE bill_id = ANY(${billIds}::uuid[]) AND pending) ORDER BY o.created_at`);
}

/** Pending orders older than some minutes (the query fallback and the closing of expired orders). */
export function pendingOrders(q: Queryable, olderThanMinutes: number, ttlMinutes: number) {
  return q.query<PendingOrderRow>(sql`SELECT id, out_trade_no, provider, amount_fen::int AS amount_fen, created_at < now() - make_interval(mins => ${ttlMinutes}) AS expired
    FROM payment_order WHERE status = 'pending' AND created_at < now() - make_interval(mins => ${olderThanMinutes}) ORDER BY created_at`);
}

/** Ends a pending order that was never paid (closed at the provider, or refused by it); its bills are free again. */
export async function endOrder(q: Queryable, orderId: string, status: 'closed' | 'failed') {
  await q.exec(sql`WITH o AS (UPDATE payment_order SET status = ${status}, updated_at = now() WHERE id = ${orderId}::uuid AND status = 'pending' RETURNING id)
    UPDATE payment_order_bill SET pending = false WHERE order_id IN (SELECT id FROM o)`);
}

export function orderOfPerson(q: Queryable, outTradeNo: string, personId: string | null) {
  return q.maybeOne<{ out_trade_no: string; amount_fen: number; status: string; paid_at: string | null; provider: string; months: string[] }>(sql`
    SELECT o.out_trade_no, o.amount_fen::int AS amount_fen, o.status, o.paid_at, o.provider,
      (SELECT coalesce(array_agg(to_char(b.month, 'YYYY-MM') ORDER BY b.month), '{}') FROM dues_bill b WHERE b.id = ANY(o.bill_ids)) AS months
    FROM payment_order o WHERE o.out_trade_no = ${outTradeNo} AND o.person_id = ${personId}::uuid`);
}

export function lockOrder(t: Queryable, outTradeNo: string) {
  return t.maybeOne<{ id: string; status: string; amount_fen: number; bill_ids: string[] }>(sql`
    SELECT id, status, amount_fen::int AS amount_fen, bill_ids FROM payment_order WHERE out_trade_no = ${outTradeNo} FOR UPDATE`);
}

export async function markOrderPaid(t: Queryable, orderId: string, tradeNo: string, paidAt: string) {
  await t.exec(sql`UPDATE payment_order SET status = 'paid', provider_trade_no = ${tradeNo}, paid_at = ${paidAt}::timestamptz, updated_at = now() WHERE id = ${orderId}::uuid`);
  await t.exec(sql`UPDATE payment_order_bill SET pending = false WHERE order_id = ${orderId}::uuid`);
}

/** A notification as a bounded digest; `body` only for a verified one. */
export async function insertNotification(q: Queryable, n: { provider: string; outTradeNo: string | null; verified: boolean; outcome: string; sha256: string; bytes: number; body: unknown }) {
  await q.exec(sql`INSERT INTO payment_notification (provider, out_trade_no, body, verified, outcome, body_sha256, body_bytes)
    VALUES (${n.provider}, ${n.outTradeNo}, ${n.body === null ? null : JSON.stringify(n.body)}::jsonb, ${n.verified}, ${n.outcome}, ${n.sha256}, ${n.bytes})`);
}

/** Our orders for a day's reconciliation: those in the statement or paid that day, within the scope (on the order's org `o`). */
export function ordersToReconcile(q: Queryable, provider: string, outTradeNos: string[], day: string, scope: Sql) {
  return q.query<{ out_trade_no: string; amount_fen: number; status: string; settled: boolean }>(sql`
    SELECT po.out_trade_no, po.amount_fen::int AS amount_fen, po.status, EXISTS (SELECT 1 FROM dues_entry e WHERE e.order_id = po.id) AS settled
    FROM payment_order po JOIN org o ON o.id = po.org_id
    WHERE po.provider = ${provider} AND ${scope}
      AND (po.out_trade_no = ANY(${outTradeNos}::text[]) OR (po.paid_at AT TIME ZONE 'Asia/Shanghai')::date = ${day}::date)`);
}

/** One stored reconciliation per provider, day and scope: a scope replaces only its own. */
export async function saveReconciliation(q: Queryable, r: { provider: string; day: string; scopeKey: string; matched: number; differences: unknown[]; requestedBy: string | null }) {
  await q.exec(sql`INSERT INTO dues_reconciliation (provider, day, scope_key, matched, differences, requested_by)
    VALUES (${r.provider}, ${r.day}, ${r.scopeKey}, ${r.matched}, ${JSON.stringify(r.differences)}::jsonb, ${r.requestedBy})
    ON CONFLICT (provider, day, scope_key) DO UPDATE SET matched = EXCLUDED.matched, differences = EXCLUDED.differences, requested_by = EXCLUDED.requested_by, created_at = now()`);
}

// ---------------------------------------------------------------------------
// Unscoped reads, named
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Rules, orgs and members as the dues domain sees them (scope passed in)
// ---------------------------------------------------------------------------

/** The first month of any dues rates rule version ('YYYY-MM'), null when there is none. */
export async function firstRatesMonth(q: Queryable): Promise<string | null> {
  const first = await q.one<{ m: string | null }>(sql`SELECT to_char(min(effective_from), 'YYYY-MM') AS m FROM rule_version WHERE domain = 'dues' AND key = 'rates'`);
  return first.m;
}

/** An org's path by id, inside a scope condition on `o`. */
export function findOrgPathInScope(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ path: string }>(sql`SELECT o.path::text AS path FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

/** An org's id and path, inside a scope condition on `o`. */
export function findOrgIdPathInScope(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string }>(sql`SELECT o.id, o.path::text AS path FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}




/** An org's path by id, unscoped: for an org the caller has already found in scope. */
export function orgPathById(q: Queryable, orgId: string) {
  return q.one<{ path: string }>(sql`SELECT path::text AS path FROM org WHERE id = ${orgId}::uuid`);
}

/** The undissolved top-level orgs (each tree's root), in their order. */
export function listRootOrgs(q: Queryable) {
  return q.query<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE parent_id IS NULL AND dissolved_on IS NULL ORDER BY seq`);
}

export interface DuesMemberRow {
  id: string;
  name: string;
  org_id: string;
  org_name: string;
  org_path: string;
  status: string;
}

/** A member (probationary, full or former) by id, inside a scope condition on person `p` and org `o`. */
export function findMember(q: Queryable, personId: string, scope: Sql) {
  return q.maybeOne<DuesMemberRow>(sql`
    SELECT p.id, p.name, p.org_id, o.name AS org_name, o.path::text AS org_path, p.status FROM person p JOIN org o ON o.id = p.org_id
    WHERE p.id = ${personId}::uuid AND p.status IN ('probationary','full','left','suspended','deceased') AND ${scope}`);
}

/** A person's region key. */
export function personRegion(q: Queryable, personId: string) {
  return q.one<{ region_key: string | null }>(sql`SELECT region_key FROM person WHERE id = ${personId}::uuid`);
}

/** The path of a person's org (null when the person has none). */
export function personOrgPath(q: Queryable, personId: string) {
  return q.one<{ org_path: string | null }>(sql`SELECT o.path::text AS org_path FROM person p LEFT JOIN org o ON o.id = p.org_id WHERE p.id = ${personId}::uuid`);
}

/** A current member by the hash of their ID number, inside a scope condition on person `p` and org `o`. */
export function findCurrentPersonByIdHash(q: Queryable, idHash: Buffer, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; org_id: string; org_path: string }>(sql`SELECT p.id, p.name, p.org_id, o.path::text AS org_path FROM person p JOIN org o ON o.id = p.org_id
          WHERE p.id_no_hash = ${idHash} AND p.is_current AND ${scope}`);
}

// ---------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------

/** Serialises ledger writes of one member until the transaction ends (their hash chain). */
export async function lockMemberLedger(q: Queryable, personId: string) {
  await q.exec(sql`SELECT pg_advisory_xact_lock(hashtext('dues.ledger'), hashtext(${personId}))`);
}

/** Marks a bill paid on a date (its rows are locked by the caller). */
export async function markBillPaid(q: Queryable, billId: string, paidOn: string) {
  await q.exec(sql`UPDATE dues_bill SET paid_on = ${paidOn}::date, updated_at = now(), version = version + 1 WHERE id = ${billId}::uuid`);
}

/** The member a bill belongs to (unscoped: used after a scoped payment raced itself). */
export function findBillPerson(q: Queryable, billId: string) {
  return q.maybeOne<{ person_id: string }>(sql`SELECT person_id FROM dues_bill WHERE id = ${billId}::uuid`);
}

export interface StatementEntryRow {
  id: number;
  month: string | null;
  kind: 'payment' | 'voluntary';
  amount_fen: number;
  method: string;
  paid_on: string;
  payer_name: string | null;
}

/** A member's latest 100 ledger entries, newest first, with the month of the bill each paid. */
export function listStatementEntries(q: Queryable, personId: string) {
  return q.query<StatementEntryRow>(sql`
      SELECT e.id::int AS id, to_char(b.month, 'YYYY-MM') AS month, e.kind, e.amount_fen::int AS amount_fen, e.method, e.paid_on, e.payer_name
      FROM dues_entry e LEFT JOIN dues_bill b ON b.id = e.bill_id WHERE e.person_id = ${personId}::uuid ORDER BY e.paid_on DESC, e.id DESC LIMIT 100`);
}

// ---------------------------------------------------------------------------
// 少交 / 免交
// ---------------------------------------------------------------------------

export type ReductionRow = {
  id: string; person_id: string; name: string; org_id: string; org_name: string; org_path: string; parent_id: string | null; parent_path: string | null; kind: 'reduce' | 'exempt';
  from_month: string; to_month: string; monthly_fen: number; reason: string; evidence_ids: string[]; evidence: Array<{ id: string; fileName: string }>; status: 'proposed' | 'approved' | 'rejected' | 'withdrawn';
  proposed_at: string; decided_at: string | null; decision_note: string | null;
};
const REDUCTION_SELECT = sql`SELECT r.id, r.person_id, p.name, r.org_id, o.name AS org_name, o.path::text AS org_path, o.parent_id, po.path::text AS parent_path, r.kind,
    to_char(r.from_month, 'YYYY-MM') AS from_month, to_char(r.to_month, 'YYYY-MM') AS to_month, r.monthly_fen::int AS monthly_fen, r.reason, r.evidence_ids, r.status,
    (SELECT coalesce(json_agg(json_build_object('id', f.id, 'fileName', f.file_name) ORDER BY f.created_at), '[]') FROM stored_file f WHERE f.id = ANY(r.evidence_ids)) AS evidence,
    r.proposed_at, r.decided_at, r.decision_note
  FROM dues_reduction r JOIN person p ON p.id = r.person_id JOIN org o ON o.id = r.org_id LEFT JOIN org po ON po.id = o.parent_id`;

/** Those of the given stored files that belong to the person. */
export function filesOwnedByPerson(q: Queryable, fileIds: readonly string[], personId: string) {
  return q.query<{ id: string }>(sql`SELECT id FROM stored_file WHERE id = ANY(${fileIds}::uuid[]) AND owner_type = 'person' AND owner_id = ${personId}::uuid`);
}

/** Records a proposed reduction or exemption; months are 'YYYY-MM'. Returns its id. */
export async function insertReduction(q: Queryable, r: { personId: string; orgId: string; kind: 'reduce' | 'exempt'; fromMonth: string; toMonth: string; monthlyFen: number | null | undefined; reason: string; evidenceIds: string[]; proposedBy: string }): Promise<string> {
  const row = await q.one<{ id: string }>(sql`INSERT INTO dues_reduction (person_id, org_id, kind, from_month, to_month, monthly_fen, reason, evidence_ids, proposed_by)
      VALUES (${r.personId}, ${r.orgId}, ${r.kind}, ${`${r.fromMonth}-01`}::date, ${`${r.toMonth}-01`}::date, ${r.monthlyFen}, ${r.reason},
        ${r.evidenceIds}::uuid[], ${r.proposedBy}) RETURNING id`);
  return row.id;
}

export interface ReductionFilter {
  scope: Sql;
  orgPath?: string | null;
  status: 'all' | 'proposed' | 'approved' | 'rejected';
}

/** A page of reductions (newest proposal first) and the total, inside a scope condition on `o`. */
export async function listReductions(q: Queryable, f: ReductionFilter, limit: number, offset: number) {
  const parts = [f.scope];
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.status !== 'all') parts.push(sql`r.status = ${f.status}`);
  const where = parts.reduce((a, b) => sql`${a} AND ${b}`);
  const rows = await q.query<ReductionRow>(sql`${REDUCTION_SELECT} WHERE ${where} ORDER BY r.proposed_at DESC LIMIT ${limit} OFFSET ${offset}`);
  const total = await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dues_reduction r JOIN org o ON o.id = r.org_id WHERE ${where}`);
  return { rows, total: total.n };
}

/** One reduction by id inside a scope condition on `o`, its row locked. */
export function lockReduction(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<ReductionRow>(sql`${REDUCTION_SELECT} WHERE r.id = ${id}::uuid AND ${scope} FOR UPDATE OF r`);
}

/** Records the decision on a reduction. */
export async function decideReduction(q: Queryable, id: string, d: { status: 'approved' | 'rejected'; decidedBy: string; note: string | null }) {
  await q.exec(sql`UPDATE dues_reduction SET status = ${d.status}, decided_by = ${d.decidedBy}, decided_at = now(), decision_note = ${d.note} WHERE id = ${id}::uuid`);
}

/** The months ('YYYY-MM', ascending) of a member's unpaid bills between two months. */
export async function unpaidBillMonths(q: Queryable, personId: string, fromMonth: string, toMonth: string): Promise<string[]> {
  const rows = await q.query<{ m: string }>(sql`SELECT DISTINCT to_char(month, 'YYYY-MM') AS m FROM dues_bill WHERE person_id = ${personId}::uuid
        AND month BETWEEN ${`${fromMonth}-01`}::date AND ${`${toMonth}-01`}::date AND paid_on IS NULL ORDER BY 1`);
  return rows.map((r) => r.m);
}

// ---------------------------------------------------------------------------
// Reminders, export, ledger verification
// ---------------------------------------------------------------------------

/** Logs an arrears reminder once: true when this (member, period key) is new, false when it was already sent. */
export async function logArrearsReminderOnce(q: Queryable, personId: string, periodKey: string): Promise<boolean> {
  const fresh = await q.maybeOne(sql`INSERT INTO reminder_log (kind, object_id, period_key) VALUES ('dues.arrears', ${personId}, ${periodKey})
        ON CONFLICT DO NOTHING RETURNING kind`);
  return !!fresh;
}

/** Per undissolved child org of an org: its rollups (due, paid, voluntary) summed over a month range. */
export function childRemittance(q: Queryable, orgId: string, from: string, to: string) {
  return q.query<{ name: string; due: number; paid: number; voluntary: number }>(sql`
      SELECT c.name, coalesce(sum(r.due_fen), 0)::float8 AS due, coalesce(sum(r.paid_fen), 0)::float8 AS paid, coalesce(sum(r.voluntary_fen), 0)::float8 AS voluntary
      FROM org c LEFT JOIN dues_rollup r ON r.org_id = c.id AND r.month BETWEEN ${`${from}-01`}::date AND ${`${to}-01`}::date
      WHERE c.parent_id = ${orgId}::uuid AND c.dissolved_on IS NULL GROUP BY c.id, c.name ORDER BY c.name`);
}

/** Voluntary payments of at least `minFen` in a subtree and month range, inside a scope condition on `o`, oldest first. */
export function listLargeVoluntary(q: Queryable, minFen: number, orgPath: string, scope: Sql, from: string, to: string) {
  return q.query<{ name: string; org_name: string; amount: number; paid_on: string }>(sql`
      SELECT p.name, o.name AS org_name, e.amount_fen::float8 AS amount, e.paid_on FROM dues_entry e JOIN person p ON p.id = e.person_id JOIN org o ON o.id = e.org_id
      WHERE e.kind = 'voluntary' AND e.amount_fen >= ${minFen} AND o.path <@ ${orgPath}::ltree AND ${scope}
        AND e.paid_on >= ${`${from}-01`}::date AND e.paid_on < (${`${to}-01`}::date + interval '1 month') ORDER BY e.paid_on`);
}

/** Every month ('YYYY-MM') with a rollup, a bill or a voluntary entry. */
export async function ledgerMonths(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ m: string }>(sql`SELECT DISTINCT to_char(month, 'YYYY-MM') AS m FROM dues_rollup
      UNION SELECT DISTINCT to_char(month, 'YYYY-MM') FROM dues_bill UNION SELECT DISTINCT to_char(paid_on, 'YYYY-MM') FROM dues_entry WHERE kind = 'voluntary'`);
  return rows.map((r) => r.m);
}

/** Copies the stored rollups into a temporary table dropped at the end of the transaction (compared by rollupDifferences). */
export async function snapshotRollups(q: Queryable) {
  await q.exec(sql`CREATE TEMP TABLE rollup_stored ON COMMIT DROP AS SELECT * FROM dues_rollup`);
}

export interface RollupDifferenceRow {
  org_id: string;
  month: string;
  field: string;
  stored: string;
  computed: string;
}

/** Fields where the snapshot of the stored rollups differs from the current ones (a zero and a missing row count as equal). */
export function rollupDifferences(q: Queryable, limit: number) {
  return q.query<RollupDifferenceRow>(sql`
      SELECT coalesce(s.org_id, c.org_id) AS org_id, to_char(coalesce(s.month, c.month), 'YYYY-MM') AS month, f.field, f.stored, f.computed
      FROM rollup_stored s FULL JOIN dues_rollup c ON c.org_id = s.org_id AND c.month = s.month
      CROSS JOIN LATERAL (VALUES ('bills', s.bills::text, c.bills::text), ('due_fen', s.due_fen::text, c.due_fen::text), ('paid_fen', s.paid_fen::text, c.paid_fen::text),
        ('paid_on_time_fen', s.paid_on_time_fen::text, c.paid_on_time_fen::text), ('voluntary_fen', s.voluntary_fen::text, c.voluntary_fen::text)) AS f(field, stored, computed)
      WHERE f.stored IS DISTINCT FROM f.computed AND NOT (coalesce(f.stored, '0') = '0' AND coalesce(f.computed, '0') = '0')
      ORDER BY 2, 1 LIMIT ${limit}`);
}

// the scope helpers' org lookups (platform/scope.ts), as this domain's services call them
export { findOrgInScope, topOrgInScope as findWidestOrgInScope, type OrgRef } from '../../platform/scope';

/**
 * Proposed reductions awaiting a decision, oldest first, and their number:
 * `scope` on the branch `o`, `decideScope` on its parent `po` (the next level
 * up decides).
 */
export async function listPendingReductions(q: Queryable, scope: Sql, decideScope: Sql, limit: number) {
  const where = sql`r.status = 'proposed' AND ${scope} AND ${decideScope}`;
  const [rows, total] = await Promise.all([
    q.query<ReductionRow & { since: string }>(sql`SELECT s.*, to_char(s.proposed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS since
      FROM (${REDUCTION_SELECT} WHERE ${where}) s ORDER BY s.proposed_at, s.id LIMIT ${limit}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dues_reduction r JOIN org o ON o.id = r.org_id JOIN org po ON po.id = o.parent_id WHERE ${where}`),
  ]);
  return { rows, total: total.n };
}

/**
 * Current members inside a scope condition on person `p` and org `o` who have
 * no dues base in force for a month (they are counted, not billed, when the
 * month's bills are generated): the first `limit` by org and name, and the count.
 */
export async function membersWithoutBase(q: Queryable, scope: Sql, orgPath: string | null, month: string, limit: number) {
  const where = sql`p.is_current AND ${scope} AND ${orgPath ? sql`o.path <@ ${orgPath}::ltree` : sql`TRUE`} AND NOT EXISTS (SELECT 1 FROM dues_base db WHERE db.person_id = p.id AND db.effective_month <= ${`${month}-01`}::date)`;
  const [rows, total] = await Promise.all([
    q.query<{ person_id: string; name: string; org_id: string; org_name: string }>(sql`
      SELECT p.id AS person_id, p.name, o.id AS org_id, o.name AS org_name FROM person p JOIN org o ON o.id = p.org_id
      WHERE ${where} ORDER BY o.path, p.name_pinyin, p.id LIMIT ${limit}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id WHERE ${where}`),
  ]);
  return { rows, total: total.n };
}

/** A member's bills up to a month with whether each is settled (paid, or nothing due), oldest first: the 党费交到何月 of a transfer letter. */
export function settledMonthsOfPerson(q: Queryable, personId: string, upTo: string) {
  return q.query<{ month: string; settled: boolean }>(sql`
    SELECT to_char(b.month, 'YYYY-MM') AS month, (b.paid_on IS NOT NULL OR b.due_fen = 0) AS settled
    FROM dues_bill b WHERE b.id IN (${personBillIds(personId)}) AND b.month <= ${`${upTo}-01`}::date ORDER BY b.month`);
}

/** Bills paid in full by the end of their month, paid in [from, to]: the facts behind the points item dues.on_time. */
export function billsPaidOnTime(q: Queryable, from: string, to: string) {
  return q.query<{ id: string; person_id: string; org_id: string; org_path: string; paid_on: string }>(sql`
    SELECT b.id, b.person_id, b.org_id, o.path::text AS org_path, to_char(b.paid_on, 'YYYY-MM-DD') AS paid_on
    FROM dues_bill b JOIN org o ON o.id = b.org_id
    WHERE b.paid_on BETWEEN ${from}::date AND ${to}::date AND b.due_fen > 0 AND b.paid_on < (b.month + interval '1 month')::date`);
}

/** Dues rollup sums per org (with its subtree) over the months [fromMonth, toMonth] (first days), for the branch index. */
export function rollupTotals(q: Queryable, orgIds: readonly string[], fromMonth: string, toMonth: string) {
  return q.query<{ org_id: string; bills: number; bills_on_time: number; due_fen: string; paid_fen: string }>(sql`
    SELECT org_id, sum(bills)::int AS bills, sum(bills_on_time)::int AS bills_on_time, sum(due_fen)::text AS due_fen, sum(paid_fen)::text AS paid_fen
    FROM dues_rollup WHERE org_id = ANY(${orgIds as string[]}::uuid[]) AND month BETWEEN ${fromMonth}::date AND ${toMonth}::date GROUP BY org_id`);
}
