import { isUniqueViolation } from '../server/platform/db';
import { listMigrations } from '../server/platform/migrate';
import { checkpointFile, verifyAuditChain } from '../server/platform/audit';
import { verifyLedger } from '../server/domains/dues';
import { memberRollupDifferences, rebuildAllMemberRollups } from '../server/domains/member';
import { listTakenUsernames } from '../server/domains/admin';
import { meetingRollupDifferences, rebuildMeetingRollups } from '../server/domains/meeting';
import { rebuildPointRollup, runAwards, verifyPoints } from '../server/domains/points';
import { rebuildMallCounters, verifyMall } from '../server/domains/mall';
import { rebuildVolunteerCounters, verifyVolunteer } from '../server/domains/volunteer';
import { rebuildNeedCounters, verifyNeeds } from '../server/domains/need';
import { rebuildClubCounters, verifyClubs } from '../server/domains/club';
import { indexRollupDifferences, rebuildIndexRollup } from '../server/domains/branch-index';
import { registerPointSources } from '../server/point-sources';
import { findJobWithCreator, listJobsWithCreator, type JobWithCreatorRow } from '../server/domains/jobs';
import { createBackup, restoreBackup, readManifest } from '../server/platform/backup';
import { hasAnyOrg, isDemoAllowed, seed, DEMO_PASSWORD } from '../server/seed/demo';
import type { Tier } from '../server/seed/generate';
import { CliError, cliAuditAs, createProgress, info, printTable, withRuntime, UUID_RE } from './shared';

// Operations: schema, demo data, audit chain, jobs, backup and restore.

export async function migrateCmd() {
  await withRuntime(async (rt) => {
    const known = await listMigrations();
    if (rt.attached) console.log('The server running on this DATA_DIR applies the migrations when it starts; nothing was changed.');
    else if (rt.migrationsApplied.length) console.log(`Applied ${rt.migrationsApplied.length} migrations: ${rt.migrationsApplied.join(', ')}`);
    else console.log(`Database is up to date (${known.length} migrations, latest ${known[known.length - 1]?.name ?? 'none'}).`);
  });
}

const DEMO_USERNAMES = ['sysadmin', 'secadmin', 'auditor', 'county', 'secretary1', 'secretary2', 'member1'];

