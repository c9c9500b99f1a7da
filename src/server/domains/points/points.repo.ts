import type { Queryable } from '../../platform/db';
import { and, raw, sql, type Sql } from '../../platform/sql';

// Every SQL statement of the points domain. Transactions are seen through the
// member's org at the time (`o`); scope conditions are orgInScope on that alias
// or personInScope on the member `p`.

const ts = (col: string, alias = col.split('.').pop()!) => raw(`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${alias}`);

export type AccountKind = 'member' | 'hold' | 'pool' | 'mall' | 'expiry';

export interface ChainedAccount {
  id: string;
  kind: 'member' | 'hold';
  balance: number;
  last_hash: string;
}

/** A member's two chained accounts, created on first use, locked for the rest of the transaction (member first, then hold). */
export async function lockMemberAccounts(q: Queryable, personId: string): Promise<{ member: ChainedAccount; hold: ChainedAccount }> {
  // locked in account id order, as the batch path locks many members' accounts: never a deadlock between the two
  const select = () => q.prepared<ChainedAccount & { balance: string }>('points_lock', sql`SELECT id, kind, balance, last_hash FROM point_account
    WHERE person_id = ${personId}::uuid ORDER BY id FOR UPDATE`);
  let rows = await select();
  if (rows.length < 2) {
    await q.exec(sql`INSERT INTO point_account (kind, person_id, balance, last_hash) VALUES ('member', ${personId}::uuid, 0, 'genesis'), ('hold', ${personId}::uuid, 0, 'genesis')
      ON CONFLICT (kind, person_id) WHERE person_id IS NOT NULL DO NOTHING`);
    rows = await select();
  }
  const norm = (r: ChainedAccount & { balance: string }): ChainedAccount => ({ ...r, balance: Number(r.balance) });
  return { member: norm(rows.find((r) => r.kind === 'member')!), hold: norm(rows.find((r) => r.kind === 'hold')!) };
}

/**
 * The pools of some orgs, created on first use. Nothing is cached across
 * transactions: a pool made in a transaction that later rolls back does not
 * exist, and a process may serve several databases (tests clone one template).
 */
export async function poolAccounts(q: Queryable, orgIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(orgIds)];
  const select = async () => new Map((await q.query<{ id: string; org_id: string }>(sql`SELECT id, org_id FROM point_account WHERE kind = 'pool' AND org_id = ANY(${ids}::uuid[])`)).map((r) => [r.org_id, r.id]));
  let found = await select();
  if (found.size < ids.length) {
    await q.exec(sql`INSERT INTO point_account (kind, org_id) SELECT 'pool', o FROM unnest(${ids.filter((o) => !found.has(o))}::uuid[]) AS o ON CONFLICT (org_id) WHERE kind = 'pool' DO NOTHING`);
    found = await select();
  }
  return found;
}

/** The pool of an org, or the mall or expiry account (unchained, never locked). */
export async function sideAccount(q: Queryable, kind: 'pool' | 'mall' | 'expiry', orgId?: string): Promise<string> {
  if (kind === 'pool') return (await poolAccounts(q, [orgId!])).get(orgId!)!;
  return (await q.one<{ id: string }>(sql`SELECT id FROM point_account WHERE kind = ${kind}`)).id;
}

export interface TxnInsert {
  kind: string;
  personId: string;
  orgId: string;
  points: number;
  item: string | null;
  ruleVersionId: string | null;
  sourceType: string | null;
  sourceId: string | null;
  factDate: string;
  reason: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  reverses: number | null;
  reservationId: number | null;
  expiresOn: string | null;
  actorId: string | null;
  approverId: string | null;
  /** the business clock's instant (stale reservations are judged by it) */
  at: Date;
}

/**
 * One transaction in one statement: the txn row, its entries, the member-side
 * accounts' new balance and last hash, and the rollup delta. Returns the txn id.
 */
