import type { Deps } from '../server/deps';
import type { Queryable } from '../server/platform/db';
import { isUniqueViolation } from '../server/platform/db';
import { auditInTx } from '../server/platform/audit';
import { AppError } from '../server/platform/errors';
import { checkPasswordPolicy, describePasswordProblems, hashPassword } from '../server/platform/password';
import { destroyAccountSessions } from '../server/platform/session';
import { disableDemoAccounts, findOtherAdminRole, insertAccount, insertGrant, listAccountsWithGrants, lockAccountByUsername, personExists, validateGrant } from '../server/domains/admin';
import { ADMIN_ROLES, ROLES, type DataScope, type Role } from '../contracts/permissions';
import { CreateAccountBody } from '../contracts/admin';
import { CliError, cliAuditAs, cliConfig, printTable, readNewPassword, withRuntime } from './shared';
import { findOrg, type OrgHit } from './lookup';

// Accounts from the command line: the first administrators of an installation,
// and switching off the demo accounts before going to production.

export const ROLE_NAMES = Object.keys(ROLES) as Role[];
export const SCOPE_NAMES: DataScope[] = ['node', 'subtree', 'self'];

interface GrantInput {
  role: Role;
  org?: string;
  scope?: DataScope;
}

function defaultScope(role: Role): DataScope {
  return role === 'member' ? 'self' : 'subtree';
}

/** Validates a grant (same rules as the web console) and resolves its org. */
async function resolveGrant(deps: Deps, g: GrantInput): Promise<{ role: Role; org: OrgHit | null; scope: DataScope }> {
  const scope = g.scope ?? defaultScope(g.role);
  validateGrant({ role: g.role, orgId: g.org ?? null, scope });
  const org = g.org ? await findOrg(deps, g.org) : null;
  return { role: g.role, org, scope: ADMIN_ROLES.includes(g.role) ? 'subtree' : scope };
}

/** Inserts the grant; the database trigger enforces the three-administrator separation. */
async function grantInTx(t: Queryable, accountId: string, g: { role: Role; org: OrgHit | null; scope: DataScope }) {
  const auditAs = cliAuditAs();
  let id: string;
  try {
    id = await insertGrant(t, { accountId, role: g.role, orgId: g.org?.id ?? null, scope: g.scope, grantedBy: null });
  } catch (e) {
    // the transaction is rolled back by the caller
    if ((e as { code?: string }).code === 'P0002') throw new AppError('ADMIN_ROLE_CONFLICT');
    if (isUniqueViolation(e)) throw new CliError(`The account already has the role ${g.role}${g.org ? ` at ${g.org.name}` : ''}.`);
    throw e;
  }
  await auditInTx(t, auditAs.ctx, { action: 'role.grant', objectType: 'account', objectId: accountId, orgId: g.org?.id ?? null, username: auditAs.username, detail: { role: g.role, scope: g.scope, grantId: id } });
  return id;
}

const describeGrant = (g: { role: Role; org: OrgHit | null; scope: DataScope }) =>
  `${g.role}${g.org ? ` at ${g.org.name}${g.org.code ? ` (${g.org.code})` : ''}, scope ${g.scope}` : ' (whole installation)'}`;