export async function seedCmd(opts: { tier: Tier; seed: number; forceAppend?: boolean }) {
  await withRuntime(async ({ deps }) => {
    if ((await hasAnyOrg(deps)) && !opts.forceAppend) {
      throw new CliError('The database already has organisations. Use --force-append to add another generated tree next to them.');
    }
    if (opts.tier === 'demo') {
      if (!isDemoAllowed(deps)) throw new CliError('Demo accounts are not allowed here (NODE_ENV=production or DEMO_MODE=off). Use tier county or city, or set DEMO_MODE=on.');
      const taken = await listTakenUsernames(deps.db, DEMO_USERNAMES);
      if (taken.length) throw new CliError(`The demo accounts already exist (${taken.map((r) => r.username).join(', ')}); tier demo can be seeded once per database.`);
    }
    const t0 = Date.now();
    const progress = createProgress();
    let result;
    try {
      result = await seed(deps, opts.tier, opts.seed, (stage, done, total) => progress.update(stage, done, total));
    } catch (e) {
      if (isUniqueViolation(e)) throw new CliError(`Data generated from seed ${opts.seed} already exists in this database; use another --seed.`);
      throw e;
    } finally {
      progress.stop();
    }
    console.log(`Seeded tier ${opts.tier} (seed ${opts.seed}): ${result.orgs} organisations, ${result.members} members in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    if (opts.tier === 'demo') console.log(`Demo accounts (password ${DEMO_PASSWORD}): ${DEMO_USERNAMES.join(', ')}`);
  });
}

export async function auditVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const r = await verifyAuditChain(deps.db, { anchorDir: deps.config.auditAnchorDir, limit: 1000 });
    const cps = r.checkpoints;
    info(cps?.checked ? `checkpoints: ${cps.checked} in ${checkpointFile(deps.config.auditAnchorDir)}, latest at row ${cps.latestId} (${cps.latestAt})` : `checkpoints: none in ${deps.config.auditAnchorDir}`);
    if (r.ok) console.log(`OK: ${r.checked} rows`);
    else {
      // every problem, in row order (a modified row does not hide later ones)
      for (const p of r.problems) console.log(`BROKEN at row ${p.id}: ${p.reason}`);
      if (r.problemCount > r.problems.length) console.log(`… and ${r.problemCount - r.problems.length} more`);
      console.log(`${r.problemCount} problem(s) in ${r.checked} rows`);
      throw new CliError('', 1); // already reported
    }
  });
}

export async function duesVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const r = await verifyLedger(deps.db);
    if (!r.problemCount) console.log(`OK: ${r.entries} ledger entries of ${r.members} members; every bill agrees with its entries and every rollup with a recomputation`);
    else {
      console.log(`${r.problemCount} problem(s) in ${r.entries} ledger entries of ${r.members} members${r.problemCount > r.problems.length ? ` (first ${r.problems.length} listed)` : ''}:`);
      for (const p of r.problems) console.log(`  ${p}`);
      throw new CliError('', 1); // already reported
    }
  });
}

/** `rollups verify`: the member rollups against a recomputation from the raw rows (exit 1 on drift). */
export async function rollupsVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const r = await memberRollupDifferences(deps.db, 50);
    if (!r.differenceCount) console.log(`OK: ${r.rows} member rollup rows agree with a recomputation from persons and orgs`);
    else {
      console.log(`${r.differenceCount} member rollup row(s) differ from a recomputation${r.differenceCount > r.differences.length ? ` (first ${r.differences.length} listed)` : ''}:`);
      printTable(['org', 'org name', 'dimension', 'value', 'stored', 'recomputed'], r.differences.map((d) => [d.org_id, d.org_name ?? '-', d.dimension, d.value, String(d.stored), String(d.computed)]));
      console.log('Repair with: npm run cli -- rollups rebuild');
      throw new CliError('', 1); // already reported
    }
  });
}

/** `rollups rebuild`: recomputes every member rollup from the raw rows. */
export async function rollupsRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const t0 = Date.now();
    const rows = await rebuildAllMemberRollups(deps.db);
    console.log(`Rebuilt ${rows} member rollup rows in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  });
}

/** `index verify`: the branch index's band rollup against a recomputation from branch_index and org (exit 1 on drift). */
export async function indexVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const r = await indexRollupDifferences(deps.db, 50);
    if (!r.differenceCount) console.log(`OK: ${r.rows} branch index band rollup rows agree with a recomputation from branch_index and org`);
    else {
      console.log(`${r.differenceCount} band rollup row(s) differ from a recomputation${r.differenceCount > r.differences.length ? ` (first ${r.differences.length} listed)` : ''}:`);
      printTable(['org', 'org name', 'period', 'band', 'stored', 'recomputed'], r.differences.map((d) => [d.org_id, d.org_name ?? '-', d.period, d.band, String(d.stored), String(d.computed)]));
      console.log('Repair with: npm run cli -- index rebuild');
      throw new CliError('', 1); // already reported
    }
  });
}