export async function writeTxn(
  q: Queryable,
  t: TxnInsert,
  entries: ReadonlyArray<{ accountId: string; amount: number; prevHash: string | null; hash: string | null }>,
  accounts: ReadonlyArray<{ id: string; balance: number; lastHash: string }>,
  rollup: RollupDelta | null,
): Promise<number> {
  const r = rollup ?? { orgId: t.orgId, month: `${t.factDate.slice(0, 7)}-01` };
  const rows = await q.prepared<{ id: string }>('points_write', sql`
    WITH txn AS (
      INSERT INTO point_txn (kind, person_id, org_id, points, item, rule_version_id, source_type, source_id, fact_date, reason,
        idempotency_key, request_hash, reverses, reservation_id, expires_on, actor_id, approver_id, recorded_at)
      VALUES (${t.kind}, ${t.personId}::uuid, ${t.orgId}::uuid, ${t.points}, ${t.item}, ${t.ruleVersionId}::uuid, ${t.sourceType}, ${t.sourceId}, ${t.factDate}::date, ${t.reason},
        ${t.idempotencyKey}, ${t.requestHash}, ${t.reverses}::bigint, ${t.reservationId}::bigint, ${t.expiresOn}::date, ${t.actorId}::uuid, ${t.approverId}::uuid, ${t.at.toISOString()}::timestamptz)
      RETURNING id),
    entries AS (
      INSERT INTO point_entry (txn_id, account_id, amount, prev_hash, hash)
      SELECT txn.id, x.account_id, x.amount, x.prev_hash, x.hash FROM txn,
        unnest(${entries.map((e) => e.accountId)}::uuid[], ${entries.map((e) => e.amount)}::bigint[], ${entries.map((e) => e.prevHash)}::text[], ${entries.map((e) => e.hash)}::text[])
          AS x(account_id, amount, prev_hash, hash)),
    accounts AS (
      UPDATE point_account a SET balance = x.balance, last_hash = x.last_hash
      FROM unnest(${accounts.map((a) => a.id)}::uuid[], ${accounts.map((a) => a.balance)}::bigint[], ${accounts.map((a) => a.lastHash)}::text[]) AS x(id, balance, last_hash)
      WHERE a.id = x.id),
    rollup AS (
      INSERT INTO point_rollup (org_id, month, awarded, deducted, spent, expired)
      SELECT ${r.orgId}::uuid, ${r.month}::date, ${r.awarded ?? 0}::bigint, ${r.deducted ?? 0}::bigint, ${r.spent ?? 0}::bigint, ${r.expired ?? 0}::bigint WHERE ${rollup !== null}::boolean
      ON CONFLICT (org_id, month) DO UPDATE SET awarded = point_rollup.awarded + EXCLUDED.awarded, deducted = point_rollup.deducted + EXCLUDED.deducted,
        spent = point_rollup.spent + EXCLUDED.spent, expired = point_rollup.expired + EXCLUDED.expired)
    SELECT id FROM txn`);
  return Number(rows[0].id);
}

export interface TxnRow {
  id: string;
  kind: string;
  person_id: string;
  person_name: string;
  org_id: string;
  points: number;
  item: string | null;
  rule_version_id: string | null;
  source_type: string | null;
  source_id: string | null;
  fact_date: string;
  reason: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  reverses: string | null;
  reversed_by: string | null;
  reservation_id: string | null;
  settled_by: string | null;
  expires_on: string | null;
  actor_name: string | null;
  approver_name: string | null;
  recorded_at: string;
  balance_after: string | null;
}

const TXN_COLUMNS = sql`t.id, t.kind, t.person_id, p.name AS person_name, t.org_id, t.points, t.item, t.rule_version_id, t.source_type, t.source_id,
  to_char(t.fact_date, 'YYYY-MM-DD') AS fact_date, t.reason, t.idempotency_key, t.request_hash, t.reverses,
  (SELECT r.id FROM point_txn r WHERE r.reverses = t.id AND r.kind = 'reversal') AS reversed_by,
  t.reservation_id, (SELECT s.id FROM point_txn s WHERE s.reservation_id = t.id AND s.kind IN ('confirm', 'release')) AS settled_by,
  to_char(t.expires_on, 'YYYY-MM-DD') AS expires_on, ac.display_name AS actor_name, ap.display_name AS approver_name, ${ts('t.recorded_at')},
  (SELECT sum(e2.amount) FROM point_entry e2 WHERE e2.account_id = ma.id AND e2.id <= (SELECT max(e.id) FROM point_entry e WHERE e.txn_id = t.id AND e.account_id = ma.id)) AS balance_after`;
const TXN_FROM = sql`point_txn t JOIN person p ON p.id = t.person_id JOIN org o ON o.id = t.org_id
  LEFT JOIN account ac ON ac.id = t.actor_id LEFT JOIN account ap ON ap.id = t.approver_id
  LEFT JOIN point_account ma ON ma.kind = 'member' AND ma.person_id = t.person_id`;

export function txnById(q: Queryable, id: number, scope: Sql) {
  return q.maybeOne<TxnRow>(sql`SELECT ${TXN_COLUMNS} FROM ${TXN_FROM} WHERE t.id = ${id} AND ${scope}`);
}

/** A reservation as its settlement needs it: whose, whether settled already, what its hold account holds (one light read). */
export function reservationOf(q: Queryable, id: number) {
  return q.prepared<{ kind: string; person_id: string; org_id: string; reason: string | null; source_type: string | null; settled: boolean; held: string }>('points_reservation', sql`
    SELECT t.kind, t.person_id, t.org_id, t.reason, t.source_type,
      EXISTS (SELECT 1 FROM point_txn s WHERE s.reservation_id = t.id AND s.kind IN ('confirm', 'release')) AS settled,
      (SELECT coalesce(sum(e.amount), 0) FROM point_entry e JOIN point_account a ON a.id = e.account_id AND a.kind = 'hold' WHERE e.txn_id = t.id) AS held
    FROM point_txn t WHERE t.id = ${id}`).then((rows) => rows[0] ?? null);
}

export function txnByKey(q: Queryable, key: string) {
  return q.maybeOne<TxnRow>(sql`SELECT ${TXN_COLUMNS} FROM ${TXN_FROM} WHERE t.idempotency_key = ${key}`);
}

export async function awardOfFact(q: Queryable, item: string, sourceType: string, sourceId: string, personId: string) {
  const rows = await q.prepared<{ id: string }>('points_fact', sql`SELECT id FROM point_txn WHERE kind = 'award' AND item = ${item} AND source_type = ${sourceType} AND source_id = ${sourceId} AND person_id = ${personId}::uuid`);
  return rows[0] ?? null;
}

