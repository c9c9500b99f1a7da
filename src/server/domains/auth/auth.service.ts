import type { Deps } from '../../deps';
import { AppError } from '../../platform/errors';
import type { RequestContext, ActorContext } from '../../platform/actor';
import { permissionsOf, scopeRootOrgIds } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { checkPasswordPolicy, describePasswordProblems, dummyHash, hashPassword, verifyPassword } from '../../platform/password';
import { createSession, destroyAccountSessions, destroySession, idleSecondsFor, loadGrants } from '../../platform/session';
import * as repo from './auth.repo';
import { acceptTotp, newTotpSecret, totpEnrollment } from '../../platform/totp';
import type { MeView } from '../../../contracts/auth';

// QUALITY: 5 failures → locked 15 minutes; same reply for unknown user and wrong password.
export const MAX_FAILURES = 5;
export const LOCK_MINUTES = 15;

export async function login(deps: Deps, ctx: RequestContext, username: string, password: string, totpCode: string | undefined, userAgent: string | null, previousToken: string | null) {
  const { db, config } = deps;
  const key = username.trim().toLowerCase();
  if (await repo.lockedUntil(db, key)) {
    await audit(db, ctx, { action: 'auth.login', outcome: 'denied', username: key, detail: { reason: 'locked' } });
    throw new AppError('ACCOUNT_LOCKED');
  }
  const account = await repo.findAccountByUsername(db, key);
  const isValid = account ? await verifyPassword(account.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
  if (!account || !isValid || account.is_disabled) {
    const locked = await repo.recordFailure(db, key, MAX_FAILURES, LOCK_MINUTES);
    await audit(db, ctx, { action: 'auth.login', outcome: 'failure', username: key, accountId: account?.id ?? null, detail: { reason: 'invalid_credentials', locked } });
    throw new AppError(locked ? 'ACCOUNT_LOCKED' : 'INVALID_CREDENTIALS');
  }
  if (account.totp_secret_enc) {
    // second step: the password was right, the authenticator code decides
    if (!totpCode) {
      await audit(db, ctx, { action: 'auth.login', outcome: 'denied', username: key, accountId: account.id, detail: { reason: 'totp_required' } });
      throw new AppError('TOTP_REQUIRED');
    }
    const step = acceptTotp(deps.cipher.decrypt(account.totp_secret_enc), totpCode, account.totp_last_step, deps.clock.now().getTime());
    if (step === null || !(await repo.useTotpStep(db, account.id, step))) {
      const locked = await repo.recordFailure(db, key, MAX_FAILURES, LOCK_MINUTES);
      await audit(db, ctx, { action: 'auth.login', outcome: 'failure', username: key, accountId: account.id, detail: { reason: 'invalid_totp', locked } });
      throw new AppError(locked ? 'ACCOUNT_LOCKED' : 'INVALID_TOTP');
    }
  }
  await repo.clearFailures(db, key);
  if (previousToken) await destroySession(db, previousToken); // rotate at login
  const grants = await loadGrants(db, account.id);
  const idle = idleSecondsFor(grants, config.session);
  const token = await createSession(db, account.id, idle, config.session.absoluteSeconds, ctx.ip, userAgent);
  await audit(db, { ...ctx, actor: { accountId: account.id, username: account.username, displayName: account.display_name, personId: account.person_id, grants, isDemo: account.is_demo } }, {
    action: 'auth.login',
    objectType: 'account',
    objectId: account.id,
  });
  return { token, absoluteSeconds: config.session.absoluteSeconds };
}

export async function logout(deps: Deps, ctx: RequestContext, token: string | null) {
  if (token) await destroySession(deps.db, token);
  // this instance at once; the others (and this one again) by the session trigger's notification
  if (ctx.actor) deps.sessions.invalidateAccount(ctx.actor.accountId);
  if (ctx.actor) await audit(deps.db, ctx, { action: 'auth.logout', objectType: 'account', objectId: ctx.actor.accountId });
}

export async function getMe(deps: Deps, ctx: ActorContext, idleSeconds: number, totp: { enabled: boolean; enrollmentRequired: boolean }, passwordChangeRequired: boolean): Promise<MeView> {
  const actor = ctx.actor;
  const wholeTree = actor.grants.some((g) => g.orgId === null);
  const roots = wholeTree ? await repo.topLevelOrgs(deps.db) : await repo.scopeRootsOf(deps.db, scopeRootOrgIds(actor.grants));
  return {
    id: actor.accountId,
    username: actor.username,
    displayName: actor.displayName,
    personId: actor.personId,
    grants: actor.grants.map((g) => ({ id: g.id, role: g.role, orgId: g.orgId, orgName: g.orgName, scope: g.scope })),
    permissions: permissionsOf(actor),
    scopeRoots: roots,
    idleTimeoutSeconds: idleSeconds,
    isDemo: actor.isDemo,
    totpEnabled: totp.enabled,
    totpEnrollmentRequired: totp.enrollmentRequired,
    passwordChangeRequired,
  };
}

export async function changePassword(deps: Deps, ctx: ActorContext, currentPassword: string, newPassword: string) {
  const actor = ctx.actor;
  const account = await repo.findAccountById(deps.db, actor.accountId);
  if (!account) throw new AppError('UNAUTHENTICATED');
  // the current-password check counts towards the login lockout: a stolen
  // session cannot be used to guess the password (M8)
  const key = account.username.trim().toLowerCase();
  if (await repo.lockedUntil(deps.db, key)) {
    await deps.db.tx((t) => destroyAccountSessions(t, actor.accountId));
    deps.sessions.invalidateAccount(actor.accountId);
    throw new AppError('ACCOUNT_LOCKED');
  }
  if (!(await verifyPassword(account.password_hash, currentPassword))) {
    const locked = await repo.recordFailure(deps.db, key, MAX_FAILURES, LOCK_MINUTES);
    if (locked) {
      await deps.db.tx((t) => destroyAccountSessions(t, actor.accountId));
      deps.sessions.invalidateAccount(actor.accountId);
    }
    await audit(deps.db, ctx, { action: 'auth.password_change', outcome: 'failure', objectType: 'account', objectId: actor.accountId, detail: { locked } });
    throw new AppError(locked ? 'ACCOUNT_LOCKED' : 'INVALID_CREDENTIALS', locked ? undefined : '当前密码不正确');
  }
  await repo.clearFailures(deps.db, key);
  const problems = checkPasswordPolicy(newPassword, account.username, deps.config.passwordRequireClasses);
  if (newPassword === currentPassword) throw new AppError('WEAK_PASSWORD', '新密码不能与当前密码相同');
  if (problems.length) throw new AppError('WEAK_PASSWORD', describePasswordProblems(problems, deps.config.passwordRequireClasses), { problems });
  const hash = await hashPassword(newPassword);
  await deps.db.tx(async (t) => {
    await repo.setPassword(t, actor.accountId, hash);
    await destroyAccountSessions(t, actor.accountId); // password change kills every session
  });
  deps.sessions.invalidateAccount(actor.accountId);
  await audit(deps.db, ctx, { action: 'auth.password_change', objectType: 'account', objectId: actor.accountId });
}

/** Starts (or restarts) enrolment of an authenticator: a new pending secret, shown once. */
export async function setupTotp(deps: Deps, ctx: ActorContext) {
  const actor = ctx.actor;
  const secret = newTotpSecret();
  await repo.setTotpPending(deps.db, actor.accountId, deps.cipher.encrypt(secret));
  await audit(deps.db, ctx, { action: 'auth.totp_setup', objectType: 'account', objectId: actor.accountId });
  return totpEnrollment(secret, actor.username);
}

/** Confirms enrolment with a first code from the authenticator. */
export async function enableTotp(deps: Deps, ctx: ActorContext, code: string) {
  const actor = ctx.actor;
  const account = await repo.findAccountById(deps.db, actor.accountId);
  if (!account?.totp_pending_enc) throw new AppError('VALIDATION_FAILED', '请先生成绑定二维码');
  const step = acceptTotp(deps.cipher.decrypt(account.totp_pending_enc), code, null, deps.clock.now().getTime());
  if (step === null) {
    await audit(deps.db, ctx, { action: 'auth.totp_enable', outcome: 'failure', objectType: 'account', objectId: actor.accountId });
    throw new AppError('VALIDATION_FAILED', '动态验证码不正确，请确认手机时间准确后重新输入', { issues: [{ field: 'code', message: '动态验证码不正确' }] });
  }
  await repo.enableTotp(deps.db, actor.accountId, step);
  deps.sessions.invalidateAccount(actor.accountId); // the session now has a second factor
  await audit(deps.db, ctx, { action: 'auth.totp_enable', objectType: 'account', objectId: actor.accountId });
}
