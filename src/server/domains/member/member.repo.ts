import type { Queryable } from '../../platform/db';
import { sql, raw, and, type Sql } from '../../platform/sql';
import type { ListMembersQuery } from '../../../contracts/member';

export interface PersonRow {
  id: string;
  name: string;
  sex: 'male' | 'female';
  ethnicity: string;
  birth_date: string;
  id_no_enc: Buffer;
  id_no_masked: string;
  phone_enc: Buffer | null;
  phone_masked: string | null;
  income_enc: Buffer | null;
  education: string;
  occupation: string;
  unit_name: string | null;
  address: string | null;
  join_date: string | null;
  conversion_date: string | null;
  status: 'probationary' | 'full' | 'left' | 'suspended' | 'deceased';
  org_id: string | null;
  org_name: string | null;
  org_path: string | null;
  version: number;
}

const PERSON_COLUMNS = raw(`p.id, p.name, p.sex, p.ethnicity, p.birth_date, p.id_no_enc, p.id_no_masked, p.phone_enc, p.phone_masked, p.income_enc,
  p.education, p.occupation, p.unit_name, p.address, p.join_date, p.conversion_date, p.status, p.org_id, o.name AS org_name, o.path::text AS org_path, p.version`);

export function findPerson(q: Queryable, id: string, scope: Sql, forUpdate = false) {
  return q.maybeOne<PersonRow>(sql`SELECT ${PERSON_COLUMNS} FROM person p LEFT JOIN org o ON o.id = p.org_id
    WHERE p.id = ${id}::uuid AND p.status IN ('probationary','full','left','suspended','deceased') AND ${scope} ${raw(forUpdate ? 'FOR UPDATE OF p' : '')}`);
}

export interface ProfileRow extends PersonRow {
  events: Array<{ id: number; direction: 'increase' | 'decrease' | 'change'; reason: string; event_date: string; org_name: string | null; from_status: string | null; to_status: string | null; note: string | null; recorded_at: string }>;
  chain: Array<{ id: string; name: string }>;
  activated: boolean;
}

/** A member's profile in one round trip: the record, its change events and the org chain visible to the reader. */
export async function findProfile(q: Queryable, id: string, scope: Sql, chainScope: Sql): Promise<ProfileRow | null> {
  const [row] = await q.prepared<ProfileRow>('member_profile', sql`SELECT ${PERSON_COLUMNS},
      (SELECT coalesce(json_agg(json_build_object('id', e.id, 'direction', e.direction, 'reason', e.reason, 'event_date', e.event_date, 'org_name', eo.name,
                'from_status', e.from_status, 'to_status', e.to_status, 'note', e.note, 'recorded_at', e.recorded_at) ORDER BY e.event_date DESC, e.id DESC), '[]'::json)
         FROM member_event e LEFT JOIN org eo ON eo.id = e.org_id WHERE e.person_id = p.id) AS events,
      (SELECT coalesce(json_agg(json_build_object('id', a.id, 'name', a.name) ORDER BY nlevel(a.path)), '[]'::json)
         FROM org a WHERE o.path IS NOT NULL AND a.path @> o.path AND ${chainScope}) AS chain,
      EXISTS (SELECT 1 FROM account ac WHERE ac.person_id = p.id AND NOT ac.is_disabled) AS activated
    FROM person p LEFT JOIN org o ON o.id = p.org_id
    WHERE p.id = ${id}::uuid AND p.status IN ('probationary','full','left','suspended','deceased') AND ${scope}`);
  return row ?? null;
}

export interface SearchTerms {
  nameLike?: string;
  pinyinPrefix?: string;
  phoneTail?: string;
  phoneHash?: Buffer;
  idHash?: Buffer;
}

/** The grams a name must contain to contain `term` (see migration 0004): its character pairs, or the single character. */
export function searchGrams(term: string): string[] {
  const chars = [...term];
  if (chars.length === 1) return chars;
  return [...new Set(chars.slice(0, -1).map((c, i) => c + chars[i + 1]))];
}