/** Points of an item awarded to a member (net of reversed awards) with fact dates in [from, to]: the cap's usage. */
export async function itemAwarded(q: Queryable, personId: string, item: string, from: string, to: string): Promise<number> {
  const r = await q.one<{ n: string }>(sql`SELECT coalesce(sum(t.points), 0) AS n FROM point_txn t
    WHERE t.person_id = ${personId}::uuid AND t.item = ${item} AND t.kind = 'award' AND t.fact_date BETWEEN ${from}::date AND ${to}::date
      AND NOT EXISTS (SELECT 1 FROM point_txn r WHERE r.reverses = t.id AND r.kind = 'reversal')`);
  return Number(r.n);
}

/** Points awarded (not reversed) per member, item and day in a date range, for the caps of a batch of facts at once. */
export function awardedByDay(q: Queryable, personIds: readonly string[], items: readonly string[], from: string, to: string) {
  return q.query<{ person_id: string; item: string; fact_date: string; points: number }>(sql`
    SELECT t.person_id, t.item, t.fact_date::text AS fact_date, sum(t.points)::int AS points FROM point_txn t
    WHERE t.person_id = ANY(${personIds as string[]}::uuid[]) AND t.item = ANY(${items as string[]}::text[]) AND t.kind = 'award'
      AND t.fact_date BETWEEN ${from}::date AND ${to}::date
      AND NOT EXISTS (SELECT 1 FROM point_txn r WHERE r.reverses = t.id AND r.kind = 'reversal')
    GROUP BY 1, 2, 3`);
}

export interface ListFilter {
  personId?: string;
  orgPath?: string;
  from?: string;
  to?: string;
  kind?: string;
  item?: string;
}

