import { Command, Option } from 'commander';
import { TIERS, type Tier } from '../server/seed/generate';
import type { DataScope, Role } from '../contracts/permissions';
import { CliError, describeError, parsePositiveInt, setVerbose } from './shared';
import { userCreate, userGrant, userDisableDemo, userList, ROLE_NAMES, SCOPE_NAMES } from './user';
import { importMembers, exportMembers, EXPORT_STATUSES } from './members';
import { migrateCmd, seedCmd, auditVerifyCmd, duesVerifyCmd, jobsListCmd, jobsShowCmd, backupCmd, restoreCmd } from './ops';
import { rollupsVerifyCmd, rollupsRebuildCmd, meetingsVerifyCmd, pointsVerifyCmd, pointsRebuildCmd, pointsAwardCmd, meetingsRebuildCmd, mallVerifyCmd, mallRebuildCmd, volunteerVerifyCmd, volunteerRebuildCmd, needVerifyCmd, needRebuildCmd, clubVerifyCmd, clubRebuildCmd } from './ops';
import { indexVerifyCmd, indexRebuildCmd } from './ops';

// Operator commands: `npm run cli -- <command>` (node --import tsx src/cli/index.ts).
// The database is the server's: the embedded one under DATA_DIR (the server
// must be stopped, it holds the data-directory lock) or DATABASE_URL.
// Exit codes: 0 success, 1 failure (one line on stderr), 2 import finished with row errors.

function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const msg = describeError(e);
      if (msg) process.stderr.write(`error: ${msg}\n`);
      process.exitCode = e instanceof CliError ? e.exitCode : 1;
    }
  };
}

const program = new Command()
  .name('dangjian')
  .description('智慧党建云平台 operator commands (database: DATABASE_URL, or the embedded one under DATA_DIR)')
  .option('-v, --verbose', 'log database start-up and migrations to stderr')
  .hook('preAction', (cmd) => setVerbose(!!cmd.optsWithGlobals().verbose))
  .showHelpAfterError();

program.command('migrate').description('apply pending migrations and list them').action(action(migrateCmd));

program
  .command('seed')
  .description('generate deterministic demo data (tier demo also creates the demo accounts)')
  .addOption(new Option('--tier <tier>', 'data size').choices(Object.keys(TIERS)).makeOptionMandatory())
  .option('--seed <n>', 'random seed', parsePositiveInt('--seed'), 1)
  .option('--force-append', 'add the data even though organisations exist')
  .action(action((o: { tier: Tier; seed: number; forceAppend?: boolean }) => seedCmd(o)));

const user = program.command('user').description('accounts');
user
  .command('create')
  .description('create an account with one role; password from DJ_PASSWORD or prompted')
  .requiredOption('--username <username>', 'login name')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(ROLE_NAMES).makeOptionMandatory())
  .option('--org <org>', 'org id or org code (not for sysadmin/secadmin/auditor)')
  .addOption(new Option('--scope <scope>', 'data scope (default: self for member, else subtree)').choices(SCOPE_NAMES))
  .option('--person <personId>', 'link the account to a person')
  .action(action((o: { username: string; name: string; role: Role; org?: string; scope?: DataScope; person?: string }) => userCreate(o)));
user
  .command('grant')
  .description('grant another role to an existing account')
  .requiredOption('--username <username>', 'login name')
  .addOption(new Option('--role <role>', 'role').choices(ROLE_NAMES).makeOptionMandatory())
  .option('--org <org>', 'org id or org code (not for sysadmin/secadmin/auditor)')
  .addOption(new Option('--scope <scope>', 'data scope (default: self for member, else subtree)').choices(SCOPE_NAMES))
  .action(action((o: { username: string; role: Role; org?: string; scope?: DataScope }) => userGrant(o)));
user.command('disable-demo').description('disable every demo account (required before starting in production)').action(action(userDisableDemo));
user.command('list').description('list accounts and their roles (residents, who register themselves, only with --residents)').option('--residents', 'also list the residents\' accounts').action(action((o: { residents?: boolean }) => userList(o)));

program
  .command('import')
  .description('import data')
  .command('members <file>')
  .description('import members from the Excel template, with the scope of the account given by --as')
  .requiredOption('--as <username>', 'act as this account (its scope and permissions apply)')
  .option('--dry-run', 'validate and report only')
  .action(action((file: string, o: { as: string; dryRun?: boolean }) => importMembers(file, o)));

program
  .command('export')
  .description('export data')
  .command('members')
  .description('export the member roster (masked, as in the web console) to an .xlsx file')
  .requiredOption('--as <username>', 'act as this account (its scope and permissions apply)')
  .option('--org <org>', 'org id or code: only this subtree')
  .addOption(new Option('--status <status>', 'which members').choices(EXPORT_STATUSES).default('current'))
  .requiredOption('--out <file>', 'the .xlsx file to write')
  .action(action((o: { as: string; org?: string; status: (typeof EXPORT_STATUSES)[number]; out: string }) => exportMembers(o)));

