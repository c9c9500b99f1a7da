import type { Deps } from '../../deps';
import type { RequestContext, ActorContext } from '../../platform/actor';
import { can } from '../../platform/actor';
import { AppError, conflict, notFound } from '../../platform/errors';
import { covers, orgInScope, personInScope } from '../../platform/scope';
import { audit, auditInTx } from '../../platform/audit';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import { ERROR_CODES } from '../../../contracts/errors';
import { PHONE_PATTERN } from '../../../contracts/idcard';
import { BRANCH_TYPES, MEMBER_EVENT_REASONS, MEMBER_STATUSES, PIPELINE_STATUSES, type MemberEventReason, type OrgType } from '../../../contracts/dict';
import type { CreateMemberBody, EarlierRecordView, ListMembersQuery, MemberDetail, MemberListItem, UpdateMemberBody } from '../../../contracts/member';
import type { SensitiveField } from '../../../contracts/dict';
import { disablePersonAccounts } from '../activation';
import * as repo from './member.repo';
import { checkMemberFacts, masks, namePinyin, partyAgeYears, statusAfter, validateIdNumber } from './member.policy';

export function searchTerms(deps: Deps, q: string | undefined): repo.SearchTerms | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  if (/^\d{4}$/.test(text)) return { phoneTail: text };
  if (PHONE_PATTERN.test(text)) return { phoneHash: deps.cipher.hash(text) };
  if (/^\d{17}[\dXx]$/.test(text)) return { idHash: deps.cipher.hash(text.toUpperCase()) };
  if (/^[A-Za-z]+$/.test(text)) return { pinyinPrefix: text.toLowerCase() };
  return { nameLike: text };
}

function listItem(r: repo.MemberListRow, today: string): MemberListItem {
  return {
    id: r.id, name: r.name, sex: r.sex, birthDate: r.birth_date, education: r.education as MemberListItem['education'], occupation: r.occupation as MemberListItem['occupation'],
    status: r.status, orgId: r.org_id, orgName: r.org_name, joinDate: r.join_date, partyAgeYears: partyAgeYears(r.status, r.conversion_date, today), phoneMasked: r.phone_masked,
    activated: r.activated,
  };
}

async function resolveOrgFilter(q: Queryable, ctx: ActorContext, orgId: string | undefined) {
  if (!orgId) return null;
  const org = await repo.findOrgForMembers(q, orgId, orgInScope(ctx.actor, 'member.read'));
  if (!org) throw notFound();
  return org.path;
}

/** A pinyin-prefix search (one or two letters match most of a city) counts at most this many (QUALITY B3). */
export const MEMBER_COUNT_CAP = 1000;

export async function listMembers(deps: Deps, ctx: ActorContext, query: ListMembersQuery, opts: { countCap?: number } = {}) {
  const orgPath = await resolveOrgFilter(deps.db, ctx, query.orgId);
  const terms = searchTerms(deps, query.q);
  const where = repo.memberFilter(personInScope(ctx.actor, 'member.read'), { orgPath, status: query.status, sex: query.sex, education: query.education, terms });
  const cap = terms?.pinyinPrefix ? (opts.countCap ?? MEMBER_COUNT_CAP) : null;
  const [rows, counted] = await Promise.all([
    repo.listMembers(deps.db, where, query.sort, query.order, query.pageSize, (query.page - 1) * query.pageSize),
    cap === null ? repo.countMembers(deps.db, where) : repo.countMembersCapped(deps.db, where, cap),
  ]);
  const totalCapped = cap !== null && counted > cap;
  const today = deps.clock.today();
  return { items: rows.map((r) => listItem(r, today)), total: totalCapped ? cap : counted, totalCapped, page: query.page, pageSize: query.pageSize };
}