export async function listTxns(q: Queryable, scope: Sql, f: ListFilter, page: number, pageSize: number) {
  const where = and([
    scope,
    f.personId ? sql`t.person_id = ${f.personId}::uuid` : null,
    f.orgPath ? sql`o.path <@ ${f.orgPath}::ltree` : null,
    f.from ? sql`t.fact_date >= ${f.from}::date` : null,
    f.to ? sql`t.fact_date <= ${f.to}::date` : null,
    f.kind ? sql`t.kind = ${f.kind}` : null,
    f.item ? sql`t.item = ${f.item}` : null,
  ].filter((x): x is Sql => x !== null));
  const [rows, total] = await Promise.all([
    q.query<TxnRow>(sql`SELECT ${TXN_COLUMNS} FROM ${TXN_FROM} WHERE ${where} ORDER BY t.id DESC LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`),
    q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM point_txn t JOIN org o ON o.id = t.org_id JOIN person p ON p.id = t.person_id WHERE ${where}`),
  ]);
  return { rows, total: total.n };
}

export interface MemberRow {
  id: string;
  name: string;
  org_id: string;
  org_name: string;
  org_path: string;
}

export function findMember(q: Queryable, personId: string, scope: Sql) {
  return q.maybeOne<MemberRow>(sql`SELECT p.id, p.name, p.org_id, o.name AS org_name, o.path::text AS org_path FROM person p JOIN org o ON o.id = p.org_id
    WHERE p.id = ${personId}::uuid AND p.is_current AND ${scope}`);
}

export async function balances(q: Queryable, personId: string): Promise<{ balance: number; onHold: number }> {
  const rows = await q.query<{ kind: string; balance: string }>(sql`SELECT kind, balance FROM point_account WHERE person_id = ${personId}::uuid`);
  return { balance: Number(rows.find((r) => r.kind === 'member')?.balance ?? 0), onHold: Number(rows.find((r) => r.kind === 'hold')?.balance ?? 0) };
}

/** Awards (not reversed) whose points are still valid on a date (no expiry, or expiring on or after it); with a bound, those expiring on or before it. */
export async function validAwards(q: Queryable, personId: string, onDate: string, expiringBy?: string): Promise<number> {
  const r = await q.one<{ n: string }>(sql`SELECT coalesce(sum(t.points), 0) AS n FROM point_txn t
    WHERE t.person_id = ${personId}::uuid AND t.kind IN ('award', 'refund') AND t.points > 0
      AND (t.expires_on IS NULL OR t.expires_on >= ${onDate}::date)
      ${expiringBy ? sql`AND t.expires_on <= ${expiringBy}::date` : raw('')}
      AND NOT EXISTS (SELECT 1 FROM point_txn r WHERE r.reverses = t.id AND r.kind = 'reversal')`);
  return Number(r.n);
}

export function awardedInYear(q: Queryable, personId: string, year: number) {
  return q.one<{ n: number }>(sql`SELECT coalesce(sum(points), 0)::int AS n FROM point_txn WHERE person_id = ${personId}::uuid AND kind = 'award' AND points > 0
    AND fact_date BETWEEN ${`${year}-01-01`}::date AND ${`${year}-12-31`}::date`);
}

/** Members holding points some of which have expired by a date. */
export function membersWithExpiredAwards(q: Queryable, date: string) {
  return q.query<{ person_id: string }>(sql`SELECT DISTINCT t.person_id FROM point_txn t JOIN point_account a ON a.kind = 'member' AND a.person_id = t.person_id AND a.balance > 0
    WHERE t.kind IN ('award', 'refund') AND t.expires_on < ${date}::date`);
}

/** Reservations neither confirmed nor released, made before an instant (the mall's own are settled by their redemptions). */
export function staleReservations(q: Queryable, before: Date) {
  return q.query<{ id: string }>(sql`SELECT t.id FROM point_txn t WHERE t.kind = 'reserve' AND t.recorded_at < ${before.toISOString()}::timestamptz
    AND t.source_type IS DISTINCT FROM 'mall.redemption'
    AND NOT EXISTS (SELECT 1 FROM point_txn s WHERE s.reservation_id = t.id AND s.kind IN ('confirm', 'release')) ORDER BY t.id`);
}

export interface RollupDelta {
  orgId: string;
  month: string;
  awarded?: number;
  deducted?: number;
  spent?: number;
  expired?: number;
}

export async function addToRollup(q: Queryable, d: RollupDelta) {
  await q.exec(sql`INSERT INTO point_rollup (org_id, month, awarded, deducted, spent, expired)
    VALUES (${d.orgId}::uuid, ${d.month}::date, ${d.awarded ?? 0}, ${d.deducted ?? 0}, ${d.spent ?? 0}, ${d.expired ?? 0})
    ON CONFLICT (org_id, month) DO UPDATE SET awarded = point_rollup.awarded + EXCLUDED.awarded, deducted = point_rollup.deducted + EXCLUDED.deducted,
      spent = point_rollup.spent + EXCLUDED.spent, expired = point_rollup.expired + EXCLUDED.expired`);
}

/** The rollup as recomputed from the transactions (the reference for verify and rebuild). */
// points of a transaction: the signed change of what the member holds (award +, deduction −, confirm − (spent), refund +, expire −, reversal − the original; reserve and release 0 net)
const RAW_ROLLUP = sql`SELECT t.org_id, date_trunc('month', t.fact_date)::date AS month,
    sum(CASE WHEN t.kind = 'award' OR (t.kind = 'reversal' AND r.kind = 'award') THEN t.points ELSE 0 END)::bigint AS awarded,
    sum(CASE WHEN t.kind = 'deduction' OR (t.kind = 'reversal' AND r.kind = 'deduction') THEN -t.points ELSE 0 END)::bigint AS deducted,
    sum(CASE WHEN t.kind IN ('confirm', 'refund') THEN -t.points ELSE 0 END)::bigint AS spent,
    sum(CASE WHEN t.kind = 'expire' THEN -t.points ELSE 0 END)::bigint AS expired
  FROM point_txn t LEFT JOIN point_txn r ON r.id = t.reverses
  GROUP BY 1, 2`;

export function rollupDifferences(q: Queryable) {
  return q.query<{ org_id: string; month: string; field: string; stored: string; computed: string }>(sql`
    WITH raw AS (${RAW_ROLLUP}), both_sides AS (
      SELECT coalesce(r.org_id, s.org_id) AS org_id, coalesce(r.month, s.month) AS month,
        coalesce(s.awarded, 0) AS s_awarded, coalesce(r.awarded, 0) AS r_awarded, coalesce(s.deducted, 0) AS s_deducted, coalesce(r.deducted, 0) AS r_deducted,
        coalesce(s.spent, 0) AS s_spent, coalesce(r.spent, 0) AS r_spent, coalesce(s.expired, 0) AS s_expired, coalesce(r.expired, 0) AS r_expired
      FROM raw r FULL JOIN point_rollup s ON s.org_id = r.org_id AND s.month = r.month)
    SELECT org_id, to_char(month, 'YYYY-MM') AS month, f.field, f.stored::text, f.computed::text FROM both_sides
    CROSS JOIN LATERAL (VALUES ('awarded', s_awarded, r_awarded), ('deducted', s_deducted, r_deducted), ('spent', s_spent, r_spent), ('expired', s_expired, r_expired)) AS f(field, stored, computed)
    WHERE f.stored <> f.computed ORDER BY 1, 2, 3`);
}

export async function rebuildRollup(q: Queryable) {
  await q.exec(sql`DELETE FROM point_rollup`);
  await q.exec(sql`INSERT INTO point_rollup (org_id, month, awarded, deducted, spent, expired) SELECT * FROM (${RAW_ROLLUP}) r`);
}

/** Chained accounts whose cached balance differs from the sum of their entries. */
export function balanceDrift(q: Queryable) {
  return q.query<{ id: string; kind: string; person_id: string; balance: string; sum: string }>(sql`SELECT a.id, a.kind, a.person_id, a.balance, coalesce(e.sum, 0) AS sum
    FROM point_account a LEFT JOIN (SELECT account_id, sum(amount) AS sum FROM point_entry GROUP BY 1) e ON e.account_id = a.id
    WHERE a.balance IS NOT NULL AND a.balance <> coalesce(e.sum, 0)`);
}

/** Transactions whose entries do not sum to zero (the commit-time trigger should make this empty). */
export function unbalancedTxns(q: Queryable, personId?: string) {
  return q.query<{ txn_id: string; sum: string }>(sql`SELECT e.txn_id, sum(e.amount) AS sum FROM point_entry e
    ${personId ? sql`JOIN point_txn t ON t.id = e.txn_id AND t.person_id = ${personId}::uuid` : raw('')}
    GROUP BY e.txn_id HAVING sum(e.amount) <> 0`);
}

export interface ChainEntryRow {
  id: string;
  account_id: string;
  txn_id: string;
  amount: string;
  prev_hash: string;
  hash: string;
  kind: string;
  person_id: string;
  points: number;
  item: string | null;
  source_type: string | null;
  source_id: string | null;
  fact_date: string;
  idempotency_key: string | null;
}

/** The chained entries of member-side accounts, in order per account (optionally one member's). */
export function chainedEntries(q: Queryable, personId?: string) {
  return q.query<ChainEntryRow>(sql`SELECT e.id, e.account_id, e.txn_id, e.amount, e.prev_hash, e.hash, t.kind, t.person_id, t.points, t.item, t.source_type, t.source_id,
      to_char(t.fact_date, 'YYYY-MM-DD') AS fact_date, t.idempotency_key
    FROM point_entry e JOIN point_txn t ON t.id = e.txn_id JOIN point_account a ON a.id = e.account_id
    WHERE a.kind IN ('member', 'hold') ${personId ? sql`AND a.person_id = ${personId}::uuid` : raw('')}
    ORDER BY e.account_id, e.id`);
}

export function lastHashes(q: Queryable) {
  return q.query<{ id: string; last_hash: string }>(sql`SELECT id, last_hash FROM point_account WHERE last_hash IS NOT NULL`);
}

// --- manual awards waiting for a second approver

export interface AwardRequestRow {
  id: string;
  person_id: string;
  person_name: string;
  org_id: string;
  item: string;
  points: number;
  fact_date: string;
  reason: string;
  idempotency_key: string;
  request_hash: string;
  status: 'pending' | 'approved' | 'rejected';
  requested_by: string;
  requested_by_name: string;
  requested_at: string;
  decided_by: string | null;
  txn_id: string | null;
}

const REQUEST_COLUMNS = sql`r.id, r.person_id, p.name AS person_name, r.org_id, r.item, r.points, to_char(r.fact_date, 'YYYY-MM-DD') AS fact_date, r.reason, r.idempotency_key, r.request_hash,
  r.status, r.requested_by, a.display_name AS requested_by_name, ${ts('r.requested_at')}, r.decided_by, r.txn_id`;

export function requestByKey(q: Queryable, key: string) {
  return q.maybeOne<AwardRequestRow>(sql`SELECT ${REQUEST_COLUMNS} FROM point_award_request r JOIN person p ON p.id = r.person_id JOIN account a ON a.id = r.requested_by WHERE r.idempotency_key = ${key}`);
}

export function findRequest(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<AwardRequestRow>(sql`SELECT ${REQUEST_COLUMNS} FROM point_award_request r JOIN person p ON p.id = r.person_id JOIN account a ON a.id = r.requested_by JOIN org o ON o.id = r.org_id
    WHERE r.id = ${id}::uuid AND ${scope} ${forUpdate ? raw('FOR UPDATE OF r') : raw('')}`);
}

export function pendingRequests(q: Queryable, scope: Sql) {
  return q.query<AwardRequestRow>(sql`SELECT ${REQUEST_COLUMNS} FROM point_award_request r JOIN person p ON p.id = r.person_id JOIN account a ON a.id = r.requested_by JOIN org o ON o.id = r.org_id
    WHERE r.status = 'pending' AND ${scope} ORDER BY r.requested_at`);
}

export async function insertRequest(q: Queryable, r: { personId: string; orgId: string; item: string; points: number; factDate: string; reason: string; key: string; requestHash: string; requestedBy: string }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO point_award_request (person_id, org_id, item, points, fact_date, reason, idempotency_key, request_hash, requested_by)
    VALUES (${r.personId}::uuid, ${r.orgId}::uuid, ${r.item}, ${r.points}, ${r.factDate}::date, ${r.reason}, ${r.key}, ${r.requestHash}, ${r.requestedBy}::uuid) RETURNING id`)).id;
}