/** The WHERE clause of a scoped member search (list, count and export share it). */
export function memberFilter(scope: Sql, f: { orgPath?: string | null; status: ListMembersQuery['status']; sex?: string; education?: string; terms?: SearchTerms; ids?: readonly string[] }): Sql {
  const parts: Sql[] = [scope];
  if (f.ids) parts.push(sql`p.id = ANY(${f.ids}::uuid[])`);
  if (f.orgPath) parts.push(sql`o.path <@ ${f.orgPath}::ltree`);
  if (f.status === 'current') parts.push(sql`p.is_current`);
  else if (f.status === 'former') parts.push(sql`p.status IN ('left','suspended','deceased')`);
  else parts.push(sql`p.status = ${f.status}`);
  if (f.sex) parts.push(sql`p.sex = ${f.sex}`);
  if (f.education) parts.push(sql`p.education = ${f.education}`);
  const t = f.terms;
  if (t) {
    const or: Sql[] = [];
    if (t.nameLike) or.push(sql`(name_grams(p.name) @> ${searchGrams(t.nameLike)}::text[] AND p.name LIKE ${'%' + t.nameLike.replace(/[%_\\]/g, '\\$&') + '%'})`);
    if (t.pinyinPrefix) or.push(sql`p.name_initials LIKE ${t.pinyinPrefix + '%'}`, sql`p.name_pinyin LIKE ${t.pinyinPrefix + '%'}`);
    if (t.phoneTail) or.push(sql`p.phone_tail = ${t.phoneTail}`);
    if (t.phoneHash) or.push(sql`p.phone_hash = ${t.phoneHash}`);
    if (t.idHash) or.push(sql`p.id_no_hash = ${t.idHash}`);
    if (or.length) parts.push(or.reduce((acc, s) => sql`${acc} OR ${s}`));
  }
  return and(parts);
}

export interface MemberListRow {
  id: string;
  name: string;
  sex: 'male' | 'female';
  birth_date: string;
  education: string;
  occupation: string;
  status: PersonRow['status'];
  org_id: string | null;
  org_name: string | null;
  join_date: string | null;
  conversion_date: string | null;
  phone_masked: string | null;
  /** an enabled account is linked to the person (已激活) */
  activated: boolean;
}

const SORTS: Record<string, string> = { name: 'p.name_pinyin', joinDate: 'p.join_date', birthDate: 'p.birth_date' };

export function listMembers(q: Queryable, where: Sql, sort: string, order: 'asc' | 'desc', limit: number, offset: number) {
  const orderBy = raw(`${SORTS[sort] ?? 'p.name_pinyin'} ${order === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, p.id`);
  return q.query<MemberListRow>(sql`SELECT p.id, p.name, p.sex, p.birth_date, p.education, p.occupation, p.status, p.org_id, o.name AS org_name,
      p.join_date, p.conversion_date, p.phone_masked, EXISTS (SELECT 1 FROM account ac WHERE ac.person_id = p.id AND NOT ac.is_disabled) AS activated
    FROM person p JOIN org o ON o.id = p.org_id WHERE ${where} ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`);
}

export async function countMembers(q: Queryable, where: Sql): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id WHERE ${where}`)).n;
}

/** Counts at most `cap` + 1 matches (a broad search need not count them all): more than `cap` means "over the cap". */
export async function countMembersCapped(q: Queryable, where: Sql, cap: number): Promise<number> {
  return (await q.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM person p JOIN org o ON o.id = p.org_id WHERE ${where} LIMIT ${cap + 1}) m`)).n;
}

export interface NewPerson {
  name: string; namePinyin: string; nameInitials: string; sex: string; ethnicity: string; birthDate: string;
  idEnc: Buffer; idHash: Buffer; idMasked: string; phoneEnc: Buffer | null; phoneHash: Buffer | null; phoneTail: string | null; phoneMasked: string | null;
  incomeEnc: Buffer | null; education: string; occupation: string; unitName: string | null; address: string | null;
  joinDate: string | null; conversionDate: string | null; status: string; orgId: string; regionKey: string | null;
  /** an earlier record of the same human elsewhere (left untouched) */
  previousPersonId?: string | null;
}