/** `index rebuild`: recomputes the branch index's band rollup from branch_index and org. */
export async function indexRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const t0 = Date.now();
    const rows = await rebuildIndexRollup(deps.db);
    console.log(`Rebuilt ${rows} band rollup rows in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  });
}

/** `meetings verify`: the meeting rollups (held, attendance, minutes; met obligations) against a recomputation from the meetings (exit 1 on drift). */
export async function meetingsVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const d = await meetingRollupDifferences(deps);
    if (!d.rollup.length && !d.compliance.length) console.log('OK: the meeting rollups and the met obligations agree with a recomputation from the meetings');
    else {
      console.log(`${d.rollup.length} meeting rollup row(s) and ${d.compliance.length} obligation count(s) differ from a recomputation:`);
      printTable(['org', 'month', 'type'], d.rollup.slice(0, 50).map((r) => [r.org_id, r.month, r.type]));
      for (const k of d.compliance.slice(0, 50)) console.log(`  obligations ${k}`);
      console.log('Repair with: npm run cli -- meetings rebuild');
      throw new CliError('', 1);
    }
  });
}

/** `meetings rebuild`: recomputes the meeting rollups from the meetings. */
export async function meetingsRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const t0 = Date.now();
    await rebuildMeetingRollups(deps);
    console.log(`Rebuilt the meeting rollups in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
  });
}

/** `points verify`: member-side hash chains (the first broken entry named), cached balances, double entry, the rollup (exit 1 on any problem). */
export async function pointsVerifyCmd(opts: { member?: string }) {
  await withRuntime(async ({ deps }) => {
    const v = await verifyPoints(deps.db, opts.member);
    const problems = [...v.broken, ...v.balanceDrift, ...v.unbalanced, ...v.rollup.map((r) => `rollup ${r.org_id} ${r.month} ${r.field}: stored ${r.stored}, computed ${r.computed}`)];
    if (!problems.length) {
      console.log(`OK: ${v.chains} chain(s), ${v.entries} member-side entries; balances, double entry and the rollup agree`);
      return;
    }
    for (const p of problems.slice(0, 100)) console.log(`  ${p}`);
    if (v.rollup.length && !v.broken.length) console.log('Rollup drift only: repair with npm run cli -- points rebuild');
    throw new CliError(`${problems.length} problem(s) in the points ledger`, 1);
  });
}

/** `points rebuild`: recomputes the points rollup from the transactions. */
export async function pointsRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    await deps.db.tx((t) => rebuildPointRollup(t));
    console.log('Rebuilt the points rollup.');
  });
}

/** `mall verify`: the items' counters against the stock ledger and the redemptions, open redemptions against the points on hold (exit 1 on any problem). */
export async function mallVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const v = await verifyMall(deps.db);
    if (v.ok) {
      console.log('OK: item counters agree with the stock ledger and the redemptions; every open redemption holds its points');
      return;
    }
    for (const d of v.counterDifferences.slice(0, 100)) console.log(`  item ${d.id} ${d.name}: stock ${d.stock}/${d.raw_stock}, reserved ${d.reserved}/${d.raw_reserved}, fulfilled ${d.fulfilled}/${d.raw_fulfilled} (stored/computed)`);
    for (const id of v.holdMismatches.slice(0, 100)) console.log(`  redemption ${id}: its reservation does not hold exactly its points`);
    if (v.counterDifferences.length && !v.holdMismatches.length) console.log('Counter drift only: repair with npm run cli -- mall rebuild');
    throw new CliError(`${v.counterDifferences.length + v.holdMismatches.length} problem(s) in the points mall`, 1);
  });
}

/** `mall rebuild`: recomputes the items' counters from the stock ledger and the redemptions. */
export async function mallRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const n = await deps.db.tx((t) => rebuildMallCounters(t));
    console.log(`Rebuilt the mall's item counters (${n} item(s) corrected).`);
  });
}

/** `volunteer verify`: the activities' counters against their sign-ups (exit 1 on any difference). */
export async function volunteerVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const v = await verifyVolunteer(deps.db);
    if (!v.counterDifferences.length) {
      console.log('OK: activity counters agree with the sign-ups');
      return;
    }
    for (const d of v.counterDifferences.slice(0, 100)) {
      console.log(`  activity ${d.id} ${d.title}: signed up ${d.signed_up}/${d.raw_signed_up}, attested ${d.attested}/${d.raw_attested}, minutes ${d.attested_minutes}/${d.raw_attested_minutes} (stored/computed)`);
    }
    console.log('Repair with npm run cli -- volunteer rebuild');
    throw new CliError(`${v.counterDifferences.length} volunteer activit${v.counterDifferences.length === 1 ? 'y' : 'ies'} with drifting counters`, 1);
  });
}