export async function decideRequest(q: Queryable, id: string, status: 'approved' | 'rejected', by: string, note: string | null, txnId: number | null) {
  await q.exec(sql`UPDATE point_award_request SET status = ${status}, decided_by = ${by}::uuid, decided_at = now(), decision_note = ${note}, txn_id = ${txnId}
    WHERE id = ${id}::uuid`);
}

// --- rules agreed by the branch

export interface ProposalRow {
  id: string;
  org_id: string;
  org_name: string;
  org_path: string;
  status: 'proposed' | 'approved' | 'rejected' | 'withdrawn';
  effective_from: string;
  body: unknown;
  note: string | null;
  proposed_at: string;
  proposed_by_name: string | null;
  meeting_id: string | null;
  voted_on: string | null;
  expected: number | null;
  present: number | null;
  written: number | null;
  yes: number | null;
  no: number | null;
  abstain: number | null;
  rule_version_id: string | null;
  version: number;
}

const PROPOSAL_COLUMNS = sql`pr.id, pr.org_id, o.name AS org_name, o.path::text AS org_path, pr.status, to_char(pr.effective_from, 'YYYY-MM-DD') AS effective_from, pr.body, pr.note,
  ${ts('pr.proposed_at')}, a.display_name AS proposed_by_name, pr.meeting_id, to_char(pr.voted_on, 'YYYY-MM-DD') AS voted_on, pr.expected, pr.present, pr.written, pr.yes, pr.no, pr.abstain,
  (SELECT rv.id FROM rule_version rv WHERE rv.approval_id = pr.id) AS rule_version_id, pr.version`;

