import type { Queryable } from '../../platform/db';
import { raw, sql, type Sql } from '../../platform/sql';
import { HAN_ETHNICITY } from '../../../contracts/member-stats';

// The statistics forms' reads (RULES §6): members are counted where their
// formal relation sat, changes by the member change events the modules wrote,
// dated by the event's date and counted for the org the event names (the org
// that admitted, converted, decided or sent). `scope` is a condition on `o`
// (orgInScope).
//
// Membership ranges are inclusive (a transfer ends the old relation the day
// before the new one starts); a relation that a 减少 event closed (death,
// 出党, 停止党籍 …) ends on the event's day, and the member is off the roll
// from that day — so "on the roll at the end of day D" is a range covering D
// that was not closed by a 减少 on D itself.

/** Whether the membership range `alias` holds its member on the roll at the end of `day` (see above). */
export function onRollAt(alias: string, day: string | Sql): Sql {
  const m = raw(alias);
  const d = typeof day === 'string' ? sql`${day}::date` : day;
  return sql`(${m}.valid_from <= ${d} AND (${m}.valid_to IS NULL OR ${m}.valid_to > ${d}
    OR (${m}.valid_to = ${d} AND NOT EXISTS (SELECT 1 FROM member_event x WHERE x.person_id = ${m}.person_id AND x.direction = 'decrease' AND x.event_date = ${d}))))`;
}

/** A member's political standing on a date from the stored dates: probationary until converted (without a conversion date: as now). */
const probationaryOn = (day: string) => sql`CASE WHEN p.conversion_date IS NOT NULL THEN p.conversion_date > ${day}::date ELSE p.status <> 'full' END`;

/** The group of a join date among the rule's groups (`froms`: the groups' first days after the first, ascending): 0-based, −1 without a date. */
const joinGroup = (froms: readonly string[]) => sql`CASE WHEN p.join_date IS NULL THEN -1 ELSE (SELECT count(*) FROM unnest(${froms}::date[]) f WHERE f <= p.join_date) END`;

export interface GroupRow {
  sex: string;
  minority: boolean;
  education: string;
  occupation: string;
  birth_year: number;
  join_group: number;
  probationary: boolean;
  n: number;
}

const groupColumns = (day: string, froms: readonly string[]) => sql`p.sex, p.ethnicity <> ${HAN_ETHNICITY} AS minority, p.education, p.occupation,
  extract(year FROM p.birth_date)::int AS birth_year, ${joinGroup(froms)}::int AS join_group, ${probationaryOn(day)} AS probationary`;

/** The members on the formal roll of the subtree on a day, counted by their attributes. */
export function rosterGroups(q: Queryable, o: { path: string; scope: Sql; day: string; froms: readonly string[] }) {
  return q.query<GroupRow>(sql`
    SELECT ${groupColumns(o.day, o.froms)}, count(*)::int AS n
    FROM membership m JOIN org o ON o.id = m.org_id JOIN person p ON p.id = m.person_id
    WHERE o.path <@ ${o.path}::ltree AND ${o.scope} AND ${onRollAt('m', o.day)}
    GROUP BY 1, 2, 3, 4, 5, 6, 7`);
}

/** The members the subtree's orgs admitted (发展) in a period, counted by their attributes (age and standing on the period's last day). */
export function recruitedGroups(q: Queryable, o: { path: string; scope: Sql; from: string; to: string; froms: readonly string[] }) {
  return q.query<GroupRow>(sql`
    SELECT ${groupColumns(o.to, o.froms)}, count(*)::int AS n
    FROM member_event e JOIN org o ON o.id = e.org_id JOIN person p ON p.id = e.person_id
    WHERE e.reason = 'recruited' AND e.event_date BETWEEN ${o.from}::date AND ${o.to}::date AND o.path <@ ${o.path}::ltree AND ${o.scope}
    GROUP BY 1, 2, 3, 4, 5, 6, 7`);
}

/** Events of given reasons in a period by the subtree's orgs: per reason, the standing the member left (from_status), and whether an extension came first. */
export function eventCounts(q: Queryable, o: { path: string; scope: Sql; from: string; to: string; reasons: readonly string[] }) {
  return q.query<{ reason: string; from_status: string | null; after_extension: boolean; n: number }>(sql`
    SELECT e.reason, e.from_status,
      EXISTS (SELECT 1 FROM member_event x WHERE x.person_id = e.person_id AND x.reason = 'probation_extended' AND x.event_date <= e.event_date AND x.id <> e.id) AS after_extension,
      count(*)::int AS n
    FROM member_event e JOIN org o ON o.id = e.org_id
    WHERE e.reason = ANY(${o.reasons}::text[]) AND e.event_date BETWEEN ${o.from}::date AND ${o.to}::date AND o.path <@ ${o.path}::ltree AND ${o.scope}
    GROUP BY 1, 2, 3`);
}

