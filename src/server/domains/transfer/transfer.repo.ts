import type { Queryable } from '../../platform/db';
import { and, join, likeText, raw, sql, type Sql } from '../../platform/sql';

// Every SQL statement of the transfer domain. A transfer is seen from its
// sending branch (`fo`) and, once issued, from its receiving branch (`tgo`):
// scope conditions are built on those aliases (orgInScope(actor, p, 'fo')).

export interface TransferRow {
  id: string;
  kind: 'internal' | 'outgoing' | 'incoming';
  scope: 'committee' | 'county' | 'installation' | 'province' | 'national';
  status: 'draft' | 'pending_approval' | 'issued' | 'accepted' | 'rejected' | 'revoked' | 'expired';
  person_id: string | null;
  person_name: string;
  member_status: 'full' | 'probationary';
  from_org_id: string | null;
  from_org_name: string;
  from_path: string | null;
  to_org_id: string | null;
  to_org_name: string;
  to_path: string | null;
  issuer_org_id: string | null;
  issuer_org_name: string | null;
  issuer_path: string | null;
  reason: string;
  letter_year: number | null;
  letter_no: number | null;
  external_letter_no: string | null;
  verify_code: string | null;
  issued_on: string | null;
  valid_days: number | null;
  valid_until: string | null;
  dues_paid_to: string | null;
  approvals_needed: number;
  approvals_done: number;
  accepted_on: string | null;
  receipt_due: string | null;
  receipt_on: string | null;
  closed_reason: string | null;
  rule_version_id: string | null;
  rule_source: string | null;
  sex: 'male' | 'female' | null;
  id_masked: string | null;
  created_at: string;
  version: number;
}

const COLUMNS = sql`tr.id, tr.kind, tr.scope, tr.status, tr.person_id, tr.person_name, tr.member_status,
  tr.from_org_id, tr.from_org_name, fo.path::text AS from_path, tr.to_org_id, tr.to_org_name, tgo.path::text AS to_path,
  tr.issuer_org_id, io.name AS issuer_org_name, io.path::text AS issuer_path, tr.reason, tr.letter_year, tr.letter_no, tr.external_letter_no, tr.verify_code,
  to_char(tr.issued_on, 'YYYY-MM-DD') AS issued_on, tr.valid_days, to_char(tr.valid_until, 'YYYY-MM-DD') AS valid_until,
  to_char(tr.dues_paid_to, 'YYYY-MM') AS dues_paid_to, tr.approvals_needed, tr.approvals_done,
  to_char(tr.accepted_on, 'YYYY-MM-DD') AS accepted_on, to_char(tr.receipt_due, 'YYYY-MM-DD') AS receipt_due, to_char(tr.receipt_on, 'YYYY-MM-DD') AS receipt_on,
  tr.closed_reason, tr.rule_version_id, rv.source AS rule_source, p.sex, p.id_no_masked AS id_masked,
  to_char(tr.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') AS created_at, tr.version`;

const FROM = sql`FROM transfer tr
  LEFT JOIN org fo ON fo.id = tr.from_org_id
  LEFT JOIN org tgo ON tgo.id = tr.to_org_id
  LEFT JOIN org io ON io.id = tr.issuer_org_id
  LEFT JOIN person p ON p.id = tr.person_id
  LEFT JOIN rule_version rv ON rv.id = tr.rule_version_id`;

/**
 * Who sees a transfer: the sending side always; the receiving side once the
 * letter is issued (a draft or a letter in approval is the sender's business).
 */
export function transferVisible(sending: Sql, receiving: Sql): Sql {
  return sql`((tr.from_org_id IS NOT NULL AND ${sending}) OR (tr.to_org_id IS NOT NULL AND tr.status NOT IN ('draft', 'pending_approval') AND ${receiving}))`;
}

