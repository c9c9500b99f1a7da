import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { inSavepoint, isUniqueViolation } from '../../platform/db';
import { checkPasswordPolicy, describePasswordProblems, hashPassword } from '../../platform/password';
import { destroyAccountSessions } from '../../platform/session';
import { ADMIN_ROLES, ROLES, SELF_REGISTERED_ROLES, type Role, type DataScope } from '../../../contracts/permissions';
import * as repo from './admin.repo';

// Accounts and roles: the security administrator's work. Accounts are an
// installation-wide object (the secadmin grant covers the whole tree).

export async function listAccounts(deps: Deps, q: string | undefined, page: number, pageSize: number) {
  const where = repo.accountSearch(q);
  const [rows, total] = await Promise.all([repo.listAccounts(deps.db, where, pageSize, (page - 1) * pageSize), repo.countAccounts(deps.db, where)]);
  return {
    items: rows.map((r) => ({
      id: r.id, username: r.username, displayName: r.display_name, isDisabled: r.is_disabled, isLocked: r.is_locked, totpEnabled: r.totp_enabled, personId: r.person_id, createdAt: r.created_at,
      grants: (r.grants ?? []).map((g) => ({ id: g.id, role: g.role as Role, orgId: g.org_id, orgName: g.org_name, scope: g.scope as DataScope })),
    })),
    total, page, pageSize,
  };
}

function checkPassword(deps: Deps, password: string, username: string) {
  const problems = checkPasswordPolicy(password, username, deps.config.passwordRequireClasses);
  if (problems.length) throw new AppError('WEAK_PASSWORD', describePasswordProblems(problems, deps.config.passwordRequireClasses), { problems });
}

export async function createAccount(deps: Deps, ctx: ActorContext, body: { username: string; displayName: string; password: string; personId?: string | null }) {
  checkPassword(deps, body.password, body.username);
  const hash = await hashPassword(body.password);
  try {
    return await deps.db.tx(async (t) => {
      if (body.personId && !(await repo.personExists(t, body.personId))) throw new AppError('VALIDATION_FAILED', '关联的党员不存在');
      // the security administrator knows this password: the account chooses its own at first login (M7)
      const id = await repo.insertAccount(t, { username: body.username, displayName: body.displayName, passwordHash: hash, personId: body.personId ?? null, mustChangePassword: true });
      await auditInTx(t, ctx, { action: 'account.create', objectType: 'account', objectId: id, detail: { username: body.username } });
      return id;
    });
  } catch (e) {
    if (isUniqueViolation(e, 'account_username')) throw new AppError('DUPLICATE_USERNAME');
    throw e;
  }
}

export async function updateAccount(deps: Deps, ctx: ActorContext, id: string, body: { displayName?: string; isDisabled?: boolean; password?: string; resetTotp?: true }) {
  if (id === ctx.actor.accountId && body.isDisabled) throw new AppError('VALIDATION_FAILED', '不能停用自己的账号');
  if (id === ctx.actor.accountId && body.resetTotp) throw new AppError('VALIDATION_FAILED', '不能重置自己的双因素认证，请由另一位安全管理员操作');
  const hash = body.password ? await hashPassword(body.password) : undefined;
  await deps.db.tx(async (t) => {
    const acc = await repo.findAccount(t, id);
    if (!acc) throw notFound();
    if (body.password) checkPassword(deps, body.password, acc.username);
    await repo.updateAccount(t, id, { displayName: body.displayName, isDisabled: body.isDisabled, passwordHash: hash, mustChangePassword: body.password ? true : undefined });
    if (body.resetTotp) await repo.resetTotp(t, id);
    if (body.isDisabled || body.password || body.resetTotp) await destroyAccountSessions(t, id);
    if (body.isDisabled === false || body.password) await repo.clearLoginThrottle(t, acc.username);
    await auditInTx(t, ctx, { action: 'account.update', objectType: 'account', objectId: id, detail: { displayName: body.displayName !== undefined, isDisabled: body.isDisabled ?? null, passwordReset: !!body.password, totpReset: !!body.resetTotp } });
  });
  // this instance at once, after the commit; the others by the account trigger's notification
  deps.sessions.invalidateAccount(id);
}