/**
 * The balance of form 1 over (start, end]: the formal roll of the subtree at
 * both days, the increases and decreases of the period by reason — a
 * transfer between two orgs of the subtree is neither (the member was on its
 * roll the day before it came in, or is still on it the day it went out) —
 * and the members whose own changes do not explain where they stand at the end.
 */
export function balanceOf(q: Queryable, o: { path: string; scope: Sql; start: string; end: string; onlyOrgId?: string }) {
  const orgs = o.onlyOrgId ? sql`o.id = ${o.onlyOrgId}::uuid` : sql`o.path <@ ${o.path}::ltree`;
  return q.one<{ start: number; end: number; reasons: Record<string, number> | null; mismatches: Array<{ person_id: string; at_start: boolean; at_end: boolean }> | null }>(sql`
    WITH s AS MATERIALIZED (SELECT o.id FROM org o WHERE ${orgs} AND ${o.scope}),
    r AS MATERIALIZED (SELECT m.person_id, m.valid_from, m.valid_to FROM membership m WHERE m.org_id IN (SELECT id FROM s)),
    ev AS MATERIALIZED (
      SELECT e.person_id, e.reason, e.direction FROM member_event e
      WHERE e.org_id IN (SELECT id FROM s) AND e.direction IN ('increase', 'decrease') AND e.event_date > ${o.start}::date AND e.event_date <= ${o.end}::date
        AND NOT (e.reason = 'transfer_in' AND EXISTS (SELECT 1 FROM membership t WHERE t.person_id = e.person_id AND t.org_id IN (SELECT id FROM s) AND ${onRollAt('t', sql`e.event_date - 1`)}))
        AND NOT (e.reason = 'transfer_out' AND EXISTS (SELECT 1 FROM membership t WHERE t.person_id = e.person_id AND t.org_id IN (SELECT id FROM s) AND ${onRollAt('t', sql`e.event_date`)}))),
    each AS (
      SELECT x.person_id, bool_or(x.at_start) AS at_start, bool_or(x.at_end) AS at_end, sum(x.delta)::int AS net FROM (
        SELECT r.person_id, ${onRollAt('r', o.start)} AS at_start, ${onRollAt('r', o.end)} AS at_end, 0 AS delta FROM r
        UNION ALL
        SELECT ev.person_id, false, false, CASE ev.direction WHEN 'increase' THEN 1 ELSE -1 END FROM ev) x
      GROUP BY x.person_id)
    SELECT
      (SELECT count(*) FROM each WHERE at_start)::int AS start,
      (SELECT count(*) FROM each WHERE at_end)::int AS end,
      (SELECT json_object_agg(reason, n) FROM (SELECT reason, count(*)::int AS n FROM ev GROUP BY reason) t) AS reasons,
      (SELECT json_agg(json_build_object('person_id', person_id, 'at_start', at_start, 'at_end', at_end) ORDER BY person_id)
         FROM each WHERE at_start::int + net <> at_end::int) AS mismatches`);
}

/** The members behind a difference: name, current org, and their counted events of the period in the subtree. */
export function mismatchDetails(q: Queryable, o: { path: string; scope: Sql; start: string; end: string; personIds: readonly string[] }) {
  return q.query<{ id: string; name: string; org_name: string | null; events: Array<{ date: string; reason: string; direction: 'increase' | 'decrease' }> | null }>(sql`
    SELECT p.id, p.name, cur.name AS org_name,
      (SELECT json_agg(json_build_object('date', to_char(e.event_date, 'YYYY-MM-DD'), 'reason', e.reason, 'direction', e.direction) ORDER BY e.event_date, e.id)
         FROM member_event e JOIN org o ON o.id = e.org_id
        WHERE e.person_id = p.id AND e.direction IN ('increase', 'decrease') AND e.event_date > ${o.start}::date AND e.event_date <= ${o.end}::date
          AND o.path <@ ${o.path}::ltree AND ${o.scope}) AS events
    FROM person p LEFT JOIN org cur ON cur.id = p.org_id
    WHERE p.id = ANY(${o.personIds}::uuid[]) ORDER BY p.name, p.id`);
}

