import ExcelJS from 'exceljs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import type { Queryable } from '../../src/server/platform/db';
import { actorOf, admitMember, cancelProbation, convertMember, IMPORT_COLUMNS, memberRollupDifferences, rebuildAllMemberRollups, runImport, setPipelineStatus } from '../../src/server/domains/member';
import { EDUCATIONS, OCCUPATIONS } from '../../src/contracts/dict';
import { createDemoHarness, createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeCandidate, makeIdNumber, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// Member rollups (migration 0017): after writes through the real routes and
// member transitions they equal a recomputation written here in plain SQL
// (not the rebuild under test); concurrent writers lose nothing; verify finds
// drift and rebuild repairs it; the statistics API derives age bands from
// `asOf`; the demo seed's rollups verify clean.

let h: Harness;
let hSeed: Harness;
beforeAll(async () => {
  [h, hSeed] = await Promise.all([createHarness(), createDemoHarness()]);
});
afterAll(async () => Promise.all([h.close(), hSeed.close()]));

type Row = { org_id: string; dimension: string; value: string; n: number };
const key = (r: Row) => `${r.org_id}|${r.dimension}|${r.value}`;
const sorted = (rows: Row[]) => rows.map((r) => ({ ...r, n: Number(r.n) })).sort((a, b) => key(a).localeCompare(key(b)));

/** The rollups as they should be, computed from persons and orgs by this test's own SQL. */
async function recomputed(q: Queryable): Promise<Row[]> {
  return sorted(await q.query<Row>(sql`
    WITH own AS (
      SELECT p.org_id, 'status' AS dimension, p.status AS value FROM person p WHERE p.org_id IS NOT NULL
      UNION ALL SELECT p.org_id, 'sex', p.sex FROM person p WHERE p.org_id IS NOT NULL AND p.status IN ('probationary', 'full')
      UNION ALL SELECT p.org_id, 'birth_year', to_char(p.birth_date, 'YYYY') FROM person p WHERE p.org_id IS NOT NULL AND p.status IN ('probationary', 'full')
      UNION ALL SELECT p.org_id, 'education', p.education FROM person p WHERE p.org_id IS NOT NULL AND p.status IN ('probationary', 'full')
      UNION ALL SELECT p.org_id, 'occupation', p.occupation FROM person p WHERE p.org_id IS NOT NULL AND p.status IN ('probationary', 'full')
      UNION ALL SELECT p.org_id, 'ethnicity', p.ethnicity FROM person p WHERE p.org_id IS NOT NULL AND p.status IN ('probationary', 'full')
      UNION ALL SELECT p.org_id, 'join_month', coalesce(to_char(p.join_date, 'YYYY-MM'), 'none') FROM person p WHERE p.org_id IS NOT NULL AND p.status IN ('probationary', 'full')
      UNION ALL SELECT o.id, 'org_type', o.type FROM org o WHERE o.dissolved_on IS NULL)
    SELECT anc.id AS org_id, own.dimension, own.value, count(*)::int AS n
    FROM own JOIN org at ON at.id = own.org_id JOIN org anc ON at.path <@ anc.path
    GROUP BY 1, 2, 3`));
}

async function stored(q: Queryable): Promise<Row[]> {
  return sorted(await q.query<Row>(sql`SELECT org_id, dimension, value, n FROM member_rollup WHERE n <> 0`));
}

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] };
}

const pad = (n: number) => String(n).padStart(2, '0');
const version = async (table: 'person' | 'org', id: string) =>
  (await h.db.one<{ version: number }>(table === 'person' ? sql`SELECT version FROM person WHERE id = ${id}` : sql`SELECT version FROM org WHERE id = ${id}`)).version;

async function adminOf(rootId: string) {
  const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: rootId, scope: 'subtree' }]);
  return { acc, c: await login(h.app, acc.username, PASSWORD) };
}

