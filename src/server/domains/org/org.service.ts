import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { can, grantsWith, scopeRootOrgIds } from '../../platform/actor';
import { AppError, notFound, conflict } from '../../platform/errors';
import { covers, orgInScope, unscoped } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { ruleInForce, rulesInForce, pickRule } from '../../platform/rules';
import { addYears } from '../../platform/dates';
import { isUniqueViolation, type Queryable } from '../../platform/db';
import type { Sql } from '../../platform/sql';
import type { CreateOrgBody, UpdateOrgBody, OrgDetail, OrgSummary, OrgWarningList } from '../../../contracts/org';
import type { CommitteePost } from '../../../contracts/dict';
import * as repo from './org.repo';
import { canBeChildOf, evaluateSetup, isBranchType, termYearsFor, type SetupRule } from './org.policy';
import { ORG_TYPES } from '../../../contracts/dict';

function present(r: repo.OrgSummaryRow): OrgSummary {
  return { id: r.id, parentId: r.parent_id, type: r.type, name: r.name, code: r.code, isDissolved: !!r.dissolved_on, hasChildren: r.has_children, memberCount: r.member_count };
}

/** Children of an org, or the actor's scope roots when no parent is given. */
export async function listOrgChildren(deps: Deps, ctx: ActorContext, parentId: string | undefined, includeDissolved: boolean) {
  const actor = ctx.actor;
  const scope = orgInScope(actor, 'org.read');
  if (parentId) {
    const parent = await repo.findOrg(deps.db, parentId, scope);
    if (!parent) throw notFound();
    return (await repo.listChildren(deps.db, parentId, scope, includeDissolved)).map(present);
  }
  const grants = grantsWith(actor, 'org.read');
  if (grants.some((g) => g.orgId === null)) return (await repo.listTopLevel(deps.db, scope)).map(present);
  return (await repo.listByIds(deps.db, scopeRootOrgIds(grants), scope)).map(present);
}

export async function searchOrgs(deps: Deps, ctx: ActorContext, q: string) {
  return (await repo.searchOrgs(deps.db, q, orgInScope(ctx.actor, 'org.read'), 30)).map(present);
}

/** The first `limit` orgs whose name contains `q`, and how many there are in scope. */
export async function findOrgsByName(deps: Deps, ctx: ActorContext, q: string, limit: number) {
  const scope = orgInScope(ctx.actor, 'org.read');
  const [rows, total] = await Promise.all([repo.searchOrgs(deps.db, q, scope, limit), repo.countOrgsByName(deps.db, q, scope)]);
  return { items: rows.map(present), total };
}

async function setupRule(q: Queryable, today: string, path: string) {
  return ruleInForce<SetupRule>(q, 'org', 'setup', today, path);
}

