import { loadConfig } from '../../src/server/platform/config';
import { openRuntime, type Runtime } from '../../src/server/runtime';
import type { Deps } from '../../src/server/deps';
import type { FieldCipher } from '../../src/server/platform/crypto';
import { sql } from '../../src/server/platform/sql';
import { hashPassword } from '../../src/server/platform/password';
import { insertAccount, insertGrant } from '../../src/server/domains/admin';
import { generate, type Tier } from '../../src/server/seed/generate';
import { seed } from '../../src/server/seed/demo';

// Prepared benchmark databases, cached across runs: an embedded PostgreSQL
// under a bench data directory (or DATABASE_URL with --db-url), generated
// once per tier with the deterministic generator, plus bench accounts.

export const BENCH_PASSWORD = 'Bench#Dangjian2026';

export interface BenchDb {
  runtime: Runtime;
  deps: Deps;
  /** "embedded PostgreSQL 18.x (/tmp/dj-bench-county)" or the redacted DATABASE_URL */
  label: string;
  serverVersion: string;
  close(): Promise<void>;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

/** Opens (and migrates) the bench database: embedded under dataDir, or dbUrl. */
export async function openBenchDb(opts: { dataDir: string; dbUrl?: string; log?: (m: string) => void }): Promise<BenchDb> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: opts.dataDir, LOG_LEVEL: 'warn', JOBS_ENABLED: 'false' };
  delete env.DATABASE_URL;
  delete env.NODE_ENV;
  delete env.EMBEDDED_PG_PORT;
  // The data directory's own secrets.json holds the key its ciphertexts were written with.
  if (!opts.dbUrl) delete env.DATA_ENCRYPTION_KEY;
  if (opts.dbUrl) env.DATABASE_URL = opts.dbUrl;
  const config = loadConfig(env);
  const runtime = await openRuntime({ config, log: opts.log, poolSize: 20 });
  const { server_version: serverVersion } = await runtime.deps.db.one<{ server_version: string }>(sql`SHOW server_version`);
  const label = runtime.isEmbedded ? `embedded PostgreSQL ${serverVersion} (${opts.dataDir})` : `PostgreSQL ${serverVersion} via DATABASE_URL ${redactUrl(runtime.databaseUrl)}`;
  return { runtime, deps: runtime.deps, label, serverVersion, close: () => runtime.close() };
}

const GENERATED_KEY = 'bench.generated';

async function generatedSeeds(deps: Deps): Promise<number[]> {
  const r = await deps.db.maybeOne<{ value: { seeds: number[] } }>(sql`SELECT value FROM app_setting WHERE key = ${GENERATED_KEY}`);
  return r?.value.seeds ?? [];
}

async function markGenerated(deps: Deps, seeds: number[]) {
  await deps.db.exec(sql`INSERT INTO app_setting (key, value) VALUES (${GENERATED_KEY}, ${JSON.stringify({ seeds })}::jsonb)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
}

function progressPrinter(label: string) {
  let lastStage = '';
  let lastPct = -1;
  const t0 = Date.now();
  return (stage: string, done: number, total: number) => {
    const pct = total ? Math.floor((done / total) * 10) * 10 : 100;
    if (stage !== lastStage || pct !== lastPct) {
      console.log(`  ${label} ${stage} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      lastStage = stage;
      lastPct = pct;
    }
  };
}