export function findTransfer(q: Queryable, id: string, visible: Sql, forUpdate = false) {
  return q.maybeOne<TransferRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE tr.id = ${id}::uuid AND ${visible} ${forUpdate ? sql`FOR UPDATE OF tr` : sql``}`);
}

export interface TransferFilter {
  visible: Sql;
  /** rows where the viewer is on this side */
  side?: { sending: Sql; receiving: Sql; direction: 'incoming' | 'outgoing' };
  statuses?: readonly string[];
  expiringBefore?: string;
  personId?: string;
  q?: string;
  kind?: string;
  /** issued on these days (a figure of the report builder) */
  issuedFrom?: string;
  issuedTo?: string;
  /** the letters recorded under this path: by the sending org, an incoming paper letter by the receiving one (as the report builder counts them) */
  recordedUnder?: string;
}

function where(f: TransferFilter): Sql {
  const parts: Sql[] = [f.visible];
  if (f.side?.direction === 'outgoing') parts.push(sql`tr.from_org_id IS NOT NULL AND ${f.side.sending}`);
  if (f.side?.direction === 'incoming') parts.push(sql`tr.to_org_id IS NOT NULL AND ${f.side.receiving}`);
  if (f.statuses) parts.push(sql`tr.status = ANY(${f.statuses}::text[])`);
  if (f.expiringBefore) parts.push(sql`tr.status = 'issued' AND tr.valid_until <= ${f.expiringBefore}::date`);
  if (f.personId) parts.push(sql`tr.person_id = ${f.personId}::uuid`);
  if (f.kind) parts.push(sql`tr.kind = ${f.kind}`);
  if (f.issuedFrom) parts.push(sql`tr.issued_on >= ${f.issuedFrom}::date`);
  if (f.issuedTo) parts.push(sql`tr.issued_on <= ${f.issuedTo}::date`);
  if (f.recordedUnder) parts.push(sql`(CASE WHEN tr.kind = 'incoming' THEN tgo.path ELSE fo.path END) <@ ${f.recordedUnder}::ltree`);
  if (f.q) {
    const pattern = '%' + likeText(f.q) + '%';
    parts.push(sql`(tr.person_name LIKE ${pattern} OR tr.from_org_name LIKE ${pattern} OR tr.to_org_name LIKE ${pattern})`);
  }
  return and(parts);
}

/** The scope joins alone (the filters read only the letter and its two orgs): the page's rows are picked here, then dressed. */
const SCOPE_FROM = sql`FROM transfer tr LEFT JOIN org fo ON fo.id = tr.from_org_id LEFT JOIN org tgo ON tgo.id = tr.to_org_id`;

export function listTransfers(q: Queryable, f: TransferFilter, limit: number, offset: number) {
  return q.query<TransferRow>(sql`WITH page AS (
      SELECT tr.id, tr.created_at ${SCOPE_FROM} WHERE ${where(f)} ORDER BY tr.created_at DESC, tr.id DESC LIMIT ${limit} OFFSET ${offset})
    SELECT ${COLUMNS} ${FROM} JOIN page ON page.id = tr.id ORDER BY page.created_at DESC, page.id DESC`);
}

export async function countTransfers(q: Queryable, f: TransferFilter): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n ${SCOPE_FROM} WHERE ${where(f)}`)).n;
}

