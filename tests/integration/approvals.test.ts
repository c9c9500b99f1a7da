import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import type { MyApprovals } from '../../src/contracts/approvals';

// 待我审批 (listMyApprovals): the superior committee's development steps
// (13, 17, 24) and the next level's decision on dues reductions, each exactly
// where the caller may decide it; a decision takes the item out of the queue.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function queue(c: Client, query = ''): Promise<MyApprovals> {
  const res = await c.get(`/api/v1/me/approvals${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MyApprovals;
}

async function fileVersion(id: string) {
  return (await h.db.one<{ version: number }>(sql`SELECT version FROM dev_file WHERE id = ${id}`)).version;
}

/** A county with two branches; branch A has files awaiting steps 13, 17 and 24 and a proposed 免交. */
async function setup() {
  const root = await makeRoot(h.deps, '审批测试县委');
  const a = await makeOrg(h.deps, root, 'branch', '审批第一支部');
  const b = await makeOrg(h.deps, root, 'branch', '审批第二支部');
  const preliminary = await makeCandidate(h.deps, a.id, 12, '2026-10-09', '预审对象');
  const admission = await makeCandidate(h.deps, a.id, 16, '2026-11-02', '审批对象');
  const conversion = await makeCandidate(h.deps, a.id, 23, '2026-11-20', '转正对象');
  await makeCandidate(h.deps, a.id, 11, '2026-09-01', '未到审批'); // nothing awaits the superior yet
  await makeCandidate(h.deps, b.id, 12, '2026-10-09', '第二支部预审对象');
  const member = await makeMember(h.deps, a.id, { name: '减免党员', since: '2020-01-01' });
  const secA = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: a.id, scope: 'subtree' }])).username, PASSWORD);
  const proposed = await secA.post('/api/v1/dues/reductions', { personId: member.id, kind: 'exempt', fromMonth: '2026-10', toMonth: '2026-12', reason: '长期患病，生活困难' });
  expect(proposed.statusCode, proposed.body).toBe(201);
  const county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
  return { root, a, b, preliminary, admission, conversion, member, reductionId: proposed.json().id as string, secA, county };
}

describe('listMyApprovals', () => {
  it('gives the county approver the step approvals and the reduction of a branch below, oldest first, with counts and links', async () => {
    const s = await setup();
    const q = await queue(s.county);
    expect(q.counts).toEqual({ development_step: 4, dues_reduction: 1, transfer_letter: 0, lost_contact_decision: 0, point_award: 0 });
    expect(q.total).toBe(5);
    const dev = q.items.filter((i) => i.kind === 'development_step' && i.orgId === s.a.id);
    expect(dev.map((i) => [i.personName, i.step, i.since])).toEqual([['预审对象', 13, '2026-10-09'], ['审批对象', 17, '2026-11-02'], ['转正对象', 24, '2026-11-20']]);
    expect(dev[0]).toMatchObject({ objectId: s.preliminary.fileId, personId: s.preliminary.personId, orgName: '审批第一支部', asked: '上级党委预审（第13步）', link: `/admin/development/candidates/${s.preliminary.fileId}`, overdue: false });
    expect(dev[1].detail).toBe('支部大会已通过，已派人谈话');
    const red = q.items.find((i) => i.kind === 'dues_reduction')!;
    expect(red).toMatchObject({ objectId: s.reductionId, personId: s.member.id, personName: '减免党员', orgId: s.a.id, step: null, detail: '长期患病，生活困难', link: `/admin/dues/reductions?status=proposed&focus=${s.reductionId}` });
    expect(red.asked).toBe('免交党费，2026-10 至 2026-12');
    expect(red.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // while the 公示 runs the 预审 waits for its end; a 审批 past its due date is overdue
    await h.db.exec(sql`INSERT INTO dev_deadline (file_id, kind, due) VALUES (${s.preliminary.fileId}, 'public_notice_end', '2026-12-10'), (${s.admission.fileId}, 'approval', '2026-12-01')`);
    const later = (await queue(s.county)).items.filter((i) => i.orgId === s.a.id && i.kind === 'development_step');
    expect(later[0]).toMatchObject({ step: 13, due: null, overdue: false, detail: '支部委员会审查已完成，公示期至 2026-12-10，期满后方可预审' });
    expect(later[1]).toMatchObject({ step: 17, due: '2026-12-01', overdue: true });
    // the limit cuts the items, never the counts
    const first = await queue(s.county, '?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.total).toBe(5);
  });

  it('shows another branch nothing, a branch-level approver only its own steps, a node grant on the county nothing below it', async () => {
    const s = await setup();
    const secB = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: s.b.id, scope: 'subtree' }])).username, PASSWORD);
    expect(await queue(secB)).toEqual({ items: [], counts: { development_step: 0, dues_reduction: 0, transfer_letter: 0, lost_contact_decision: 0, point_award: 0 }, total: 0 });
    // the proposing branch's secretary decides neither
    expect((await queue(s.secA)).total).toBe(0);
    // an approver over branch B: B's file only
    const adminB = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: s.b.id, scope: 'subtree' }])).username, PASSWORD);
    const qb = await queue(adminB);
    expect(qb.items.map((i) => i.personName)).toEqual(['第二支部预审对象']);
    expect(qb.counts).toEqual({ development_step: 1, dues_reduction: 0, transfer_letter: 0, lost_contact_decision: 0, point_award: 0 });
    // an approver over branch A itself records A's steps but not the reduction (the next level up decides it)
    const adminA = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: s.a.id, scope: 'subtree' }])).username, PASSWORD);
    expect((await queue(adminA)).counts).toEqual({ development_step: 3, dues_reduction: 0, transfer_letter: 0, lost_contact_decision: 0, point_award: 0 });
    // a node grant on the county covers neither the branches' files nor their members
    const node = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: s.root.id, scope: 'node' }])).username, PASSWORD);
    expect((await queue(node)).total).toBe(0);
    // administrators hold no approval
    const sys = await login(h.app, (await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }])).username, PASSWORD);
    expect((await queue(sys)).total).toBe(0);
  });

  it('takes an item out of the queue once it is decided', async () => {
    const s = await setup();
    const before = await queue(s.county);
    // 预审 not agreed: the file closes
    const pre = await s.county.post(`/api/v1/development/candidates/${s.preliminary.fileId}/steps`, { step: 13, date: h.deps.clock.today(), approved: false, version: await fileVersion(s.preliminary.fileId) });
    expect(pre.statusCode, pre.body).toBe(200);
    // 审批 granted: the applicant becomes a 预备党员
    const adm = await s.county.post(`/api/v1/development/candidates/${s.admission.fileId}/steps`, { step: 17, date: h.deps.clock.today(), approved: true, version: await fileVersion(s.admission.fileId) });
    expect(adm.statusCode, adm.body).toBe(200);
    const red = await s.county.post(`/api/v1/dues/reductions/${s.reductionId}/decision`, { approve: true, note: '同意免交' });
    expect(red.statusCode, red.body).toBe(200);
    const after = await queue(s.county);
    expect(after.counts).toEqual({ development_step: before.counts.development_step - 2, dues_reduction: 0, transfer_letter: 0, lost_contact_decision: 0, point_award: 0 });
    const keys = after.items.map((i) => i.objectId);
    for (const gone of [s.preliminary.fileId, s.admission.fileId, s.reductionId]) expect(keys).not.toContain(gone);
    expect(keys).toContain(s.conversion.fileId);
  });

  it('refuses an anonymous caller and a limit out of range', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/me/approvals' })).statusCode).toBe(401);
    const s = await setup();
    expect((await s.county.get('/api/v1/me/approvals?limit=0')).statusCode).toBe(400);
  });
});