/** `volunteer rebuild`: recomputes the activities' counters from their sign-ups. */
export async function volunteerRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const n = await deps.db.tx((t) => rebuildVolunteerCounters(t));
    console.log(`Rebuilt the volunteer activities' counters (${n} activit${n === 1 ? 'y' : 'ies'} corrected).`);
  });
}

/** `need verify`: the volunteer profiles' counters against the needs they claimed (exit 1 on any difference). */
export async function needVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const v = await verifyNeeds(deps.db);
    if (!v.counterDifferences.length) {
      console.log('OK: volunteer profile counters agree with the needs');
      return;
    }
    for (const d of v.counterDifferences.slice(0, 100)) {
      console.log(`  profile ${d.id} ${d.name}: claimed ${d.claimed}/${d.raw_claimed}, completed ${d.completed}/${d.raw_completed}, ratings ${d.rating_sum}/${d.raw_rating_sum} in ${d.rating_count}/${d.raw_rating_count} (stored/computed)`);
    }
    console.log('Repair with npm run cli -- need rebuild');
    throw new CliError(`${v.counterDifferences.length} volunteer profile(s) with drifting counters`, 1);
  });
}

/** `need rebuild`: recomputes the volunteer profiles' counters from the needs. */
export async function needRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const n = await deps.db.tx((t) => rebuildNeedCounters(t));
    console.log(`Rebuilt the volunteer profiles' counters (${n} profile(s) corrected).`);
  });
}

/** `club verify`: the clubs' member and activity counts against their rows (exit 1 on any difference). */
export async function clubVerifyCmd() {
  await withRuntime(async ({ deps }) => {
    const v = await verifyClubs(deps.db);
    if (!v.counterDifferences.length) {
      console.log('OK: club counters agree with the members and activities');
      return;
    }
    for (const d of v.counterDifferences.slice(0, 100)) {
      console.log(`  club ${d.id} ${d.name}: members ${d.member_count}/${d.raw_member_count}, activities ${d.activity_count}/${d.raw_activity_count} (stored/computed)`);
    }
    console.log('Repair with npm run cli -- club rebuild');
    throw new CliError(`${v.counterDifferences.length} club(s) with drifting counters`, 1);
  });
}

/** `club rebuild`: recomputes the clubs' member and activity counts. */
export async function clubRebuildCmd() {
  await withRuntime(async ({ deps }) => {
    const n = await deps.db.tx((t) => rebuildClubCounters(t));
    console.log(`Rebuilt the clubs' counters (${n} club(s) corrected).`);
  });
}

/** `points award --from --to`: awards the facts of a date range (idempotent; the daily job does the last weeks). */
export async function pointsAwardCmd(opts: { from: string; to: string }) {
  await withRuntime(async ({ deps }) => {
    registerPointSources();
    const r = await runAwards(deps, opts.from, opts.to);
    console.log(`facts ${r.facts}: awarded ${r.awarded}, already awarded ${r.exists}, no approved rules ${r.no_rules}, not in the rules ${r.not_in_rules}, capped ${r.capped}`);
  });
}

type JobRow = JobWithCreatorRow;

const progressText = (j: JobRow) => (j.progress_total ? `${j.progress}/${j.progress_total} (${Math.floor((100 * j.progress) / Math.max(j.progress_total, 1))}%)` : String(j.progress));

