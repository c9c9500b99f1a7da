import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeMember, makeRoot, PASSWORD } from '../helpers/factory';

// Organisation use-cases through the HTTP API: structure rules, codes,
// optimistic versions, subtree moves (ltree paths), dissolution, committee
// terms (RULES §3) and the setup warnings on the org detail.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

// Dates are computed here independently of the server's date helpers.
const TODAY = TEST_TODAY; // the harness's business day
const utc = (d: string) => Date.parse(d + 'T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const plusDays = (d: string, n: number) => iso(utc(d) + n * 86_400_000);
/** Same month and day, `n` years earlier; callers avoid 29 February. */
const yearsBefore = (d: string, n: number) => `${Number(d.slice(0, 4)) - n}${d.slice(4)}`;
const notLeapDay = (d: string) => (d.slice(5) === '02-29' ? plusDays(d, 1) : d);

async function setup() {
  const root = await makeRoot(h.deps);
  const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  const c = await login(h.app, acc.username, PASSWORD);
  return { root, acc, c };
}

async function create(c: Client, parentId: string, type: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await c.post('/api/v1/orgs', { parentId, type, name: `组织${crypto.randomBytes(3).toString('hex')}`, ...extra });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id as string;
}

const getOrg = async (c: Client, id: string) => {
  const r = await c.get(`/api/v1/orgs/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

const orgEvents = (orgId: string) => h.db.query<{ kind: string; detail: Record<string, unknown> }>(sql`SELECT kind, detail FROM org_event WHERE org_id = ${orgId} ORDER BY id`);

describe('creating organisations', () => {
  it('creates child orgs following the structure rules and writes a created event', async () => {
    const { root, c } = await setup();
    const gb = await create(c, root.id, 'general_branch');
    const branch = await create(c, gb, 'branch');
    const group = await create(c, branch, 'party_group');
    const detail = await getOrg(c, group);
    expect(detail.type).toBe('party_group');
    expect(detail.ancestors.map((a: { id: string }) => a.id)).toEqual([root.id, gb, branch]);
    const rows = await h.db.query<{ id: string; parent_id: string | null; path: string; seq: number; region_key: string }>(sql`
      SELECT id, parent_id, path::text AS path, seq, region_key FROM org WHERE id = ANY(${[root.id, gb, branch, group]}::uuid[])`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const seqs = [root.id, gb, branch, group].map((id) => byId.get(id)!.seq);
    expect(byId.get(group)!.path).toBe(seqs.join('.'));
    expect(rows.every((r) => r.region_key === root.id)).toBe(true);
    expect((await orgEvents(branch)).map((e) => e.kind)).toEqual(['created']);
    expect((await orgEvents(branch))[0].detail).toMatchObject({ parentId: gb, type: 'branch' });
  });

  it('refuses a party group outside a branch and a branch under a branch, in Chinese', async () => {
    const { root, c } = await setup();
    const gb = await create(c, root.id, 'general_branch');
    const branch = await create(c, gb, 'branch');
    const cases: Array<[string, string, string]> = [
      [gb, 'party_group', '党小组不能设在党总支之下'],
      [root.id, 'party_group', '党小组不能设在党委之下'],
      [branch, 'branch', '党支部不能设在党支部之下'],
      [branch, 'general_branch', '党总支不能设在党支部之下'],
    ];
    for (const [parentId, type, message] of cases) {
      const r = await c.post('/api/v1/orgs', { parentId, type, name: '不合规组织' });
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message });
    }
    const n = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org WHERE name = '不合规组织'`);
    expect(n.n).toBe(0);
    // a joint branch is a branch type: a party group may sit under it
    const joint = await create(c, root.id, 'joint_branch');
    await create(c, joint, 'party_group');
  });

  it('a duplicate org code is 409 DUPLICATE_ORG_CODE, on create and on update', async () => {
    const { root, c } = await setup();
    const code = `C${crypto.randomBytes(4).toString('hex')}`;
    await create(c, root.id, 'branch', { code });
    const dup = await c.post('/api/v1/orgs', { parentId: root.id, type: 'branch', name: '重复代码支部', code });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('DUPLICATE_ORG_CODE');
    const other = await create(c, root.id, 'branch');
    const upd = await c.patch(`/api/v1/orgs/${other}`, { code, version: 1 });
    expect(upd.statusCode).toBe(409);
    expect(upd.json().error.code).toBe('DUPLICATE_ORG_CODE');
  });

  it('an update with a stale version is 409 CONFLICT and changes nothing', async () => {
    const { root, c } = await setup();
    const id = await create(c, root.id, 'branch');
    const v1 = (await getOrg(c, id)).version;
    const ok = await c.patch(`/api/v1/orgs/${id}`, { name: '第一次修改', version: v1 });
    expect(ok.statusCode, ok.body).toBe(200);
    const stale = await c.patch(`/api/v1/orgs/${id}`, { name: '第二次修改', version: v1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    const after = await getOrg(c, id);
    expect(after.name).toBe('第一次修改');
    expect(after.version).toBe(v1 + 1);
    expect((await orgEvents(id)).map((e) => e.kind)).toEqual(['created', 'updated']);
  });
});