/** The orgs of the subtree in existence on a day, by type and unit kind, with their committee's standing then. */
export function orgCounts(q: Queryable, o: { path: string; scope: Sql; day: string; from: string }) {
  return q.query<{ type: string; unit_kind: string; committee: 'none' | 'current' | 'overdue'; elected_in_year: boolean; n: number }>(sql`
    SELECT o.type, o.unit_kind,
      CASE WHEN c.id IS NULL THEN 'none' WHEN c.term_ends_on < ${o.day}::date THEN 'overdue' ELSE 'current' END AS committee,
      coalesce(c.elected_on >= ${o.from}::date, false) AS elected_in_year,
      count(*)::int AS n
    FROM org o
    LEFT JOIN LATERAL (
      SELECT k.id, k.term_ends_on, k.elected_on FROM org_committee k
      WHERE k.org_id = o.id AND k.elected_on <= ${o.day}::date AND (k.ended_on IS NULL OR k.ended_on > ${o.day}::date)
      ORDER BY k.elected_on DESC LIMIT 1) c ON true
    WHERE o.path <@ ${o.path}::ltree AND ${o.scope}
      AND (o.setup_date IS NULL OR o.setup_date <= ${o.day}::date) AND (o.dissolved_on IS NULL OR o.dissolved_on > ${o.day}::date)
    GROUP BY 1, 2, 3, 4`);
}

/** The secretaries of the subtree's orgs on a day (of the committee then in office), by their org's type and their attributes; `linked` false for a holder without a member record. */
export function secretaryGroups(q: Queryable, o: { path: string; scope: Sql; day: string; froms: readonly string[] }) {
  return q.query<GroupRow & { org_type: string; linked: boolean }>(sql`
    SELECT o.type AS org_type, p.id IS NOT NULL AS linked, ${groupColumns(o.day, o.froms)}, count(*)::int AS n
    FROM org o
    JOIN org_committee k ON k.org_id = o.id AND k.elected_on <= ${o.day}::date AND (k.ended_on IS NULL OR k.ended_on > ${o.day}::date)
    JOIN committee_post cp ON cp.committee_id = k.id AND cp.post = 'secretary'
    LEFT JOIN person p ON p.id = cp.person_id
    WHERE o.path <@ ${o.path}::ltree AND ${o.scope}
      AND (o.dissolved_on IS NULL OR o.dissolved_on > ${o.day}::date)
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`);
}

/**
 * 流动党员 of the subtree on a day and in the period: members whose formal
 * relation is here holding a 流动党员活动证 (out, registered or not where they
 * went), certificates issued and returned in the period, and members from
 * elsewhere registered with the subtree's branches (in).
 */
export function flowCounts(q: Queryable, o: { path: string; scope: Sql; day: string; from: string }) {
  return q.one<{ out: number; out_registered: number; out_female: number; issued: number; returned: number; hosted: number; hosted_female: number }>(sql`
    WITH s AS MATERIALIZED (SELECT o.id FROM org o WHERE o.path <@ ${o.path}::ltree AND ${o.scope}),
    away AS (
      SELECT f.*, p.sex FROM flow_certificate f JOIN person p ON p.id = f.person_id
      WHERE f.issued_on <= ${o.day}::date AND (f.returned_on IS NULL OR f.returned_on > ${o.day}::date))
    SELECT
      (SELECT count(*) FROM away WHERE org_id IN (SELECT id FROM s))::int AS out,
      (SELECT count(*) FROM away WHERE org_id IN (SELECT id FROM s) AND registered_on <= ${o.day}::date)::int AS out_registered,
      (SELECT count(*) FROM away WHERE org_id IN (SELECT id FROM s) AND sex = 'female')::int AS out_female,
      (SELECT count(*) FROM flow_certificate f WHERE f.org_id IN (SELECT id FROM s) AND f.issued_on BETWEEN ${o.from}::date AND ${o.day}::date)::int AS issued,
      (SELECT count(*) FROM flow_certificate f WHERE f.org_id IN (SELECT id FROM s) AND f.returned_on BETWEEN ${o.from}::date AND ${o.day}::date)::int AS returned,
      (SELECT count(*) FROM away WHERE host_org_id IN (SELECT id FROM s) AND org_id NOT IN (SELECT id FROM s) AND registered_on <= ${o.day}::date)::int AS hosted,
      (SELECT count(*) FROM away WHERE host_org_id IN (SELECT id FROM s) AND org_id NOT IN (SELECT id FROM s) AND registered_on <= ${o.day}::date AND sex = 'female')::int AS hosted_female`);
}

