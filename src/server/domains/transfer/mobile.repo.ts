import type { Queryable } from '../../platform/db';
import { and, sql, type Sql } from '../../platform/sql';

// SQL of 流动党员 and 失联党员 (part of the transfer domain, RULES §4). A
// certificate is seen from the member's home branch (`ho`) and from the host
// branch at the place of arrival (`hso`) that the certificate names.

export interface FlowRow {
  id: string;
  person_id: string;
  person_name: string;
  org_id: string;
  org_name: string;
  org_path: string;
  issuer_org_name: string;
  cert_year: number;
  cert_no: number;
  destination: string;
  host_org_id: string | null;
  host_org_name: string | null;
  host_path: string | null;
  reason: string;
  issued_on: string;
  valid_until: string;
  registered_on: string | null;
  returned_on: string | null;
  last_report_on: string | null;
  status: 'issued' | 'registered' | 'returned';
  version: number;
}

const FLOW_COLUMNS = sql`f.id, f.person_id, p.name AS person_name, f.org_id, ho.name AS org_name, ho.path::text AS org_path, io.name AS issuer_org_name,
  f.cert_year, f.cert_no, f.destination, f.host_org_id, hso.name AS host_org_name, hso.path::text AS host_path, f.reason,
  to_char(f.issued_on, 'YYYY-MM-DD') AS issued_on, to_char(f.valid_until, 'YYYY-MM-DD') AS valid_until, to_char(f.registered_on, 'YYYY-MM-DD') AS registered_on,
  to_char(f.returned_on, 'YYYY-MM-DD') AS returned_on, to_char(f.last_report_on, 'YYYY-MM-DD') AS last_report_on, f.status, f.version`;
const FLOW_FROM = sql`FROM flow_certificate f JOIN person p ON p.id = f.person_id JOIN org ho ON ho.id = f.org_id JOIN org io ON io.id = f.issuer_org_id
  LEFT JOIN org hso ON hso.id = f.host_org_id`;

/** The host branch's side: certificates naming it as the place of arrival (it registers the member there). */
export function registeredWithHost(host: Sql): Sql {
  return sql`(f.host_org_id IS NOT NULL AND ${host})`;
}

export function findFlow(q: Queryable, id: string, visible: Sql, forUpdate = false) {
  return q.maybeOne<FlowRow>(sql`SELECT ${FLOW_COLUMNS} ${FLOW_FROM} WHERE f.id = ${id}::uuid AND ${visible} ${forUpdate ? sql`FOR UPDATE OF f` : sql``}`);
}

export interface FlowFilter {
  side: Sql;
  statuses: readonly string[];
  underPath?: { alias: 'ho' | 'hso'; path: string } | null;
}

function flowWhere(f: FlowFilter): Sql {
  const parts = [f.side, sql`f.status = ANY(${f.statuses}::text[])`];
  if (f.underPath) parts.push(f.underPath.alias === 'ho' ? sql`ho.path <@ ${f.underPath.path}::ltree` : sql`hso.path <@ ${f.underPath.path}::ltree`);
  return and(parts);
}

export function listFlows(q: Queryable, f: FlowFilter, limit: number, offset: number) {
  return q.query<FlowRow>(sql`SELECT ${FLOW_COLUMNS} ${FLOW_FROM} WHERE ${flowWhere(f)} ORDER BY f.issued_on DESC, f.id LIMIT ${limit} OFFSET ${offset}`);
}

export async function countFlows(q: Queryable, f: FlowFilter): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n ${FLOW_FROM} WHERE ${flowWhere(f)}`)).n;
}

/** Open certificates of a committee's members grouped by destination, at least `min` together (where a 临时党支部 could be set up). */
export function awayTogether(q: Queryable, side: Sql, min: number) {
  return q.query<{ destination: string; issuer_org_name: string; count: number }>(sql`
    SELECT f.destination, io.name AS issuer_org_name, count(*)::int AS count ${FLOW_FROM}
    WHERE ${side} AND f.status <> 'returned' GROUP BY f.destination, io.name HAVING count(*) >= ${min} ORDER BY count(*) DESC, f.destination`);
}

export function flowEvents(q: Queryable, ids: readonly string[]) {
  return q.query<{ certificate_id: string; action: string; date: string; org_name: string | null; note: string | null }>(sql`
    SELECT e.certificate_id, e.action, to_char(e.event_date, 'YYYY-MM-DD') AS date, o.name AS org_name, e.note
    FROM flow_event e LEFT JOIN org o ON o.id = e.org_id WHERE e.certificate_id = ANY(${ids}::uuid[]) ORDER BY e.id`);
}

export function openFlowOf(q: Queryable, personId: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM flow_certificate WHERE person_id = ${personId}::uuid AND status <> 'returned'`);
}