describe('changing an org type', () => {
  it('keeps the structure valid for the org’s children and members', async () => {
    const { root, c } = await setup();
    const gb = await create(c, root.id, 'general_branch');
    await create(c, gb, 'branch');
    const r1 = await c.patch(`/api/v1/orgs/${gb}`, { type: 'branch', version: 1 });
    expect(r1.statusCode).toBe(400);
    expect(r1.json().error).toMatchObject({ code: 'VALIDATION_FAILED', message: '党支部不能设在党支部之下' });

    const withGroup = await create(c, root.id, 'branch');
    await create(c, withGroup, 'party_group');
    const r2 = await c.patch(`/api/v1/orgs/${withGroup}`, { type: 'general_branch', version: 1 });
    expect(r2.statusCode).toBe(400);
    expect(r2.json().error.message).toBe('党小组不能设在党总支之下');

    const withMembers = await create(c, root.id, 'branch');
    await makeMember(h.deps, withMembers);
    const r3 = await c.patch(`/api/v1/orgs/${withMembers}`, { type: 'committee', version: 1 });
    expect(r3.statusCode).toBe(400);
    expect(r3.json().error.message).toContain('在册党员');
    // another branch type is fine
    const r4 = await c.patch(`/api/v1/orgs/${withMembers}`, { type: 'joint_branch', version: 1 });
    expect(r4.statusCode, r4.body).toBe(200);
    const types = await h.db.query<{ id: string; type: string }>(sql`SELECT id, type FROM org WHERE id = ANY(${[gb, withGroup, withMembers]}::uuid[])`);
    expect(Object.fromEntries(types.map((t) => [t.id, t.type]))).toEqual({ [gb]: 'general_branch', [withGroup]: 'branch', [withMembers]: 'joint_branch' });
  });
});