program.command('audit').description('audit log').command('verify').description('verify the audit log hash chain (exit 1 when broken)').action(action(auditVerifyCmd));

program.command('dues').description('party dues').command('verify').description('verify the dues ledger: hash chains, bills against entries, rollups against a recomputation (exit 1 on any problem)').action(action(duesVerifyCmd));

const meetings = program.command('meetings').description('meetings (三会一课)');
meetings.command('verify').description('compare the meeting rollups and met obligations with a recomputation from the meetings (exit 1 on drift)').action(action(meetingsVerifyCmd));
meetings.command('rebuild').description('recompute the meeting rollups and met obligations from the meetings').action(action(meetingsRebuildCmd));
const points = program.command('points').description('points ledger (积分)');
points.command('verify').description('verify the points ledger: hash chains (names the first broken entry), cached balances, double entry, the rollup (exit 1 on any problem)').option('--member <personId>', 'only this member').action(action((o: { member?: string }) => pointsVerifyCmd(o)));
points.command('rebuild').description('recompute the points rollup from the transactions').action(action(pointsRebuildCmd));
const mall = program.command('mall').description('points mall (积分商城)');
mall.command('verify').description('verify the mall: item counters against the stock ledger and the redemptions, open redemptions against the points on hold (exit 1 on any problem)').action(action(mallVerifyCmd));
const volunteer = program.command('volunteer').description('volunteer service (志愿服务)');
volunteer.command('verify').description('verify the volunteer activities\' counters against their sign-ups (exit 1 on any difference)').action(action(volunteerVerifyCmd));
volunteer.command('rebuild').description('recompute the volunteer activities\' counters from their sign-ups').action(action(volunteerRebuildCmd));
const need = program.command('need').description('needs (群众需求)');
need.command('verify').description('verify the volunteer profiles\' counters against the needs they claimed (exit 1 on any difference)').action(action(needVerifyCmd));
need.command('rebuild').description('recompute the volunteer profiles\' counters from the needs').action(action(needRebuildCmd));
const club = program.command('club').description('clubs (社团)');
club.command('verify').description('verify the clubs\' member and activity counts against their rows (exit 1 on any difference)').action(action(clubVerifyCmd));
club.command('rebuild').description('recompute the clubs\' member and activity counts').action(action(clubRebuildCmd));
mall.command('rebuild').description('recompute the items\' counters from the stock ledger and the redemptions').action(action(mallRebuildCmd));
points.command('award').description('award the facts of a date range under the branches\' approved rules (idempotent)').requiredOption('--from <date>', 'YYYY-MM-DD').requiredOption('--to <date>', 'YYYY-MM-DD').action(action((o: { from: string; to: string }) => pointsAwardCmd(o)));
const rollups = program.command('rollups').description('member rollups (per org subtree: members by status, sex, birth year, education, occupation, ethnicity, join month; orgs by type)');
rollups.command('verify').description('compare the member rollups with a recomputation from persons and orgs (exit 1 on drift)').action(action(rollupsVerifyCmd));
rollups.command('rebuild').description('recompute every member rollup from persons and orgs').action(action(rollupsRebuildCmd));
const indexCmd = program.command('index').description('branch index (先锋指数): the band rollup (per org subtree and period: branches by band)');
indexCmd.command('verify').description('compare the band rollup with a recomputation from branch_index and orgs (exit 1 on drift)').action(action(indexVerifyCmd));
indexCmd.command('rebuild').description('recompute the band rollup from branch_index and orgs').action(action(indexRebuildCmd));

const jobs = program.command('jobs').description('background jobs');
jobs
  .command('list')
  .description('latest jobs with status and progress')
  .option('--limit <n>', 'how many', parsePositiveInt('--limit'), 20)
  .action(action((o: { limit: number }) => jobsListCmd(o)));
jobs.command('show <id>').description('one job: status, progress, error, result').action(action((id: string) => jobsShowCmd(id)));

program
  .command('backup')
  .description('consistent logical backup of the database into a new directory')
  .requiredOption('--out <dir>', 'new or empty directory')
  .action(action((o: { out: string }) => backupCmd(o)));

program
  .command('restore')
  .description('restore a backup into an empty database and verify it (needs a superuser connection)')
  .requiredOption('--from <dir>', 'backup directory')
  .action(action((o: { from: string }) => restoreCmd(o)));

await program.parseAsync(process.argv);
// exit even if a library left a handle open, once what was written has gone out
// (a long listing into a pipe can still be queued when the command returns)
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))));
process.exit(process.exitCode ?? 0);