export async function getMember(deps: Deps, ctx: ActorContext, id: string): Promise<MemberDetail> {
  const actor = ctx.actor;
  // readable through a member.read scope, or as one's own record (self.read)
  const scope = repo.eitherScope(personInScope(actor, 'member.read'), personInScope(actor, 'self.read'));
  const p = await repo.findProfile(deps.db, id, scope, orgInScope(actor, 'org.read', 'a'));
  if (!p) throw notFound();
  const today = deps.clock.today();
  const earlier = earlierRecordView(await repo.earlierRecordOf(deps.db, p.id));
  const inScope = (perm: Parameters<typeof can>[1]) => !!p.org_id && !!p.org_path && covers(actor, perm, { id: p.org_id, path: p.org_path });
  const isCurrent = p.status === 'probationary' || p.status === 'full';
  return {
    id: p.id, name: p.name, sex: p.sex, birthDate: p.birth_date, education: p.education as MemberDetail['education'], occupation: p.occupation as MemberDetail['occupation'],
    status: p.status, orgId: p.org_id, orgName: p.org_name, joinDate: p.join_date, partyAgeYears: partyAgeYears(p.status, p.conversion_date, today),
    phoneMasked: p.phone_masked, ethnicity: p.ethnicity, idNumberMasked: p.id_no_masked, hasIncome: !!p.income_enc, unitName: p.unit_name, address: p.address,
    conversionDate: p.conversion_date, orgPath: p.chain, version: p.version,
    events: p.events.map((e) => ({ id: e.id, direction: e.direction, reason: e.reason as MemberEventReason, eventDate: e.event_date, orgName: e.org_name, fromStatus: e.from_status, toStatus: e.to_status, note: e.note, recordedAt: new Date(e.recorded_at).toISOString() })),
    earlierRecord: earlier,
    activated: p.activated,
    abilities: { update: isCurrent && inScope('member.update'), reveal: inScope('member.reveal'), changeStatus: isCurrent && inScope('member.status'), resetActivation: p.activated && inScope('member.update') },
  };
}

// how a development file that closed without admission reads on another branch's page
const CLOSED_FILE_LABELS: Record<string, string> = { rejected: '入党申请未获通过', withdrawn: '撤回入党申请', cancelled: '取消预备党员资格' };

/** The view of an earlier record another organisation may see: where, what, when (issue 9, C1). */
export function earlierRecordView(r: repo.EarlierRecordRow | null): EarlierRecordView | null {
  if (!r) return null;
  const statusLabel = (MEMBER_STATUSES as Record<string, string>)[r.status] ?? (PIPELINE_STATUSES as Record<string, string>)[r.status] ?? r.status;
  const reasonLabel = r.reason ? ((MEMBER_EVENT_REASONS as Record<string, { label: string }>)[r.reason]?.label ?? CLOSED_FILE_LABELS[r.reason] ?? null) : null;
  return { orgName: r.org_name, statusLabel, reasonLabel, endedOn: r.ended_on };
}

/** Validated, encrypted values of a member record ready for storage. */
export function prepareRecord(deps: Deps, body: Omit<CreateMemberBody, 'orgId' | 'reason'>, today: string) {
  const id = validateIdNumber(body.idNumber, today);
  const problems = checkMemberFacts({ birthDate: id.birthDate, joinDate: body.joinDate, conversionDate: body.conversionDate ?? null, status: body.status, sex: body.sex, idSex: id.sex }, today);
  if (problems.length) throw new AppError('VALIDATION_FAILED', problems[0].message, { issues: problems });
  const py = namePinyin(body.name);
  const m = masks(id.normalized, body.phone);
  const { cipher } = deps;
  return {
    name: body.name, namePinyin: py.full, nameInitials: py.initials, sex: body.sex, ethnicity: body.ethnicity, birthDate: id.birthDate,
    idEnc: cipher.encrypt(id.normalized), idHash: cipher.hash(id.normalized), idMasked: m.idMasked,
    phoneEnc: body.phone ? cipher.encrypt(body.phone) : null, phoneHash: body.phone ? cipher.hash(body.phone) : null, phoneTail: m.phoneTail, phoneMasked: m.phoneMasked,
    incomeEnc: body.monthlyIncomeFen != null ? cipher.encrypt(String(body.monthlyIncomeFen)) : null,
    education: body.education, occupation: body.occupation, unitName: body.unitName ?? null, address: body.address ?? null,
    joinDate: body.joinDate, conversionDate: body.conversionDate ?? null, status: body.status,
  };
}