describe('moving a subtree', () => {
  it('re-paths every descendant consistently and keeps members counted in the new subtree', async () => {
    const { root, c } = await setup();
    const a = await create(c, root.id, 'committee');
    const g = await create(c, a, 'general_branch');
    const b1 = await create(c, g, 'branch');
    const b2 = await create(c, g, 'branch');
    const pg = await create(c, b1, 'party_group');
    const target = await create(c, root.id, 'committee');
    await makeMember(h.deps, b1);
    await makeMember(h.deps, b2, { status: 'probationary' });
    expect((await getOrg(c, a)).stats.subtreeMembers).toBe(2);

    const version = (await getOrg(c, g)).version;
    const r = await c.post(`/api/v1/orgs/${g}/move`, { newParentId: target, version });
    expect(r.statusCode, r.body).toBe(200);

    // the invariant, checked over the whole table: path = parent.path || seq
    const broken = await h.db.one<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM org o LEFT JOIN org p ON p.id = o.parent_id
      WHERE o.path <> CASE WHEN p.id IS NULL THEN text2ltree(o.seq::text) ELSE p.path || text2ltree(o.seq::text) END`);
    expect(broken.n).toBe(0);
    const seq = new Map((await h.db.query<{ id: string; seq: number }>(sql`SELECT id, seq FROM org WHERE id = ANY(${[root.id, target, g, b1, b2, pg]}::uuid[])`)).map((x) => [x.id, x.seq]));
    const path = async (id: string) => (await h.db.one<{ path: string }>(sql`SELECT path::text AS path FROM org WHERE id = ${id}`)).path;
    expect(await path(pg)).toBe([root.id, target, g, b1, pg].map((id) => seq.get(id)).join('.'));
    expect(await path(b2)).toBe([root.id, target, g, b2].map((id) => seq.get(id)).join('.'));

    const moved = await getOrg(c, g);
    expect(moved.parentId).toBe(target);
    expect(moved.version).toBe(version + 1);
    expect((await getOrg(c, pg)).ancestors.map((x: { id: string }) => x.id)).toEqual([root.id, target, g, b1]);
    expect((await getOrg(c, target)).stats.subtreeMembers).toBe(2);
    expect((await getOrg(c, a)).stats.subtreeMembers).toBe(0);
    const children = await c.get(`/api/v1/orgs/children?parentId=${a}`);
    expect(children.json().items).toEqual([]);
    const events = await orgEvents(g);
    expect(events.at(-1)).toMatchObject({ kind: 'moved', detail: { fromParentId: a, toParentId: target } });
  });

  it('a move into another tree carries the region key to the moved orgs and their members', async () => {
    const rootA = await makeRoot(h.deps);
    const rootB = await makeRoot(h.deps);
    const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: rootA.id, scope: 'subtree' }, { role: 'org_admin', orgId: rootB.id, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, PASSWORD);
    const br = await create(c, rootA.id, 'branch');
    const m = await makeMember(h.deps, br);
    const r = await c.post(`/api/v1/orgs/${br}/move`, { newParentId: rootB.id, version: (await getOrg(c, br)).version });
    expect(r.statusCode, r.body).toBe(200);
    const keys = await h.db.one<{ org_key: string; person_key: string }>(sql`SELECT o.region_key AS org_key, p.region_key AS person_key FROM person p JOIN org o ON o.id = p.org_id WHERE p.id = ${m.id}`);
    expect(keys).toEqual({ org_key: rootB.id, person_key: rootB.id });
  });

  it('refuses a move under the org itself or its own descendant (422 ORG_MOVE_INVALID) and a stale version (409)', async () => {
    const { root, c } = await setup();
    const a = await create(c, root.id, 'committee');
    const child = await create(c, a, 'committee');
    const grandchild = await create(c, child, 'working_committee');
    const version = (await getOrg(c, a)).version;
    for (const newParentId of [a, child, grandchild]) {
      const r = await c.post(`/api/v1/orgs/${a}/move`, { newParentId, version });
      expect(r.statusCode).toBe(422);
      expect(r.json().error.code).toBe('ORG_MOVE_INVALID');
    }
    const stale = await c.post(`/api/v1/orgs/${child}/move`, { newParentId: root.id, version: version + 5 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    // the structure rule applies to moves too
    const branch = await create(c, root.id, 'branch');
    const gb = await create(c, root.id, 'general_branch');
    const bad = await c.post(`/api/v1/orgs/${gb}/move`, { newParentId: branch, version: 1 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toBe('党总支不能设在党支部之下');
    const unchanged = await h.db.one<{ parent_id: string }>(sql`SELECT parent_id FROM org WHERE id = ${a}`);
    expect(unchanged.parent_id).toBe(root.id);
  });
});

describe('dissolving', () => {
  it('never deletes; refuses while members or open children remain; hides the org unless asked', async () => {
    const { root, c } = await setup();
    const gb = await create(c, root.id, 'general_branch');
    const withMember = await create(c, gb, 'branch');
    const empty = await create(c, gb, 'branch');
    const member = await makeMember(h.deps, withMember);
    const body = (version: number) => ({ dissolvedOn: TODAY, reason: '单位撤并', version });

    const refused = await c.post(`/api/v1/orgs/${withMember}/dissolve`, body(1));
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('ORG_HAS_ACTIVE_MEMBERS');
    const parentRefused = await c.post(`/api/v1/orgs/${gb}/dissolve`, body(1));
    expect(parentRefused.statusCode).toBe(422);
    expect(parentRefused.json().error.code).toBe('ORG_HAS_ACTIVE_MEMBERS');

    const ok = await c.post(`/api/v1/orgs/${empty}/dissolve`, body(1));
    expect(ok.statusCode, ok.body).toBe(200);
    const row = await h.db.one<{ dissolved_on: string; dissolve_reason: string }>(sql`SELECT dissolved_on, dissolve_reason FROM org WHERE id = ${empty}`);
    expect(row).toEqual({ dissolved_on: TODAY, dissolve_reason: '单位撤并' });
    const detail = await getOrg(c, empty);
    expect(detail.isDissolved).toBe(true);
    expect(detail.abilities).toEqual({ update: false, createChild: false, move: false, dissolve: false, manageCommittee: false });

    const visible = await c.get(`/api/v1/orgs/children?parentId=${gb}`);
    expect(visible.json().items.map((o: { id: string }) => o.id)).toEqual([withMember]);
    const all = await c.get(`/api/v1/orgs/children?parentId=${gb}&includeDissolved=true`);
    const items = all.json().items as Array<{ id: string; isDissolved: boolean }>;
    expect(items.map((o) => o.id).sort()).toEqual([withMember, empty].sort());
    expect(items.find((o) => o.id === empty)!.isDissolved).toBe(true);

    const again = await c.post(`/api/v1/orgs/${empty}/dissolve`, body(2));
    expect(again.json().error.code).toBe('ORG_DISSOLVED');
    const childOfDissolved = await c.post('/api/v1/orgs', { parentId: empty, type: 'party_group', name: '撤销后新建' });
    expect(childOfDissolved.statusCode).toBe(422);
    expect(childOfDissolved.json().error.code).toBe('ORG_DISSOLVED');

    // once the member has transferred out, the branch and then its parent can be dissolved
    const m = (await c.get(`/api/v1/members/${member.id}`)).json();
    const out = await c.post(`/api/v1/members/${member.id}/events`, { reason: 'transfer_out', eventDate: TODAY, version: m.version });
    expect(out.statusCode, out.body).toBe(200);
    expect((await c.post(`/api/v1/orgs/${withMember}/dissolve`, body(1))).statusCode).toBe(200);
    expect((await c.post(`/api/v1/orgs/${gb}/dissolve`, body(1))).statusCode).toBe(200);
    expect((await orgEvents(empty)).map((e) => e.kind)).toEqual(['created', 'dissolved']);
    const still = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org WHERE id = ANY(${[gb, withMember, empty]}::uuid[])`);
    expect(still.n).toBe(3);
  });
});

