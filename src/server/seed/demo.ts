import crypto from 'node:crypto';
import type { Deps } from '../deps';
import { sql } from '../platform/sql';
import { hashPassword } from '../platform/password';
import { audit } from '../platform/audit';
import { insertAccount, insertGrant } from '../domains/admin';
import { ConfigError } from '../platform/config';
import { generateAssessments } from './points';
import { Rng } from './random';
import { generate, type Tier } from './generate';
import { generateMap } from './map';
import { generateProjects } from './projects';
import { generateMall } from './mall';
import { generateResidents } from './residents';
import { generateVolunteer } from './volunteer';
import { generateNeeds } from './needs';
import { generatePosts } from './posts';
import { generateCommunityReports } from './community-reports';
import { generateClubs } from './clubs';
import { closeDemoStatisticsYears } from './statistics';
import { generateReports } from './reports';

export const DEMO_PASSWORD = 'Dangjian@2026';

/** Whether this process may run with demo accounts (never in production). */
export function isDemoAllowed(deps: Deps): boolean {
  return deps.config.demoMode === 'on' || (deps.config.demoMode === 'auto' && !deps.config.isProduction);
}

export async function hasAnyOrg(deps: Deps): Promise<boolean> {
  return !!(await deps.db.maybeOne(sql`SELECT 1 FROM org LIMIT 1`));
}