export async function findBranchForCreate(q: Queryable, ctx: ActorContext, orgId: string) {
  const org = await repo.findOrgForMembers(q, orgId, orgInScope(ctx.actor, 'member.create'));
  if (!org) throw notFound();
  if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
  if (!BRANCH_TYPES.includes(org.type as OrgType)) throw new AppError('VALIDATION_FAILED', '党员的组织关系应在党支部（含联合党支部、临时党支部），请选择党支部', { issues: [{ field: 'orgId', message: '请选择党支部' }] });
  return org;
}

/** Inserts a member with its formal relation and its 增加 event, inside a transaction. */
export async function insertMember(t: Queryable, ctx: RequestContext, org: { id: string; region_key: string | null }, rec: ReturnType<typeof prepareRecord>, reason: MemberEventReason, today: string) {
  // an earlier closed record of the same human elsewhere stays where it is; the new one points to it
  const earlier = await repo.findEarlierRecord(t, rec.idHash);
  const id = await repo.insertPerson(t, { ...rec, orgId: org.id, regionKey: org.region_key, previousPersonId: earlier?.id ?? null });
  await repo.openMembership(t, id, org.id, today);
  await repo.insertEvent(t, { personId: id, orgId: org.id, direction: MEMBER_EVENT_REASONS[reason].direction, reason, eventDate: today, fromStatus: null, toStatus: rec.status, note: null, actorId: ctx.actor?.accountId ?? null });
  return id;
}

export async function createMember(deps: Deps, ctx: ActorContext, body: CreateMemberBody): Promise<string> {
  const today = deps.clock.today();
  const rec = prepareRecord(deps, body, today);
  try {
    return await deps.db.tx(async (t) => {
      const org = await findBranchForCreate(t, ctx, body.orgId);
      const id = await insertMember(t, ctx, org, rec, body.reason, today);
      await auditInTx(t, ctx, { action: 'member.create', objectType: 'person', objectId: id, orgId: org.id, detail: { reason: body.reason } });
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'person_id_no_living')) throw new AppError('DUPLICATE_ID_NUMBER', undefined, { issues: [{ field: 'idNumber', message: ERROR_CODES.DUPLICATE_ID_NUMBER.message }] });
    throw e;
  }
}