export async function insertPerson(q: Queryable, v: NewPerson): Promise<string> {
  const r = await q.one<{ id: string }>(sql`INSERT INTO person (name, name_pinyin, name_initials, sex, ethnicity, birth_date, id_no_enc, id_no_hash, id_no_masked,
      phone_enc, phone_hash, phone_tail, phone_masked, income_enc, education, occupation, unit_name, address, join_date, conversion_date, status, org_id, region_key, previous_person_id)
    VALUES (${v.name}, ${v.namePinyin}, ${v.nameInitials}, ${v.sex}, ${v.ethnicity}, ${v.birthDate}, ${v.idEnc}, ${v.idHash}, ${v.idMasked},
      ${v.phoneEnc}, ${v.phoneHash}, ${v.phoneTail}, ${v.phoneMasked}, ${v.incomeEnc}, ${v.education}, ${v.occupation}, ${v.unitName}, ${v.address},
      ${v.joinDate}, ${v.conversionDate}, ${v.status}, ${v.orgId}, ${v.regionKey}, ${v.previousPersonId ?? null})
    RETURNING id`);
  return r.id;
}

export async function updatePerson(q: Queryable, id: string, version: number, set: Record<string, unknown>): Promise<boolean> {
  const parts: Sql[] = Object.entries(set).map(([col, val]) => sql`${raw(col)} = ${val}`);
  parts.push(sql`updated_at = now()`, sql`version = version + 1`);
  const setSql = parts.reduce((acc, s) => sql`${acc}, ${s}`);
  return (await q.exec(sql`UPDATE person SET ${setSql} WHERE id = ${id} AND version = ${version}`)) === 1;
}

export async function openMembership(q: Queryable, personId: string, orgId: string, from: string) {
  await q.exec(sql`INSERT INTO membership (person_id, org_id, valid_from) VALUES (${personId}, ${orgId}, ${from})`);
}

export async function closeMembership(q: Queryable, personId: string, on: string) {
  await q.exec(sql`UPDATE membership SET valid_to = GREATEST(valid_from, ${on}::date) WHERE person_id = ${personId} AND valid_to IS NULL`);
}

export async function insertEvent(q: Queryable, e: { personId: string; orgId: string | null; direction: string; reason: string; eventDate: string; fromStatus: string | null; toStatus: string | null; note: string | null; actorId: string | null }) {
  await q.exec(sql`INSERT INTO member_event (person_id, org_id, direction, reason, event_date, from_status, to_status, note, actor_id)
    VALUES (${e.personId}, ${e.orgId}, ${e.direction}, ${e.reason}, ${e.eventDate}, ${e.fromStatus}, ${e.toStatus}, ${e.note}, ${e.actorId})`);
}

export function findOrgForMembers(q: Queryable, orgId: string, scope: Sql) {
  return q.maybeOne<{ id: string; path: string; type: string; dissolved_on: string | null; region_key: string | null; name: string }>(sql`
    SELECT o.id, o.path::text AS path, o.type, o.dissolved_on, o.region_key, o.name FROM org o WHERE o.id = ${orgId}::uuid AND ${scope}`);
}

export function findCurrentByIdHash(q: Queryable, idHash: Buffer) {
  return q.maybeOne<{ id: string; org_id: string; name: string; status: string }>(sql`SELECT id, org_id, name, status FROM person WHERE id_no_hash = ${idHash} AND status IN ('applicant','activist','candidate','probationary','full')`);
}

export interface EarlierRecordRow {
  id: string;
  status: string;
  org_id: string | null;
  org_name: string | null;
  version: number;
  reason: string | null;
  ended_on: string | null;
}