describe('committees and terms (RULES §3)', () => {
  const posts = [
    { post: 'secretary', holderName: '张书记' },
    { post: 'organisation', holderName: '李委员' },
    { post: 'propaganda', holderName: '王委员' },
  ];

  it('takes the term from the rule: 5 years for village and community branches, 3 otherwise', async () => {
    const { root, c } = await setup();
    const cases: Array<[string, string, number, string]> = [
      ['village', '2024-03-15', 5, '2029-03-15'],
      ['community', '2023-06-30', 5, '2028-06-30'],
      ['government', '2024-03-15', 3, '2027-03-15'],
      ['private', '2025-01-08', 3, '2028-01-08'],
    ];
    for (const [unitKind, electedOn, years, endsOn] of cases) {
      const id = await create(c, root.id, 'branch', { unitKind });
      const r = await c.post(`/api/v1/orgs/${id}/committee`, { electedOn, posts });
      expect(r.statusCode, r.body).toBe(200);
      const committee = (await getOrg(c, id)).committee;
      expect(committee).toMatchObject({ electedOn, termYears: years, termEndsOn: endsOn });
      expect(committee.posts.map((p: { post: string }) => p.post)).toEqual(['secretary', 'organisation', 'propaganda']);
      expect((await orgEvents(id)).at(-1)).toMatchObject({ kind: 'committee_elected', detail: { electedOn, termYears: years } });
    }
  });

  it('an election before the first rule version (2018-10-28) needs explicit term years instead of failing', async () => {
    const { root, c } = await setup();
    const id = await create(c, root.id, 'branch', { unitKind: 'village' });
    const r = await c.post(`/api/v1/orgs/${id}/committee`, { electedOn: '2016-05-01', posts });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('VALIDATION_FAILED');
    expect(r.json().error.details.issues).toEqual([expect.objectContaining({ field: 'termYears' })]);
    const ok = await c.post(`/api/v1/orgs/${id}/committee`, { electedOn: '2016-05-01', termYears: 3, posts });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await getOrg(c, id)).committee).toMatchObject({ electedOn: '2016-05-01', termYears: 3, termEndsOn: '2019-05-01' });
    const onEffectiveDay = await c.post(`/api/v1/orgs/${id}/committee`, { electedOn: '2018-10-28', posts });
    expect(onEffectiveDay.statusCode).toBe(200);
    expect((await getOrg(c, id)).committee).toMatchObject({ termYears: 5, termEndsOn: '2023-10-28' });
  });

  it('a new election ends the previous committee; exactly one secretary is required', async () => {
    const { root, c } = await setup();
    const id = await create(c, root.id, 'branch', { unitKind: 'school' });
    expect((await c.post(`/api/v1/orgs/${id}/committee`, { electedOn: '2022-04-01', posts })).statusCode).toBe(200);
    expect((await c.post(`/api/v1/orgs/${id}/committee`, { electedOn: '2025-04-01', posts })).statusCode).toBe(200);
    const rows = await h.db.query<{ elected_on: string; ended_on: string | null }>(sql`SELECT elected_on, ended_on FROM org_committee WHERE org_id = ${id} ORDER BY elected_on`);
    expect(rows).toEqual([{ elected_on: '2022-04-01', ended_on: '2025-04-01' }, { elected_on: '2025-04-01', ended_on: null }]);
    expect((await getOrg(c, id)).committee.termEndsOn).toBe('2028-04-01');
    const two = await c.post(`/api/v1/orgs/${id}/committee`, { electedOn: '2025-05-01', posts: [...posts, { post: 'secretary', holderName: '赵书记' }] });
    expect(two.statusCode).toBe(400);
    expect(two.json().error.message).toBe('班子中应有且只有一名书记');
  });
});