export async function userCreate(opts: { username: string; name: string; role: Role; org?: string; scope?: DataScope; person?: string }) {
  const config = cliConfig();
  const parsed = CreateAccountBody.pick({ username: true, displayName: true, personId: true }).safeParse({ username: opts.username, displayName: opts.name, personId: opts.person ?? null });
  if (!parsed.success) {
    const labels: Record<string, string> = { username: '--username', displayName: '--name', personId: '--person' };
    throw new CliError(parsed.error.issues.map((i) => `${labels[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`).join('; '));
  }
  const { username, displayName } = parsed.data;
  // the same shape rules as the web console, checked before anything is asked or opened
  validateGrant({ role: opts.role, orgId: opts.org ?? null, scope: opts.scope ?? defaultScope(opts.role) });
  const password = await readNewPassword();
  const problems = checkPasswordPolicy(password, username, config.passwordRequireClasses);
  if (problems.length) throw new CliError(`Password rejected: ${describePasswordProblems(problems, config.passwordRequireClasses)}`);
  const hash = await hashPassword(password);
  await withRuntime(async ({ deps }) => {
    const grant = await resolveGrant(deps, opts);
    if (opts.person && !(await personExists(deps.db, opts.person))) throw new CliError(`No person with id ${opts.person}.`);
    const auditAs = cliAuditAs();
    const id = await deps.db.tx(async (t) => {
      let accountId: string;
      try {
        accountId = await insertAccount(t, { username, displayName, passwordHash: hash, personId: opts.person ?? null });
      } catch (e) {
        if (isUniqueViolation(e, 'account_username')) throw new AppError('DUPLICATE_USERNAME', `Username "${username}" is taken (该用户名已被使用).`);
        throw e;
      }
      await auditInTx(t, auditAs.ctx, { action: 'account.create', objectType: 'account', objectId: accountId, username: auditAs.username, detail: { username } });
      await grantInTx(t, accountId, grant);
      return accountId;
    });
    console.log(`Created account ${username} (${id}) with role ${describeGrant(grant)}.`);
  });
}

export async function userGrant(opts: { username: string; role: Role; org?: string; scope?: DataScope }) {
  validateGrant({ role: opts.role, orgId: opts.org ?? null, scope: opts.scope ?? defaultScope(opts.role) });
  await withRuntime(async ({ deps }) => {
    const grant = await resolveGrant(deps, opts);
    await deps.db.tx(async (t) => {
      const acc = await lockAccountByUsername(t, opts.username);
      if (!acc) throw new CliError(`No account named "${opts.username}".`);
      if (ADMIN_ROLES.includes(grant.role)) {
        const other = await findOtherAdminRole(t, acc.id, ADMIN_ROLES, grant.role);
        if (other) throw new AppError('ADMIN_ROLE_CONFLICT', `${opts.username} already holds ${other.role}: 系统管理员、安全管理员、审计管理员三个角色不能由同一账号兼任`);
      }
      await grantInTx(t, acc.id, grant);
      await destroyAccountSessions(t, acc.id); // sessions are re-established with the new grants
    });
    console.log(`Granted ${describeGrant(grant)} to ${opts.username}.`);
  });
}

export async function userDisableDemo() {
  await withRuntime(async ({ deps }) => {
    const auditAs = cliAuditAs();
    const disabled = await deps.db.tx(async (t) => {
      const rows = await disableDemoAccounts(t);
      for (const r of rows) {
        await destroyAccountSessions(t, r.id);
        await auditInTx(t, auditAs.ctx, { action: 'account.update', objectType: 'account', objectId: r.id, username: auditAs.username, detail: { isDisabled: true, demoAccount: true } });
      }
      return rows.map((r) => r.username).sort();
    });
    console.log(disabled.length ? `Disabled ${disabled.length} demo accounts: ${disabled.join(', ')}.` : 'No enabled demo accounts.');
  });
}

export async function userList(opts: { residents?: boolean } = {}) {
  await withRuntime(async ({ deps }) => {
    const all = await listAccountsWithGrants(deps.db);
    // residents register themselves by the thousand: the operator's list is the staff's unless asked
    const isResident = (r: (typeof all)[number]) => !!r.grants && r.grants.split(', ').every((g) => g.startsWith('resident@'));
    const rows = opts.residents ? all : all.filter((r) => !isResident(r));
    const hidden = all.length - rows.length;
    if (!rows.length) {
      console.log('No accounts.');
      return;
    }
    printTable(['username', 'name', 'roles', 'flags'], rows.map((r) => [
      r.username, r.display_name, r.grants ?? '-', [r.is_disabled && 'disabled', r.is_demo && 'demo', r.is_locked && 'locked'].filter(Boolean).join(',') || '-',
    ]));
    console.log(`${rows.length} accounts${hidden ? ` (${hidden} resident accounts not listed: --residents lists them)` : ''}`);
  });
}