export async function insertFlow(q: Queryable, v: { personId: string; orgId: string; issuerOrgId: string; year: number; no: number; destination: string; hostOrgId: string | null; reason: string; issuedOn: string; validUntil: string; ruleVersionId: string; actorId: string }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO flow_certificate (person_id, org_id, issuer_org_id, cert_year, cert_no, destination, host_org_id, reason, issued_on, valid_until, status, rule_version_id, created_by)
    VALUES (${v.personId}::uuid, ${v.orgId}::uuid, ${v.issuerOrgId}::uuid, ${v.year}, ${v.no}, ${v.destination}, ${v.hostOrgId}::uuid, ${v.reason}, ${v.issuedOn}::date, ${v.validUntil}::date, 'issued', ${v.ruleVersionId}::uuid, ${v.actorId}::uuid)
    RETURNING id`)).id;
}

export async function updateFlow(q: Queryable, id: string, version: number, set: { status?: string; valid_until?: string; registered_on?: string; returned_on?: string; last_report_on?: string }): Promise<boolean> {
  return (await q.exec(sql`UPDATE flow_certificate SET
      status = coalesce(${set.status ?? null}, status), valid_until = coalesce(${set.valid_until ?? null}::date, valid_until),
      registered_on = coalesce(${set.registered_on ?? null}::date, registered_on), returned_on = coalesce(${set.returned_on ?? null}::date, returned_on),
      last_report_on = coalesce(${set.last_report_on ?? null}::date, last_report_on), version = version + 1
    WHERE id = ${id}::uuid AND version = ${version}`)) === 1;
}

export async function insertFlowEvent(q: Queryable, e: { certificateId: string; action: string; date: string; orgId: string | null; note: string | null; actorId: string | null }) {
  await q.exec(sql`INSERT INTO flow_event (certificate_id, action, event_date, org_id, note, actor_id)
    VALUES (${e.certificateId}::uuid, ${e.action}, ${e.date}::date, ${e.orgId}::uuid, ${e.note}, ${e.actorId}::uuid)`);
}

// -- 失联党员

export interface LostContactRow {
  person_id: string;
  name: string;
  org_id: string;
  org_name: string;
  last_contact_on: string | null;
  last_contact_kind: 'contact' | 'dues' | 'relation' | null;
  last_attempt_on: string | null;
  attempts: number;
  unpaid_months: number;
  decision_id: string | null;
  decision_kind: 'suspend' | 'lapse' | 'restore' | null;
  decision_resolution_on: string | null;
}

/**
 * Members on the roll in scope with the facts behind the flags: the last sign
 * of contact (a reached attempt, a payment entry, the start of the relation),
 * attempts, and the run of consecutive unpaid bills up to `month` (a bill
 * with nothing due counts as settled). Only rows at or past either threshold
 * are returned, most out of touch first.
 */
function lostContactQuery(scope: Sql, underPath: string | null, lostBefore: string, month: string, lapseMonths: number) {
  return sql`
    WITH m AS (
      SELECT p.id AS person_id, p.name, o.id AS org_id, o.name AS org_name,
        (SELECT max(c.contact_on) FROM member_contact c WHERE c.person_id = p.id AND c.reached) AS reached_on,
        (SELECT max(e.paid_on) FROM dues_entry e WHERE e.person_id = p.id) AS paid_on,
        (SELECT max(ms.valid_from) FROM membership ms WHERE ms.person_id = p.id AND ms.valid_to IS NULL) AS relation_on,
        (SELECT max(c.contact_on) FROM member_contact c WHERE c.person_id = p.id) AS attempt_on,
        (SELECT count(*)::int FROM member_contact c WHERE c.person_id = p.id) AS attempts,
        (SELECT count(*)::int FROM dues_bill b WHERE b.person_id = p.id AND b.month <= ${`${month}-01`}::date AND b.paid_on IS NULL AND b.due_fen > 0
           AND b.month > coalesce((SELECT max(b2.month) FROM dues_bill b2 WHERE b2.person_id = p.id AND b2.month <= ${`${month}-01`}::date AND (b2.paid_on IS NOT NULL OR b2.due_fen = 0)), '1900-01-01'::date)) AS unpaid_months
      FROM person p JOIN org o ON o.id = p.org_id
      WHERE p.is_current AND ${scope} ${underPath ? sql`AND o.path <@ ${underPath}::ltree` : sql``}
    ), g AS (
      SELECT m.*, greatest(m.reached_on, m.paid_on, m.relation_on) AS last_on FROM m
    )
    SELECT g.person_id, g.name, g.org_id, g.org_name, to_char(g.last_on, 'YYYY-MM-DD') AS last_contact_on,
      CASE WHEN g.last_on IS NULL THEN NULL WHEN g.last_on = g.reached_on THEN 'contact' WHEN g.last_on = g.paid_on THEN 'dues' ELSE 'relation' END AS last_contact_kind,
      to_char(g.attempt_on, 'YYYY-MM-DD') AS last_attempt_on, g.attempts, g.unpaid_months,
      d.id AS decision_id, d.kind AS decision_kind, to_char(d.resolution_on, 'YYYY-MM-DD') AS decision_resolution_on
    FROM g LEFT JOIN lost_contact_decision d ON d.person_id = g.person_id AND d.status = 'proposed'
    WHERE (g.last_on IS NULL OR g.last_on < ${lostBefore}::date) OR g.unpaid_months >= ${lapseMonths}`;
}

export function listLostContact(q: Queryable, scope: Sql, underPath: string | null, lostBefore: string, month: string, lapseMonths: number, limit: number, offset: number) {
  return q.query<LostContactRow>(sql`${lostContactQuery(scope, underPath, lostBefore, month, lapseMonths)} ORDER BY last_contact_on NULLS FIRST, g.name LIMIT ${limit} OFFSET ${offset}`);
}

export async function countLostContact(q: Queryable, scope: Sql, underPath: string | null, lostBefore: string, month: string, lapseMonths: number): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM (${lostContactQuery(scope, underPath, lostBefore, month, lapseMonths)}) x`)).n;
}