describe('setup warnings on the org detail', () => {
  const codes = (detail: { warnings: Array<{ code: string }> }) => detail.warnings.map((w) => w.code).sort();

  it('2 full members: too few to form a branch', async () => {
    const { root, c } = await setup();
    const id = await create(c, root.id, 'branch');
    for (let i = 0; i < 2; i++) await makeMember(h.deps, id);
    const d = await getOrg(c, id);
    expect(d.stats).toMatchObject({ fullMembers: 2, probationaryMembers: 0 });
    expect(codes(d)).toEqual(['no_committee_term', 'too_few_full_members']);
    const w = d.warnings.find((x: { code: string }) => x.code === 'too_few_full_members');
    expect(w.level).toBe('error');
    expect(w.message).toContain('正式党员仅 2 名');
    expect(w.source).toContain('中国共产党支部工作条例');
  });

  it('51 members (probationary ones count) is too many; 50 is not', async () => {
    const { root, c } = await setup();
    const id = await create(c, root.id, 'branch');
    for (let i = 0; i < 45; i++) await makeMember(h.deps, id);
    const probationary: string[] = [];
    for (let i = 0; i < 6; i++) probationary.push((await makeMember(h.deps, id, { status: 'probationary' })).id);
    const d = await getOrg(c, id);
    expect(d.memberCount).toBe(51);
    expect(codes(d)).toEqual(['committee_required', 'no_committee_term', 'too_many_members']);
    expect(d.warnings.find((x: { code: string }) => x.code === 'too_many_members').message).toContain('党员 51 名');
    const p = (await c.get(`/api/v1/members/${probationary[0]}`)).json();
    expect((await c.post(`/api/v1/members/${p.id}/events`, { reason: 'deceased', eventDate: TODAY, version: p.version })).statusCode).toBe(200);
    expect(codes(await getOrg(c, id))).toEqual(['committee_required', 'no_committee_term']);
  });

  it('7 full members and no committee: a committee is required; 6 full + 1 probationary is not enough', async () => {
    const { root, c } = await setup();
    const seven = await create(c, root.id, 'branch');
    for (let i = 0; i < 7; i++) await makeMember(h.deps, seven);
    const d = await getOrg(c, seven);
    expect(codes(d)).toEqual(['committee_required', 'no_committee_term']);
    expect(d.warnings.find((x: { code: string }) => x.code === 'committee_required').message).toContain('正式党员 7 名');
    const six = await create(c, root.id, 'branch');
    for (let i = 0; i < 6; i++) await makeMember(h.deps, six);
    await makeMember(h.deps, six, { status: 'probationary' });
    expect(codes(await getOrg(c, six))).toEqual(['no_committee_term']);
  });

  it('a term ending in 30 days is expiring; one that ended last month is overdue', async () => {
    const { root, c } = await setup();
    const posts = [{ post: 'secretary', holderName: '张书记' }];

    const soonEnd = notLeapDay(plusDays(TODAY, 30));
    const soon = await create(c, root.id, 'branch', { unitKind: 'soe' });
    for (let i = 0; i < 3; i++) await makeMember(h.deps, soon);
    expect((await c.post(`/api/v1/orgs/${soon}/committee`, { electedOn: yearsBefore(soonEnd, 3), posts })).statusCode).toBe(200);
    const d1 = await getOrg(c, soon);
    expect(d1.committee.termEndsOn).toBe(soonEnd);
    expect(codes(d1)).toEqual(['term_expiring']);
    const daysLeft = Math.round((utc(soonEnd) - utc(TODAY)) / 86_400_000);
    expect(d1.warnings[0]).toMatchObject({ level: 'warning' });
    expect(d1.warnings[0].message).toContain(`还有 ${daysLeft} 天`);

    // the 15th of last month, for a village branch (5-year term)
    const [y, m] = TODAY.split('-').map(Number);
    const lastMonthEnd = m === 1 ? `${y - 1}-12-15` : `${y}-${String(m - 1).padStart(2, '0')}-15`;
    const late = await create(c, root.id, 'branch', { unitKind: 'village' });
    for (let i = 0; i < 3; i++) await makeMember(h.deps, late);
    expect((await c.post(`/api/v1/orgs/${late}/committee`, { electedOn: yearsBefore(lastMonthEnd, 5), posts })).statusCode).toBe(200);
    const d2 = await getOrg(c, late);
    expect(d2.committee).toMatchObject({ termYears: 5, termEndsOn: lastMonthEnd });
    expect(codes(d2)).toEqual(['term_overdue']);
    const overdue = Math.round((utc(TODAY) - utc(lastMonthEnd)) / 86_400_000);
    expect(d2.warnings[0].level).toBe('error');
    expect(d2.warnings[0].message).toContain(`已超期 ${overdue} 天`);
  });
});

