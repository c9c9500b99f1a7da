import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';

// The header's global search (searchEverything): members by name or pinyin
// initials, organisations by name, open development files by name — each
// group scoped like its own list, absent (null) for a role that cannot read it.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

type Group = { items: Array<{ id: string; name: string }>; total: number } | null;
type Results = { members: Group; orgs: Group; candidates: Group };

describe('searchEverything', () => {
  it('finds members by name and by pinyin initials, orgs and candidates, only in the caller\'s scope', async () => {
    const root = await makeRoot(h.deps, '查找测试县委');
    const mine = await makeOrg(h.deps, root, 'branch', '查找第一支部');
    const other = await makeOrg(h.deps, root, 'branch', '查找第二支部');
    const inside = await makeMember(h.deps, mine.id, { name: '欧阳查找' });
    await makeMember(h.deps, other.id, { name: '欧阳查找' });
    const cand = await makeCandidate(h.deps, mine.id, 1, h.deps.clock.today(), '欧阳申请');
    await makeCandidate(h.deps, other.id, 1, h.deps.clock.today(), '欧阳申请');
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: mine.id, scope: 'subtree' }]);
    const c = await login(h.app, sec.username, PASSWORD);

    const byName = await c.get(`/api/v1/search?q=${encodeURIComponent('欧阳')}`);
    expect(byName.statusCode, byName.body).toBe(200);
    const r = byName.json() as Results;
    expect(r.members).toEqual({ items: [expect.objectContaining({ id: inside.id, name: '欧阳查找', orgName: '查找第一支部' })], total: 1, totalCapped: false });
    expect(r.candidates).toEqual({ items: [expect.objectContaining({ id: cand.fileId, name: '欧阳申请' })], total: 1 });
    expect(r.orgs).toEqual({ items: [], total: 0 });

    // pinyin initials of 欧阳查找: oycz
    const byPinyin = (await c.get('/api/v1/search?q=oycz')).json() as Results;
    expect(byPinyin.members!.items.map((m) => m.id)).toEqual([inside.id]);

    // the branch sees itself, not its sibling
    const orgs = (await c.get(`/api/v1/search?q=${encodeURIComponent('查找第')}`)).json() as Results;
    expect(orgs.orgs).toEqual({ items: [expect.objectContaining({ id: mine.id })], total: 1 });
  });

  it('gives the first `limit` hits with the whole count, and null for kinds the role cannot read', async () => {
    const root = await makeRoot(h.deps, '计数测试县委');
    const branch = await makeOrg(h.deps, root, 'branch', '计数支部');
    for (let i = 0; i < 7; i++) await makeMember(h.deps, branch.id, { name: `司马计数${'一二三四五六七'[i]}` });
    const admin = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const c = await login(h.app, admin.username, PASSWORD);
    const r = (await c.get(`/api/v1/search?q=${encodeURIComponent('司马计数')}&limit=3`)).json() as Results;
    expect(r.members!.items).toHaveLength(3);
    expect(r.members!.total).toBe(7);

    // the auditor reads organisations only
    const auditor = await makeAccount(h.deps, [{ role: 'auditor', orgId: null, scope: 'subtree' }]);
    const a = await login(h.app, auditor.username, PASSWORD);
    const ra = (await a.get(`/api/v1/search?q=${encodeURIComponent('计数')}`)).json() as Results;
    expect(ra.members).toBeNull();
    expect(ra.candidates).toBeNull();
    expect(ra.orgs!.items.map((o) => o.id)).toEqual([root.id, branch.id]);
  });

  it('says what to type when the text is empty', async () => {
    const admin = await makeAccount(h.deps, [{ role: 'org_admin', orgId: null, scope: 'subtree' }]);
    const c = await login(h.app, admin.username, PASSWORD);
    const r = await c.get('/api/v1/search?q=%20');
    expect(r.statusCode).toBe(400);
    expect(r.json().error.details.issues[0].message).toBe('请输入要查找的姓名或名称');
  });
});