async function rootCount(deps: Deps): Promise<number> {
  return (await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org WHERE parent_id IS NULL`)).n;
}

function refuseUnfinished(what: string): never {
  throw new Error(`The bench database holds ${what} that the bench did not finish generating (interrupted run?). Delete the bench data directory (or the database) and run again.`);
}

/** Generates the tier (seed 1) when the database has no organisations; returns the generation time if it ran. */
export async function ensureTierData(db: BenchDb, tier: Tier): Promise<{ generatedMs: number | null }> {
  const { deps } = db;
  const roots = await rootCount(deps);
  const done = await generatedSeeds(deps);
  if (roots > 0) {
    if (!done.includes(1)) refuseUnfinished('organisations');
    return { generatedMs: null };
  }
  console.log(`Generating the ${tier} tier (seed 1) — done once, then cached in the bench database…`);
  const t0 = performance.now();
  await seed(deps, tier, 1, progressPrinter(tier));
  const generatedMs = performance.now() - t0;
  await markGenerated(deps, [1]);
  console.log(`Generated the ${tier} tier in ${(generatedMs / 1000).toFixed(1)} s`);
  return { generatedMs };
}

/**
 * For the export benchmark: three county-tier trees side by side (seeds 1, 2, 3;
 * the generator continues org seq numbers after the existing maximum), giving
 * about 120,000 members. The ID-number blind index is salted per extra seed so
 * that a fictional ID number drawn twice by different seeds does not collide
 * with the "one current member per ID number" index; nothing in the export
 * benchmark looks members up by ID number.
 */
export async function ensureExportData(db: BenchDb, seeds = [1, 2, 3]): Promise<{ generatedMs: number | null }> {
  const { deps } = db;
  const done = await generatedSeeds(deps);
  const roots = await rootCount(deps);
  if (roots !== done.length) refuseUnfinished('a partly generated tree');
  const todo = seeds.filter((s) => !done.includes(s));
  if (!todo.length) return { generatedMs: null };
  const t0 = performance.now();
  for (const s of todo) {
    console.log(`Generating county tier tree ${s}/${seeds.length} (seed ${s}) for the export benchmark…`);
    const cipher: FieldCipher = s === 1 ? deps.cipher : { ...deps.cipher, hash: (v: string) => deps.cipher.hash(`bench-seed-${s}:${v}`) };
    await generate(deps.db, cipher, { tier: 'county', seed: s, progress: progressPrinter(`tree ${s}`) });
    done.push(s);
    await markGenerated(deps, done);
  }
  const generatedMs = performance.now() - t0;
  console.log(`Generated ${todo.length} tree(s) in ${(generatedMs / 1000).toFixed(1)} s`);
  return { generatedMs };
}

export interface BenchOrgs {
  root: { id: string; name: string; path: string };
  /** a mid-level committee (the first town committee under the root) */
  committee: { id: string; name: string; path: string };
  /** the branch with the most members (ties: lowest seq) */
  branch: { id: string; name: string; path: string };
}

export async function pickOrgs(deps: Deps): Promise<BenchOrgs> {
  const root = await deps.db.one<{ id: string; name: string; path: string }>(sql`SELECT id, name, path::text AS path FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`);
  const committee = await deps.db.one<{ id: string; name: string; path: string }>(sql`
    SELECT id, name, path::text AS path FROM org WHERE parent_id = ${root.id} AND type = 'committee' ORDER BY seq LIMIT 1`);
  const branch = await deps.db.one<{ id: string; name: string; path: string }>(sql`
    SELECT o.id, o.name, o.path::text AS path FROM org o JOIN person p ON p.org_id = o.id
    WHERE o.type = 'branch' AND o.path <@ ${root.path}::ltree
    GROUP BY o.id, o.seq ORDER BY count(*) DESC, o.seq LIMIT 1`);
  return { root, committee, branch };
}

export interface BenchAccount {
  username: string;
  password: string;
}

/** Creates the account with exactly these grants unless it already exists. */
export async function ensureAccount(deps: Deps, username: string, displayName: string, grants: Array<{ role: string; orgId: string | null; scope: string }>): Promise<BenchAccount> {
  const existing = await deps.db.maybeOne<{ id: string }>(sql`SELECT id FROM account WHERE lower(username) = ${username.toLowerCase()}`);
  if (!existing) {
    const hash = await hashPassword(BENCH_PASSWORD);
    await deps.db.tx(async (t) => {
      const id = await insertAccount(t, { username, displayName, passwordHash: hash, personId: null });
      for (const g of grants) await insertGrant(t, { accountId: id, role: g.role, orgId: g.orgId, scope: g.scope, grantedBy: id });
    });
  }
  return { username, password: BENCH_PASSWORD };
}

export interface BenchAccounts {
  orgs: BenchOrgs;
  /** org_admin over the whole tree */
  admin: BenchAccount;
  /** org_admin over the mid-level committee's subtree */
  sub: BenchAccount;
  /** secretary of the largest branch */
  secretary: BenchAccount;
}

export async function ensureBenchAccounts(deps: Deps): Promise<BenchAccounts> {
  const orgs = await pickOrgs(deps);
  return {
    orgs,
    admin: await ensureAccount(deps, 'bench_admin', '压测-组织部', [{ role: 'org_admin', orgId: orgs.root.id, scope: 'subtree' }]),
    sub: await ensureAccount(deps, 'bench_sub', '压测-乡镇党委', [{ role: 'org_admin', orgId: orgs.committee.id, scope: 'subtree' }]),
    secretary: await ensureAccount(deps, 'bench_secretary', '压测-支部书记', [{ role: 'secretary', orgId: orgs.branch.id, scope: 'subtree' }]),
  };
}