export function proposalsOf(q: Queryable, orgId: string) {
  return q.query<ProposalRow>(sql`SELECT ${PROPOSAL_COLUMNS} FROM point_rule_proposal pr JOIN org o ON o.id = pr.org_id LEFT JOIN account a ON a.id = pr.proposed_by
    WHERE pr.org_id = ${orgId}::uuid ORDER BY pr.proposed_at DESC`);
}

export function findProposal(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<ProposalRow>(sql`SELECT ${PROPOSAL_COLUMNS} FROM point_rule_proposal pr JOIN org o ON o.id = pr.org_id LEFT JOIN account a ON a.id = pr.proposed_by
    WHERE pr.id = ${id}::uuid AND ${scope} ${forUpdate ? raw('FOR UPDATE OF pr') : raw('')}`);
}

export async function insertProposal(q: Queryable, p: { orgId: string; effectiveFrom: string; body: unknown; note: string | null; by: string }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO point_rule_proposal (org_id, effective_from, body, note, proposed_by)
    VALUES (${p.orgId}::uuid, ${p.effectiveFrom}::date, ${JSON.stringify(p.body)}::jsonb, ${p.note}, ${p.by}::uuid) RETURNING id`)).id;
}

export async function recordVote(q: Queryable, id: string, v: { status: 'approved' | 'rejected'; meetingId: string | null; votedOn: string; expected: number; present: number; written: number; yes: number; no: number; abstain: number; by: string }) {
  await q.exec(sql`UPDATE point_rule_proposal SET status = ${v.status}, meeting_id = ${v.meetingId}::uuid, voted_on = ${v.votedOn}::date, expected = ${v.expected}, present = ${v.present},
    written = ${v.written}, yes = ${v.yes}, no = ${v.no}, abstain = ${v.abstain}, decided_by = ${v.by}::uuid, decided_at = now(), version = version + 1 WHERE id = ${id}::uuid`);
}

/** An approved proposal becomes the branch's rule version (the previous one ends the day before). */
export async function insertRuleVersion(q: Queryable, r: { orgId: string; effectiveFrom: string; body: unknown; source: string; approvalId: string }) {
  await q.exec(sql`UPDATE rule_version SET effective_to = ${r.effectiveFrom}::date
    WHERE domain = 'points' AND key = 'member' AND scope_org_id = ${r.orgId}::uuid AND effective_from < ${r.effectiveFrom}::date AND (effective_to IS NULL OR effective_to > ${r.effectiveFrom}::date)`);
  return (await q.one<{ id: string }>(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, source, body, approval_id)
    VALUES ('points', 'member', ${r.orgId}::uuid, ${r.effectiveFrom}::date, ${r.source}, ${JSON.stringify(r.body)}::jsonb, ${r.approvalId}::uuid) RETURNING id`)).id;
}

/** The branch-approved version in force for an org on a date: the deepest approved scope containing it. */
export async function approvedRules(q: Queryable, orgPath: string, date: string) {
  const rows = await q.prepared<{ id: string; effective_from: string; body: unknown; approval_id: string | null; scope_org_id: string }>('points_rules', sql`
    SELECT r.id, to_char(r.effective_from, 'YYYY-MM-DD') AS effective_from, r.body, r.approval_id, r.scope_org_id FROM rule_version r JOIN org s ON s.id = r.scope_org_id
    WHERE r.domain = 'points' AND r.key = 'member' AND r.approval_id IS NOT NULL
      AND r.effective_from <= ${date}::date AND (r.effective_to IS NULL OR r.effective_to > ${date}::date) AND ${orgPath}::ltree <@ s.path
    ORDER BY nlevel(s.path) DESC, r.effective_from DESC LIMIT 1`);
  return rows[0] ?? null;
}