export async function updateMember(deps: Deps, ctx: ActorContext, id: string, body: UpdateMemberBody) {
  const today = deps.clock.today();
  try {
    await deps.db.tx(async (t) => {
      const p = await repo.findPerson(t, id, personInScope(ctx.actor, 'member.update'), true);
      if (!p) throw notFound();
      if (p.status !== 'full' && p.status !== 'probationary') throw new AppError('MEMBER_NOT_CURRENT');
      if (p.version !== body.version) throw conflict();
      const currentId = deps.cipher.decrypt(p.id_no_enc);
      const currentPhone = p.phone_enc ? deps.cipher.decrypt(p.phone_enc) : null;
      const merged = {
        name: body.name ?? p.name, sex: body.sex ?? p.sex, ethnicity: body.ethnicity ?? p.ethnicity, idNumber: body.idNumber ?? currentId,
        education: (body.education ?? p.education) as CreateMemberBody['education'], occupation: (body.occupation ?? p.occupation) as CreateMemberBody['occupation'],
        unitName: body.unitName === undefined ? p.unit_name : body.unitName, phone: body.phone === undefined ? currentPhone : body.phone,
        address: body.address === undefined ? p.address : body.address, joinDate: body.joinDate ?? p.join_date!, conversionDate: body.conversionDate === undefined ? p.conversion_date : body.conversionDate,
        status: p.status, monthlyIncomeFen: undefined,
      };
      const rec = prepareRecord(deps, merged, today);
      const set: Record<string, unknown> = {
        name: rec.name, name_pinyin: rec.namePinyin, name_initials: rec.nameInitials, sex: rec.sex, ethnicity: rec.ethnicity, birth_date: rec.birthDate,
        education: rec.education, occupation: rec.occupation, unit_name: rec.unitName, address: rec.address, join_date: rec.joinDate, conversion_date: rec.conversionDate,
      };
      if (body.idNumber !== undefined && body.idNumber.toUpperCase() !== currentId) Object.assign(set, { id_no_enc: rec.idEnc, id_no_hash: rec.idHash, id_no_masked: rec.idMasked });
      if (body.phone !== undefined && body.phone !== currentPhone) Object.assign(set, { phone_enc: rec.phoneEnc, phone_hash: rec.phoneHash, phone_tail: rec.phoneTail, phone_masked: rec.phoneMasked });
      if (body.monthlyIncomeFen !== undefined) set.income_enc = body.monthlyIncomeFen === null ? null : deps.cipher.encrypt(String(body.monthlyIncomeFen));
      if (!(await repo.updatePerson(t, id, body.version, set))) throw conflict();
      const fields = Object.keys(body).filter((k) => k !== 'version');
      await auditInTx(t, ctx, { action: 'member.update', objectType: 'person', objectId: id, orgId: p.org_id, detail: { fields } });
    });
  } catch (e) {
    if (isUniqueViolation(e, 'person_id_no_living')) throw new AppError('DUPLICATE_ID_NUMBER');
    throw e;
  }
}

export async function recordStatusEvent(deps: Deps, ctx: ActorContext, id: string, body: { reason: MemberEventReason; eventDate: string; note?: string | null; version: number }) {
  const today = deps.clock.today();
  if (body.eventDate > today) throw new AppError('VALIDATION_FAILED', '变动日期不能晚于今天');
  await deps.db.tx(async (t) => {
    const p = await repo.findPerson(t, id, personInScope(ctx.actor, 'member.status'), true);
    if (!p) throw notFound();
    if (p.version !== body.version) throw conflict();
    const next = statusAfter(p.status, body.reason);
    const set: Record<string, unknown> = { status: next };
    if (body.reason === 'converted') {
      if (p.join_date && body.eventDate < p.join_date) throw new AppError('VALIDATION_FAILED', '转正日期不能早于入党日期');
      set.conversion_date = body.eventDate;
    }
    if (!(await repo.updatePerson(t, id, body.version, set))) throw conflict();
    if (next !== 'full' && next !== 'probationary') {
      await repo.closeMembership(t, id, body.eventDate);
      // a former member signs in no more: their accounts are disabled with the 减少 event
      await disablePersonAccounts(t, ctx, id, body.reason);
    }
    await repo.insertEvent(t, { personId: id, orgId: p.org_id, direction: MEMBER_EVENT_REASONS[body.reason].direction, reason: body.reason, eventDate: body.eventDate, fromStatus: p.status, toStatus: next, note: body.note ?? null, actorId: ctx.actor.accountId });
    await auditInTx(t, ctx, { action: 'member.status_change', objectType: 'person', objectId: id, orgId: p.org_id, detail: { reason: body.reason, from: p.status, to: next } });
  });
}

export async function revealField(deps: Deps, ctx: ActorContext, id: string, field: SensitiveField, reason: string) {
  const p = await repo.findPerson(deps.db, id, personInScope(ctx.actor, 'member.reveal'));
  if (!p) throw notFound();
  const blob = field === 'idNumber' ? p.id_no_enc : field === 'phone' ? p.phone_enc : p.income_enc;
  const value = blob ? deps.cipher.decrypt(blob) : null;
  await audit(deps.db, ctx, { action: 'member.reveal', objectType: 'person', objectId: id, orgId: p.org_id, detail: { field, reason } });
  return { field, value };
}