/** One person (the facts behind a decision are read for the member it concerns, whose scope was checked). */
export function personIs(personId: string): Sql {
  return sql`p.id = ${personId}::uuid`;
}

export async function insertContact(q: Queryable, v: { personId: string; orgId: string; contactOn: string; method: string; reached: boolean; note: string | null; actorId: string }) {
  await q.exec(sql`INSERT INTO member_contact (person_id, org_id, contact_on, method, reached, note, actor_id)
    VALUES (${v.personId}::uuid, ${v.orgId}::uuid, ${v.contactOn}::date, ${v.method}, ${v.reached}, ${v.note}, ${v.actorId}::uuid)`);
}

export interface DecisionRow {
  id: string;
  person_id: string;
  person_name: string;
  org_id: string;
  org_name: string;
  org_path: string;
  kind: 'suspend' | 'lapse' | 'restore';
  resolution_on: string;
  resolution: string;
  status: 'proposed' | 'approved' | 'rejected';
  created_at: string;
  version: number;
}

const DECISION_COLUMNS = sql`d.id, d.person_id, p.name AS person_name, d.org_id, o.name AS org_name, o.path::text AS org_path, d.kind,
  to_char(d.resolution_on, 'YYYY-MM-DD') AS resolution_on, d.resolution, d.status, to_char(d.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS created_at, d.version`;

export async function insertDecision(q: Queryable, v: { personId: string; orgId: string; kind: string; resolutionOn: string; resolution: string; facts: unknown; actorId: string }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO lost_contact_decision (person_id, org_id, kind, resolution_on, resolution, facts, status, created_by)
    VALUES (${v.personId}::uuid, ${v.orgId}::uuid, ${v.kind}, ${v.resolutionOn}::date, ${v.resolution}, ${JSON.stringify(v.facts)}::jsonb, 'proposed', ${v.actorId}::uuid) RETURNING id`)).id;
}

export function findDecision(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<DecisionRow>(sql`SELECT ${DECISION_COLUMNS} FROM lost_contact_decision d JOIN person p ON p.id = d.person_id JOIN org o ON o.id = d.org_id
    WHERE d.id = ${id}::uuid AND ${scope} ${forUpdate ? sql`FOR UPDATE OF d` : sql``}`);
}

/** Decisions whose branch lies in a scope, proposed first, newest first. */
export function listDecisions(q: Queryable, scope: Sql, proposedOnly: boolean, limit: number) {
  return q.query<DecisionRow>(sql`SELECT ${DECISION_COLUMNS} FROM lost_contact_decision d JOIN person p ON p.id = d.person_id JOIN org o ON o.id = d.org_id
    WHERE ${scope} ${proposedOnly ? sql`AND d.status = 'proposed'` : sql``} ORDER BY (d.status = 'proposed') DESC, d.created_at DESC LIMIT ${limit}`);
}

/** Proposed decisions whose branch lies in a scope (the approver's queue), oldest first. */
export function proposedDecisions(q: Queryable, scope: Sql, limit: number) {
  return q.query<DecisionRow>(sql`SELECT ${DECISION_COLUMNS} FROM lost_contact_decision d JOIN person p ON p.id = d.person_id JOIN org o ON o.id = d.org_id
    WHERE d.status = 'proposed' AND ${scope} ORDER BY d.created_at, d.id LIMIT ${limit}`);
}

export async function settleDecision(q: Queryable, id: string, version: number, v: { status: string; decidedOn: string; decidedBy: string; note: string | null }): Promise<boolean> {
  return (await q.exec(sql`UPDATE lost_contact_decision SET status = ${v.status}, decided_on = ${v.decidedOn}::date, decided_by = ${v.decidedBy}::uuid, decision_note = ${v.note}, version = version + 1
    WHERE id = ${id}::uuid AND version = ${version} AND status = 'proposed'`)) === 1;
}

/** The member's own open certificate (the person is the signed-in member). */
export function openFlowOfPerson(q: Queryable, personId: string) {
  return q.maybeOne<FlowRow>(sql`SELECT ${FLOW_COLUMNS} ${FLOW_FROM} WHERE f.person_id = ${personId}::uuid AND f.status <> 'returned'`);
}
