import crypto from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/contracts/errors';
import { ROLE_PERMISSIONS, type DataScope, type Permission } from '../../../src/contracts/permissions';
import type { OrgType } from '../../../src/contracts/dict';
import type { Workbench, WorkbenchSection } from '../../../src/contracts/workbench';
import { sql } from '../../../src/server/platform/sql';
import { createHarness, type Client, type Harness, TEST_NOW, TEST_TODAY } from '../../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeResident, makeRoot } from '../../helpers/factory';
import { expectEnvelope, exportedNames, multipartFile, PNG_1PX, sessionClient, uniqueIdNumber } from './support';

// Subtree isolation as a property: over random org trees, a random grant (org_admin
// or secretary, node or subtree scope) at a random node N may reach a target
// exactly when the target is in scope; everything else is 404 (never 403 for a
// permission the role holds, never data). Lists, counts and the export contain
// exactly the in-scope current members.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

interface TreeSpec {
  kids: TreeSpec[];
  members: number;
}

const MAX_DEPTH = 3; // levels 0..3: at most four levels
const treeArb = (depth: number): fc.Arbitrary<TreeSpec> =>
  depth >= MAX_DEPTH
    ? fc.record({ kids: fc.constant([]), members: fc.integer({ min: 0, max: 3 }) })
    : fc.record({
      kids: fc.array(treeArb(depth + 1), { minLength: depth === 0 ? 1 : 0, maxLength: depth === 0 ? 3 : 2 }),
      members: fc.integer({ min: 0, max: 3 }),
    });

interface OrgNode {
  id: string;
  path: string;
  region_key: string | null;
  name: string;
  type: OrgType;
  parent: OrgNode | null;
  children: OrgNode[];
  members: MemberNode[];
  fileId: string;
  /** development files (applicants) of a branch */
  candidates: Array<{ id: string; name: string; org: OrgNode }>;
}

interface MemberNode {
  id: string;
  name: string;
  org: OrgNode;
  fileId: string;
}

let nameSeq = 0;

async function fixtureFile(ownerType: 'person' | 'org', ownerId: string, orgId: string): Promise<string> {
  const key = await h.deps.files.put(PNG_1PX);
  const r = await h.db.one<{ id: string }>(sql`INSERT INTO stored_file (owner_type, owner_id, org_id, file_name, mime, size_bytes, sha256, storage_key)
    VALUES (${ownerType}, ${ownerId}, ${orgId}, '附件.png', 'image/png', ${PNG_1PX.length}, ${crypto.createHash('sha256').update(PNG_1PX).digest('hex')}, ${key}) RETURNING id`);
  return r.id;
}

/** Builds the spec as orgs: the root a committee, leaves branches (with members), inner nodes general branches when all their children are leaves. */
async function buildTree(spec: TreeSpec): Promise<OrgNode[]> {
  const all: OrgNode[] = [];
  async function build(s: TreeSpec, parent: OrgNode | null): Promise<void> {
    const isLeaf = s.kids.length === 0;
    let type: OrgType;
    if (!parent) type = 'committee';
    else if (isLeaf) type = 'branch';
    else type = s.kids.every((k) => k.kids.length === 0) ? 'general_branch' : 'committee';
    const name = `隔离组织${++nameSeq}`;
    const ref = parent ? await makeOrg(h.deps, parent, type, name) : await makeRoot(h.deps, name);
    const node: OrgNode = { ...ref, type, parent, children: [], members: [], candidates: [], fileId: await fixtureFile('org', ref.id, ref.id) };
    all.push(node);
    parent?.children.push(node);
    if (isLeaf && parent) {
      for (let i = 0; i < s.members; i++) {
        const { idNumber, birth } = uniqueIdNumber();
        const mname = `隔离党员${++nameSeq}`;
        const { id } = await makeMember(h.deps, node.id, { name: mname, idNumber, birth, phone: '13900139000' });
        node.members.push({ id, name: mname, org: node, fileId: await fixtureFile('person', id, node.id) });
        // an online payment of the business day that the provider's statement lacks: reconciliation lists it
        await h.db.exec(sql`INSERT INTO payment_order (out_trade_no, person_id, org_id, bill_ids, amount_fen, provider, status, paid_at)
          VALUES (${`ISO${id}`}, ${id}, ${node.id}, '{}', 100, ${h.deps.payments!.name}, 'paid', ${TEST_NOW}::timestamptz)`);
      }
      const cname = `隔离申请人${++nameSeq}`;
      node.candidates.push({ id: (await makeCandidate(h.deps, node.id, 1, TEST_TODAY, cname)).fileId, name: cname, org: node });
    }
    for (const k of s.kids) await build(k, node);
  }
  await build(spec, null);
  return all;
}

// Ancestry from the generated structure (not from ltree): the independent model.
const isSelfOrDescendant = (t: OrgNode, n: OrgNode): boolean => t === n || (t.parent !== null && isSelfOrDescendant(t.parent, n));
const orgInScopeModel = (t: OrgNode, n: OrgNode, scope: DataScope) => (scope === 'subtree' ? isSelfOrDescendant(t, n) : t === n);
const subtreeOf = (t: OrgNode): OrgNode[] => [t, ...t.children.flatMap(subtreeOf)];

type Check = { route: string; target: string; res: LightMyRequestResponse; inScope: boolean; permission: Permission; expectOk: number[]; secret?: string };

function judge(role: 'org_admin' | 'secretary', c: Check, failures: string[]) {
  const where = `${c.route} ${c.target} (inScope=${c.inScope}) → ${c.res.statusCode} ${c.res.body.slice(0, 160)}`;
  if (!ROLE_PERMISSIONS[role].includes(c.permission)) {
    if (c.res.statusCode !== 403) failures.push(`expected 403 (role lacks ${c.permission}): ${where}`);
    else expectEnvelope(c.res, 'FORBIDDEN');
    return;
  }
  if (c.inScope) {
    if (!c.expectOk.includes(c.res.statusCode)) failures.push(`expected ${c.expectOk.join('/')}: ${where}`);
    return;
  }
  if (c.res.statusCode !== 404) {
    failures.push(`expected 404: ${where}`);
    return;
  }
  // exactly the answer for an id that does not exist: nothing tells that the object is there
  expectEnvelope(c.res, 'NOT_FOUND');
  if (c.res.json().error.message !== ERROR_CODES.NOT_FOUND.message || 'details' in c.res.json().error) failures.push(`404 differs from a missing object: ${where}`);
  if (c.secret && c.res.body.includes(c.secret)) failures.push(`404 body leaks data: ${where}`);
}

async function upload(client: Client, ownerType: 'person' | 'org', ownerId: string) {
  const mp = multipartFile('证明.png', PNG_1PX, 'image/png');
  return h.app.inject({ method: 'POST', url: `/api/v1/files?ownerType=${ownerType}&ownerId=${ownerId}`, headers: { cookie: client.cookie, ...mp.headers }, payload: mp.payload });
}

/** In-scope current members, by an independent ltree query. */
async function expectedMembers(n: OrgNode, scope: DataScope) {
  const cond = scope === 'subtree' ? sql`o.path <@ ${n.path}::ltree` : sql`o.id = ${n.id}::uuid`;
  return h.db.query<{ id: string; name: string }>(sql`SELECT p.id, p.name FROM person p JOIN org o ON o.id = p.org_id WHERE p.status IN ('full', 'probationary') AND ${cond}`);
}