/** Any org of the installation by id, for the receiving side of a transfer (the letter names it; its records stay the receiver's). */
export function findReceivingOrg(q: Queryable, orgId: string) {
  return q.maybeOne<{ id: string; name: string; path: string; type: string; region_key: string | null; dissolved_on: string | null }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.type, o.region_key, to_char(o.dissolved_on, 'YYYY-MM-DD') AS dissolved_on FROM org o WHERE o.id = ${orgId}::uuid`);
}

/** The 基层党委 over a branch: its nearest ancestor that is a committee (党委 / 党工委), else the root. */
export function issuerOf(q: Queryable, orgPath: string) {
  return q.one<{ id: string; name: string; path: string }>(sql`
    SELECT a.id, a.name, a.path::text AS path FROM org a
    WHERE a.path @> ${orgPath}::ltree AND a.path <> ${orgPath}::ltree AND (a.type IN ('committee', 'working_committee') OR nlevel(a.path) = 1)
    ORDER BY (a.type IN ('committee', 'working_committee')) DESC, nlevel(a.path) DESC LIMIT 1`);
}

export function openTransferOf(q: Queryable, personId: string) {
  return q.maybeOne<{ id: string }>(sql`SELECT id FROM transfer WHERE person_id = ${personId}::uuid AND status IN ('draft', 'pending_approval', 'issued')`);
}

export async function insertTransfer(q: Queryable, v: {
  kind: string; scope: string; personId: string; personName: string; memberStatus: string; fromOrg: { id: string; name: string; path: string; region_key: string | null };
  toOrg: { id: string | null; name: string; path: string | null }; issuerOrgId: string; reason: string; approvalsNeeded: number; ruleVersionId: string; actorId: string;
}): Promise<string> {
  const r = await q.one<{ id: string }>(sql`INSERT INTO transfer (kind, scope, status, person_id, person_name, member_status, from_org_id, from_org_name, to_org_id, to_org_name,
      issuer_org_id, region_key, reason, approvals_needed, rule_version_id, created_by)
    VALUES (${v.kind}, ${v.scope}, 'draft', ${v.personId}::uuid, ${v.personName}, ${v.memberStatus}, ${v.fromOrg.id}::uuid, ${v.fromOrg.name},
      ${v.toOrg.id}::uuid, ${v.toOrg.name}, ${v.issuerOrgId}::uuid, ${v.fromOrg.region_key}::uuid, ${v.reason}, ${v.approvalsNeeded}, ${v.ruleVersionId}::uuid, ${v.actorId}::uuid)
    RETURNING id`);
  return r.id;
}

/** Sets columns of a transfer under its version (optimistic lock); false when someone changed it first. */
export async function updateTransfer(q: Queryable, id: string, version: number, set: {
  status?: string; approvals_done?: number; letter_year?: number; letter_no?: number; verify_code?: string; issued_on?: string; valid_days?: number; valid_until?: string;
  dues_paid_to?: string | null; accepted_on?: string; receipt_due?: string; receipt_on?: string; closed_reason?: string;
}): Promise<boolean> {
  // the keys are this function's own parameter names (typed above), never input
  const cols = Object.entries(set).filter(([, v]) => v !== undefined);
  const parts = cols.map(([c, v]) => (c === 'dues_paid_to' ? sql`dues_paid_to = ${v === null ? null : `${v as string}-01`}::date` : sql`${raw(c)} = ${v}`));
  parts.push(sql`updated_at = now()`, sql`version = version + 1`);
  return (await q.exec(sql`UPDATE transfer SET ${join(parts)} WHERE id = ${id}::uuid AND version = ${version}`)) === 1;
}

/** The next letter number of an issuing committee in a year (gap-free: the row is locked until the transaction ends). */
export async function nextLetterNo(q: Queryable, issuerOrgId: string, year: number, kind: 'letter' | 'flow' = 'letter'): Promise<number> {
  const r = await q.one<{ last_no: number }>(sql`INSERT INTO transfer_letter_seq (issuer_org_id, year, kind, last_no) VALUES (${issuerOrgId}::uuid, ${year}, ${kind}, 1)
    ON CONFLICT (issuer_org_id, year, kind) DO UPDATE SET last_no = transfer_letter_seq.last_no + 1 RETURNING last_no`);
  return r.last_no;
}

export async function insertEvent(q: Queryable, e: { transferId: string; action: string; fromStatus: string | null; toStatus: string; eventDate: string; orgId: string | null; note: string | null; ruleVersionId: string | null; actorId: string | null }) {
  await q.exec(sql`INSERT INTO transfer_event (transfer_id, action, from_status, to_status, event_date, org_id, note, rule_version_id, actor_id)
    VALUES (${e.transferId}::uuid, ${e.action}, ${e.fromStatus}, ${e.toStatus}, ${e.eventDate}::date, ${e.orgId}::uuid, ${e.note}, ${e.ruleVersionId}::uuid, ${e.actorId}::uuid)`);
}

export function listEvents(q: Queryable, transferId: string) {
  return q.query<{ action: string; from_status: string | null; to_status: string; event_date: string; org_name: string | null; note: string | null; actor_name: string | null; org_id: string | null; actor_id: string | null; recorded_at: string }>(sql`
    SELECT e.action, e.from_status, e.to_status, to_char(e.event_date, 'YYYY-MM-DD') AS event_date, o.name AS org_name, e.note, a.display_name AS actor_name, e.org_id, e.actor_id,
      to_char(e.recorded_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') AS recorded_at
    FROM transfer_event e LEFT JOIN org o ON o.id = e.org_id LEFT JOIN account a ON a.id = e.actor_id
    WHERE e.transfer_id = ${transferId}::uuid ORDER BY e.id`);
}

/** Open letters past their validity on a day (the expiry job), locked, oldest first. */
export function lockExpiredLetters(q: Queryable, today: string, limit: number) {
  return q.query<TransferRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE tr.status = 'issued' AND tr.valid_until < ${today}::date
    ORDER BY tr.valid_until, tr.id LIMIT ${limit} FOR UPDATE OF tr SKIP LOCKED`);
}