export async function getOrg(deps: Deps, ctx: ActorContext, id: string): Promise<OrgDetail> {
  const actor = ctx.actor;
  const org = await repo.findOrg(deps.db, id, orgInScope(actor, 'org.read'));
  if (!org) throw notFound();
  const today = deps.clock.today();
  const [ancestors, counts, committee, rule, children] = await Promise.all([
    repo.ancestorsOf(deps.db, org.path, orgInScope(actor, 'org.read')),
    repo.memberCounts(deps.db, org.id, org.path),
    repo.currentCommittee(deps.db, org.id),
    setupRule(deps.db, today, org.path),
    repo.listByIds(deps.db, [org.id], orgInScope(actor, 'org.read')),
  ]);
  const warnings = evaluateSetup({
    type: org.type, isDissolved: !!org.dissolved_on, fullMembers: counts.full_members, probationaryMembers: counts.probationary_members,
    hasCommittee: !!committee, committeePostCount: committee?.posts.length ?? 0, hasSecretary: committee ? committee.posts.some((p) => p.post === 'secretary' && p.holder_current) : undefined, termEndsOn: committee?.term_ends_on ?? null,
  }, rule.body, rule.source, today);
  const inScope = (p: Parameters<typeof can>[1]) => covers(actor, p, org);
  const isOpen = !org.dissolved_on;
  return {
    id: org.id, parentId: org.parent_id, type: org.type, name: org.name, code: org.code, isDissolved: !isOpen,
    hasChildren: children[0]?.has_children ?? false, memberCount: counts.full_members + counts.probationary_members,
    unitName: org.unit_name, unitKind: org.unit_kind, address: org.address, lng: org.lng, lat: org.lat, setupDate: org.setup_date,
    dissolvedOn: org.dissolved_on, dissolveReason: org.dissolve_reason, version: org.version, ancestors,
    stats: { fullMembers: counts.full_members, probationaryMembers: counts.probationary_members, subtreeMembers: counts.subtree_members },
    committee: committee && {
      id: committee.id, electedOn: committee.elected_on, termYears: committee.term_years, termEndsOn: committee.term_ends_on,
      posts: committee.posts.map((p) => ({ id: p.id, post: p.post, holderName: p.holder_name, personId: p.person_id, approvedOn: p.approved_on })),
    },
    warnings,
    abilities: {
      update: isOpen && inScope('org.update'),
      createChild: isOpen && inScope('org.create') && org.type !== 'party_group',
      move: isOpen && inScope('org.move') && org.parent_id !== null,
      dissolve: isOpen && inScope('org.dissolve') && org.parent_id !== null,
      manageCommittee: isOpen && inScope('committee.manage') && org.type !== 'party_group',
    },
  };
}

function typeError(child: string, parent: string) {
  return new AppError('VALIDATION_FAILED', `${ORG_TYPES[child as keyof typeof ORG_TYPES]}不能设在${ORG_TYPES[parent as keyof typeof ORG_TYPES]}之下`);
}

export async function createOrg(deps: Deps, ctx: ActorContext, body: CreateOrgBody): Promise<string> {
  const actor = ctx.actor;
  try {
    return await deps.db.tx(async (t) => {
      const parent = await repo.findOrg(t, body.parentId, orgInScope(actor, 'org.create'), true);
      if (!parent) throw notFound();
      if (parent.dissolved_on) throw new AppError('ORG_DISSOLVED');
      if (!canBeChildOf(body.type, parent.type)) throw typeError(body.type, parent.type);
      const id = await repo.insertOrg(t, {
        parentId: parent.id, parentPath: parent.path, regionKey: parent.region_key, type: body.type, name: body.name, code: body.code ?? null,
        unitName: body.unitName ?? null, unitKind: body.unitKind, address: body.address ?? null, lng: body.lng ?? null, lat: body.lat ?? null, setupDate: body.setupDate ?? null,
      });
      await repo.insertOrgEvent(t, id, 'created', actor.accountId, { parentId: parent.id, name: body.name, type: body.type });
      await auditInTx(t, ctx, { action: 'org.create', objectType: 'org', objectId: id, orgId: id, detail: { name: body.name, type: body.type, parentId: parent.id } });
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'org_code_key')) throw new AppError('DUPLICATE_ORG_CODE');
    throw e;
  }
}

export async function updateOrg(deps: Deps, ctx: ActorContext, id: string, body: UpdateOrgBody) {
  const actor = ctx.actor;
  try {
    await deps.db.tx(async (t) => {
      const org = await repo.findOrg(t, id, orgInScope(actor, 'org.update'), true);
      if (!org) throw notFound();
      if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
      if (body.type && body.type !== org.type && org.parent_id) {
        const parent = await repo.findOrg(t, org.parent_id, unscoped('reading the parent\'s type for a structural check; the child is in scope and the type is never shown'));
        if (parent && !canBeChildOf(body.type, parent.type)) throw typeError(body.type, parent.type);
      }
      if (body.type && body.type !== org.type) {
        // the new type must still fit the org's own children and members
        for (const child of await repo.listChildren(t, id, unscoped('reading the children\'s types for a structural check; the org is in scope and the types are never shown'), false)) {
          if (!canBeChildOf(child.type, body.type)) throw typeError(child.type, body.type);
        }
        const counts = await repo.memberCounts(t, org.id, org.path);
        if (!isBranchType(body.type) && counts.full_members + counts.probationary_members > 0) {
          throw new AppError('VALIDATION_FAILED', '该组织有在册党员，党员应编入党支部，不能改为非党支部类型');
        }
      }
      const { version, ...patch } = body;
      if (!(await repo.updateOrg(t, id, version, patch))) throw conflict();
      const changed = Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && (org as unknown as Record<string, unknown>)[k] !== v));
      await repo.insertOrgEvent(t, id, 'updated', actor.accountId, { changed: Object.keys(changed) });
      await auditInTx(t, ctx, { action: 'org.update', objectType: 'org', objectId: id, orgId: id, detail: { fields: Object.keys(patch) } });
    });
    // grants carry their org's name: this instance at once, the others by the org trigger's notification
    if (body.name !== undefined) deps.sessions.invalidateAll();
  } catch (e) {
    if (isUniqueViolation(e, 'org_code_key')) throw new AppError('DUPLICATE_ORG_CODE');
    throw e;
  }
}