export function orgOf(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string }>(sql`SELECT o.id, o.name, o.path::text AS path, o.type FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export function orgPath(q: Queryable, orgId: string) {
  return q.one<{ path: string }>(sql`SELECT path::text AS path FROM org WHERE id = ${orgId}::uuid`);
}

/** The points a reservation moved to hold. */
export async function heldBy(q: Queryable, reservationId: number): Promise<number> {
  const r = await q.one<{ n: string }>(sql`SELECT coalesce(sum(e.amount), 0) AS n FROM point_entry e JOIN point_account a ON a.id = e.account_id AND a.kind = 'hold' WHERE e.txn_id = ${reservationId}`);
  return Number(r.n);
}

export function personOrg(q: Queryable, personId: string) {
  return q.one<{ org_id: string }>(sql`SELECT org_id FROM person WHERE id = ${personId}::uuid`);
}

// --- the batch path (awards from facts)

/** The chained accounts of many members, created where missing, locked in account id order. */
export async function lockManyMembers(q: Queryable, personIds: readonly string[]): Promise<Map<string, { member: ChainedAccount; hold: ChainedAccount }>> {
  const select = () => q.prepared<ChainedAccount & { balance: string; person_id: string }>('points_lock_many', sql`SELECT id, kind, balance, last_hash, person_id FROM point_account
    WHERE person_id = ANY(${personIds}::uuid[]) ORDER BY id FOR UPDATE`);
  let rows = await select();
  if (rows.length < 2 * personIds.length) {
    await q.exec(sql`INSERT INTO point_account (kind, person_id, balance, last_hash)
      SELECT k.kind, p.id, 0, 'genesis' FROM unnest(${personIds}::uuid[]) AS p(id) CROSS JOIN (VALUES ('member'), ('hold')) AS k(kind)
      ON CONFLICT (kind, person_id) WHERE person_id IS NOT NULL DO NOTHING`);
    rows = await select();
  }
  const out = new Map<string, { member: ChainedAccount; hold: ChainedAccount }>();
  for (const r of rows) {
    const acc: ChainedAccount = { id: r.id, kind: r.kind, balance: Number(r.balance), last_hash: r.last_hash };
    const m = out.get(r.person_id) ?? ({} as { member: ChainedAccount; hold: ChainedAccount });
    m[r.kind] = acc;
    out.set(r.person_id, m);
  }
  return out;
}

/** The approved rules in force for many (org path, date) pairs: index of the pair → rule version. */
/**
 * The approved member rules that may apply to some (org path, date) pairs, and
 * for each pair the one in force: the deepest scope containing the path, then
 * the latest effective. The few candidate versions are read in one query and
 * matched here (a lateral lookup per pair planned badly on a fresh database).
 */
export async function approvedRulesMany(q: Queryable, pairs: ReadonlyArray<{ path: string; date: string }>) {
  const dates = pairs.map((p) => p.date).sort();
  const versions = await q.prepared<{ id: string; body: unknown; scope_path: string; effective_from: string; effective_to: string | null }>('points_rules_many', sql`
    SELECT r.id, r.body, s.path::text AS scope_path, r.effective_from::text AS effective_from, r.effective_to::text AS effective_to
    FROM rule_version r JOIN org s ON s.id = r.scope_org_id
    WHERE r.domain = 'points' AND r.key = 'member' AND r.approval_id IS NOT NULL
      AND r.effective_from <= ${dates[dates.length - 1]}::date AND (r.effective_to IS NULL OR r.effective_to > ${dates[0]}::date)
      AND s.path @> ANY(${[...new Set(pairs.map((p) => p.path))]}::ltree[])`);
  const out = new Map<number, { id: string; body: unknown }>();
  pairs.forEach((p, i) => {
    let best: (typeof versions)[number] | null = null;
    for (const v of versions) {
      if (v.effective_from > p.date || (v.effective_to !== null && v.effective_to <= p.date)) continue;
      if (p.path !== v.scope_path && !p.path.startsWith(`${v.scope_path}.`)) continue;
      const depth = v.scope_path.split('.').length;
      const bestDepth = best ? best.scope_path.split('.').length : -1;
      if (!best || depth > bestDepth || (depth === bestDepth && v.effective_from > best.effective_from)) best = v;
    }
    if (best) out.set(i, { id: best.id, body: best.body });
  });
  return out;
}

/** Which of these facts were awarded already: "item|sourceType|sourceId|personId" keys. */
export async function awardedFacts(q: Queryable, facts: ReadonlyArray<{ item: string; sourceType: string; sourceId: string; personId: string }>): Promise<Set<string>> {
  const rows = await q.prepared<{ k: string }>('points_facts_many', sql`
    SELECT t.item || '|' || t.source_type || '|' || t.source_id || '|' || t.person_id AS k FROM point_txn t
    JOIN unnest(${facts.map((f) => f.item)}::text[], ${facts.map((f) => f.sourceType)}::text[], ${facts.map((f) => f.sourceId)}::text[], ${facts.map((f) => f.personId)}::uuid[]) AS x(item, source_type, source_id, person_id)
      ON t.kind = 'award' AND t.item = x.item AND t.source_type = x.source_type AND t.source_id = x.source_id AND t.person_id = x.person_id`);
  return new Set(rows.map((r) => r.k));
}

/** Many transactions with their entries and the chained accounts' final states, in one statement (txn ids drawn first, in order). */
export async function writeMany(
  q: Queryable,
  txns: ReadonlyArray<TxnInsert>,
  entries: ReadonlyArray<{ txn: number; accountId: string; amount: number; prevHash: string | null; hash: string | null }>,
  accounts: ReadonlyArray<{ id: string; balance: number; lastHash: string }>,
) {
  const col = <K extends keyof TxnInsert>(k: K) => txns.map((t) => t[k]);
  await q.exec(sql`
    WITH ids AS (SELECT nextval('point_txn_id_seq') AS id, g.ord FROM generate_series(1, ${txns.length}::int) AS g(ord)),
    txn AS (
      INSERT INTO point_txn (id, kind, person_id, org_id, points, item, rule_version_id, source_type, source_id, fact_date, reason, expires_on, recorded_at)
      SELECT ids.id, x.kind, x.person_id, x.org_id, x.points, x.item, x.rule_version_id, x.source_type, x.source_id, x.fact_date, x.reason, x.expires_on, x.recorded_at
      FROM unnest(${col('kind')}::text[], ${col('personId')}::uuid[], ${col('orgId')}::uuid[], ${col('points')}::int[], ${col('item')}::text[], ${col('ruleVersionId')}::uuid[],
        ${col('sourceType')}::text[], ${col('sourceId')}::text[], ${col('factDate')}::date[], ${col('reason')}::text[], ${col('expiresOn')}::date[], ${txns.map((t) => t.at.toISOString())}::timestamptz[])
        WITH ORDINALITY AS x(kind, person_id, org_id, points, item, rule_version_id, source_type, source_id, fact_date, reason, expires_on, recorded_at, ord)
      JOIN ids ON ids.ord = x.ord),
    entries AS (
      INSERT INTO point_entry (txn_id, account_id, amount, prev_hash, hash)
      SELECT ids.id, e.account_id, e.amount, e.prev_hash, e.hash
      FROM unnest(${entries.map((e) => e.txn + 1)}::int[], ${entries.map((e) => e.accountId)}::uuid[], ${entries.map((e) => e.amount)}::bigint[], ${entries.map((e) => e.prevHash)}::text[], ${entries.map((e) => e.hash)}::text[])
        WITH ORDINALITY AS e(ord, account_id, amount, prev_hash, hash, pos)
      JOIN ids ON ids.ord = e.ord
      -- entry ids follow the chain order
      ORDER BY e.pos)
    UPDATE point_account a SET balance = x.balance, last_hash = x.last_hash
    FROM unnest(${accounts.map((a) => a.id)}::uuid[], ${accounts.map((a) => a.balance)}::bigint[], ${accounts.map((a) => a.lastHash)}::text[]) AS x(id, balance, last_hash)
    WHERE a.id = x.id`);
}

/** Rollup deltas summed per (org, month), written in that order in one statement. */
export async function addToRollups(q: Queryable, deltas: readonly RollupDelta[]) {
  if (!deltas.length) return;
  await q.exec(sql`INSERT INTO point_rollup (org_id, month, awarded, deducted, spent, expired)
    SELECT org_id, month, sum(awarded), sum(deducted), sum(spent), sum(expired)
    FROM unnest(${deltas.map((d) => d.orgId)}::uuid[], ${deltas.map((d) => d.month)}::date[], ${deltas.map((d) => d.awarded ?? 0)}::bigint[], ${deltas.map((d) => d.deducted ?? 0)}::bigint[],
      ${deltas.map((d) => d.spent ?? 0)}::bigint[], ${deltas.map((d) => d.expired ?? 0)}::bigint[]) AS x(org_id, month, awarded, deducted, spent, expired)
    GROUP BY org_id, month ORDER BY org_id, month
    ON CONFLICT (org_id, month) DO UPDATE SET awarded = point_rollup.awarded + EXCLUDED.awarded, deducted = point_rollup.deducted + EXCLUDED.deducted,
      spent = point_rollup.spent + EXCLUDED.spent, expired = point_rollup.expired + EXCLUDED.expired`);
}

// -- the 工作台 section (warnings where the caller's scope reaches)

/** Award requests waiting for a second approver, oldest first, with the total. */
export function pendingForWorkbench(q: Queryable, scope: Sql, underPath: string | null, limit: number) {
  return q.query<{ id: string; person_name: string; org_name: string; points: number; item: string; reason: string; requested_by: string; total: number }>(sql`
    SELECT r.id, p.name AS person_name, o.name AS org_name, r.points, r.item, r.reason, r.requested_by, count(*) OVER ()::int AS total
    FROM point_award_request r JOIN person p ON p.id = r.person_id JOIN org o ON o.id = r.org_id
    WHERE r.status = 'pending' AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
    ORDER BY r.requested_at, r.id LIMIT ${limit}`);
}

/** Branches with members and no point rules in force on a day (nothing is awarded to their members), in tree order, with the total. */
export function branchesWithoutRules(q: Queryable, scope: Sql, underPath: string | null, day: string, types: readonly string[], limit: number) {
  return q.query<{ id: string; name: string; waiting: boolean; total: number }>(sql`
    SELECT o.id, o.name, EXISTS (SELECT 1 FROM point_rule_proposal x WHERE x.org_id = o.id AND x.status = 'proposed') AS waiting, count(*) OVER ()::int AS total
    FROM org o
    WHERE o.type = ANY(${types as string[]}::text[]) AND o.dissolved_on IS NULL AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
      AND EXISTS (SELECT 1 FROM person p WHERE p.org_id = o.id AND p.is_current AND p.status IN ('full', 'probationary'))
      AND NOT EXISTS (SELECT 1 FROM rule_version r JOIN org s ON s.id = r.scope_org_id
        WHERE r.domain = 'points' AND r.key = 'member' AND r.approval_id IS NOT NULL AND s.path @> o.path
          AND r.effective_from <= ${day}::date AND (r.effective_to IS NULL OR r.effective_to > ${day}::date))
    ORDER BY o.path LIMIT ${limit}`);
}

/** Award requests a caller may decide (in scope, requested by someone else), oldest first, with the total (待我审批). */
export function decidableRequests(q: Queryable, scope: Sql, accountId: string, limit: number) {
  return q.query<{ id: string; person_id: string; person_name: string; org_id: string; org_name: string; item: string; points: number; reason: string; since: string; total: number }>(sql`
    SELECT r.id, r.person_id, p.name AS person_name, r.org_id, o.name AS org_name, r.item, r.points, r.reason,
      to_char(r.requested_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS since, count(*) OVER ()::int AS total
    FROM point_award_request r JOIN person p ON p.id = r.person_id JOIN org o ON o.id = r.org_id
    WHERE r.status = 'pending' AND r.requested_by <> ${accountId}::uuid AND ${scope}
    ORDER BY r.requested_at, r.id LIMIT ${limit}`);
}