// ── year closing ──────────────────────────────────────────────────────────

/** Makes the running transaction read one snapshot of the database throughout (the closing's forms and watermark agree). */
export function readOneSnapshot(t: Queryable) {
  return t.exec(sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`);
}

/** The last member change event recorded (0 without any). */
export async function lastEventId(q: Queryable): Promise<string> {
  return (await q.one<{ id: string }>(sql`SELECT coalesce(max(id), 0)::text AS id FROM member_event`)).id;
}

export interface ClosingRow {
  org_id: string;
  closed_at: string | Date;
  closed_by_name: string | null;
  event_watermark: string;
  /** form 1's frozen balance */
  balance: { start: number; adjustment?: number; increases: number; decreases: number; end: number };
}

const closingColumns = sql`c.org_id, c.closed_at, a.display_name AS closed_by_name, c.event_watermark::text AS event_watermark, c.forms->'balance'->'balance' AS balance`;

/** The closings of a year for some orgs (without the snapshots). */
export function closingsOf(q: Queryable, orgIds: readonly string[], year: number) {
  return q.query<ClosingRow>(sql`SELECT ${closingColumns} FROM statistics_closing c LEFT JOIN account a ON a.id = c.closed_by WHERE c.org_id = ANY(${orgIds}::uuid[]) AND c.year = ${year}`);
}

/** One org's closing of a year with the frozen forms and reconciliation, or null. */
export function closingWithSnapshot<F, R>(q: Queryable, orgId: string, year: number) {
  return q.maybeOne<ClosingRow & { forms: Record<string, F>; reconciliation: R }>(sql`
    SELECT ${closingColumns}, c.forms, c.reconciliation FROM statistics_closing c LEFT JOIN account a ON a.id = c.closed_by WHERE c.org_id = ${orgId}::uuid AND c.year = ${year}`);
}

/** Records a closing; false when the year was already closed for the org. */
export async function insertClosing(t: Queryable, c: { orgId: string; year: number; closedAt: Date; closedBy: string | null; watermark: string; forms: unknown; reconciliation: unknown }): Promise<boolean> {
  const rows = await t.query(sql`
    INSERT INTO statistics_closing (org_id, year, closed_at, closed_by, event_watermark, forms, reconciliation)
    VALUES (${c.orgId}, ${c.year}, ${c.closedAt}, ${c.closedBy}, ${c.watermark}::bigint, ${JSON.stringify(c.forms)}::jsonb, ${JSON.stringify(c.reconciliation)}::jsonb)
    ON CONFLICT (org_id, year) DO NOTHING RETURNING id`);
  return rows.length === 1;
}

export async function orgType(q: Queryable, orgId: string): Promise<string> {
  return (await q.one<{ type: string }>(sql`SELECT type FROM org WHERE id = ${orgId}::uuid`)).type;
}

/** The direct subordinate orgs of an org that existed in the year, in the scope. */
export function childOrgs(q: Queryable, o: { orgId: string; scope: Sql; yearStart: string }) {
  return q.query<{ id: string; name: string; path: string; type: string }>(sql`
    SELECT o.id, o.name, o.path::text AS path, o.type FROM org o
    WHERE o.parent_id = ${o.orgId}::uuid AND ${o.scope} AND (o.dissolved_on IS NULL OR o.dissolved_on >= ${o.yearStart}::date)
    ORDER BY o.sort_order, o.seq`);
}

/** Changes recorded after a closing's watermark and dated on or before its year's end, by the subtree's orgs: the next year's adjustments. */
export function eventsAfterClosing(q: Queryable, o: { path: string; scope: Sql; watermark: string; through: string }) {
  return q.query<{ person_id: string; name: string; date: string; reason: string; direction: 'increase' | 'decrease' }>(sql`
    SELECT e.person_id, p.name, to_char(e.event_date, 'YYYY-MM-DD') AS date, e.reason, e.direction
    FROM member_event e JOIN org o ON o.id = e.org_id JOIN person p ON p.id = e.person_id
    WHERE e.id > ${o.watermark}::bigint AND e.event_date <= ${o.through}::date AND e.direction IN ('increase', 'decrease')
      AND o.path <@ ${o.path}::ltree AND ${o.scope}
    ORDER BY e.event_date, e.id`);
}