function memberBody(orgId: string, r: ReturnType<typeof prng>, over: Record<string, unknown> = {}) {
  const year = r.int(1950, 2000);
  const birth = `${year}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
  const sex = r.pick(['male', 'female'] as const);
  const joinYear = year + r.int(19, 24);
  const status = joinYear >= 2026 ? 'probationary' : r.pick(['full', 'full', 'probationary'] as const);
  const joinDate = status === 'probationary' ? `2026-${pad(r.int(1, 10))}-01` : `${joinYear}-${pad(r.int(1, 12))}-01`;
  const conversionDate = status === 'full' ? `${joinYear + 1}-${joinDate.slice(5, 7)}-01` : null;
  return {
    orgId, name: `随机党员${r.int(100, 999)}`, sex, ethnicity: r.pick(['汉族', '汉族', '回族', '壮族']), idNumber: makeIdNumber(birth, sex),
    education: r.pick(Object.keys(EDUCATIONS)), occupation: r.pick(Object.keys(OCCUPATIONS)), joinDate, conversionDate, status, ...over,
  };
}

async function xlsxOf(rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('党员信息');
  ws.addRow([...IMPORT_COLUMNS]);
  for (const row of rows) ws.addRow(row);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('member rollups follow every write', () => {
  it('equal a raw recomputation after a seeded random sequence of writes through the routes and transitions', async () => {
    const root = await makeRoot(h.deps);
    const { acc, c } = await adminOf(root.id);
    const subA = await makeOrg(h.deps, root, 'committee', `甲党委${crypto.randomBytes(2).toString('hex')}`);
    const subB = await makeOrg(h.deps, root, 'committee', `乙党委${crypto.randomBytes(2).toString('hex')}`);
    const general = await makeOrg(h.deps, subA, 'general_branch');
    const branches = [await makeOrg(h.deps, subA, 'branch'), await makeOrg(h.deps, subB, 'branch'), await makeOrg(h.deps, general, 'branch'), await makeOrg(h.deps, subB, 'joint_branch')];
    const committees = [subA, subB];
    const r = prng(20261204);
    const members: string[] = [];
    const probationary: Array<{ id: string; orgId: string }> = [];
    const candidates: Array<{ id: string; orgId: string }> = [];
    const log: string[] = [];

    const createMember = async () => {
      const br = r.pick(branches);
      const body = memberBody(br.id, r);
      const res = await c.post('/api/v1/members', body);
      expect(res.statusCode, res.body).toBe(201);
      members.push(res.json().id);
      if (body.status === 'probationary') probationary.push({ id: res.json().id, orgId: br.id });
    };
    for (let i = 0; i < 12; i++) await createMember();

    for (let step = 0; step < 70; step++) {
      const op = r.int(0, 10);
      log.push(String(op));
      if (op === 0) await createMember();
      else if (op === 1 || op === 2) {
        // edit education / occupation / ethnicity / join date
        const id = r.pick(members);
        const patch = r.pick([{ education: r.pick(Object.keys(EDUCATIONS)) }, { occupation: r.pick(Object.keys(OCCUPATIONS)) }, { ethnicity: r.pick(['汉族', '满族', '苗族']) }, { joinDate: `19${r.int(80, 99)}-0${r.int(1, 9)}-15` }]);
        const res = await c.patch(`/api/v1/members/${id}`, { ...patch, version: await version('person', id) });
        expect([200, 400, 404, 409, 422], res.body).toContain(res.statusCode); // a former member or an inconsistent date may be refused
      } else if (op === 3) {
        // a status event: death, withdrawal, suspension
        const id = r.pick(members);
        const res = await c.post(`/api/v1/members/${id}/events`, { reason: r.pick(['deceased', 'withdrew', 'suspended']), eventDate: TEST_TODAY, version: await version('person', id) });
        expect([200, 409, 422], res.body).toContain(res.statusCode); // already gone: refused
      } else if (op === 4) {
        // the development pipeline: a new applicant, then its steps
        const br = r.pick(branches);
        const cand = await makeCandidate(h.deps, br.id, 1, TEST_TODAY, `申请人${step}`);
        candidates.push({ id: cand.personId, orgId: br.id });
        await h.db.tx((t) => setPipelineStatus(t, cand.personId, r.pick(['activist', 'candidate'] as const)));
      } else if (op === 5 && candidates.length) {
        // admission, or the file closes (群众)
        const cand = candidates.splice(r.int(0, candidates.length - 1), 1)[0];
        if (r.next() < 0.7) {
          await h.db.tx(async (t) => {
            await setPipelineStatus(t, cand.id, 'candidate');
            await admitMember(t, { personId: cand.id, orgId: cand.orgId, actorId: acc.id, resolutionDate: '2026-11-02', approvalDate: '2026-11-20' });
          });
          probationary.push({ id: cand.id, orgId: cand.orgId });
          members.push(cand.id);
        } else await h.db.tx((t) => setPipelineStatus(t, cand.id, 'masses'));
      } else if (op === 6 && probationary.length) {
        // conversion or cancellation of the probation
        const p = probationary.splice(r.int(0, probationary.length - 1), 1)[0];
        const status = (await h.db.one<{ status: string }>(sql`SELECT status FROM person WHERE id = ${p.id}`)).status;
        if (status !== 'probationary') continue;
        if (r.next() < 0.7) await h.db.tx((t) => convertMember(t, { personId: p.id, orgId: p.orgId, actorId: acc.id, conversionDate: '2026-11-21', approvalDate: '2026-11-25' }));
        else await h.db.tx((t) => cancelProbation(t, { personId: p.id, orgId: p.orgId, actorId: acc.id, approvalDate: '2026-11-25' }, { requestId: 'test', ip: null, actor: null }));
      } else if (op === 7) {
        // move a branch (with its members) to another committee
        const br = r.pick(branches);
        const to = r.pick([...committees, general]);
        const res = await c.post(`/api/v1/orgs/${br.id}/move`, { newParentId: to.id, version: await version('org', br.id) });
        expect([200, 422], res.body).toContain(res.statusCode);
        if (res.statusCode === 200) log.push('moved');
      } else if (op === 8) {
        // a new org, sometimes dissolved again at once (an empty org may be)
        const parent = r.pick(committees);
        const res = await c.post('/api/v1/orgs', { parentId: parent.id, type: r.pick(['branch', 'general_branch', 'temporary_branch']), name: `新建组织${step}` });
        expect(res.statusCode, res.body).toBe(201);
        const id = res.json().id as string;
        if (r.next() < 0.5) {
          const d = await c.post(`/api/v1/orgs/${id}/dissolve`, { dissolvedOn: TEST_TODAY, reason: '随机撤销', version: await version('org', id) });
          expect(d.statusCode, d.body).toBe(200);
        }
      } else if (op === 9) {
        // move a whole committee under the other one and back (a deeper re-path)
        const [a, b] = r.next() < 0.5 ? [subA, subB] : [subB, subA];
        const res = await c.post(`/api/v1/orgs/${a.id}/move`, { newParentId: b.id, version: await version('org', a.id) });
        expect(res.statusCode, res.body).toBe(200);
        expect(await stored(h.db)).toEqual(await recomputed(h.db));
        const back = await c.post(`/api/v1/orgs/${a.id}/move`, { newParentId: root.id, version: await version('org', a.id) });
        expect(back.statusCode, back.body).toBe(200);
      } else if (op === 10) {
        // the org type changes (org_type counts move between keys)
        const br = r.pick(branches);
        const res = await c.patch(`/api/v1/orgs/${br.id}`, { type: r.pick(['branch', 'joint_branch', 'temporary_branch']), version: await version('org', br.id) });
        expect([200, 422], res.body).toContain(res.statusCode);
      }
    }

    // an import of two members (the committed import as the job runs it)
    const code = `R${crypto.randomBytes(4).toString('hex')}`;
    await h.db.exec(sql`UPDATE org SET code = ${code} WHERE id = ${branches[0].id}`);
    const data = await xlsxOf([
      ['导入甲', '男', '汉族', makeIdNumber('1971-03-04', 'male'), '大学本科', '工人', null, null, null, '正式党员', '1995-07-01', '1996-07-01', code],
      ['导入乙', '女', '回族', makeIdNumber('1988-08-08', 'female'), '高中', '农牧渔民', null, null, null, '预备党员', '2026-03-01', null, code],
    ]);
    const report = await runImport(h.deps, { requestId: 'test', ip: null, actor: await actorOf(h.deps, acc.id) }, data, true);
    expect(report).toMatchObject({ created: 2, errors: [] });

    const got = await stored(h.db);
    expect(got.length).toBeGreaterThan(50);
    expect(got, `ops ${log.join(',')}`).toEqual(await recomputed(h.db));
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
  });

  it('loses no update when several writers change members of the same branch at once', async () => {
    const root = await makeRoot(h.deps);
    const { c } = await adminOf(root.id);
    const sub = await makeOrg(h.deps, root, 'committee');
    const branch = await makeOrg(h.deps, sub, 'branch');
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => makeMember(h.deps, branch.id, { name: `并发党员${i}`, birth: `197${i}-01-0${i + 1}` }).then((m) => m.id)));
    const r = prng(7);
    const writes = [
      ...ids.slice(0, 4).map(async (id, i) => c.patch(`/api/v1/members/${id}`, { education: (['postgraduate', 'college', 'high_school', 'primary'] as const)[i], version: await version('person', id) })),
      ...ids.slice(4, 6).map(async (id) => c.post(`/api/v1/members/${id}/events`, { reason: 'deceased', eventDate: TEST_TODAY, version: await version('person', id) })),
      ...Array.from({ length: 4 }, () => c.post('/api/v1/members', memberBody(branch.id, r))),
    ];
    const results = await Promise.all(writes);
    for (const res of results) expect([200, 201], res.body).toContain(res.statusCode);
    expect(await stored(h.db)).toEqual(await recomputed(h.db));
    const edu = await h.db.query<{ value: string; n: number }>(sql`SELECT value, n FROM member_rollup WHERE org_id = ${root.id} AND dimension = 'education' AND n <> 0 ORDER BY value`);
    // 8 made as 大学本科, 4 changed, 2 of the other 4 died; plus the 4 random new ones
    expect(edu.reduce((s, e) => s + e.n, 0)).toBe(2 + 4 + 4);
  });
});

describe('verify and rebuild', () => {
  it('reports a corrupted table and the rebuild restores it', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    await makeMember(h.deps, branch.id, { sex: 'female' });
    await makeMember(h.deps, branch.id, { sex: 'male' });
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
    const before = await stored(h.db);

    await h.db.exec(sql`UPDATE member_rollup SET n = n + 5 WHERE org_id = ${root.id} AND dimension = 'sex' AND value = 'female'`);
    await h.db.exec(sql`DELETE FROM member_rollup WHERE org_id = ${branch.id} AND dimension = 'status' AND value = 'full'`);
    await h.db.exec(sql`INSERT INTO member_rollup (org_id, dimension, value, n) VALUES (${branch.id}, 'education', 'primary', 3)`);
    const v = await memberRollupDifferences(h.db);
    expect(v.differenceCount).toBe(3);
    const byKey = Object.fromEntries(v.differences.map((d) => [`${d.org_id === root.id ? 'root' : 'branch'}:${d.dimension}:${d.value}`, [d.stored, d.computed]]));
    expect(byKey).toEqual({ 'root:sex:female': [6, 1], 'branch:status:full': [0, 2], 'branch:education:primary': [3, 0] });
    // verify changes nothing
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(3);

    await rebuildAllMemberRollups(h.db);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
    expect(await stored(h.db)).toEqual(before);
    expect(await stored(h.db)).toEqual(await recomputed(h.db));
  });
});

describe('GET /orgs/:id/member-stats', () => {
  it('gives hand-computed counts for a small fixture, age bands as of `asOf`, and hides what is out of scope', async () => {
    const root = await makeRoot(h.deps);
    const { c } = await adminOf(root.id);
    const branch = await makeOrg(h.deps, root, 'branch');
    const group = await makeOrg(h.deps, branch, 'party_group');
    const other = await makeOrg(h.deps, root, 'branch');
    const dissolved = await makeOrg(h.deps, root, 'temporary_branch');
    const d = await c.post(`/api/v1/orgs/${dissolved.id}/dissolve`, { dissolvedOn: TEST_TODAY, reason: '任务完成', version: await version('org', dissolved.id) });
    expect(d.statusCode, d.body).toBe(200);
    const create = async (body: Record<string, unknown>) => {
      const res = await c.post('/api/v1/members', body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const m = (orgId: string, name: string, sex: 'male' | 'female', birth: string, o: Record<string, unknown>) =>
      ({ orgId, name, sex, ethnicity: '汉族', idNumber: makeIdNumber(birth, sex), education: 'bachelor', occupation: 'worker', status: 'full', ...o });
    await create(m(branch.id, '青年党员', 'female', '2000-12-31', { joinDate: '2019-07-01', conversionDate: '2020-07-01' }));
    await create(m(branch.id, '预备党员', 'male', '1960-03-01', { ethnicity: '回族', education: 'high_school', occupation: 'farmer', status: 'probationary', joinDate: '2026-06-01', conversionDate: null }));
    await create(m(other.id, '老党员', 'male', '1945-05-05', { education: 'primary', occupation: 'retired', joinDate: '1966-05-01', conversionDate: '1967-05-01' }));
    const gone = await create(m(other.id, '已故党员', 'male', '1950-01-01', { joinDate: '1976-11-01', conversionDate: '1977-11-01' }));
    const ev = await c.post(`/api/v1/members/${gone}/events`, { reason: 'deceased', eventDate: TEST_TODAY, version: await version('person', gone) });
    expect(ev.statusCode, ev.body).toBe(200);
    await makeCandidate(h.deps, branch.id, 1, TEST_TODAY, '申请人甲');

    const at = async (asOf: string, orgId = root.id, client: Client = c) => {
      const res = await client.get(`/api/v1/orgs/${orgId}/member-stats?asOf=${asOf}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const map = (xs: Array<{ key: string; n: number }>) => Object.fromEntries(xs.filter((x) => x.n).map((x) => [x.key, x.n]));
    const s25 = await at('2025-12-31');
    expect(s25).toMatchObject({ org: { id: root.id }, coverage: 'subtree', asOf: '2025-12-31', members: 3 });
    expect(map(s25.byStatus)).toEqual({ full: 2, probationary: 1, deceased: 1, applicant: 1 });
    expect(map(s25.bySex)).toEqual({ female: 1, male: 2 });
    expect(map(s25.byAgeBand)).toEqual({ upto25: 1, '61plus': 2 }); // born 2000-12-31: 25 in 2025
    expect(s25.byAgeBand.map((b: { key: string }) => b.key)).toEqual(['upto25', '26_30', '31_35', '36_40', '41_45', '46_50', '51_55', '56_60', '61plus']);
    expect(map(s25.byEducation)).toEqual({ bachelor: 1, high_school: 1, primary: 1 });
    expect(map(s25.byOccupation)).toEqual({ worker: 1, farmer: 1, retired: 1 });
    expect(s25.ethnicity).toEqual({ han: 2, minority: 1, byName: [{ key: '汉族', n: 2 }, { key: '回族', n: 1 }] });
    expect(map(s25.byJoinPeriod)).toEqual({ '1966_05': 1, '2012_11': 2 });
    expect(map(s25.orgsByType)).toEqual({ committee: 1, branch: 2, party_group: 1 }); // the dissolved temporary branch is not counted
    const s26 = await at('2026-12-31');
    expect(map(s26.byAgeBand)).toEqual({ '26_30': 1, '61plus': 2 }); // 26 in 2026
    // without asOf: the business day (2026-12-04)
    const today = await c.get(`/api/v1/orgs/${root.id}/member-stats`);
    expect(today.json().asOf).toBe(TEST_TODAY);
    expect(map(today.json().byAgeBand)).toEqual({ '26_30': 1, '61plus': 2 });

    // a branch: its own subtree
    const sb = await at('2025-12-31', branch.id);
    expect(sb.members).toBe(2);
    expect(map(sb.orgsByType)).toEqual({ branch: 1, party_group: 1 });
    expect(map(sb.byStatus)).toEqual({ full: 1, probationary: 1, applicant: 1 });

    // a secretary of the other branch: the root and this branch are not found
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'subtree' }]);
    const sc = await login(h.app, sec.username, PASSWORD);
    expect((await sc.get(`/api/v1/orgs/${root.id}/member-stats`)).statusCode).toBe(404);
    expect((await sc.get(`/api/v1/orgs/${branch.id}/member-stats`)).statusCode).toBe(404);
    expect(map((await at('2025-12-31', other.id, sc)).byStatus)).toEqual({ full: 1, deceased: 1 });
    // a node grant on the branch: the branch alone, not the party group under it
    const node = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }]);
    const nc = await login(h.app, node.username, PASSWORD);
    const sn = await at('2025-12-31', branch.id, nc);
    expect(sn).toMatchObject({ coverage: 'node', members: 2 });
    expect(map(sn.orgsByType)).toEqual({ branch: 1 });
    expect(map((await at('2025-12-31', branch.id)).orgsByType)).toEqual({ branch: 1, party_group: 1 });
    void group;
    // an invalid asOf is refused
    expect((await c.get(`/api/v1/orgs/${root.id}/member-stats?asOf=2025-13-01`)).statusCode).toBe(400);
  });
});

describe('demo seed', () => {
  it('(a clone of the run\'s demo template) leaves rollups that verify clean and equal the raw recomputation', async () => {
    expect((await memberRollupDifferences(hSeed.db)).differenceCount).toBe(0);
    expect(await stored(hSeed.db)).toEqual(await recomputed(hSeed.db));
    const top = await hSeed.db.one<{ id: string }>(sql`SELECT id FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`);
    const members = await hSeed.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE is_current`);
    const fromRollup = await hSeed.db.one<{ n: number }>(sql`SELECT coalesce(sum(n), 0)::int AS n FROM member_rollup WHERE org_id = ${top.id} AND dimension = 'status' AND value IN ('full', 'probationary')`);
    expect(fromRollup.n).toBe(members.n);
  });
});
