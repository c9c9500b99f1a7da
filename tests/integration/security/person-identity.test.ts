import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, login, type Client, type Harness } from '../../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../../helpers/factory';

// Issue 9, C1: one person identity across the installation, but a record is
// never moved or overwritten from outside its organisation. A branch that
// files a 入党申请 (or registers a member) with the ID number of another
// branch's former member gets a new record that points to the earlier one; the
// earlier branch keeps its record and its whole history; the applying branch
// learns only the organisation's name, the status and the dates; re-admission
// is checked against the rules (开除党籍: five years).

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function setup() {
  const county = await makeRoot(h.deps);
  const townA = await makeOrg(h.deps, county, 'committee');
  const townB = await makeOrg(h.deps, county, 'committee');
  const branchA = await makeOrg(h.deps, townA, 'branch', '甲镇第一党支部');
  const branchB = await makeOrg(h.deps, townB, 'branch', '乙镇第二党支部');
  const secA = await makeAccount(h.deps, [{ role: 'secretary', orgId: branchA.id, scope: 'node' }]);
  const secB = await makeAccount(h.deps, [{ role: 'secretary', orgId: branchB.id, scope: 'node' }]);
  const countyAdmin = await makeAccount(h.deps, [{ role: 'org_admin', orgId: county.id, scope: 'subtree' }]);
  return {
    branchA, branchB,
    a: await login(h.app, secA.username, PASSWORD),
    b: await login(h.app, secB.username, PASSWORD),
    county: await login(h.app, countyAdmin.username, PASSWORD),
  };
}

async function leave(c: Client, memberId: string, reason: string, eventDate: string) {
  const d = (await c.get(`/api/v1/members/${memberId}`)).json();
  const r = await c.post(`/api/v1/members/${memberId}/events`, { reason, eventDate, note: '本人申请（家庭原因）', version: d.version });
  expect(r.statusCode, r.body).toBe(200);
}

const application = (orgId: string, idNumber: string, over: Record<string, unknown> = {}) => ({
  orgId, appliedOn: '2026-11-20', name: '任意名字', sex: 'male', ethnicity: '汉族', idNumber, education: 'bachelor', occupation: 'farmer', ...over,
});

describe('a former member of another branch applies again', () => {
  it('opens a new record in the applying branch and leaves the earlier one and its history where they were', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.branchB.id, { name: '董霞', phone: '19412340943', since: '2010-01-01' });
    await leave(s.b, m.id, 'withdrew', '2026-11-01');

    const created = await s.a.post('/api/v1/development/candidates', application(s.branchA.id, m.idNumber));
    expect(created.statusCode, created.body).toBe(201);
    const cand = (await s.a.get(`/api/v1/development/candidates/${created.json().id}`)).json();
    expect(cand.personId).not.toBe(m.id);
    expect(cand.name).toBe('任意名字');
    expect(cand.phoneMasked).toBeNull();
    expect(cand.earlierRecord).toEqual({ orgName: '乙镇第二党支部', statusLabel: '已出党/转出', reasonLabel: '出党（退党）', endedOn: '2026-11-01' });

    // the earlier branch and the county still see the former member, unchanged, with the 退党 event
    const before = (await s.b.get(`/api/v1/members/${m.id}`));
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ name: '董霞', status: 'left', orgId: s.branchB.id, phoneMasked: '194****0943' });
    expect(before.json().events.map((e: { reason: string }) => e.reason)).toEqual(expect.arrayContaining(['registered', 'withdrew']));
    expect((await s.county.get(`/api/v1/members/${m.id}`)).statusCode).toBe(200);
    const former = (await s.b.get('/api/v1/members?status=former&pageSize=100')).json();
    expect(former.items.map((x: { id: string }) => x.id)).toContain(m.id);
    // the applying branch cannot open the earlier record
    expect((await s.a.get(`/api/v1/members/${m.id}`)).statusCode).toBe(404);
  });

  it('reuses the branch’s own earlier record when the same branch receives the application', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.branchB.id, { since: '2010-01-01' });
    await leave(s.b, m.id, 'withdrew', '2026-11-01');
    const created = await s.b.post('/api/v1/development/candidates', application(s.branchB.id, m.idNumber));
    expect(created.statusCode, created.body).toBe(201);
    const cand = (await s.b.get(`/api/v1/development/candidates/${created.json().id}`)).json();
    expect(cand.personId).toBe(m.id);
    expect(cand.earlierRecord).toBeNull();
  });

  it('refuses re-admission within five years of 开除党籍, wherever the application is filed', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.branchB.id, { since: '2010-01-01' });
    await leave(s.b, m.id, 'expelled', '2024-06-01');
    for (const [c, orgId] of [[s.a, s.branchA.id], [s.b, s.branchB.id]] as const) {
      const r = await c.post('/api/v1/development/candidates', application(orgId, m.idNumber, { appliedOn: '2026-11-20' }));
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json().error).toMatchObject({ code: 'DEVELOPMENT_RULE', details: { rule: 'readmission_too_soon' } });
      expect(r.json().error.message).toContain('2029-06-01');
    }
    // after five years it is an ordinary new application
    const later = await makeMember(h.deps, s.branchB.id, { since: '2010-01-01' });
    await leave(s.b, later.id, 'expelled', '2021-06-01');
    const ok = await s.a.post('/api/v1/development/candidates', application(s.branchA.id, later.idNumber, { appliedOn: '2026-11-20' }));
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('refuses an application with the ID number of a deceased person', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.branchB.id, { since: '2010-01-01' });
    await leave(s.b, m.id, 'deceased', '2026-10-01');
    const r = await s.a.post('/api/v1/development/candidates', application(s.branchA.id, m.idNumber));
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().error.details.rule).toBe('readmission_refused');
  });

  it('registers a former member of another branch as a new record that points to the earlier one (createMember)', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.branchB.id, { name: '原党员', since: '2010-01-01' });
    await leave(s.b, m.id, 'removed', '2026-09-01');
    const r = await s.a.post('/api/v1/members', {
      orgId: s.branchA.id, reason: 'registered', name: '新登记', sex: 'male', ethnicity: '汉族', idNumber: m.idNumber, education: 'bachelor', occupation: 'worker',
      joinDate: '2005-07-01', conversionDate: '2006-07-01', status: 'full',
    });
    expect(r.statusCode, r.body).toBe(201);
    const created = (await s.a.get(`/api/v1/members/${r.json().id}`)).json();
    expect(created.id).not.toBe(m.id);
    expect(created.earlierRecord).toMatchObject({ orgName: '乙镇第二党支部', reasonLabel: '出党（除名）', endedOn: '2026-09-01' });
    expect((await s.b.get(`/api/v1/members/${m.id}`)).json()).toMatchObject({ name: '原党员', status: 'left', orgId: s.branchB.id });
  });
});
