import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { RequestContext, ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { audit, auditInTx } from '../../platform/audit';
import type { Queryable } from '../../platform/db';
import { checkPasswordPolicy, describePasswordProblems, hashPassword } from '../../platform/password';
import { createSession, destroyAccountSessions, destroySession, idleSecondsFor, loadGrants } from '../../platform/session';
import { personInScope } from '../../platform/scope';
import { ACTIVATION_REQUEST_MESSAGE, type ActivateAccountBody, type ActivationRequestAnswer, type LinkAccountPersonBody, type LinkedPersonView, type RequestActivationBody } from '../../../contracts/activation';
import { insertAccount } from '../admin';
import * as repo from './activation.repo';

// Members activate their own phone login (issue 11, docs/ARCHITECTURE.md
// "Member activation"): name + ID number + phone are matched against the
// member record through the keyed hashes; a one-time code goes by SMS to that
// phone; with it the member sets a password and gets an account (role member,
// scope 本人) whose username is the phone number.

export const CODE_TTL_MINUTES = 10;
export const CODE_MAX_ATTEMPTS = 5;
/** codes a person may be sent within an hour (beyond it the generic answer still comes, without a code) */
export const CODES_PER_HOUR = 3;

const codeHash = (deps: Deps, codeId: string, code: string) => deps.cipher.hash(`activation:${codeId}:${code}`);

export async function requestMemberActivation(deps: Deps, ctx: RequestContext, body: RequestActivationBody): Promise<ActivationRequestAnswer> {
  const { db, cipher } = deps;
  const person = await repo.findActivatablePerson(db, cipher.hash(body.idNumber), cipher.hash(body.phone));
  let outcome: 'sent' | 'no_match' | 'already_active' | 'too_many_codes' = 'sent';
  let code: string | null = null;
  if (!person || person.name !== body.name.trim()) outcome = 'no_match';
  else {
    code = await db.tx(async (t) => {
      await repo.lockPerson(t, person.id);
      if ((await repo.activeLinkedAccounts(t, person.id)).length) {
        outcome = 'already_active';
        return null;
      }
      if ((await repo.codesIssuedSince(t, person.id, 60)) >= CODES_PER_HOUR) {
        outcome = 'too_many_codes';
        return null;
      }
      await repo.closeOpenCodes(t, person.id);
      const value = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
      const id = crypto.randomUUID();
      // the code's hash is keyed and bound to its row: the table alone does not give the code away
      await repo.insertCode(t, { id, personId: person.id, phoneHash: cipher.hash(body.phone), codeHash: codeHash(deps, id, value), ttlMinutes: CODE_TTL_MINUTES });
      await auditInTx(t, ctx, { action: 'member.activation_request', objectType: 'person', objectId: person.id, orgId: person.org_id, detail: { result: 'sent' } });
      return value;
    });
  }
  if (code) {
    // the outbound log keeps the message without the code
    await deps.notify.sendMessage(db, 'sms', body.phone, null, `【智慧党建】您的账号激活验证码为 ${code}，${CODE_TTL_MINUTES}分钟内有效。如非本人操作，请忽略并告知所在党支部。`,
      `【智慧党建】您的账号激活验证码为 ******，${CODE_TTL_MINUTES}分钟内有效。`);
  } else {
    await audit(db, ctx, { action: 'member.activation_request', outcome: 'failure', objectType: person && outcome !== 'no_match' ? 'person' : null, objectId: person && outcome !== 'no_match' ? person.id : null, detail: { result: outcome } });
  }
  return { message: ACTIVATION_REQUEST_MESSAGE, demoCode: deps.config.demoAllowed ? code : null };
}

type Verified = { kind: 'ok'; accountId: string; username: string; reused: boolean } | { kind: 'expired' } | { kind: 'wrong'; left: number } | { kind: 'already_active' } | { kind: 'username_taken' };

export async function activateMemberAccount(deps: Deps, ctx: RequestContext, body: ActivateAccountBody, userAgent: string | null, previousToken: string | null) {
  const { db, cipher, config } = deps;
  const username = body.phone;
  // the password policy first: a weak password costs no attempt of the code
  const problems = checkPasswordPolicy(body.password, username, config.passwordRequireClasses);
  if (problems.length) throw new AppError('WEAK_PASSWORD', describePasswordProblems(problems, config.passwordRequireClasses), { problems });
  const phoneHash = cipher.hash(body.phone);
  const person = await repo.findActivatablePerson(db, cipher.hash(body.idNumber), phoneHash);
  const passwordHash = await hashPassword(body.password);
  const result: Verified = !person ? { kind: 'expired' } : await db.tx(async (t): Promise<Verified> => {
    await repo.lockPerson(t, person.id);
    const row = await repo.latestCode(t, person.id, phoneHash);
    if (!row || !row.is_live || row.attempts >= CODE_MAX_ATTEMPTS) return { kind: 'expired' };
    const given = codeHash(deps, row.id, body.code);
    if (!crypto.timingSafeEqual(given, row.code_hash)) {
      const attempts = await repo.countAttempt(t, row.id);
      return { kind: 'wrong', left: Math.max(0, CODE_MAX_ATTEMPTS - attempts) };
    }
    if ((await repo.activeLinkedAccounts(t, person.id)).length) return { kind: 'already_active' };
    const holder = await repo.accountByUsername(t, username);
    const reuse = await repo.disabledMemberAccount(t, person.id);
    if (holder && holder.id !== reuse?.id) return { kind: 'username_taken' };
    await repo.markCodeUsed(t, row.id);
    let accountId: string;
    if (reuse) {
      accountId = reuse.id;
      await repo.reenableAccount(t, accountId, { username, displayName: person.name, passwordHash });
      await destroyAccountSessions(t, accountId);
    } else {
      accountId = await insertAccount(t, { username, displayName: person.name, passwordHash, personId: person.id });
    }
    if (person.org_id) await repo.placeMemberGrant(t, accountId, person.org_id);
    await repo.clearLoginThrottle(t, username);
    await auditInTx(t, ctx, { action: 'member.activate', objectType: 'account', objectId: accountId, orgId: person.org_id, username, accountId, detail: { username, reused: !!reuse } });
    return { kind: 'ok', accountId, username, reused: !!reuse };
  });
  if (result.kind !== 'ok') {
    await audit(db, ctx, { action: 'member.activate', outcome: 'failure', objectType: person ? 'person' : null, objectId: person?.id ?? null, detail: { result: result.kind } });
    if (result.kind === 'expired') throw new AppError('ACTIVATION_CODE_EXPIRED');
    if (result.kind === 'wrong') {
      throw result.left > 0
        ? new AppError('ACTIVATION_CODE_INVALID', `验证码不正确，还可以再试${result.left}次`, { attemptsLeft: result.left })
        : new AppError('ACTIVATION_CODE_EXPIRED', '验证码错误次数过多，已作废，请重新获取验证码', { attemptsLeft: 0 });
    }
    if (result.kind === 'already_active') throw new AppError('ALREADY_ACTIVATED');
    throw new AppError('DUPLICATE_USERNAME', '该手机号已是另一个账号的用户名，无法用它激活，请联系所在党支部');
  }
  // signed in, as a login would
  if (previousToken) await destroySession(db, previousToken);
  const grants = await loadGrants(db, result.accountId);
  const token = await createSession(db, result.accountId, idleSecondsFor(grants, config.session), config.session.absoluteSeconds, ctx.ip, userAgent);
  return { token, absoluteSeconds: config.session.absoluteSeconds, username: result.username };
}

/**
 * The security administrator links an existing account to the current member
 * with this exact ID number and name (anywhere in the installation); refused
 * when the member already has another enabled account.
 */
export async function linkAccountToPerson(deps: Deps, ctx: ActorContext, accountId: string, body: LinkAccountPersonBody): Promise<LinkedPersonView> {
  return deps.db.tx(async (t) => {
    const account = await repo.findAccountForLink(t, accountId);
    if (!account) throw notFound();
    const person = await repo.findCurrentPersonByIdHash(t, deps.cipher.hash(body.idNumber));
    if (!person || person.name !== body.name.trim()) throw new AppError('VALIDATION_FAILED', '未找到姓名与身份证号一致的在册党员', { issues: [{ field: 'idNumber', message: '未找到姓名与身份证号一致的在册党员' }] });
    await repo.lockPerson(t, person.id);
    const others = (await repo.activeLinkedAccounts(t, person.id)).filter((a) => a.id !== accountId);
    if (others.length) throw new AppError('PERSON_ALREADY_LINKED');
    await repo.setAccountPerson(t, accountId, person.id);
    // the account's sessions carry the person they act for: signed in again with the link
    await destroyAccountSessions(t, accountId);
    await auditInTx(t, ctx, { action: 'account.link_person', objectType: 'account', objectId: accountId, orgId: person.org_id, detail: { personId: person.id, previousPersonId: account.person_id } });
    return { personId: person.id, name: person.name, orgName: person.org_name };
  });
}

/**
 * The branch resets a member's activation (a new phone, a lost password): the
 * member's enabled accounts are disabled and their codes ended, so that they
 * can activate again. An account that also holds another role is left to the
 * security administrator.
 */
export async function resetMemberActivation(deps: Deps, ctx: ActorContext, personId: string): Promise<{ disabled: number }> {
  return deps.db.tx(async (t) => {
    const p = await repo.findMemberInScope(t, personId, personInScope(ctx.actor, 'member.update'));
    if (!p) throw notFound();
    const accounts = await repo.activeLinkedAccounts(t, personId);
    if (accounts.some((a) => a.other_roles > 0)) throw new AppError('VALIDATION_FAILED', '该党员的账号还担任其他角色，请由安全管理员在账号管理中处理');
    const ids = accounts.map((a) => a.id);
    if (ids.length) await repo.disableAccounts(t, ids);
    for (const id of ids) await destroyAccountSessions(t, id);
    await repo.closeOpenCodes(t, personId);
    await auditInTx(t, ctx, { action: 'member.activation_reset', objectType: 'person', objectId: personId, orgId: p.org_id, detail: { accounts: ids.length } });
    return { disabled: ids.length };
  });
}

/**
 * A person's membership ended (减少: 出党, 停止党籍, 死亡, 取消预备党员资格…):
 * every account linked to them is disabled in the caller's transaction, their
 * sessions end and their pending codes die.
 */
export async function disablePersonAccounts(t: Queryable, ctx: RequestContext, personId: string, reason: string): Promise<void> {
  const ids = await repo.disableLinkedAccounts(t, personId);
  for (const id of ids) {
    await destroyAccountSessions(t, id);
    await auditInTx(t, ctx, { action: 'account.disable_former_member', objectType: 'account', objectId: id, detail: { personId, reason } });
  }
  await repo.closeOpenCodes(t, personId);
}