/** Issued letters whose validity ends on a given day (the reminder before expiry). */
export function lettersEndingOn(q: Queryable, day: string) {
  return q.query<TransferRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE tr.status = 'issued' AND tr.valid_until = ${day}::date ORDER BY tr.id`);
}

/** A letter by its verification code (the public check: no personal data leaves this function's caller). */
export function findByVerifyCode(q: Queryable, code: string) {
  return q.maybeOne<TransferRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE tr.verify_code = ${code}`);
}

/** The orgs (paths) that approved hops of some transfers so far, in order, per transfer. */
export function listApproverPaths(q: Queryable, transferIds: readonly string[]) {
  return q.query<{ transfer_id: string; path: string }>(sql`SELECT e.transfer_id, o.path::text AS path FROM transfer_event e JOIN org o ON o.id = e.org_id
    WHERE e.transfer_id = ANY(${transferIds}::uuid[]) AND e.action = 'approved' ORDER BY e.id`);
}

/** An org alias inside a subtree (an org filter on a list, applied on top of the viewer's scope). */
export function underPath(alias: 'fo' | 'tgo', path: string): Sql {
  return sql`${raw(alias)}.path <@ ${path}::ltree`;
}

export async function logReminderOnce(q: Queryable, transferId: string, periodKey: string): Promise<boolean> {
  const fresh = await q.maybeOne(sql`INSERT INTO reminder_log (kind, object_id, period_key) VALUES ('transfer.expiry', ${transferId}::uuid, ${periodKey})
    ON CONFLICT DO NOTHING RETURNING kind`);
  return !!fresh;
}

/** A paper letter from outside, registered and accepted at once by the receiving branch. */
export async function insertIncomingTransfer(q: Queryable, v: {
  scope: string; personId: string; personName: string; memberStatus: string; externalOrgName: string; externalLetterNo: string;
  toOrg: { id: string; name: string; path: string; region_key: string | null }; reason: string; issuedOn: string; validDays: number; validUntil: string;
  duesPaidTo: string | null; acceptedOn: string; ruleVersionId: string; actorId: string;
}): Promise<string> {
  const r = await q.one<{ id: string }>(sql`INSERT INTO transfer (kind, scope, status, person_id, person_name, member_status, from_org_name, to_org_id, to_org_name,
      region_key, reason, external_letter_no, external_org_name, issued_on, valid_days, valid_until, dues_paid_to, accepted_on, receipt_on, rule_version_id, created_by)
    VALUES ('incoming', ${v.scope}, 'accepted', ${v.personId}::uuid, ${v.personName}, ${v.memberStatus}, ${v.externalOrgName}, ${v.toOrg.id}::uuid, ${v.toOrg.name},
      ${v.toOrg.region_key}::uuid, ${v.reason}, ${v.externalLetterNo}, ${v.externalOrgName}, ${v.issuedOn}::date, ${v.validDays}, ${v.validUntil}::date,
      ${v.duesPaidTo ? `${v.duesPaidTo}-01` : null}::date, ${v.acceptedOn}::date, ${v.acceptedOn}::date, ${v.ruleVersionId}::uuid, ${v.actorId}::uuid)
    RETURNING id`);
  return r.id;
}

/**
 * Branches of the whole installation by name, for the receiving side of a
 * letter: names and their committees only (no member data), undissolved
 * branch types; exact and prefix matches first.
 */