const earlierRecordColumns = sql`p.id, p.status, p.org_id, o.name AS org_name, p.version,
  coalesce((SELECT e.reason FROM member_event e WHERE e.person_id = p.id AND e.direction = 'decrease' ORDER BY e.event_date DESC, e.id DESC LIMIT 1),
           (SELECT f.state FROM dev_file f WHERE f.person_id = p.id AND f.closed_on IS NOT NULL ORDER BY f.closed_on DESC LIMIT 1)) AS reason,
  coalesce((SELECT to_char(e.event_date, 'YYYY-MM-DD') FROM member_event e WHERE e.person_id = p.id AND e.direction = 'decrease' ORDER BY e.event_date DESC, e.id DESC LIMIT 1),
           (SELECT to_char(f.closed_on, 'YYYY-MM-DD') FROM dev_file f WHERE f.person_id = p.id AND f.closed_on IS NOT NULL ORDER BY f.closed_on DESC LIMIT 1)) AS ended_on`;

/**
 * The latest closed record (群众, 出党, 停止党籍, 死亡) of the human with this ID
 * number, wherever it is. Unscoped on purpose (named escape hatch): one identity
 * spans the installation and the rules on re-application need the earlier
 * record's status and dates. Callers never move or overwrite a record found
 * here outside their scope, and show only its organisation name, status and dates.
 */
export function findEarlierRecord(q: Queryable, idHash: Buffer) {
  return q.maybeOne<EarlierRecordRow>(sql`SELECT ${earlierRecordColumns}
    FROM person p LEFT JOIN org o ON o.id = p.org_id
    WHERE p.id_no_hash = ${idHash} AND p.status NOT IN ('applicant','activist','candidate','probationary','full')
    ORDER BY p.updated_at DESC, p.created_at DESC LIMIT 1`);
}

/** The earlier record a person row points to (same escape hatch and limits as findEarlierRecord). */
export function earlierRecordOf(q: Queryable, personId: string) {
  return q.maybeOne<EarlierRecordRow>(sql`SELECT ${earlierRecordColumns}
    FROM person c JOIN person p ON p.id = c.previous_person_id LEFT JOIN org o ON o.id = p.org_id
    WHERE c.id = ${personId}::uuid`);
}

/** The stored_file row of a member import's upload (the file itself is removed from the store by the caller). */
export async function deleteImportUpload(q: Queryable, jobId: string): Promise<void> {
  await q.exec(sql`DELETE FROM stored_file WHERE owner_type = 'member_import' AND owner_id = ${jobId}::uuid`);
}

// Person status writes of the member transitions (member.transitions.ts): the
// caller holds the lock of whatever drives the change (a development file, a
// transfer); the person's version is bumped so that concurrent edits conflict.

export async function setPersonStatus(q: Queryable, personId: string, status: string) {
  await q.exec(sql`UPDATE person SET status = ${status}, updated_at = now(), version = version + 1 WHERE id = ${personId}::uuid`);
}

/** The person becomes a 预备党员 of the org, joining on the resolution date. */
export async function markPersonAdmitted(q: Queryable, personId: string, orgId: string, joinDate: string) {
  await q.exec(sql`UPDATE person SET status = 'probationary', join_date = ${joinDate}::date, org_id = ${orgId}::uuid, updated_at = now(), version = version + 1 WHERE id = ${personId}::uuid`);
}

/** The person becomes a full member on the conversion date. */
export async function markPersonConverted(q: Queryable, personId: string, conversionDate: string) {
  await q.exec(sql`UPDATE person SET status = 'full', conversion_date = ${conversionDate}::date, updated_at = now(), version = version + 1 WHERE id = ${personId}::uuid`);
}

/** A member on the roll inside a scope condition (on `p` and its org `o`), with their branch; null when not current or out of scope. */
export function findMemberInScope(q: Queryable, personId: string, scope: Sql) {
  return q.maybeOne<{ id: string; name: string; status: 'full' | 'probationary'; org_id: string; org_name: string; org_path: string; region_key: string | null }>(sql`
    SELECT p.id, p.name, p.status, o.id AS org_id, o.name AS org_name, o.path::text AS org_path, o.region_key
    FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${personId}::uuid AND p.is_current AND ${scope}`);
}

/** A member's status when on the roll, the row locked (null when not current). */
export async function lockCurrentStatus(q: Queryable, personId: string): Promise<string | null> {
  return (await q.maybeOne<{ status: string }>(sql`SELECT status FROM person WHERE id = ${personId}::uuid AND is_current FOR UPDATE`))?.status ?? null;
}

