import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { ActorContext, RequestContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { audit, auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { checkPasswordPolicy, describePasswordProblems, hashPassword } from '../../platform/password';
import { createSession, destroySession, idleSecondsFor, loadGrants } from '../../platform/session';
import { findOrgInScope, orgInScope } from '../../platform/scope';
import { maskPhone } from '../../../contracts/idcard';
import {
  RESIDENT_CODE_MESSAGE, type CommunityList, type CommunityQuery, type ListResidentsQuery, type RegisterResidentBody, type ResidentCodeAnswer, type ResidentCodeBody,
  type ResidentPage, type ResidentProfile, type ResidentView, type UpdateResidentBody,
} from '../../../contracts/resident';
import { insertAccount } from '../admin';
import { CODE_MAX_ATTEMPTS, CODE_TTL_MINUTES, CODES_PER_HOUR } from '../activation';
import * as repo from './resident.repo';

// Residents (群众, issue 17, docs/DECISIONS.md "Residents"): a phone number
// proven by a one-time SMS code becomes an account (username = the number,
// role resident, scope 本人, granted on the chosen community) with a profile.
// The codes follow the member activation's limits: 10 minutes, 5 attempts,
// 3 a number per hour.

const codeHash = (deps: Deps, codeId: string, code: string) => deps.cipher.hash(`resident:${codeId}:${code}`);

export async function listCommunities(deps: Deps, query: CommunityQuery): Promise<CommunityList> {
  const rows = await repo.searchCommunities(deps.db, query.q || undefined);
  const grids = await repo.gridsOfCommunities(deps.db, rows.map((r) => r.path));
  return {
    items: rows.map((r) => ({ id: r.id, name: r.name, unitName: r.unit_name ?? r.name, grids: grids.filter((g) => g.community_path === r.path).map((g) => ({ id: g.id, name: g.name })) })),
  };
}

export async function requestResidentCode(deps: Deps, ctx: RequestContext, body: ResidentCodeBody): Promise<ResidentCodeAnswer> {
  const { db, cipher } = deps;
  const phoneHash = cipher.hash(body.phone);
  const code = await db.tx(async (t) => {
    await repo.lockPhone(t, phoneHash);
    // the same answer whether the number is registered or not; the limit holds either way
    if ((await repo.codesIssuedSince(t, phoneHash, 60)) >= CODES_PER_HOUR) return null;
    await repo.closeOpenCodes(t, phoneHash);
    const value = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    const id = crypto.randomUUID();
    await repo.insertCode(t, { id, phoneHash, codeHash: codeHash(deps, id, value), ttlMinutes: CODE_TTL_MINUTES });
    await auditInTx(t, ctx, { action: 'resident.code_request', detail: { result: 'sent', phone: maskPhone(body.phone) } });
    return value;
  });
  if (code) {
    await deps.notify.sendMessage(db, 'sms', body.phone, null, `【智慧党建】您的注册验证码为 ${code}，${CODE_TTL_MINUTES}分钟内有效。如非本人操作，请忽略。`,
      `【智慧党建】您的注册验证码为 ******，${CODE_TTL_MINUTES}分钟内有效。`);
  } else {
    await audit(db, ctx, { action: 'resident.code_request', outcome: 'failure', detail: { result: 'too_many_codes', phone: maskPhone(body.phone) } });
  }
  return { message: RESIDENT_CODE_MESSAGE, demoCode: deps.config.demoAllowed ? code : null };
}

/** The community and, if given, a grid that the community answers for; otherwise a field error. */
async function placeOf(q: Queryable, communityId: string, gridId: string | null | undefined) {
  const community = await repo.findCommunity(q, communityId);
  if (!community) throw new AppError('VALIDATION_FAILED', '所选村（社区）不存在', { issues: [{ field: 'communityId', message: '所选村（社区）不存在，请重新选择' }] });
  if (gridId) {
    const grids = await repo.gridsOfCommunities(q, [community.path]);
    if (!grids.some((g) => g.id === gridId)) throw new AppError('VALIDATION_FAILED', '所选网格不属于该村（社区）', { issues: [{ field: 'gridId', message: '所选网格不属于该村（社区），请重新选择' }] });
  }
  return community;
}

type Registered = { kind: 'ok'; accountId: string } | { kind: 'expired' } | { kind: 'wrong'; left: number } | { kind: 'registered' };

export async function registerResident(deps: Deps, ctx: RequestContext, body: RegisterResidentBody, userAgent: string | null, previousToken: string | null) {
  const { db, cipher, config } = deps;
  const username = body.phone;
  // what the form can be told without the code costs no attempt: the password and the place
  const problems = checkPasswordPolicy(body.password, username, config.passwordRequireClasses);
  if (problems.length) throw new AppError('WEAK_PASSWORD', describePasswordProblems(problems, config.passwordRequireClasses), { problems });
  const community = await placeOf(db, body.communityId, body.gridId);
  const phoneHash = cipher.hash(body.phone);
  const passwordHash = await hashPassword(body.password);
  const result = await db.tx(async (t): Promise<Registered> => {
    await repo.lockPhone(t, phoneHash);
    const row = await repo.latestCode(t, phoneHash);
    if (!row || !row.is_live || row.attempts >= CODE_MAX_ATTEMPTS) return { kind: 'expired' };
    if (!crypto.timingSafeEqual(codeHash(deps, row.id, body.code), row.code_hash)) {
      const attempts = await repo.countAttempt(t, row.id);
      return { kind: 'wrong', left: Math.max(0, CODE_MAX_ATTEMPTS - attempts) };
    }
    // proven: the number is the caller's, so they may learn it is taken
    if ((await repo.residentByPhone(t, phoneHash)) || (await repo.accountByUsername(t, username))) return { kind: 'registered' };
    await repo.markCodeUsed(t, row.id);
    const accountId = await insertAccount(t, { username, displayName: body.name, passwordHash, personId: null });
    const id = await repo.insertResident(t, {
      accountId, name: body.name, phoneEnc: cipher.encrypt(body.phone), phoneHash, phoneMasked: maskPhone(body.phone), communityId: community.id, gridId: body.gridId ?? null, address: body.address,
    });
    await repo.placeResidentGrant(t, accountId, community.id);
    await auditInTx(t, ctx, { action: 'resident.register', objectType: 'resident', objectId: id, orgId: community.id, accountId, username, detail: { community: community.name } });
    return { kind: 'ok', accountId };
  });
  if (result.kind !== 'ok') {
    await audit(db, ctx, { action: 'resident.register', outcome: 'failure', detail: { result: result.kind, phone: maskPhone(body.phone) } });
    if (result.kind === 'expired') throw new AppError('ACTIVATION_CODE_EXPIRED');
    if (result.kind === 'wrong') {
      throw result.left > 0
        ? new AppError('ACTIVATION_CODE_INVALID', `验证码不正确，还可以再试${result.left}次`, { attemptsLeft: result.left })
        : new AppError('ACTIVATION_CODE_EXPIRED', '验证码错误次数过多，已作废，请重新获取验证码', { attemptsLeft: 0 });
    }
    throw new AppError('RESIDENT_ALREADY_REGISTERED');
  }
  // signed in, as a login would
  if (previousToken) await destroySession(db, previousToken);
  const grants = await loadGrants(db, result.accountId);
  const token = await createSession(db, result.accountId, idleSecondsFor(grants, config.session), config.session.absoluteSeconds, ctx.ip, userAgent);
  return { token, absoluteSeconds: config.session.absoluteSeconds, username };
}

function profileOf(r: repo.ResidentRow): ResidentProfile {
  return {
    id: r.id, name: r.name, phoneMasked: r.phone_masked, communityId: r.community_org_id, communityName: r.community_name, gridId: r.grid_id, gridName: r.grid_name,
    address: r.address, registeredAt: new Date(r.created_at).toISOString(), version: r.version,
  };
}

/** The signed-in resident's profile; 404 for an account that is not a resident's. */
export async function getMyResidentProfile(deps: Deps, ctx: ActorContext): Promise<ResidentProfile> {
  const r = await repo.residentOfAccount(deps.db, ctx.actor.accountId);
  if (!r) throw notFound();
  return profileOf(r);
}

export async function updateMyResidentProfile(deps: Deps, ctx: ActorContext, body: UpdateResidentBody): Promise<ResidentProfile> {
  const moved = await deps.db.tx(async (t) => {
    const r = await repo.residentOfAccount(t, ctx.actor.accountId, true);
    if (!r) throw notFound();
    if (r.version !== body.version) throw new AppError('CONFLICT');
    const community = await placeOf(t, body.communityId, body.gridId);
    await repo.updateResident(t, r.id, { name: body.name, communityId: community.id, gridId: body.gridId ?? null, address: body.address });
    if (r.name !== body.name) await repo.setDisplayName(t, ctx.actor.accountId, body.name);
    const moved = community.id !== r.community_org_id;
    if (moved) await repo.placeResidentGrant(t, ctx.actor.accountId, community.id);
    const changed = [r.name !== body.name && 'name', r.address !== body.address && 'address', moved && 'community', (r.grid_id ?? null) !== (body.gridId ?? null) && 'grid'].filter(Boolean);
    await auditInTx(t, ctx, { action: 'resident.update', objectType: 'resident', objectId: r.id, orgId: community.id, detail: { fields: changed.join(',') } });
    return moved;
  });
  // a new community: the session's grant moves with the resident
  if (moved) deps.sessions.invalidateAccount(ctx.actor.accountId);
  return getMyResidentProfile(deps, ctx);
}

function viewOf(r: repo.ResidentRow): ResidentView {
  return { id: r.id, name: r.name, phoneMasked: r.phone_masked, communityId: r.community_org_id, communityName: r.community_name, gridName: r.grid_name, address: r.address, registeredAt: new Date(r.created_at).toISOString() };
}

/** The residents registered in the communities of the caller's scope. */
export async function listResidents(deps: Deps, ctx: ActorContext, query: ListResidentsQuery): Promise<ResidentPage> {
  const scope = orgInScope(ctx.actor, 'resident.read');
  let orgPath: string | undefined;
  if (query.orgId) {
    const org = await findOrgInScope(deps.db, query.orgId, scope);
    if (!org) throw notFound();
    orgPath = org.path;
  }
  const { rows, total } = await repo.listResidents(deps.db, scope, { orgPath, gridId: query.gridId, q: query.q }, query.page, query.pageSize);
  return { items: rows.map(viewOf), total, page: query.page, pageSize: query.pageSize };
}