export async function moveOrg(deps: Deps, ctx: ActorContext, id: string, newParentId: string, version: number) {
  const actor = ctx.actor;
  await deps.db.tx(async (t) => {
    await repo.lockTreeForMove(t);
    const org = await repo.findOrg(t, id, orgInScope(actor, 'org.move'), true);
    if (!org) throw notFound();
    if (org.version !== version) throw conflict();
    if (!org.parent_id) throw new AppError('ORG_MOVE_INVALID', '顶层组织不能移动');
    if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
    const parent = await repo.findOrg(t, newParentId, orgInScope(actor, 'org.move'), true);
    if (!parent) throw notFound();
    if (parent.dissolved_on) throw new AppError('ORG_DISSOLVED', '不能移动到已撤销的组织之下');
    if (parent.path === org.path || parent.path.startsWith(org.path + '.')) throw new AppError('ORG_MOVE_INVALID');
    if (parent.id === org.parent_id) return;
    if (!canBeChildOf(org.type, parent.type)) throw typeError(org.type, parent.type);
    await repo.moveSubtree(t, org, parent);
    await repo.insertOrgEvent(t, id, 'moved', actor.accountId, { fromParentId: org.parent_id, toParentId: parent.id });
    await auditInTx(t, ctx, { action: 'org.move', objectType: 'org', objectId: id, orgId: id, detail: { fromParentId: org.parent_id, toParentId: parent.id } });
  });
  // grants carry their org's path (scope checks): this instance at once, the others by the org trigger's notification
  deps.sessions.invalidateAll();
}


export async function dissolveOrg(deps: Deps, ctx: ActorContext, id: string, body: { dissolvedOn: string; reason: string; version: number }) {
  const actor = ctx.actor;
  await deps.db.tx(async (t) => {
    const org = await repo.findOrg(t, id, orgInScope(actor, 'org.dissolve'), true);
    if (!org) throw notFound();
    if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
    if (!org.parent_id) throw new AppError('VALIDATION_FAILED', '顶层组织不能撤销');
    const counts = await repo.memberCounts(t, org.id, org.path);
    const children = await repo.countActiveChildren(t, org.id);
    if (counts.subtree_members > 0 || counts.subtree_applicants > 0 || children.n > 0) throw new AppError('ORG_HAS_ACTIVE_MEMBERS');
    if (!(await repo.dissolveOrg(t, id, body.version, body.dissolvedOn, body.reason))) throw conflict();
    await repo.insertOrgEvent(t, id, 'dissolved', actor.accountId, { on: body.dissolvedOn, reason: body.reason });
    await auditInTx(t, ctx, { action: 'org.dissolve', objectType: 'org', objectId: id, orgId: id, detail: { on: body.dissolvedOn } });
  });
}