async function listAllMembers(client: Client) {
  const ids: string[] = [];
  const totals = new Set<number>();
  for (let page = 1; ; page++) {
    const res = await client.get(`/api/v1/members?pageSize=100&page=${page}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: Array<{ id: string }>; total: number };
    totals.add(body.total);
    ids.push(...body.items.map((i) => i.id));
    if (body.items.length < 100) break;
  }
  expect(totals.size).toBe(1);
  return { ids, total: [...totals][0] };
}

describe('subtree isolation over generated org trees', () => {
  it('allows a by-id route ⇔ the target is in scope, and lists, counts and exports only in-scope members', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        treeArb(0),
        fc.nat(),
        fc.constantFrom<DataScope>('node', 'subtree'),
        fc.constantFrom<'org_admin' | 'secretary'>('org_admin', 'secretary'),
        async (spec, pick, scope, role) => {
          const orgs = await buildTree(spec);
          const members = orgs.flatMap((o) => o.members);
          const n = orgs[pick % orgs.length];
          const acc = await makeAccount(h.deps, [{ role, orgId: n.id, scope }]);
          const client = await sessionClient(h, acc.id);
          const failures: string[] = [];
          const today = TEST_TODAY;
          const orgIn = (t: OrgNode) => orgInScopeModel(t, n, scope);
          const memberIn = (m: MemberNode) => orgInScopeModel(m.org, n, scope);
          const check = (route: string, t: { id: string; name: string }, res: LightMyRequestResponse, inScope: boolean, permission: Permission, expectOk: number[] = [200]) =>
            judge(role, { route, target: t.name, res, inScope, permission, expectOk, secret: t.name }, failures);

          // --- organisations: reads and harmless writes
          for (const t of orgs) {
            const inScope = orgIn(t);
            const got = await client.get(`/api/v1/orgs/${t.id}`);
            check('getOrg', t, got, inScope, 'org.read');
            if (inScope && got.statusCode === 200) expect(got.json().id).toBe(t.id);

            const kids = await client.get(`/api/v1/orgs/children?parentId=${t.id}`);
            check('listOrgChildren', t, kids, inScope, 'org.read');
            if (inScope && kids.statusCode === 200) {
              const want = t.children.filter(orgIn).map((k) => k.id).sort();
              expect((kids.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `children of ${t.name}`).toEqual(want);
            }

            const warn = await client.get(`/api/v1/orgs/warnings?orgId=${t.id}&limit=500`);
            check('listOrgWarnings?orgId', t, warn, inScope, 'org.read');
            if (inScope && warn.statusCode === 200) {
              const allowed = new Set(subtreeOf(t).filter(orgIn).map((o) => o.id));
              for (const w of warn.json().items as Array<{ orgId: string }>) expect(allowed.has(w.orgId), `warning for ${w.orgId} under ${t.name}`).toBe(true);
              expect(warn.json().checkedOrgs).toBe(subtreeOf(t).filter(orgIn).length);
            }

            const byOrg = await client.get(`/api/v1/members?orgId=${t.id}&pageSize=100`);
            check('listMembers?orgId', t, byOrg, inScope, 'member.read');
            if (inScope && byOrg.statusCode === 200) {
              const want = subtreeOf(t).flatMap((o) => o.members).filter(memberIn).map((m) => m.id).sort();
              expect((byOrg.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `members under ${t.name}`).toEqual(want);
              expect(byOrg.json().total).toBe(want.length);
            }

            const stats = await client.get(`/api/v1/orgs/${t.id}/member-stats`);
            check('getOrgMemberStats', t, stats, inScope, 'member.read');
            if (inScope && stats.statusCode === 200) {
              // the rollups count exactly the in-scope members and orgs (a node grant: the org alone)
              const want = subtreeOf(t).flatMap((o) => o.members).filter(memberIn).length;
              expect(stats.json().members, `member-stats of ${t.name}`).toBe(want);
              const orgCount = (stats.json().orgsByType as Array<{ n: number }>).reduce((s, x) => s + x.n, 0);
              expect(orgCount, `org counts of ${t.name}`).toBe(subtreeOf(t).filter(orgIn).length);
            }

            const bases = await client.get(`/api/v1/dues/bases?orgId=${t.id}&pageSize=100`);
            check('listDuesBaseStatus?orgId', t, bases, inScope, 'dues.read');
            if (inScope && bases.statusCode === 200) {
              const want = subtreeOf(t).flatMap((o) => o.members).filter(memberIn).map((m) => m.id).sort();
              expect((bases.json().items as Array<{ personId: string }>).map((i) => i.personId).sort(), `dues bases under ${t.name}`).toEqual(want);
            }

            check('exportMembers?orgId', t, await client.get(`/api/v1/members/export?orgId=${t.id}`), inScope, 'member.export');

            const devList = await client.get(`/api/v1/development/candidates?orgId=${t.id}&pageSize=100`);
            check('listDevelopmentCandidates?orgId', t, devList, inScope, 'development.read');
            const wantFiles = subtreeOf(t).flatMap((o) => o.candidates).filter((c) => orgIn(c.org)).map((c) => c.id).sort();
            if (inScope && devList.statusCode === 200) expect((devList.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `files under ${t.name}`).toEqual(wantFiles);
            const devDue = await client.get(`/api/v1/development/deadlines?orgId=${t.id}&limit=500`);
            check('listDevelopmentDeadlines?orgId', t, devDue, inScope, 'development.read');
            if (inScope && devDue.statusCode === 200) for (const d of devDue.json().items as Array<{ fileId: string }>) expect(wantFiles, `deadline of ${d.fileId} under ${t.name}`).toContain(d.fileId);
            check('getDevelopmentOverview?orgId', t, await client.get(`/api/v1/development/overview?orgId=${t.id}`), inScope, 'development.read');
            check('getDevelopmentPlan?orgId', t, await client.get(`/api/v1/development/plans?orgId=${t.id}&year=2026`), inScope, 'development.read');

            const files = await client.get(`/api/v1/files?ownerType=org&ownerId=${t.id}`);
            check('listFiles(org)', t, files, inScope, 'file.read');
            if (inScope && files.statusCode === 200) expect((files.json().items as Array<{ id: string }>).map((i) => i.id)).toContain(t.fileId);
            check('downloadFile(org)', t, await client.get(`/api/v1/files/${t.fileId}`), inScope, 'file.read');
            check('uploadFile(org)', t, await upload(client, 'org', t.id), inScope, 'file.upload', [201]);

            const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM org WHERE id = ${t.id}`)).version;
            check('updateOrg', t, await client.patch(`/api/v1/orgs/${t.id}`, { version, address: `地址${version}` }), inScope, 'org.update');
            const v2 = (await h.db.one<{ version: number }>(sql`SELECT version FROM org WHERE id = ${t.id}`)).version;
            // a no-op move to the current parent when that parent is in scope; otherwise a move under itself (422 after the scope check)
            const parentInScope = t.parent !== null && orgIn(t.parent);
            const moveTo = parentInScope ? t.parent!.id : t.id;
            check('moveOrg', t, await client.post(`/api/v1/orgs/${t.id}/move`, { newParentId: moveTo, version: v2 }), inScope, 'org.move', parentInScope ? [200] : [422]);
            check('electCommittee', t, await client.post(`/api/v1/orgs/${t.id}/committee`, { electedOn: today, posts: [{ post: 'secretary', holderName: '李书记' }] }), inScope, 'committee.manage');
          }

          // --- members: reads and harmless writes
          for (const m of members) {
            const inScope = memberIn(m);
            const got = await client.get(`/api/v1/members/${m.id}`);
            check('getMember', m, got, inScope, 'member.read');
            if (inScope && got.statusCode === 200) expect(got.json().id).toBe(m.id);
            const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${m.id}`)).version;
            check('updateMember', m, await client.patch(`/api/v1/members/${m.id}`, { version, address: `住址${version}` }), inScope, 'member.update');
            const reveal = await client.post(`/api/v1/members/${m.id}/reveal`, { field: 'phone', reason: '隔离测试核对' });
            check('revealMemberField', m, reveal, inScope, 'member.reveal');
            if (!inScope && reveal.body.includes('13900139000')) failures.push(`reveal leaks the phone of ${m.name}`);
            const files = await client.get(`/api/v1/files?ownerType=person&ownerId=${m.id}`);
            check('listFiles(person)', m, files, inScope, 'file.read');
            if (inScope && files.statusCode === 200) expect((files.json().items as Array<{ id: string }>).map((i) => i.id)).toContain(m.fileId);
            check('downloadFile(person)', m, await client.get(`/api/v1/files/${m.fileId}`), inScope, 'file.read');
            check('uploadFile(person)', m, await upload(client, 'person', m.id), inScope, 'file.upload', [201]);
            check('listDuesBases', m, await client.get(`/api/v1/members/${m.id}/dues-bases`), inScope, 'dues.read');
            check('resetMemberActivation', m, await client.post(`/api/v1/members/${m.id}/activation/reset`, {}), inScope, 'member.update');
            check('getMemberDuesStatement', m, await client.get(`/api/v1/members/${m.id}/dues-statement?from=2026-01&to=2026-12`), inScope, 'dues.read');
          }

          // --- development files
          for (const c of orgs.flatMap((o) => o.candidates)) {
            const inScope = orgIn(c.org);
            const got = await client.get(`/api/v1/development/candidates/${c.id}`);
            check('getDevelopmentCandidate', c, got, inScope, 'development.read');
            if (inScope && got.statusCode === 200) expect(got.json().id).toBe(c.id);
            check('getDevelopmentVotingMembers', c, await client.get(`/api/v1/development/candidates/${c.id}/voting-members?date=${today}`), inScope, 'development.read');
            check('renderDevelopmentDocument', c, await client.get(`/api/v1/development/candidates/${c.id}/documents/talk_record`), inScope, 'development.read');
            const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM dev_file WHERE id = ${c.id}`)).version;
            check('recordDevelopmentStep', c, await client.post(`/api/v1/development/candidates/${c.id}/steps`, { step: 2, date: today, talkers: ['隔离谈话人'], version }), inScope, 'development.manage');
          }
          const allFiles = await client.get('/api/v1/development/candidates?pageSize=100&state=all');
          expect(allFiles.statusCode).toBe(200);
          expect((allFiles.json().items as Array<{ id: string }>).map((i) => i.id).sort()).toEqual(orgs.flatMap((o) => o.candidates).filter((c) => orgIn(c.org)).map((c) => c.id).sort());

          // --- the header's global search: every group holds exactly the in-scope hits (earlier trees are never in this grant's scope)
          const found = await client.get(`/api/v1/search?q=${encodeURIComponent('隔离')}&limit=20`);
          expect(found.statusCode).toBe(200);
          const groups = found.json() as Record<'members' | 'orgs' | 'candidates', { items: Array<{ id: string }>; total: number } | null>;
          const wantHits = {
            members: { permission: 'member.read', ids: members.filter(memberIn).map((m) => m.id) },
            orgs: { permission: 'org.read', ids: orgs.filter(orgIn).map((o) => o.id) },
            candidates: { permission: 'development.read', ids: orgs.flatMap((o) => o.candidates).filter((c) => orgIn(c.org)).map((c) => c.id) },
          } as const;
          for (const [kind, want] of Object.entries(wantHits) as Array<[keyof typeof wantHits, (typeof wantHits)[keyof typeof wantHits]]>) {
            const got = groups[kind];
            if (!(ROLE_PERMISSIONS[role] as readonly Permission[]).includes(want.permission)) {
              expect(got, `search ${kind} for ${role}`).toBeNull();
              continue;
            }
            expect(got!.total, `search ${kind} total`).toBe(want.ids.length);
            if (want.ids.length <= 20) expect(got!.items.map((i) => i.id).sort(), `search ${kind}`).toEqual([...want.ids].sort());
            else for (const i of got!.items) expect(want.ids, `search ${kind} hit ${i.id}`).toContain(i.id);
          }

          // --- the 工作台: every section's items are in scope, and its counts are the scope's
          const wb = await client.get('/api/v1/workbench');
          expect(wb.statusCode).toBe(200);
          const sections = (wb.json() as Workbench).sections;
          const sectionOf = (key: string) => sections.find((x) => x.key === key);
          const idsIn = (sec: WorkbenchSection | undefined, pattern: RegExp) => (sec?.groups ?? []).flatMap((g) => g.items.map((i) => pattern.exec(i.link ?? '')?.[1] ?? `unmatched ${i.link}`));
          const inScopeOrgIds = new Set(orgs.filter(orgIn).map((o) => o.id));
          for (const id of idsIn(sectionOf('setup'), /^\/admin\/orgs\?id=([0-9a-f-]{36})$/)) expect(inScopeOrgIds.has(id), `workbench setup item ${id}`).toBe(true);
          const setupTotal = (sectionOf('setup')?.groups ?? []).reduce((sum, g) => sum + g.count, 0);
          expect(setupTotal, 'workbench setup count').toBe((await client.get('/api/v1/orgs/warnings?limit=1')).json().total);
          const inScopeMembers = members.filter(memberIn).map((m) => m.id);
          expect(sectionOf('dues')?.groups.find((g) => g.kind === 'no_base')?.count ?? 0, 'workbench members without a base').toBe(inScopeMembers.length);
          for (const id of idsIn(sectionOf('dues'), /personId=([0-9a-f-]{36})/)) expect(inScopeMembers, `workbench dues item ${id}`).toContain(id);
          const inScopeFiles = orgs.flatMap((o) => o.candidates).filter((c) => orgIn(c.org)).map((c) => c.id);
          for (const id of idsIn(sectionOf('development'), /^\/admin\/development\/candidates\/([0-9a-f-]{36})$/)) expect(inScopeFiles, `workbench deadline of ${id}`).toContain(id);
          // narrowed to an org (the header's switcher): the granted org, its parent (out of scope), the last org built
          for (const t of new Set([n, n.parent ?? n, orgs[orgs.length - 1]])) {
            const narrowed = await client.get(`/api/v1/workbench?orgId=${t.id}`);
            check('getWorkbench?orgId', t, narrowed, orgIn(t), 'org.read');
            if (!orgIn(t) || narrowed.statusCode !== 200) continue;
            const setupUnder = (narrowed.json() as Workbench).sections.find((x) => x.key === 'setup');
            const under = new Set(subtreeOf(t).filter(orgIn).map((o) => o.id));
            for (const id of idsIn(setupUnder, /^\/admin\/orgs\?id=([0-9a-f-]{36})$/)) expect(under.has(id), `narrowed workbench setup item ${id} under ${t.name}`).toBe(true);
          }
          expect(JSON.stringify(sections)).not.toMatch(new RegExp(orgs.filter((o) => !orgIn(o)).map((o) => `${o.name}(?!\\d)`).join('|') || '^$'));
          // --- 待我审批: a file awaiting the superior's 审批 (step 17) and a proposed 免交 in every branch; the caller's queue
          // holds a file exactly when development.approve covers its branch, a reduction exactly when dues.approve covers
          // the branch's parent (the next level decides) and the branch is in scope (never another subtree's items)
          const pendingFiles: Array<{ id: string; org: OrgNode }> = [];
          const pendingReductions: Array<{ id: string; org: OrgNode }> = [];
          for (const b of orgs.filter((o) => o.candidates.length > 0)) {
            pendingFiles.push({ id: (await makeCandidate(h.deps, b.id, 16, TEST_TODAY, `待批对象${++nameSeq}`)).fileId, org: b });
            for (const m of b.members.slice(0, 1)) {
              const r = await h.db.one<{ id: string }>(sql`INSERT INTO dues_reduction (person_id, org_id, kind, from_month, to_month, reason)
                VALUES (${m.id}, ${b.id}, 'exempt', '2026-10-01', '2026-12-01', '隔离测试减免') RETURNING id`);
              pendingReductions.push({ id: r.id, org: b });
            }
          }
          const mayApprove = (p: Permission) => (ROLE_PERMISSIONS[role] as readonly Permission[]).includes(p);
          const wantQueue = {
            development_step: mayApprove('development.approve') ? pendingFiles.filter((f) => orgIn(f.org)).map((f) => f.id) : [],
            dues_reduction: mayApprove('dues.approve') ? pendingReductions.filter((r) => orgIn(r.org) && r.org.parent !== null && orgIn(r.org.parent)).map((r) => r.id) : [],
          };
          const approvals = await client.get('/api/v1/me/approvals?limit=500');
          expect(approvals.statusCode).toBe(200);
          const q = approvals.json() as { items: Array<{ kind: keyof typeof wantQueue; objectId: string }>; counts: Record<keyof typeof wantQueue, number>; total: number };
          for (const kind of ['development_step', 'dues_reduction'] as const) {
            expect(q.items.filter((i) => i.kind === kind).map((i) => i.objectId).sort(), `approvals ${kind}`).toEqual([...wantQueue[kind]].sort());
            expect(q.counts[kind], `approvals ${kind} count`).toBe(wantQueue[kind].length);
          }
          expect(q.total).toBe(wantQueue.development_step.length + wantQueue.dues_reduction.length);

          // --- reconciliation of the day: exactly the orders of the caller's scope, whatever else the installation holds
          const rec = await client.post('/api/v1/dues/reconciliation', { day: today });
          check('reconcileDuesPayments', n, rec, true, 'dues.approve');
          if (rec.statusCode === 200) {
            const listed = (rec.json().differences as Array<{ outTradeNo: string }>).map((d) => d.outTradeNo).sort();
            expect(listed, 'reconciliation').toEqual(members.filter(memberIn).map((m) => `ISO${m.id}`).sort());
          }

          // --- lists, counts and the export without filters
          const want = await expectedMembers(n, scope);
          const listed = await listAllMembers(client);
          expect(listed.ids.sort()).toEqual(want.map((w) => w.id).sort());
          expect(listed.total).toBe(want.length);
          const exp = await client.get('/api/v1/members/export');
          expect(exp.statusCode).toBe(200);
          const names = await exportedNames(exp.rawPayload);
          expect(names.length).toBe(want.length);
          expect(names.sort()).toEqual(want.map((w) => w.name).sort());

          // --- 组织关系转接: letters between this tree's branches, made through the API by an org_admin over the whole tree
          // (a draft, one issued without the approval hop when one is needed, one issued, one accepted), for fresh members
          // outside the model above so that nothing checked before moves. The caller sees a letter exactly when its scope
          // covers the sending branch, or the receiving branch once the letter is past draft and approval.
          const branches = orgs.filter((o) => o.type === 'branch');
          if (branches.length >= 2) {
            const admin = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: orgs[0].id, scope: 'subtree' }])).id);
            const transferAct = async (id: string, action: string, body: Record<string, unknown> = {}) => {
              const { version } = await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`);
              const res = await admin.post(`/api/v1/transfers/${id}/${action}`, { version, ...body });
              expect(res.statusCode, `${action} ${res.body}`).toBe(200);
            };
            const letters: Array<{ id: string; name: string; from: OrgNode; to: OrgNode }> = [];
            for (const [k, stage] of (['draft', 'pending', 'issued', 'accepted'] as const).entries()) {
              const fi = (pick + k) % branches.length;
              const ti = (fi + 1 + k) % branches.length === fi ? (fi + 1) % branches.length : (fi + 1 + k) % branches.length;
              const [from, to] = [branches[fi], branches[ti]];
              const name = `转接党员${++nameSeq}`;
              const { idNumber, birth } = uniqueIdNumber();
              const person = await makeMember(h.deps, from.id, { name, idNumber, birth, since: '2020-01-01' });
              const created = await admin.post('/api/v1/transfers', { personId: person.id, toOrgId: to.id, reason: '隔离测试转接' });
              expect(created.statusCode, created.body).toBe(201);
              const id = created.json().id as string;
              if (stage !== 'draft') await transferAct(id, 'issue');
              const status = async () => (await h.db.one<{ status: string }>(sql`SELECT status FROM transfer WHERE id = ${id}`)).status;
              if ((stage === 'issued' || stage === 'accepted') && (await status()) === 'pending_approval') await transferAct(id, 'approve');
              if (stage === 'accepted') await transferAct(id, 'accept', { acceptedOn: today });
              letters.push({ id, name, from, to });
            }
            const statuses = new Map((await h.db.query<{ id: string; status: string }>(sql`SELECT id, status FROM transfer WHERE id = ANY(${letters.map((l) => l.id)}::uuid[])`)).map((r) => [r.id, r.status]));
            const seen = (l: (typeof letters)[number]) => orgIn(l.from) || (!['draft', 'pending_approval'].includes(statuses.get(l.id)!) && orgIn(l.to));
            const listedTransfers = await client.get('/api/v1/transfers?direction=all&pageSize=100');
            check('listTransfers', n, listedTransfers, true, 'transfer.read');
            if (listedTransfers.statusCode === 200) {
              const want = letters.filter(seen).map((l) => l.id).sort();
              expect((listedTransfers.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `transfers seen by ${role} ${scope} at ${n.name}`).toEqual(want);
              expect(listedTransfers.json().total).toBe(want.length);
            }
            for (const l of letters) check(`getTransfer(${statuses.get(l.id)})`, l, await client.get(`/api/v1/transfers/${l.id}`), seen(l), 'transfer.read');

            // --- 流动党员 and 失联党员: a member of one branch away at another (its 活动证 names the host), out of
            // contact since 2020: home sees the certificate among its outgoing, the host among its incoming; the
            // member is on the lost-contact list exactly of those whose scope covers home; nobody else's is listed.
            const [home, host] = [branches[pick % branches.length], branches[(pick + 1) % branches.length]];
            const away = uniqueIdNumber();
            const awayMember = await makeMember(h.deps, home.id, { name: `流动党员${++nameSeq}`, idNumber: away.idNumber, birth: away.birth, since: '2020-01-01' });
            const cert = await admin.post('/api/v1/mobile-members', { personId: awayMember.id, destination: '隔离测试地', hostOrgId: host.id, reason: '外出务工', issuedOn: today });
            expect(cert.statusCode, cert.body).toBe(201);
            const certId = cert.json().id as string;
            for (const direction of ['outgoing', 'incoming'] as const) {
              const listedFlows = await client.get(`/api/v1/mobile-members?direction=${direction}&pageSize=100`);
              check(`listMobileMembers(${direction})`, n, listedFlows, true, 'transfer.read');
              if (listedFlows.statusCode === 200) {
                const ids = (listedFlows.json().items as Array<{ id: string }>).map((i) => i.id);
                expect(ids.includes(certId), `${direction} certificate seen by ${role} ${scope} at ${n.name}`).toBe(orgIn(direction === 'outgoing' ? home : host));
              }
            }
            const lost = await client.get('/api/v1/lost-contact-members?pageSize=100');
            check('listLostContactMembers', n, lost, true, 'transfer.read');
            if (lost.statusCode === 200) {
              const items = lost.json().items as Array<{ personId: string; orgId: string }>;
              expect(items.some((i) => i.personId === awayMember.id), `lost-contact member seen by ${role} ${scope} at ${n.name}`).toBe(orgIn(home));
              const inScope = new Set(orgs.filter(orgIn).map((o) => o.id));
              for (const i of items) expect(inScope.has(i.orgId), `lost-contact item of ${i.orgId}`).toBe(true);
            }
          }

          // --- 三会一课: one held assembly per branch (minutes saved by the tree's org_admin), seen in lists, by id,
          // and through its keywords, transcript, report and the compliance of its org exactly where the scope covers the branch
          if (branches.length) {
            const organiser = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: orgs[0].id, scope: 'subtree' }])).id);
            const meetings: Array<{ id: string; name: string; org: OrgNode }> = [];
            for (const b of branches) {
              const host = uniqueIdNumber();
              const hostId = (await makeMember(h.deps, b.id, { name: `主持人${++nameSeq}`, idNumber: host.idNumber, birth: host.birth })).id;
              const created = await organiser.post('/api/v1/meetings', { orgId: b.id, type: 'branch_assembly', plannedDate: '2026-12-01', title: `隔离测试会议${++nameSeq}` });
              expect(created.statusCode, created.body).toBe(201);
              const id = created.json().id as string;
              const saved = await organiser.put(`/api/v1/meetings/${id}/minutes`, { version: 0, heldOn: '2026-12-01', hostPersonId: hostId, recorderPersonId: hostId, agenda: '学习', resolutions: [], record: '<p>学习党章</p>' });
              expect(saved.statusCode, saved.body).toBe(200);
              meetings.push({ id, name: `隔离测试会议${nameSeq}`, org: b });
            }
            const listed = await client.get('/api/v1/meetings?pageSize=100');
            check('listMeetings', n, listed, true, 'meeting.read');
            if (listed.statusCode === 200) {
              const want = meetings.filter((m) => orgIn(m.org)).map((m) => m.id).sort();
              expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `meetings seen by ${role} ${scope} at ${n.name}`).toEqual(want);
              expect(listed.json().total).toBe(want.length);
            }
            for (const m of meetings) {
              const seen = orgIn(m.org);
              check('getMeeting', m, await client.get(`/api/v1/meetings/${m.id}`), seen, 'meeting.read');
              check('getMeetingRoom', m, await client.get(`/api/v1/meetings/${m.id}/room`), seen, 'meeting.read');
              check('getMeetingKeywords', m, await client.get(`/api/v1/meetings/${m.id}/keywords`), seen, 'meeting.read');
              check('getMeetingTranscript', m, await client.get(`/api/v1/meetings/${m.id}/transcript`), seen, 'meeting.read');
              check('renderMeetingReport', m, await client.get(`/api/v1/meetings/${m.id}/report.docx`), seen, 'meeting.read');
              check('addMeetingCorrection', m, await client.post(`/api/v1/meetings/${m.id}/corrections`, { body: '隔离测试更正' }), seen, 'meeting.manage', [409]);
            }
            for (const t of orgs) {
              const c = await client.get(`/api/v1/meetings/compliance?orgId=${t.id}&period=2026-Q4`);
              check('getMeetingCompliance?orgId', t, c, orgIn(t), 'meeting.read');
              if (orgIn(t) && c.statusCode === 200) {
                const held = (c.json().rows as Array<{ type: string; held: number }>).find((r) => r.type === 'branch_assembly')!.held;
                // a node grant sees the org's own meetings only, never its subtree's
                const counted = scope === 'node' ? meetings.filter((m) => m.org === t) : meetings.filter((m) => subtreeOf(t).includes(m.org));
                expect(held, `assemblies held under ${t.name}`).toBe(counted.length);
              }
            }
          }

          // --- 积分: each org's rules and statement, each member's balance, exactly where the scope covers them
          for (const t of orgs) {
            check('getPointRules?orgId', t, await client.get(`/api/v1/points/rules?orgId=${t.id}`), orgIn(t), 'points.read');
            check('listPointEntries?orgId', t, await client.get(`/api/v1/points/entries?orgId=${t.id}`), orgIn(t), 'points.read');
          }
          for (const m of members) check('getPointBalance', m, await client.get(`/api/v1/points/balance/${m.id}`), memberIn(m), 'points.read');
          // the branch index: each org's, and the portrait of each branch (a committee has none: 400 in scope)
          for (const t of orgs) {
            const idx = await client.get(`/api/v1/index/branch?orgId=${t.id}&period=2026-Q4`);
            check('getBranchIndex?orgId', t, idx, orgIn(t), 'points.read');
            if (orgIn(t) && idx.statusCode === 200) {
              // the branches listed are only those the scope covers
              for (const b of idx.json().branches as Array<{ orgId: string }>) expect(orgIn(orgs.find((o) => o.id === b.orgId)!), `${b.orgId} listed under ${t.name}`).toBe(true);
            }
            const isBranch = ['branch', 'joint_branch', 'general_branch'].includes(t.type);
            check('getOrgPortrait?orgId', t, await client.get(`/api/v1/index/portrait?orgId=${t.id}&period=2026-Q4`), orgIn(t), 'points.read', isBranch ? [200] : [400]);
            check('renderBranchReport?orgId', t, await client.get(`/api/v1/index/report?orgId=${t.id}&period=2026-Q4&format=pdf`), orgIn(t), 'points.read', isBranch ? [200] : [400]);
            check('recomputeBranchIndex', t, await client.post('/api/v1/index/recompute', { orgId: t.id, period: '2026-Q4' }), orgIn(t), 'points.manage');
            check('getBranchAssessment?orgId', t, await client.get(`/api/v1/points/assessment?orgId=${t.id}&year=2026`), orgIn(t), 'points.read', isBranch ? [200] : [400]);
            check('getAssessmentScheme?orgId', t, await client.get(`/api/v1/points/assessment/scheme?orgId=${t.id}&year=2026`), orgIn(t), 'points.read');
          }

          // --- 预警中心: a setup warning on each org; the list narrowed to an org shows only orgs in scope, and a warning is handled only where the scope covers its org
          const warningOf = new Map<string, string>();
          for (const t of orgs) {
            warningOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO warning (key, module, kind, org_id, title, detail, level, link, discovered_at, updated_at)
              VALUES (${'org.isolation:' + t.id}, 'org', 'no_secretary', ${t.id}, ${t.name}, '隔离测试', 'warning', '/admin/orgs', now(), now()) RETURNING id`)).id);
          }
          for (const t of orgs) {
            // the big screen of each org: shown where the scope reaches, its children and breadcrumb inside the scope
            const screen = await client.get(`/api/v1/dashboard?orgId=${t.id}`);
            check('getDashboard?orgId', t, screen, orgIn(t), 'member.read');
            if (orgIn(t) && screen.statusCode === 200) {
              const d = screen.json() as { trail: Array<{ id: string }>; children: Array<{ id: string }> };
              for (const o of [...d.trail, ...d.children]) expect(orgIn(orgs.find((x) => x.id === o.id)!), `${o.id} on the screen of ${t.name}`).toBe(true);
            }
            // the cross-tab of each org counts exactly the in-scope members below it
            const drill = await client.get(`/api/v1/dashboard/drill?orgId=${t.id}&rows=sex&cols=status`);
            check('getDashboardDrill?orgId', t, drill, orgIn(t), 'member.read');
            if (orgIn(t) && drill.statusCode === 200) {
              // members created by the checks above included: counted from the rows, over the orgs the scope model allows
              const allowedOrgs = subtreeOf(t).filter(orgIn).map((o) => o.id);
              const inScope = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE is_current AND org_id = ANY(${allowedOrgs}::uuid[])`);
              expect(drill.json().total, `members counted under ${t.name}`).toBe(inScope.n);
            }
            // the statistics form of each org: the in-scope members below it on the roll today, the same count
            const basics = await client.get(`/api/v1/statistics/forms/basics?orgId=${t.id}&year=${h.deps.clock.today().slice(0, 4)}`);
            check('getStatisticsForm?orgId', t, basics, orgIn(t), 'member.read');
            if (orgIn(t) && basics.statusCode === 200) {
              const allowedOrgs = subtreeOf(t).filter(orgIn).map((o) => o.id);
              const inScope = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE is_current AND org_id = ANY(${allowedOrgs}::uuid[])`);
              expect(basics.json().rows[0].values[0], `members on the statistics form of ${t.name}`).toBe(inScope.n);
            }
            // a report on each org: the in-scope members below it on the roll today, by subordinate orgs in scope only
            const report = await client.post('/api/v1/reports/run', { subject: 'members', orgId: t.id, rows: 'org', measures: ['count'], from: '2026-01-01', to: h.deps.clock.today() });
            check('runReport', t, report, orgIn(t), 'member.read');
            if (orgIn(t) && report.statusCode === 200) {
              const allowedOrgs = subtreeOf(t).filter(orgIn).map((o) => o.id);
              const inScope = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE is_current AND org_id = ANY(${allowedOrgs}::uuid[])`);
              expect(report.json().total[0], `members in the report on ${t.name}`).toBe(inScope.n);
              for (const row of report.json().rows as Array<{ key: string }>) {
                if (row.key !== 'self') expect(orgIn(orgs.find((o) => o.path === row.key)!), `${row.key} reported under ${t.name}`).toBe(true);
              }
            }
            // every other subject alike: found only on an org in scope, counted by subordinate orgs in scope only
            for (const [subject, measure, permission] of [['development', 'files', 'development.read'], ['dues', 'bills', 'dues.read'], ['meetings', 'meetings', 'meeting.read'], ['transfers', 'letters', 'transfer.read'], ['points', 'records', 'points.read']] as const) {
              const other = await client.post('/api/v1/reports/run', { subject, orgId: t.id, rows: 'org', measures: [measure], filters: {}, from: '2025-01-01', to: h.deps.clock.today() });
              check(`runReport ${subject}`, t, other, orgIn(t), permission);
              if (orgIn(t) && other.statusCode === 200) {
                for (const row of other.json().rows as Array<{ key: string }>) {
                  if (row.key !== 'self') expect(orgIn(orgs.find((o) => o.path === row.key)!), `${row.key} reported on ${subject} under ${t.name}`).toBe(true);
                }
              }
            }
            // the reconciliation lists only subordinate orgs in scope; a year is closed only for an org in scope
            // (there a branch is refused by its type and a committee before its subordinate committees by the order: 422)
            const rec = await client.get(`/api/v1/statistics/reconciliation?orgId=${t.id}&year=2025`);
            check('getStatisticsReconciliation?orgId', t, rec, orgIn(t), 'member.read');
            if (orgIn(t) && rec.statusCode === 200) {
              for (const c of rec.json().children as Array<{ org: { id: string } }>) expect(orgIn(orgs.find((o) => o.id === c.org.id)!), `${c.org.id} reconciled under ${t.name}`).toBe(true);
            }
            check('closeStatisticsYear', t, await client.post('/api/v1/statistics/closings', { orgId: t.id, year: 2024 }), orgIn(t), 'statistics.close', [200, 409, 422]);
            check('getProblemAnalysis?orgId', t, await client.get(`/api/v1/analysis/problems?orgId=${t.id}`), orgIn(t), 'org.read');
            const list = await client.get(`/api/v1/warnings?orgId=${t.id}&module=org&pageSize=100`);
            check('listWarnings?orgId', t, list, orgIn(t), 'org.read');
            if (orgIn(t) && list.statusCode === 200) {
              for (const w of list.json().items as Array<{ orgId: string }>) expect(orgIn(orgs.find((o) => o.id === w.orgId)!), `${w.orgId} listed under ${t.name}`).toBe(true);
            }
            check('acknowledgeWarning', t, await client.post(`/api/v1/warnings/${warningOf.get(t.id)}/handle`, { action: 'acknowledge' }), orgIn(t), 'org.update');
          }

          // --- 党建云图: a grid kept by each org (none answers for it: a blind spot); layers, cards, blind spots and edits stay inside the scope
          const gridOf = new Map<string, string>();
          for (const t of orgs) {
            gridOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO map_area (kind, org_id, name, geometry, min_lng, min_lat, max_lng, max_lat, center_lng, center_lat)
              VALUES ('grid', ${t.id}, ${t.name + '网格'}, '{"type":"Polygon","coordinates":[[[113,28],[113.01,28],[113.01,28.01],[113,28.01],[113,28]]]}'::jsonb, 113, 28, 113.01, 28.01, 113.005, 28.005) RETURNING id`)).id);
          }
          for (const t of orgs) {
            const areas = await client.get(`/api/v1/map/layer?layer=areas&orgId=${t.id}`);
            check('getMapLayer?orgId', t, areas, orgIn(t), 'org.read');
            if (orgIn(t) && areas.statusCode === 200) {
              for (const a of areas.json().areas as Array<{ orgId: string }>) expect(orgIn(orgs.find((o) => o.id === a.orgId)!), `area of ${a.orgId} on the map of ${t.name}`).toBe(true);
            }
            check('getMapOrgCard', t, await client.get(`/api/v1/map/orgs/${t.id}`), orgIn(t), 'org.read');
            const spots = await client.get(`/api/v1/map/blind-spots?orgId=${t.id}&pageSize=100`);
            check('listBlindSpots?orgId', t, spots, orgIn(t), 'org.read');
            if (orgIn(t) && spots.statusCode === 200) {
              for (const b of spots.json().items as Array<{ orgId: string }>) expect(orgIn(orgs.find((o) => o.id === b.orgId)!), `blind spot of ${b.orgId} under ${t.name}`).toBe(true);
            }
            const geometry = { type: 'Polygon', coordinates: [[[113, 28], [113.02, 28], [113.02, 28.02], [113, 28.02], [113, 28]]] };
            check('updateGrid', t, await client.put(`/api/v1/map/areas/${gridOf.get(t.id)}`, { kind: 'grid', orgId: t.id, name: `${t.name}网格改`, geometry, version: 1 }), orgIn(t), 'org.update');
          }

          // --- 重点项目: a project owned by each org (no roadmap); seen, listed, exported, reported on and accepted exactly where the scope covers its org
          {
            const leader = uniqueIdNumber();
            const ownerPerson = (await makeMember(h.deps, orgs[0].id, { name: `项目负责人${++nameSeq}`, idNumber: leader.idNumber, birth: leader.birth })).id;
            const projectOf = new Map<string, string>();
            for (const t of orgs) {
              projectOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO project (owner_org_id, owner_person_id, type, name, rationale, goals, start_on, end_on)
                VALUES (${t.id}, ${ownerPerson}, 'secretary', ${t.name + '书记项目'}, '隔离测试', '隔离测试', '2026-11-01', '2027-06-30') RETURNING id`)).id);
            }
            for (const t of orgs) {
              const project = { id: projectOf.get(t.id)!, name: `${t.name}书记项目` };
              check('getProject', project, await client.get(`/api/v1/projects/${project.id}`), orgIn(t), 'project.read');
              const listed = await client.get(`/api/v1/projects?orgId=${t.id}&pageSize=100`);
              check('listProjects?orgId', t, listed, orgIn(t), 'project.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => projectOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `projects under ${t.name}`).toEqual(want);
              }
              check('exportProjects?orgId', t, await client.get(`/api/v1/projects/export?orgId=${t.id}`), orgIn(t), 'project.read');
              check('recordProjectProgress', project, await client.post(`/api/v1/projects/${project.id}/progress`, { reportedOn: today, percent: 10, note: '隔离测试进展' }), orgIn(t), 'project.manage', [201]);
              // acceptance comes from above: the scope must also cover the owner's parent (a top-level org: nobody here)
              const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM project WHERE id = ${project.id}`)).version;
              const accepted = await client.post(`/api/v1/projects/${project.id}/acceptance`, { version, acceptedOn: today, grade: 'unqualified', score: 40, opinion: '隔离测试验收' });
              check('acceptProject', project, accepted, orgIn(t), 'project.accept', t.parent && orgIn(t.parent) ? [200] : [403]);
            }
            const all = await client.get('/api/v1/projects?pageSize=100');
            check('listProjects', n, all, true, 'project.read');
            if (all.statusCode === 200) {
              const want = orgs.filter(orgIn).map((o) => projectOf.get(o.id)!).sort();
              expect((all.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...projectOf.values()].includes(id)).sort(), `projects seen by ${role} ${scope} at ${n.name}`).toEqual(want);
            }
          }

          // --- 积分商城: an item supplied by each org; seen, listed, restocked and edited exactly where the scope covers its supplier
          {
            const itemOf = new Map<string, string>();
            for (const t of orgs) {
              const id = (await h.db.one<{ id: string }>(sql`INSERT INTO mall_item (supplier_org_id, audience_org_id, kind, name, points_price, sale_from, pickup_place, stock, created_at, updated_at)
                VALUES (${t.id}, ${t.id}, 'goods', ${t.name + '商品'}, 5, '2026-01-01', '隔离测试服务站', 0, now(), now()) RETURNING id`)).id;
              itemOf.set(t.id, id);
            }
            for (const t of orgs) {
              const item = { id: itemOf.get(t.id)!, name: `${t.name}商品` };
              check('getMallStockLedger', item, await client.get(`/api/v1/mall/items/${item.id}/stock`), orgIn(t), 'mall.read');
              const listed = await client.get(`/api/v1/mall/items?orgId=${t.id}&pageSize=100`);
              check('listMallItems?orgId', t, listed, orgIn(t), 'mall.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => itemOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...itemOf.values()].includes(id)).sort(), `items under ${t.name}`).toEqual(want);
              }
              check('listRedemptions?orgId', t, await client.get(`/api/v1/mall/redemptions?orgId=${t.id}`), orgIn(t), 'mall.read');
              check('exportRedemptions?orgId', t, await client.get(`/api/v1/mall/redemptions/export?orgId=${t.id}`), orgIn(t), 'mall.read');
              check('restockMallItem', item, await client.post(`/api/v1/mall/items/${item.id}/stock`, { quantity: 2, reason: '隔离测试入库' }), orgIn(t), 'mall.manage');
              const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM mall_item WHERE id = ${item.id}`)).version;
              check('updateMallItem', item, await client.put(`/api/v1/mall/items/${item.id}`, { name: `${t.name}商品`, description: '', pointsPrice: 6, perPersonLimit: null, saleFrom: '2026-01-01', saleTo: null, pickupPlace: '隔离测试服务站', status: 'on_sale', version }), orgIn(t), 'mall.manage');
              check('createMallItem', t, await client.post('/api/v1/mall/items', { supplierOrgId: t.id, kind: 'service', name: '隔离测试服务', pointsPrice: 1, saleFrom: '2026-01-01', pickupPlace: '隔离测试服务站', initialStock: 1 }), orgIn(t), 'mall.manage', [201]);
            }
          }

          // --- 志愿服务: an activity organised by each org; seen, listed, created and cancelled exactly where the scope covers its organiser
          {
            const activityOf = new Map<string, string>();
            for (const t of orgs) {
              activityOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO volunteer_activity (org_id, audience_org_id, title, place, starts_at, ends_at, capacity)
                VALUES (${t.id}, ${t.id}, ${t.name + '志愿活动'}, '隔离测试服务站', '2026-12-20T01:00:00Z', '2026-12-20T04:00:00Z', 5) RETURNING id`)).id);
            }
            for (const t of orgs) {
              const activity = { id: activityOf.get(t.id)!, name: `${t.name}志愿活动` };
              check('getVolunteerActivity', activity, await client.get(`/api/v1/volunteer/activities/${activity.id}`), orgIn(t), 'volunteer.read');
              const listed = await client.get(`/api/v1/volunteer/activities?orgId=${t.id}&pageSize=100`);
              check('listVolunteerActivities?orgId', t, listed, orgIn(t), 'volunteer.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => activityOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...activityOf.values()].includes(id)).sort(), `activities under ${t.name}`).toEqual(want);
              }
              check('createVolunteerActivity', t, await client.post('/api/v1/volunteer/activities', { orgId: t.id, title: '隔离测试活动', place: '隔离测试服务站', startsAt: '2026-12-21T01:00:00Z', endsAt: '2026-12-21T03:00:00Z', capacity: 3 }), orgIn(t), 'volunteer.manage', [201]);
              check('cancelVolunteerActivity', activity, await client.post(`/api/v1/volunteer/activities/${activity.id}/cancel`, { reason: '隔离测试取消' }), orgIn(t), 'volunteer.manage');
            }
          }

          // --- 群众: a resident registered at each org; listed exactly where the scope covers their community
          {
            const residentOf = new Map<string, string>();
            for (const t of orgs) residentOf.set(t.id, (await makeResident(h.deps, t.id, { name: `群众${++nameSeq}` })).id);
            for (const t of orgs) {
              const listed = await client.get(`/api/v1/residents?orgId=${t.id}&pageSize=100`);
              check('listResidents?orgId', t, listed, orgIn(t), 'resident.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => residentOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).sort(), `residents under ${t.name}`).toEqual(want);
              }
            }
            const all = await client.get('/api/v1/residents?pageSize=100');
            check('listResidents', n, all, true, 'resident.read');
            if (all.statusCode === 200) {
              const want = orgs.filter(orgIn).map((o) => residentOf.get(o.id)!).sort();
              expect((all.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...residentOf.values()].includes(id)).sort(), `residents seen by ${role} ${scope} at ${n.name}`).toEqual(want);
            }
          }

          // --- 群众需求: a need published in each org (its community); seen, listed and dispatched exactly where the scope covers it
          {
            const needOf = new Map<string, string>();
            for (const t of orgs) {
              const r = await makeResident(h.deps, t.id, { name: `点单群众${++nameSeq}` });
              needOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO need (resident_id, community_org_id, category, title, place, window_from, window_to)
                VALUES (${r.id}, ${t.id}, 'other', ${t.name + '微心愿'}, '隔离测试小区', '2026-12-20T01:00:00Z', '2026-12-20T03:00:00Z') RETURNING id`)).id);
            }
            for (const t of orgs) {
              const need = { id: needOf.get(t.id)!, name: `${t.name}微心愿` };
              check('getNeed', need, await client.get(`/api/v1/needs/${need.id}`), orgIn(t), 'volunteer.read');
              const listed = await client.get(`/api/v1/needs?orgId=${t.id}&pageSize=100`);
              check('listNeeds?orgId', t, listed, orgIn(t), 'volunteer.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => needOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...needOf.values()].includes(id)).sort(), `needs under ${t.name}`).toEqual(want);
              }
              check('matchNeed', need, await client.post(`/api/v1/needs/${need.id}/match`, {}), orgIn(t), 'volunteer.manage');
            }
            const all = await client.get('/api/v1/needs?pageSize=100');
            check('listNeeds', n, all, true, 'volunteer.read');
            if (all.statusCode === 200) {
              const want = orgs.filter(orgIn).map((o) => needOf.get(o.id)!).sort();
              expect((all.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...needOf.values()].includes(id)).sort(), `needs seen by ${role} ${scope} at ${n.name}`).toEqual(want);
            }
          }

          // --- 双报到: a report to each org (as the community, from itself); seen, listed and accepted exactly where the scope covers it
          {
            const reportOf = new Map<string, string>();
            for (const t of orgs) {
              reportOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO community_report (kind, reporter_org_id, community_org_id, note)
                VALUES ('org', ${t.id}, ${t.id}, ${t.name + '报到'}) RETURNING id`)).id);
            }
            for (const t of orgs) {
              const report = { id: reportOf.get(t.id)!, name: `${t.name}报到` };
              check('getCommunityReport', report, await client.get(`/api/v1/community-reports/${report.id}`), orgIn(t), 'volunteer.read');
              const listed = await client.get(`/api/v1/community-reports?orgId=${t.id}&pageSize=100`);
              check('listCommunityReports?orgId', t, listed, orgIn(t), 'volunteer.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => reportOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...reportOf.values()].includes(id)).sort(), `reports under ${t.name}`).toEqual(want);
              }
              check('acceptCommunityReport', report, await client.post(`/api/v1/community-reports/${report.id}/accept`, { role: '隔离岗位', tasks: '隔离测试任务', version: 1 }), orgIn(t), 'volunteer.manage');
            }
          }

          // --- 社团: an application in each org (as the community); seen, listed and reviewed exactly where the scope covers it
          {
            const clubOf = new Map<string, string>();
            for (const t of orgs) {
              const founder = `社团发起人${++nameSeq}`;
              const r = await makeResident(h.deps, t.id, { name: founder });
              clubOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO club (community_org_id, name, category, founder_account_id, founder_resident_id, founder_name, created_at)
                VALUES (${t.id}, ${t.name.slice(0, 24) + '社团'}, 'other', ${r.accountId}, ${r.id}, ${founder}, '2026-12-01T01:00:00Z') RETURNING id`)).id);
            }
            for (const t of orgs) {
              const club = { id: clubOf.get(t.id)!, name: `${t.name}社团` };
              check('getClub', club, await client.get(`/api/v1/clubs/${club.id}`), orgIn(t), 'volunteer.read');
              const listed = await client.get(`/api/v1/clubs?orgId=${t.id}&pageSize=100`);
              check('listClubs?orgId', t, listed, orgIn(t), 'volunteer.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => clubOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...clubOf.values()].includes(id)).sort(), `clubs under ${t.name}`).toEqual(want);
              }
              check('reviewClub', club, await client.post(`/api/v1/clubs/${club.id}/review`, { decision: 'approve', note: '' }), orgIn(t), 'volunteer.manage');
            }
          }

          // --- 短视频与动态: a resident's video waiting for review in each org (its moderating org); listed, played and moderated exactly where the scope covers it
          {
            const postOf = new Map<string, string>();
            for (const t of orgs) {
              const r = await makeResident(h.deps, t.id, { name: `发布群众${++nameSeq}` });
              const [original, video, thumb] = [await h.deps.files.put(Buffer.from('original')), await h.deps.files.put(Buffer.from('video')), await h.deps.files.put(Buffer.from('thumbnail'))];
              postOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO post (author_account_id, resident_id, author_name, audience_org_id, moderating_org_id, kind, body, status, original_key, original_mime, video_key, thumbnail_key, created_at)
                VALUES (${r.accountId}, ${r.id}, '发布群众', ${t.id}, ${t.id}, 'video', ${t.name + '短视频'}, 'pending_review', ${original}, 'video/mp4', ${video}, ${thumb}, '2026-12-01T01:00:00Z') RETURNING id`)).id);
            }
            for (const t of orgs) {
              const post = { id: postOf.get(t.id)!, name: `${t.name}短视频` };
              check('getPostThumbnail', post, await client.get(`/api/v1/posts/${post.id}/thumbnail`), orgIn(t), 'volunteer.self');
              const listed = await client.get(`/api/v1/posts/moderation?orgId=${t.id}&pageSize=100`);
              check('listPostsForModeration?orgId', t, listed, orgIn(t), 'volunteer.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => postOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...postOf.values()].includes(id)).sort(), `posts under ${t.name}`).toEqual(want);
              }
              check('moderatePost', post, await client.post(`/api/v1/posts/${post.id}/moderate`, { action: 'approve' }), orgIn(t), 'volunteer.manage');
            }
            const all = await client.get('/api/v1/posts/moderation?pageSize=100');
            check('listPostsForModeration', n, all, true, 'volunteer.read');
            if (all.statusCode === 200) {
              const want = orgs.filter(orgIn).map((o) => postOf.get(o.id)!).sort();
              expect((all.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...postOf.values()].includes(id)).sort(), `posts seen by ${role} ${scope} at ${n.name}`).toEqual(want);
            }
          }

          // --- 活动中心大屏: a kiosk link at each org; listed and stopped exactly where the scope covers it
          {
            const kioskOf = new Map<string, string>();
            for (const t of orgs) {
              kioskOf.set(t.id, (await h.db.one<{ id: string }>(sql`INSERT INTO kiosk (org_id, name, token_hash, signin_key, created_at)
                VALUES (${t.id}, '隔离测试大屏', ${crypto.randomBytes(32)}, ${crypto.randomBytes(32)}, '2026-12-01T01:00:00Z') RETURNING id`)).id);
            }
            for (const t of orgs) {
              const listed = await client.get(`/api/v1/kiosks?orgId=${t.id}`);
              check('listKiosks?orgId', t, listed, orgIn(t), 'volunteer.read');
              if (orgIn(t) && listed.statusCode === 200) {
                const want = subtreeOf(t).filter(orgIn).map((o) => kioskOf.get(o.id)!).sort();
                expect((listed.json().items as Array<{ id: string }>).map((i) => i.id).filter((id) => [...kioskOf.values()].includes(id)).sort(), `kiosks under ${t.name}`).toEqual(want);
              }
              check('revokeKiosk', { id: kioskOf.get(t.id)!, name: `${t.name}大屏` }, await client.post(`/api/v1/kiosks/${kioskOf.get(t.id)!}/revoke`), orgIn(t), 'volunteer.manage');
            }
          }

          // --- real status changes and dissolutions (after the list checks; deepest orgs first)
          for (const m of members) {
            const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${m.id}`)).version;
            check('recordMemberEvent', m, await client.post(`/api/v1/members/${m.id}/events`, { reason: 'deceased', eventDate: today, version }), memberIn(m), 'member.status');
          }
          for (const t of [...orgs].reverse()) {
            const cur = await h.db.one<{ version: number; active_members: number; active_children: number }>(sql`
              SELECT version,
                (SELECT count(*)::int FROM person p JOIN org o ON o.id = p.org_id WHERE p.status IN ('full', 'probationary', 'applicant', 'activist', 'candidate') AND o.path <@ ${t.path}::ltree) AS active_members,
                (SELECT count(*)::int FROM org c WHERE c.parent_id = ${t.id} AND c.dissolved_on IS NULL) AS active_children
              FROM org WHERE id = ${t.id}`);
            // a top-level org cannot be dissolved (400); one with current members or open children neither (422)
            const expectOk = t.parent === null ? [400] : cur.active_members > 0 || cur.active_children > 0 ? [422] : [200];
            check('dissolveOrg', t, await client.post(`/api/v1/orgs/${t.id}/dissolve`, { dissolvedOn: today, reason: '隔离测试撤销', version: cur.version }), orgIn(t), 'org.dissolve', expectOk);
          }

          expect(failures).toEqual([]);
        },
      ),
      { seed: 20260504, numRuns: 15 },
    );
  });
});