/** The shape rules of a grant (also used by the operator CLI): administrators have no org, members see only themselves. */
export function validateGrant(body: { role: Role; orgId?: string | null; scope: DataScope }) {
  if (SELF_REGISTERED_ROLES.includes(body.role)) throw new AppError('VALIDATION_FAILED', `${ROLES[body.role].label}账号由本人用手机号注册产生，不能授予`);
  const isAdminRole = ADMIN_ROLES.includes(body.role);
  if (isAdminRole && body.orgId) throw new AppError('VALIDATION_FAILED', `${ROLES[body.role].label}的范围是整个系统，不需要选择组织`);
  if (!isAdminRole && !body.orgId) throw new AppError('VALIDATION_FAILED', '请选择角色所在的组织');
  if (body.role === 'member' && body.scope !== 'self') throw new AppError('VALIDATION_FAILED', '党员角色的数据范围只能是“本人”');
  if (body.role !== 'member' && !isAdminRole && body.scope === 'self') throw new AppError('VALIDATION_FAILED', '该角色的数据范围应为“本级”或“本级及以下”');
  return isAdminRole;
}

export async function grantRole(deps: Deps, ctx: ActorContext, accountId: string, body: { role: Role; orgId?: string | null; scope: DataScope }) {
  if (accountId === ctx.actor.accountId) throw new AppError('FORBIDDEN', '不能修改自己的角色');
  const isAdminRole = validateGrant(body);
  const grantId = await deps.db.tx(async (t) => {
    const acc = await repo.findAccount(t, accountId);
    if (!acc) throw notFound();
    if (body.orgId && !(await repo.orgExists(t, body.orgId))) throw new AppError('VALIDATION_FAILED', '所选组织不存在或已撤销');
    // 三员: an administrator account holds no business role, a business account no administrator role
    const held = await repo.activeRoles(t, accountId);
    if (held.some((r) => ADMIN_ROLES.includes(r) !== isAdminRole)) throw new AppError('ADMIN_BUSINESS_CONFLICT');
    let id: string;
    try {
      id = await inSavepoint(t, 'grant_insert', () => repo.insertGrant(t, { accountId, role: body.role, orgId: isAdminRole ? null : body.orgId!, scope: isAdminRole ? 'subtree' : body.scope, grantedBy: ctx.actor.accountId }));
    } catch (e) {
      if ((e as { code?: string }).code === 'P0002') throw new AppError('ADMIN_ROLE_CONFLICT');
      if ((e as { code?: string }).code === 'P0003') throw new AppError('ADMIN_BUSINESS_CONFLICT');
      if (isUniqueViolation(e)) throw new AppError('VALIDATION_FAILED', '该账号在此组织已有这个角色');
      throw e;
    }
    await destroyAccountSessions(t, accountId); // role change: sessions re-established with the new grants
    await auditInTx(t, ctx, { action: 'role.grant', objectType: 'account', objectId: accountId, orgId: body.orgId ?? null, detail: { role: body.role, scope: body.scope, grantId: id } });
    return id;
  });
  deps.sessions.invalidateAccount(accountId);
  return grantId;
}

export async function revokeRole(deps: Deps, ctx: ActorContext, accountId: string, grantId: string) {
  if (accountId === ctx.actor.accountId) throw new AppError('FORBIDDEN', '不能修改自己的角色');
  await deps.db.tx(async (t) => {
    const g = await repo.findGrant(t, accountId, grantId);
    if (!g) throw notFound();
    await repo.revokeGrant(t, grantId, ctx.actor.accountId);
    await destroyAccountSessions(t, accountId);
    await auditInTx(t, ctx, { action: 'role.revoke', objectType: 'account', objectId: accountId, detail: { role: g.role, grantId } });
  });
  deps.sessions.invalidateAccount(accountId);
}
