import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot } from '../helpers/factory';
import { listMembers } from '../../src/server/domains/member/member.service';
import { loadGrants } from '../../src/server/platform/session';
import type { Actor } from '../../src/server/platform/actor';
import { ListMembersQuery } from '../../src/contracts/member';

// A pinyin-prefix search counts at most cap + 1 matches (QUALITY B3): over the
// cap, total is the cap and totalCapped says so. The cap is injected small.

let h: Harness;
let actor: Actor;
let root: { id: string; path: string; region_key: string | null };

beforeAll(async () => {
  h = await createHarness();
  root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  for (let i = 0; i < 7; i++) await makeMember(h.deps, branch.id, { name: '测试党员' });
  await makeMember(h.deps, branch.id, { name: '王芳' });
  const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  actor = { accountId: acc.id, username: acc.username, displayName: acc.username, personId: null, isDemo: false, grants: await loadGrants(h.db, acc.id) };
});
afterAll(async () => h?.close());

const list = (q: string, countCap?: number) => listMembers(h.deps, { requestId: 't', ip: null, actor }, ListMembersQuery.parse({ q, pageSize: '2' }), { countCap });

describe('capped count of a pinyin-prefix search', () => {
  it('answers the cap and totalCapped when more match', async () => {
    const r = await list('csdy', 5);
    expect(r).toMatchObject({ total: 5, totalCapped: true });
    expect(r.items).toHaveLength(2);
  });
  it('counts exactly up to the cap', async () => {
    expect(await list('csdy', 7)).toMatchObject({ total: 7, totalCapped: false });
    expect(await list('wf', 5)).toMatchObject({ total: 1, totalCapped: false });
  });
  it('other searches are counted in full, and the route answers totalCapped', async () => {
    expect(await list('测试', 5)).toMatchObject({ total: 7, totalCapped: false });
    const acc = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const c = await login(h.app, acc.username, acc.password);
    const r = await c.get('/api/v1/members?q=csdy');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ total: 7, totalCapped: false });
  });
});