/** Refuses to serve outside demo mode while demo accounts exist. */
export async function checkDemoAccounts(deps: Deps) {
  if (isDemoAllowed(deps)) return;
  const r = await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM account WHERE is_demo AND NOT is_disabled`);
  if (r.n > 0) throw new ConfigError(`${r.n} demo accounts exist and demo mode is off: disable or remove them (cli user disable-demo) before starting in production.`);
}

/** Generates the tier's data and, for the demo tier, the demo accounts listed in the README. */
export async function seed(deps: Deps, tier: Tier, seedNo: number, progress?: (stage: string, done: number, total: number) => void) {
  const result = await generate(deps.db, deps.cipher, { tier, seed: seedNo, progress, files: deps.files, today: deps.clock.today() });
  if (tier === 'demo') {
    await createDemoAccounts(deps, result);
    const county = await deps.db.one<{ id: string }>(sql`SELECT id FROM account WHERE username = 'county'`);
    const secretary1 = await deps.db.one<{ id: string }>(sql`SELECT id FROM account WHERE username = 'secretary1'`);
    await Promise.all([
      (async () => {
        // the county's assessment of its branches, scored by the county account
        await generateAssessments(deps.db, new Rng(seedNo * 7 + 3), { rootId: result.rootId, today: deps.clock.today(), scorerId: county.id, unscored: result.branches[0].id });
        // grids, responsibility zones and 两新组织 of the party-building map
        await generateMap(deps.db, new Rng(seedNo * 11 + 5), { rootId: result.rootId, today: deps.clock.today() });
        // the residents who registered in the communities (in the map's grids), resident1 in secretary1's community
        const [demoPasswordHash, lockedPasswordHash] = await Promise.all([hashPassword(DEMO_PASSWORD), hashPassword(crypto.randomBytes(24).toString('hex'))]);
        await generateResidents(deps.db, deps.cipher, new Rng(seedNo * 23 + 13), { rootId: result.rootId, today: deps.clock.today(), demoCommunityId: result.branches[0].id, demoPasswordHash, lockedPasswordHash });
        // key projects with their roadmaps and progress, last year's accepted
        await generateProjects(deps.db, new Rng(seedNo * 13 + 7), { rootId: result.rootId, branchId: result.branches[0].id, today: deps.clock.today(), countyAccountId: county.id, branchAccountId: secretary1.id });
        // the statistics years closed so far (the county's own closing of last year left to the user)
        await closeDemoStatisticsYears(deps, { rootId: result.rootId, accountId: county.id, today: deps.clock.today() });
        // saved reports, one delivered monthly for the past year
        await generateReports(deps, { rootId: result.rootId, accountId: county.id, today: deps.clock.today() });
      })(),
      // the points mall and six months of redemptions, on a second connection meanwhile (its own tables and the
      // members' point accounts, which nothing above writes; no audit rows, so the closings' chain is not waited on)
      generateMall(deps.db, new Rng(seedNo * 19 + 11), { rootId: result.rootId, today: deps.clock.today(), months: 6, accountId: county.id }),
    ]);
    // a year of the communities' volunteer activities, their members' and residents' attested hours, the members' points for
    // them: after the mall, whose pick-ups settle points on the same members' accounts (two writers of one member's points
    // on two connections can deadlock: the ledger's batch and the mall lock them in different orders)
    await generateVolunteer(deps.db, new Rng(seedNo * 29 + 17), { rootId: result.rootId, today: deps.clock.today(), accountId: county.id });
    // the volunteers who take needs, and a year of residents' needs pushed, claimed, completed and rated
    await generateNeeds(deps.db, new Rng(seedNo * 31 + 19), { rootId: result.rootId, today: deps.clock.today() });
    // 双报到: the units' organisations and some of their members reported to the communities, services, last year's evaluations
    await generateCommunityReports(deps.db, new Rng(seedNo * 37 + 23), { rootId: result.rootId, today: deps.clock.today(), accountId: county.id });
    // clubs: residents' interest clubs approved by the communities, their members and meetings (volunteer activities of the club)
    await generateClubs(deps.db, new Rng(seedNo * 41 + 29), { rootId: result.rootId, today: deps.clock.today(), accountId: county.id });
    // a year of residents' posts reviewed by their communities, a few short videos (three clips made once), some waiting, one reported
    await generatePosts(deps.db, deps.files, new Rng(seedNo * 41 + 29), { rootId: result.rootId, today: deps.clock.today(), accountId: county.id, demoCommunityId: result.branches[0].id });
  }
  await audit(deps.db, { requestId: 'seed', ip: null, actor: null }, { action: 'system.seed', detail: { tier, seed: seedNo, orgs: result.orgs, members: result.members } });
  return result;
}

async function createDemoAccounts(deps: Deps, r: Awaited<ReturnType<typeof generate>>) {
  const hash = await hashPassword(DEMO_PASSWORD);
  const [b1, b2] = [r.branches[0], r.branches[r.branches.length > 30 ? 25 : 1]];
  const holder = async (orgId: string) =>
    (await deps.db.maybeOne<{ person_id: string; holder_name: string }>(sql`SELECT cp.person_id, cp.holder_name FROM committee_post cp JOIN org_committee c ON c.id = cp.committee_id
      WHERE c.org_id = ${orgId} AND c.ended_on IS NULL AND cp.post = 'secretary'`)) ?? null;
  const s1 = await holder(b1.id);
  const s2 = await holder(b2.id);
  const memberPerson = r.people.get(b1.id)!.find((id) => id !== s1?.person_id)!;
  const memberName = (await deps.db.one<{ name: string }>(sql`SELECT name FROM person WHERE id = ${memberPerson}`)).name;
  const accounts: Array<{ username: string; displayName: string; personId: string | null; role: string; orgId: string | null; scope: string }> = [
    { username: 'sysadmin', displayName: '系统管理员', personId: null, role: 'sysadmin', orgId: null, scope: 'subtree' },
    { username: 'secadmin', displayName: '安全管理员', personId: null, role: 'secadmin', orgId: null, scope: 'subtree' },
    { username: 'auditor', displayName: '审计管理员', personId: null, role: 'auditor', orgId: null, scope: 'subtree' },
    { username: 'county', displayName: '县委组织部', personId: null, role: 'org_admin', orgId: r.rootId, scope: 'subtree' },
    { username: 'secretary1', displayName: s1?.holder_name ?? '支部书记一', personId: s1?.person_id ?? null, role: 'secretary', orgId: b1.id, scope: 'subtree' },
    { username: 'secretary2', displayName: s2?.holder_name ?? '支部书记二', personId: s2?.person_id ?? null, role: 'secretary', orgId: b2.id, scope: 'subtree' },
    { username: 'member1', displayName: memberName, personId: memberPerson, role: 'member', orgId: b1.id, scope: 'self' },
  ];
  await deps.db.tx(async (t) => {
    for (const a of accounts) {
      const id = await insertAccount(t, { username: a.username, displayName: a.displayName, passwordHash: hash, personId: a.personId, isDemo: true });
      await insertGrant(t, { accountId: id, role: a.role, orgId: a.orgId, scope: a.scope, grantedBy: id });
    }
    await t.exec(sql`INSERT INTO app_setting (key, value) VALUES ('demo', ${JSON.stringify({ seededAt: new Date().toISOString() })}::jsonb) ON CONFLICT (key) DO NOTHING`);
  });
}