export function searchReceivingBranches(q: Queryable, term: string, types: readonly string[], limit: number) {
  return q.query<{ id: string; name: string; parent_name: string | null; committee_name: string | null }>(sql`
    SELECT o.id, o.name, par.name AS parent_name,
      (SELECT a.name FROM org a WHERE a.path @> o.path AND a.path <> o.path AND a.type IN ('committee', 'working_committee') ORDER BY nlevel(a.path) DESC LIMIT 1) AS committee_name
    FROM org o LEFT JOIN org par ON par.id = o.parent_id
    WHERE o.type = ANY(${types}::text[]) AND o.dissolved_on IS NULL AND o.name LIKE ${'%' + likeText(term) + '%'}
    ORDER BY (o.name = ${term}) DESC, (o.name LIKE ${likeText(term) + '%'}) DESC, length(o.name), o.name LIMIT ${limit}`);
}

// -- the member's own requests

export interface RequestRow {
  id: string; person_id: string; person_name: string; org_id: string; org_name: string; org_path: string; to_org_id: string | null; destination: string; reason: string;
  status: 'open' | 'drafted' | 'declined' | 'withdrawn'; transfer_id: string | null; answer: string | null; created_at: string; version: number;
}
const REQUEST_SELECT = sql`SELECT r.id, r.person_id, p.name AS person_name, r.org_id, o.name AS org_name, o.path::text AS org_path, r.to_org_id, r.destination, r.reason, r.status,
    r.transfer_id, r.answer, to_char(r.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD"T"HH24:MI:SS') AS created_at, r.version
  FROM transfer_request r JOIN person p ON p.id = r.person_id JOIN org o ON o.id = r.org_id`;

export async function insertRequest(q: Queryable, v: { personId: string; orgId: string; toOrgId: string | null; destination: string; reason: string }) {
  return (await q.one<{ id: string }>(sql`INSERT INTO transfer_request (person_id, org_id, to_org_id, destination, reason, status)
    VALUES (${v.personId}::uuid, ${v.orgId}::uuid, ${v.toOrgId}::uuid, ${v.destination}, ${v.reason}, 'open') RETURNING id`)).id;
}

/** Requests whose branch lies in a scope condition on `o` (open first, newest first). */
export function listRequests(q: Queryable, scope: Sql, openOnly: boolean, limit: number) {
  return q.query<RequestRow>(sql`${REQUEST_SELECT} WHERE ${scope} ${openOnly ? sql`AND r.status = 'open'` : sql``} ORDER BY (r.status = 'open') DESC, r.created_at DESC LIMIT ${limit}`);
}

export function requestsOfPerson(q: Queryable, personId: string) {
  return q.query<RequestRow>(sql`${REQUEST_SELECT} WHERE r.person_id = ${personId}::uuid ORDER BY r.created_at DESC LIMIT 20`);
}

/** The member's own request (the person is the signed-in member). */
export function requestOfPerson(personId: string): Sql {
  return sql`r.person_id = ${personId}::uuid`;
}

export function findRequest(q: Queryable, id: string, scope: Sql) {
  return q.maybeOne<RequestRow>(sql`${REQUEST_SELECT} WHERE r.id = ${id}::uuid AND ${scope} FOR UPDATE OF r`);
}

export async function answerRequest(q: Queryable, id: string, version: number, v: { status: string; transferId?: string | null; answer?: string | null; by: string | null }): Promise<boolean> {
  return (await q.exec(sql`UPDATE transfer_request SET status = ${v.status}, transfer_id = coalesce(${v.transferId ?? null}::uuid, transfer_id), answer = ${v.answer ?? null},
      answered_by = ${v.by}::uuid, answered_at = now(), version = version + 1
    WHERE id = ${id}::uuid AND version = ${version} AND status = 'open'`)) === 1;
}

/** The member's own letters (newest first): the person is the signed-in member. */
export function lettersOfPerson(q: Queryable, personId: string) {
  return q.query<TransferRow>(sql`SELECT ${COLUMNS} ${FROM} WHERE tr.person_id = ${personId}::uuid ORDER BY tr.created_at DESC LIMIT 20`);
}
