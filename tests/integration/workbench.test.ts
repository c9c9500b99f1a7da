import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { refreshAllDeadlines } from '../../src/server/domains/development';
import { WORKBENCH_GROUP_ITEMS, type Workbench, type WorkbenchSection } from '../../src/contracts/workbench';
import { addDays } from '../../src/server/platform/dates';
import { sql } from '../../src/server/platform/sql';

// The 工作台 (getWorkbench): one section per registered source the caller's
// role may read, each scoped like its own list; warnings grouped by kind with
// the count, the rule citation once, and at most WORKBENCH_GROUP_ITEMS items.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function workbench(c: Client): Promise<Workbench> {
  const r = await c.get('/api/v1/workbench');
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as Workbench;
}
const section = (w: Workbench, key: string): WorkbenchSection => {
  const s = w.sections.find((x) => x.key === key);
  expect(s, `section ${key}`).toBeDefined();
  return s!;
};
const group = (s: WorkbenchSection, kind: string) => s.groups.find((g) => g.kind === kind);

describe('getWorkbench', () => {
  it('shows each role the sections it may read, on the business day', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const roles = {
      secretary: ['warnings', 'development', 'dues', 'transfer', 'setup', 'notifications', 'meetings', 'points', 'index', 'mall'],
      party_worker: ['warnings', 'development', 'dues', 'transfer', 'setup', 'notifications', 'meetings', 'points', 'index', 'mall'],
      org_admin: ['warnings', 'development', 'dues', 'transfer', 'setup', 'notifications', 'meetings', 'points', 'index', 'mall'],
      sysadmin: ['warnings', 'setup', 'notifications'],
      auditor: ['warnings', 'setup', 'notifications'],
      member: ['notifications'],
    } as const;
    for (const [role, keys] of Object.entries(roles)) {
      const admin = role === 'sysadmin' || role === 'auditor';
      const a = await makeAccount(h.deps, [{ role: role as keyof typeof roles, orgId: admin ? null : branch.id, scope: role === 'member' ? 'self' : 'subtree' }]);
      const w = await workbench(await login(h.app, a.username, PASSWORD));
      expect(w.today).toBe(h.deps.clock.today());
      expect(w.sections.map((s) => s.key), role).toEqual(keys);
    }
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/workbench' })).statusCode).toBe(401);
  });

  it('groups many setup warnings of one kind into one group: the count, the citation once, the first items', async () => {
    const root = await makeRoot(h.deps);
    const n = WORKBENCH_GROUP_ITEMS + 4;
    for (let i = 0; i < n; i++) await makeOrg(h.deps, root, 'branch', `分组测试第${i + 1}支部`);
    const admin = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
    const setup = section(await workbench(await login(h.app, admin.username, PASSWORD)), 'setup');
    // every empty branch has too few full members: one group, not n cards
    const few = setup.groups.filter((g) => g.kind === 'too_few_full_members');
    expect(few).toHaveLength(1);
    expect(few[0]).toMatchObject({ count: n, level: 'error', label: '正式党员人数不足' });
    expect(few[0].source).toContain('《中国共产党支部工作条例（试行）》');
    expect(few[0].items).toHaveLength(WORKBENCH_GROUP_ITEMS);
    for (const it of few[0].items) {
      expect(it.title).toMatch(/^分组测试第\d+支部$/);
      expect(it.detail).not.toContain('条例'); // the citation is on the group, not repeated per item
      expect(it.link).toMatch(/^\/admin\/orgs\?id=/);
    }
    expect(setup.stats).toEqual(expect.arrayContaining([expect.objectContaining({ label: '发现问题', value: setup.groups.reduce((s, g) => s + g.count, 0) })]));
  });

  it('setup checks: a 书记 no longer on the roll leaves the post vacant, and an overdue 换届 is its own group', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch', '书记空缺测试支部');
    const members = [];
    for (let i = 0; i < 3; i++) members.push(await makeMember(h.deps, branch.id, { name: `空缺测试${i}`, since: '2020-01-01' }));
    const admin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
    // elected more than three years ago: the term is over
    const elected = await admin.post(`/api/v1/orgs/${branch.id}/committee`, { electedOn: '2022-06-01', posts: [{ post: 'secretary', holderName: '空缺测试0', personId: members[0].id }] });
    expect(elected.statusCode, elected.body).toBe(200);
    let setup = section(await workbench(admin), 'setup');
    expect(group(setup, 'no_secretary')).toBeUndefined();
    expect(group(setup, 'term_overdue')).toMatchObject({ count: 1, level: 'error', label: '超期未换届', items: [expect.objectContaining({ title: '书记空缺测试支部' })] });

    const version = (await (await admin.get(`/api/v1/members/${members[0].id}`)).json() as { version: number }).version;
    const died = await admin.post(`/api/v1/members/${members[0].id}/events`, { reason: 'deceased', eventDate: h.deps.clock.today(), version });
    expect(died.statusCode, died.body).toBe(200);
    setup = section(await workbench(admin), 'setup');
    expect(group(setup, 'no_secretary')).toMatchObject({ count: 1, label: '书记空缺', items: [expect.objectContaining({ title: '书记空缺测试支部', link: `/admin/orgs?id=${branch.id}` })] });
    // the org page says the same
    const org = (await admin.get(`/api/v1/orgs/${branch.id}`)).json() as { warnings: Array<{ code: string }> };
    expect(org.warnings.map((w) => w.code)).toContain('no_secretary');
  });

  it('lists development deadlines by kind, overdue first, with the rule once per group', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const today = h.deps.clock.today();
    // applications 40 days ago: the talk (within one month) is overdue
    for (let i = 0; i < 3; i++) await makeCandidate(h.deps, branch.id, 1, addDays(today, -40), `逾期谈话${i}`);
    await refreshAllDeadlines(h.deps);
    const sec = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }]);
    const dev = section(await workbench(await login(h.app, sec.username, PASSWORD)), 'development');
    const talk = group(dev, 'talk');
    expect(talk).toMatchObject({ count: 3, level: 'error' });
    // the clause the kind rests on, not the whole rule
    expect(talk!.source).toBe('《中国共产党发展党员工作细则》(2014)：收到入党申请书后一个月内派人谈话');
    expect(talk!.items.map((i) => i.title).sort()).toEqual(['逾期谈话0', '逾期谈话1', '逾期谈话2']);
    expect(talk!.items[0]).toMatchObject({ level: 'error', link: expect.stringMatching(/^\/admin\/development\/candidates\/[0-9a-f-]{36}$/) });
    expect(talk!.items[0].detail).toMatch(/^已逾期 \d+ 天$/);
    expect(dev.groups[0].kind).toBe('talk');
    expect(dev.stats.find((s) => s.label === '已逾期')!.value).toBeGreaterThanOrEqual(3);
  });

  it('dues: a member without a base and this month\'s unpaid bill appear; another branch\'s do not', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const other = await makeOrg(h.deps, root, 'branch');
    const month = h.deps.clock.today().slice(0, 7);
    const noBase = await makeMember(h.deps, branch.id, { name: '未设基数甲', since: '2020-01-01' });
    const billed = await makeMember(h.deps, branch.id, { name: '本月未交乙', since: '2020-01-01' });
    await makeMember(h.deps, other.id, { name: '外支部未设丙', since: '2020-01-01' });
    const otherBilled = await makeMember(h.deps, other.id, { name: '外支部未交丁', since: '2020-01-01' });
    const sup = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
    for (const [m, org] of [[billed.id, branch.id], [otherBilled.id, other.id]]) {
      expect((await sup.post(`/api/v1/members/${m}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' })).statusCode).toBe(201);
      expect((await sup.post('/api/v1/dues/bills/generate', { orgId: org, month })).statusCode).toBe(200);
    }
    const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }])).username, PASSWORD);
    const dues = section(await workbench(sec), 'dues');
    const nb = group(dues, 'no_base')!;
    expect(nb).toMatchObject({ count: 1 });
    expect(nb.items).toEqual([expect.objectContaining({ title: '未设基数甲', link: `/admin/dues/bases?personId=${noBase.id}&name=${encodeURIComponent('未设基数甲')}` })]);
    const unpaid = group(dues, 'unpaid_month')!;
    expect(unpaid).toMatchObject({ count: 1, label: `${month} 月党费未交` });
    expect(unpaid.items).toEqual([expect.objectContaining({ title: '本月未交乙', date: month, detail: '应交 15.00 元' })]);
    expect(dues.stats.find((s) => s.label === '本月未交')!.value).toBe(1);
    expect(dues.stats.find((s) => s.label === '未设基数')!.value).toBe(1);
    const all = JSON.stringify(dues);
    expect(all).not.toContain('外支部');

    // the superior sees both branches, and one of them when it narrows to it
    const wide = section(await workbench(sup), 'dues');
    expect(group(wide, 'no_base')!.count).toBe(2);
    expect(group(wide, 'unpaid_month')!.count).toBe(2);
    const narrowed = await sup.get(`/api/v1/workbench?orgId=${other.id}`);
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    const otherDues = section(narrowed.json() as Workbench, 'dues');
    expect(group(otherDues, 'no_base')!.items.map((i) => i.title)).toEqual(['外支部未设丙']);
    expect(group(otherDues, 'unpaid_month')!.items.map((i) => i.title)).toEqual(['外支部未交丁']);
    // the secretary cannot narrow to the sibling branch: not found, like any object out of scope
    const probe = await sec.get(`/api/v1/workbench?orgId=${other.id}`);
    expect(probe.statusCode).toBe(404);
    expect(probe.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('dues arrears: members behind for months are grouped by level with the rule once', async () => {
    const root = await makeRoot(h.deps);
    const branch = await makeOrg(h.deps, root, 'branch');
    const sup = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
    for (let i = 0; i < 2; i++) {
      const m = await makeMember(h.deps, branch.id, { name: `欠交党员${i}`, since: '2020-01-01' });
      expect((await sup.post(`/api/v1/members/${m.id}/dues-bases`, { category: 'in_service', baseFen: 300000, effectiveMonth: '2026-01' })).statusCode).toBe(201);
    }
    for (const month of ['2026-09', '2026-10', '2026-11']) expect((await sup.post('/api/v1/dues/bills/generate', { orgId: branch.id, month })).statusCode).toBe(200);
    const dues = section(await workbench(sup), 'dues');
    const warn = group(dues, 'arrears_warn')!;
    expect(warn).toMatchObject({ count: 2, level: 'warning' });
    expect(warn.source).toContain('中组发〔2008〕3号');
    expect(warn.items.map((i) => i.title).sort()).toEqual(['欠交党员0', '欠交党员1']);
    expect(warn.items[0].detail).toContain('连续 3 个月未交');
  });

  it('transfers: an incoming letter to accept, a member out of contact; another branch sees neither', async () => {
    const root = await makeRoot(h.deps);
    const town = await makeOrg(h.deps, root, 'committee', '工作台转接镇党委');
    const a = await makeOrg(h.deps, town, 'branch', '工作台转出支部');
    const b = await makeOrg(h.deps, town, 'branch', '工作台接收支部');
    const other = await makeOrg(h.deps, root, 'branch', '工作台无关支部');
    const m = await makeMember(h.deps, a.id, { name: '工作台转接党员', since: '2026-11-01' });
    await makeMember(h.deps, b.id, { name: '工作台失联党员', since: '2019-03-01' });
    const secA = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: a.id, scope: 'subtree' }])).username, PASSWORD);
    const secB = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: b.id, scope: 'subtree' }])).username, PASSWORD);
    const secOther = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'subtree' }])).username, PASSWORD);
    const id = (await secA.post('/api/v1/transfers', { personId: m.id, toOrgId: b.id, reason: '工作调动' })).json().id as string;
    expect((await secA.post(`/api/v1/transfers/${id}/issue`, { version: 1 })).statusCode).toBe(200);
    const t = section(await workbench(secB), 'transfer');
    expect(group(t, 'incoming_letters')).toMatchObject({ count: 1, items: [expect.objectContaining({ title: '工作台转接党员', link: `/admin/transfers/${id}` })] });
    expect(group(t, 'lost_contact')?.items.map((i) => i.title)).toEqual(['工作台失联党员']);
    expect(t.stats.map((s) => [s.label, s.value])).toEqual([['转入待接收', 1], ['转出办理中', 0], ['流动党员', 0], ['失联党员', 1]]);
    const o = section(await workbench(secOther), 'transfer');
    expect(o.groups).toEqual([]);
  });

  it('mall: the redemptions waiting at the supplier desk, soonest last day first; another supplier sees none', async () => {
    const root = await makeRoot(h.deps);
    const town = await makeOrg(h.deps, root, 'committee', '工作台商城镇党委');
    const branch = await makeOrg(h.deps, town, 'branch', '工作台商城支部');
    const other = await makeOrg(h.deps, root, 'branch', '工作台无关支部');
    const m = await makeMember(h.deps, branch.id, { name: '工作台兑换党员' });
    const item = (await h.db.one<{ id: string }>(sql`INSERT INTO mall_item (supplier_org_id, audience_org_id, kind, name, points_price, sale_from, pickup_place, stock, created_at, updated_at)
      VALUES (${town.id}, ${town.id}, 'goods', '工作台毛巾', 5, '2026-01-01', '镇党群服务中心', 10, now(), now()) RETURNING id`)).id;
    // the member earns points under the branch's rules, then redeems twice
    const award = async () => {
      const admin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
      const p = await admin.post('/api/v1/points/rules/proposals', { orgId: branch.id, effectiveFrom: h.deps.clock.today(), rules: { items: [{ key: 'manual.award', label: '志愿服务', points: 50, caps: {} }, { key: 'manual.deduction', label: '违纪', points: -5, caps: {} }], expiry: null, secondApproverAbove: 100 } });
      await admin.post(`/api/v1/points/rules/proposals/${p.json().id}/approve`, { version: 0, votedOn: h.deps.clock.today(), expected: 5, present: 5, written: 0, yes: 5, no: 0, abstain: 0 });
      expect((await admin.post('/api/v1/points/awards', { personId: m.id, item: 'manual.award', points: 50, factDate: h.deps.clock.today(), reason: '工作台测试', idempotencyKey: `wb-mall-${m.id}` })).statusCode).toBe(200);
    };
    await award();
    const buyer = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], m.id)).username, PASSWORD);
    for (const q of [1, 2]) expect((await buyer.post('/api/v1/me/mall/redemptions', { itemId: item, quantity: q, idempotencyKey: `wb-mall-redeem-${m.id}-${q}` })).statusCode).toBe(200);
    const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: town.id, scope: 'subtree' }])).username, PASSWORD);
    const s = section(await workbench(sec), 'mall');
    const last = addDays(h.deps.clock.today(), 14);
    // (both made at the same instant of the test clock, with the same last day: their order is not fixed)
    expect(group(s, 'waiting')).toMatchObject({ count: 2, level: 'info' });
    expect(group(s, 'waiting')!.items.map((i) => [i.title, i.detail, i.orgName]).sort()).toEqual([
      ['工作台兑换党员 · 工作台毛巾 × 1', `最迟 ${last} 领取`, '工作台商城镇党委'],
      ['工作台兑换党员 · 工作台毛巾 × 2', `最迟 ${last} 领取`, '工作台商城镇党委'],
    ]);
    expect(group(s, 'waiting')!.source).toContain('14天内凭兑换码');
    expect(s.stats).toEqual([{ label: '待领取', value: 2, unit: '笔', link: '/admin/mall?tab=redemptions' }]);
    const o = section(await workbench(await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'subtree' }])).username, PASSWORD)), 'mall');
    expect(o.groups).toEqual([]);
  });

  it('groups the caller\'s unread notifications by kind with counts (its own only)', async () => {
    const root = await makeRoot(h.deps);
    const me = await makeAccount(h.deps, [{ role: 'secretary', orgId: root.id, scope: 'subtree' }]);
    const someoneElse = await makeAccount(h.deps, [{ role: 'secretary', orgId: root.id, scope: 'subtree' }]);
    const n = WORKBENCH_GROUP_ITEMS + 2;
    for (let i = 0; i < n; i++) await h.deps.notify.notify(h.deps.db, me.id, { kind: 'development', title: `期限提醒${i}`, link: '/admin/development/candidates' });
    await h.deps.notify.notify(h.deps.db, me.id, { kind: 'job', title: '党员导入完成', link: '/admin/jobs/x' });
    await h.deps.notify.notify(h.deps.db, me.id, { title: '无类别通知' });
    await h.deps.notify.notify(h.deps.db, someoneElse.id, { kind: 'dues_arrears', title: '别人的通知' });
    const c = await login(h.app, me.username, PASSWORD);
    const s = section(await workbench(c), 'notifications');
    expect(s.groups.map((g) => [g.kind, g.count])).toEqual([['development', n], ['job', 1], ['other', 1]]);
    expect(group(s, 'development')!).toMatchObject({ label: '发展党员期限', source: null });
    expect(group(s, 'development')!.items).toHaveLength(WORKBENCH_GROUP_ITEMS);
    expect(s.stats[0].value).toBe(n + 2);
    expect(JSON.stringify(s)).not.toContain('别人的通知');
    // read ones leave the 工作台
    expect((await c.post('/api/v1/notifications/read', {})).statusCode).toBe(200);
    expect(section(await workbench(c), 'notifications').groups).toEqual([]);
  });
});