export async function jobsListCmd(opts: { limit: number }) {
  await withRuntime(async ({ deps }) => {
    const rows = await listJobsWithCreator(deps.db, opts.limit);
    if (!rows.length) {
      console.log('No jobs.');
      return;
    }
    printTable(['id', 'kind', 'status', 'progress', 'by', 'created', 'message'], rows.map((j) => [
      j.id, j.kind, j.status, progressText(j), j.created_by_name ?? '-', j.created_at, (j.status === 'failed' ? j.last_error : j.message) ?? '',
    ]));
  });
}

export async function jobsShowCmd(id: string) {
  if (!UUID_RE.test(id)) throw new CliError(`"${id}" is not a job id (UUID).`);
  await withRuntime(async ({ deps }) => {
    const j = await findJobWithCreator(deps.db, id);
    if (!j) throw new CliError(`No job ${id}.`);
    const lines: Array<[string, string]> = [
      ['id', j.id], ['kind', j.kind], ['status', j.status], ['progress', progressText(j)], ['message', j.message ?? '-'],
      ['attempts', `${j.attempts}/${j.max_attempts}`], ['created by', j.created_by_name ?? '-'], ['created', j.created_at],
      ['started', j.started_at ?? '-'], ['finished', j.finished_at ?? '-'], ['last error', j.last_error ?? '-'],
      ['result', j.result === null || j.result === undefined ? '-' : JSON.stringify(j.result, null, 2)],
    ];
    for (const [k, v] of lines) console.log(`${(k + ':').padEnd(12)} ${v}`);
  });
}

export async function backupCmd(opts: { out: string }) {
  await withRuntime(async ({ deps }) => {
    const t0 = Date.now();
    const progress = createProgress();
    let manifest;
    try {
      manifest = await createBackup(deps.db, { outDir: opts.out, cipher: deps.cipher, auditAs: cliAuditAs(), onProgress: (t, done, total) => progress.update(t, done, total) });
    } finally {
      progress.stop();
    }
    const rows = manifest.tables.reduce((s, t) => s + t.rows, 0);
    console.log(`Backup written to ${opts.out}: ${manifest.tables.length} tables, ${rows} rows, audit head ${manifest.auditHead ? `#${manifest.auditHead.lastId}` : 'none'}, in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    console.log('Keep the data encryption key (DATA_ENCRYPTION_KEY or DATA_DIR/secrets.json) and DATA_DIR/files separately: they are not in the backup.');
  });
}

export async function restoreCmd(opts: { from: string }) {
  await readManifest(opts.from); // fail fast, before starting the database
  await withRuntime(async (rt) => {
    const t0 = Date.now();
    const progress = createProgress();
    let report;
    try {
      report = await restoreBackup({ db: rt.deps.db, databaseUrl: rt.databaseUrl, cipher: rt.deps.cipher }, {
        fromDir: opts.from, auditAs: cliAuditAs(), onProgress: (t, done, total) => progress.update(t, done, total), log: info,
      });
    } finally {
      progress.stop();
    }
    console.log(`Restored the backup of ${report.manifest.createdAt} in ${((Date.now() - t0) / 1000).toFixed(1)} s. Verification:`);
    printTable(['table', 'backup rows', 'restored rows', ''], report.tables.map((t) => [t.name, t.expected, t.actual, t.expected === t.actual ? 'ok' : 'DIFFERENT']));
    console.log(report.auditChain.ok ? `audit chain: OK (${report.auditChain.checked} rows)` : report.auditChain.problems.map((p) => `audit chain: BROKEN at row ${p.id}: ${p.reason}`).join('\n'));
    console.log(`audit head: ${report.auditHead.matches ? 'matches the backup' : `DIFFERENT (backup ${JSON.stringify(report.auditHead.expected)}, restored ${JSON.stringify(report.auditHead.actual)})`}`);
    if (report.laterMigrations.length) console.log(`Then applied newer migrations: ${report.laterMigrations.join(', ')}`);
    if (!report.ok) throw new CliError('The restored database differs from the backup (see above).');
    console.log('Restore verified.');
  }, { migrate: false, offline: true });
}