export async function electCommittee(deps: Deps, ctx: ActorContext, id: string, body: { electedOn: string; termYears?: number; posts: Array<{ post: CommitteePost; holderName: string; personId?: string | null; approvedOn?: string | null }> }) {
  const actor = ctx.actor;
  await deps.db.tx(async (t) => {
    const org = await repo.findOrg(t, id, orgInScope(actor, 'committee.manage'), true);
    if (!org) throw notFound();
    if (org.dissolved_on) throw new AppError('ORG_DISSOLVED');
    if (org.type === 'party_group') throw new AppError('VALIDATION_FAILED', '党小组不设委员会');
    const secretaries = body.posts.filter((p) => p.post === 'secretary').length;
    if (secretaries !== 1) throw new AppError('VALIDATION_FAILED', '班子中应有且只有一名书记');
    for (const p of body.posts) {
      if (p.personId && !(await repo.personInOrg(t, p.personId, org.path))) throw new AppError('VALIDATION_FAILED', `${p.holderName} 不是本组织的在册党员`);
    }
    let termYears = body.termYears;
    if (termYears === undefined) {
      // before the first rule version (2018) the term is not determined by a rule: ask for it
      const rule = await setupRule(t, body.electedOn, org.path).catch((e: Error) => {
        if (e.message.startsWith('no rule ')) return null;
        throw e;
      });
      if (!rule) throw new AppError('VALIDATION_FAILED', '选举日期早于现行任期规定的生效日期，请填写本届任期年限', { issues: [{ field: 'termYears', message: '请填写任期年限' }] });
      termYears = termYearsFor(rule.body, org.unit_kind);
    }
    await repo.endCommittee(t, id, body.electedOn);
    const committeeId = await repo.insertCommittee(t, id, body.electedOn, termYears, addYears(body.electedOn, termYears));
    for (const p of body.posts) await repo.insertPost(t, committeeId, { post: p.post, holderName: p.holderName, personId: p.personId ?? null, approvedOn: p.approvedOn ?? null });
    await repo.insertOrgEvent(t, id, 'committee_elected', actor.accountId, { electedOn: body.electedOn, termYears, posts: body.posts.length });
    await auditInTx(t, ctx, { action: 'org.committee_elect', objectType: 'org', objectId: id, orgId: id, detail: { electedOn: body.electedOn, termYears } });
  });
}

/** Setup warnings of every open org in the actor's scope (optionally under one org), errors first. */
export async function listOrgWarnings(deps: Deps, ctx: ActorContext, orgId: string | undefined, limit: number): Promise<OrgWarningList> {
  const scope = orgInScope(ctx.actor, 'org.read');
  let underPath: string | null = null;
  if (orgId) {
    const org = await repo.findOrg(deps.db, orgId, scope);
    if (!org) throw notFound();
    underPath = org.path;
  }
  const { all, checkedOrgs } = await setupWarningsIn(deps, scope, underPath);
  const byCode: Record<string, number> = {};
  for (const w of all) byCode[w.warning.code] = (byCode[w.warning.code] ?? 0) + 1;
  all.sort((a, b) => (a.warning.level === b.warning.level ? 0 : a.warning.level === 'error' ? -1 : 1));
  return { items: all.slice(0, limit), total: all.length, checkedOrgs, byCode };
}

/** Every setup warning of the open orgs a scope condition on `o` covers (under a path), on the business day. */
export async function setupWarningsIn(deps: Deps, scope: Sql, underPath: string | null) {
  const today = deps.clock.today();
  const [facts, rules] = await Promise.all([repo.setupFactsIn(deps.db, scope, underPath), rulesInForce<SetupRule>(deps.db, 'org', 'setup', today)]);
  const all: OrgWarningList['items'] = [];
  for (const f of facts) {
    const rule = pickRule(rules, f.path);
    if (!rule) continue;
    const warnings = evaluateSetup({ type: f.type, isDissolved: false, fullMembers: f.full_members, probationaryMembers: f.probationary_members, hasCommittee: f.term_ends_on !== null, committeePostCount: f.post_count, hasSecretary: f.has_secretary, termEndsOn: f.term_ends_on }, rule.body, rule.source, today);
    for (const w of warnings) all.push({ orgId: f.id, orgName: f.name, orgType: f.type, warning: w });
  }
  return { all, checkedOrgs: facts.length };
}