/** The person's formal relation moves to another branch (a transfer accepted); the row's version moves on. */
export async function movePersonToOrg(q: Queryable, personId: string, org: { id: string; region_key: string | null }) {
  await q.exec(sql`UPDATE person SET org_id = ${org.id}::uuid, region_key = ${org.region_key}::uuid, updated_at = now(), version = version + 1 WHERE id = ${personId}::uuid`);
}

/** The open formal relation of a person, locked (one open relation per person). */
export function lockOpenMembership(q: Queryable, personId: string) {
  return q.maybeOne<{ id: string; org_id: string; valid_from: string }>(sql`
    SELECT id::text, org_id, valid_from::text FROM membership WHERE person_id = ${personId}::uuid AND valid_to IS NULL FOR UPDATE`);
}

/** Ends the open relation on a given last day (inclusive). */
export async function endMembership(q: Queryable, membershipId: string, lastDay: string) {
  await q.exec(sql`UPDATE membership SET valid_to = ${lastDay}::date WHERE id = ${membershipId}::bigint`);
}

/** The person has left (their probationary membership cancelled, …). */
export async function markPersonLeft(q: Queryable, personId: string) {
  await q.exec(sql`UPDATE person SET status = 'left', updated_at = now(), version = version + 1 WHERE id = ${personId}::uuid`);
}

/** Either of two scope conditions (a member read through member.read or as one's own record). */
export function eitherScope(a: Sql, b: Sql): Sql {
  return sql`(${a} OR ${b})`;
}

export interface ImportOrgRow { id: string; path: string; type: string; dissolved_on: string | null; region_key: string | null; name: string; code: string | null }

/** Every org in scope (`orgInScope` on o), to resolve an import's branch column. */
export function listImportOrgs(q: Queryable, scope: Sql) {
  return q.query<ImportOrgRow>(sql`SELECT o.id, o.path::text AS path, o.type, o.dissolved_on, o.region_key, o.name, o.code FROM org o WHERE ${scope}`);
}

/** Records an import upload, owned by its job, until the job ends. */
export async function insertImportUpload(q: Queryable, v: { jobId: string; orgId: string; sizeBytes: number; sha256: string; storageKey: string; createdBy: string }) {
  await q.exec(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key, created_by)
      VALUES ('member_import', ${v.jobId}, ${v.orgId}, 'import.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ${v.sizeBytes},
              ${v.sha256}, ${v.storageKey}, ${v.createdBy})`);
}

/** The account a job or the operator CLI acts as. */
export function findActorAccount(q: Queryable, accountId: string) {
  return q.one<{ id: string; username: string; display_name: string; person_id: string | null; is_demo: boolean }>(sql`SELECT id, username, display_name, person_id, is_demo FROM account WHERE id = ${accountId}`);
}

export interface ExportRowKey { seq: number; name_pinyin: string; id: string }

/** One keyset batch of the export, ordered by org seq, pinyin, id, after `last`. */
export function listExportBatch<T>(q: Queryable, where: Sql, last: ExportRowKey | null, batchSize: number) {
  // `o.seq >= last.seq` is implied by the row comparison but lets the org scan start there
  // (without it every batch re-walks all earlier orgs: quadratic in the roster size)
  const after: Sql = last ? sql`AND o.seq >= ${last.seq} AND (o.seq, p.name_pinyin, p.id) > (${last.seq}, ${last.name_pinyin}, ${last.id}::uuid)` : sql``;
  return q.query<T>(sql`
    SELECT p.id, o.seq, p.name, p.name_pinyin, p.sex, p.ethnicity, p.birth_date, p.id_no_masked, p.education, p.occupation, p.unit_name, p.phone_masked,
           p.address, p.status, p.join_date, p.conversion_date, o.name AS org_name, o.code AS org_code
    FROM person p JOIN org o ON o.id = p.org_id
    WHERE ${where} ${after}
    ORDER BY o.seq, p.name_pinyin, p.id LIMIT ${batchSize}`);
}