describe('org_event', () => {
  it('is append-only: UPDATE and DELETE fail', async () => {
    const { root, c } = await setup();
    const id = await create(c, root.id, 'branch');
    await expect(h.db.exec(sql`UPDATE org_event SET kind = 'tampered' WHERE org_id = ${id}`)).rejects.toThrow(/append-only/);
    await expect(h.db.exec(sql`DELETE FROM org_event WHERE org_id = ${id}`)).rejects.toThrow(/append-only/);
    expect((await orgEvents(id)).map((e) => e.kind)).toEqual(['created']);
  });
});

describe('setup warnings across the scope', () => {
  it('lists every org with problems, errors first, and applies a local rule version to its subtree', async () => {
    const { root, c } = await setup();
    const small = await create(c, root.id, 'branch');
    const healthy = await create(c, root.id, 'branch');
    await makeMember(h.deps, small);
    await makeMember(h.deps, small);
    for (let i = 0; i < 3; i++) await makeMember(h.deps, healthy);
    const elect = await c.post(`/api/v1/orgs/${healthy}/committee`, { electedOn: TODAY, posts: [{ post: 'secretary', holderName: '王书记' }] });
    expect(elect.statusCode, elect.body).toBe(200);

    const list = async () => {
      const r = await c.get(`/api/v1/orgs/warnings?orgId=${root.id}`);
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as { items: Array<{ orgId: string; warning: { code: string; level: string } }>; total: number; checkedOrgs: number; byCode: Record<string, number> };
    };
    const before = await list();
    expect(before.checkedOrgs).toBe(3); // the root committee and the two branches
    // the small branch: 2 full members (< 3, error) and no committee term registered (warning); the healthy one: none
    expect(before.items.map((i) => `${i.orgId === small ? 'small' : i.orgId === healthy ? 'healthy' : 'root'}:${i.warning.code}`)).toEqual(['small:too_few_full_members', 'small:no_committee_term']);
    expect(before.byCode).toEqual({ too_few_full_members: 1, no_committee_term: 1 });

    // a local rule for this tree (e.g. a province allowing 2 full members) overrides the national one from its effective date
    await h.db.exec(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, source, body) VALUES ('org', 'setup', ${root.id}, '2020-01-01', '测试用地方规定',
      ${JSON.stringify({ minFullMembers: 2, maxMembers: 50, committeeFromFullMembers: 7, termYearsVillageCommunity: 5, termYearsOther: 3, termWarningDays: 90 })}::jsonb)`);
    const after = await list();
    expect(after.items.map((i) => i.warning.code)).toEqual(['no_committee_term']);
    expect((await getOrg(c, small)).warnings.map((w: { code: string }) => w.code)).toEqual(['no_committee_term']);
  });
});
