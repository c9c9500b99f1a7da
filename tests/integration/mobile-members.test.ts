import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, TEST_TODAY, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { generateBills } from '../../src/server/domains/dues';
import { memberRollupDifferences } from '../../src/server/domains/member';
import type { LostContactPage, MobileMemberPage } from '../../src/contracts/transfer';
import type { MyApprovals } from '../../src/contracts/approvals';

// 流动党员 (the 活动证 from issue to return, the host branch's view, the
// yearly report, temporary-branch suggestions) and 失联党员 (the list with
// its facts, contacts, the branch's decision approved by the superior).

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function as(role: 'secretary' | 'org_admin', orgId: string): Promise<Client> {
  return login(h.app, (await makeAccount(h.deps, [{ role, orgId, scope: 'subtree' }])).username, PASSWORD);
}

async function setup() {
  const county = await makeRoot(h.deps, '流动测试县委');
  const town = await makeOrg(h.deps, county, 'committee', '流动测试镇党委');
  const home = await makeOrg(h.deps, town, 'branch', '流出支部');
  const host = await makeOrg(h.deps, town, 'branch', '流入支部');
  return { county, town, home, host, secHome: await as('secretary', home.id), secHost: await as('secretary', host.id), countyAdmin: await as('org_admin', county.id) };
}

async function flowVersion(id: string) {
  return (await h.db.one<{ version: number }>(sql`SELECT version FROM flow_certificate WHERE id = ${id}`)).version;
}

describe('流动党员活动证', () => {
  it('is issued by the home branch, registered by the host branch, reported on, renewed and returned; the relation stays at home', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.home.id, { name: '外出务工党员', since: '2015-01-01' });
    const res = await s.secHome.post('/api/v1/mobile-members', { personId: m.id, destination: '广东省深圳市宝安区', hostOrgId: s.host.id, reason: '外出务工', issuedOn: '2025-11-01' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const second = await s.secHome.post('/api/v1/mobile-members', { personId: m.id, destination: '别处', reason: '外出', issuedOn: TEST_TODAY });
    expect([second.statusCode, second.json().error.code]).toEqual([409, 'TRANSFER_OPEN']);

    // the host branch sees the member coming (not their record) and registers the arrival; home may not register for it
    const incoming = (await s.secHost.get('/api/v1/mobile-members?direction=incoming')).json() as MobileMemberPage;
    expect(incoming.items.map((i) => [i.personName, i.personId, i.orgName, i.status])).toEqual([['外出务工党员', null, '流出支部', 'issued']]);
    expect((await s.secHost.get(`/api/v1/members/${m.id}`)).statusCode).toBe(404);
    expect((await s.secHome.post(`/api/v1/mobile-members/${id}/actions`, { version: await flowVersion(id), action: 'register', date: '2025-11-05' })).statusCode).toBe(403);
    const reg = await s.secHost.post(`/api/v1/mobile-members/${id}/actions`, { version: await flowVersion(id), action: 'register', date: '2025-11-05' });
    expect(reg.statusCode, reg.body).toBe(200);
    // the host cannot renew, report or return: those are home's
    expect((await s.secHost.post(`/api/v1/mobile-members/${id}/actions`, { version: await flowVersion(id), action: 'return', date: TEST_TODAY })).statusCode).toBe(403);
    expect((await s.secHome.post(`/api/v1/mobile-members/${id}/actions`, { version: await flowVersion(id), action: 'return', date: TEST_TODAY })).statusCode).toBe(200);
    const again = await s.secHome.post(`/api/v1/mobile-members/${id}/actions`, { version: await flowVersion(id), action: 'renew', date: TEST_TODAY });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'TRANSFER_STATE']);
    expect(await h.db.query<{ org_id: string; valid_to: string | null }>(sql`SELECT org_id, valid_to FROM membership WHERE person_id = ${m.id}`)).toEqual([{ org_id: s.home.id, valid_to: null }]);
  });

  it('lists the member away with the flags that need attention and suggests a temporary branch for three away together', async () => {
    const s = await setup();
    const members = await Promise.all(['甲', '乙', '丙'].map((n, i) => makeMember(h.deps, s.home.id, { name: `流动党员${n}`, since: `201${i}-01-01` })));
    const ids: string[] = [];
    for (const m of members) {
      const r = await s.secHome.post('/api/v1/mobile-members', { personId: m.id, destination: '浙江省杭州市', reason: '外出务工', issuedOn: '2025-10-01' });
      expect(r.statusCode, r.body).toBe(201);
      ids.push(r.json().id);
    }
    // outside the installation: home registers on the member's word; a report in 2026-05
    expect((await s.secHome.post(`/api/v1/mobile-members/${ids[0]}/actions`, { version: await flowVersion(ids[0]), action: 'register', date: '2025-10-08' })).statusCode).toBe(200);
    expect((await s.secHome.post(`/api/v1/mobile-members/${ids[0]}/actions`, { version: await flowVersion(ids[0]), action: 'report', date: '2026-05-10', note: '在杭州务工，参加当地组织生活' })).statusCode).toBe(200);
    const page = (await s.secHome.get('/api/v1/mobile-members?direction=outgoing')).json() as MobileMemberPage;
    expect(page.total).toBe(3);
    const first = page.items.find((i) => i.id === ids[0])!;
    // valid 12 months to 2026-09-30: expired on 2026-12-04; reported in May: not overdue; registered 14 months ago: away long enough to transfer
    expect(first).toMatchObject({ status: 'registered', registeredOn: '2025-10-08', lastReportOn: '2026-05-10', validUntil: '2026-09-30', certificateCode: expect.stringMatching(/^流动〔2025〕第\d+号$/) });
    expect(first.flags.sort()).toEqual(['expired', 'should_transfer']);
    expect(first.events.map((e) => e.action)).toEqual(['issued', 'registered', 'reported']);
    const other = page.items.find((i) => i.id === ids[1])!;
    expect(other.flags.sort()).toEqual(['expired', 'report_overdue']);
    expect(page.temporaryBranchSuggestions).toEqual([{ destination: '浙江省杭州市', issuerOrgName: '流动测试镇党委', count: 3 }]);

    // renewal extends from the later of the old end and the day; return closes it
    expect((await s.secHome.post(`/api/v1/mobile-members/${ids[1]}/actions`, { version: await flowVersion(ids[1]), action: 'renew', date: TEST_TODAY })).statusCode).toBe(200);
    expect((await h.db.one<{ v: string }>(sql`SELECT to_char(valid_until, 'YYYY-MM-DD') AS v FROM flow_certificate WHERE id = ${ids[1]}`)).v).toBe('2027-12-03');
    expect((await s.secHome.post(`/api/v1/mobile-members/${ids[2]}/actions`, { version: await flowVersion(ids[2]), action: 'return', date: TEST_TODAY })).statusCode).toBe(200);
    const after = (await s.secHome.get('/api/v1/mobile-members?direction=outgoing')).json() as MobileMemberPage;
    expect(after.total).toBe(2);
    expect(after.temporaryBranchSuggestions).toEqual([]);
    // the relation never moved
    const rel = await h.db.query<{ org_id: string }>(sql`SELECT org_id FROM membership WHERE person_id = ANY(${members.map((m) => m.id)}::uuid[]) AND valid_to IS NULL`);
    expect(rel.every((r) => r.org_id === s.home.id)).toBe(true);
  });
});

describe('失联党员', () => {
  it('lists members whose last sign of contact is over 6 months old or who owe 6 months of dues, with the facts; a reached contact takes them off', async () => {
    const s = await setup();
    const quiet = await makeMember(h.deps, s.home.id, { name: '长期失联党员', since: '2020-01-01' });
    await makeMember(h.deps, s.home.id, { name: '新转入党员', since: '2026-10-01' }); // recently started: not flagged
    const owing = await makeMember(h.deps, s.home.id, { name: '欠交党费党员', since: '2026-05-01' });
    await h.db.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month) VALUES (${owing.id}, 'in_service', 400000, '2026-01-01')`);
    for (const month of ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']) await h.db.tx((t) => generateBills(t, s.home.path, month));
    // in touch (reached in November) but six months of dues unpaid: a 自行脱党 candidate, not lost
    expect((await s.secHome.post(`/api/v1/members/${owing.id}/contacts`, { contactOn: '2026-11-01', method: 'visit', reached: true })).statusCode).toBe(200);
    const page = (await s.secHome.get('/api/v1/lost-contact-members')).json() as LostContactPage;
    const byName = Object.fromEntries(page.items.map((i) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['欠交党费党员', '长期失联党员'].sort());
    expect(byName['长期失联党员']).toMatchObject({ lostContact: true, lapseCandidate: false, lastContactOn: '2020-01-01', lastContactKind: 'relation', attempts: 0 });
    expect(byName['欠交党费党员']).toMatchObject({ lostContact: false, lapseCandidate: true, unpaidMonths: 6, lastContactOn: '2026-11-01', lastContactKind: 'contact' });
    // an attempt that did not reach them is recorded but does not clear the flag; a reached one does
    expect((await s.secHome.post(`/api/v1/members/${quiet.id}/contacts`, { contactOn: '2026-11-20', method: 'phone', reached: false, note: '电话停机' })).statusCode).toBe(200);
    let q = ((await s.secHome.get('/api/v1/lost-contact-members')).json() as LostContactPage).items.find((i) => i.personId === quiet.id)!;
    expect(q).toMatchObject({ lostContact: true, attempts: 1, lastAttemptOn: '2026-11-20' });
    expect((await s.secHome.post(`/api/v1/members/${quiet.id}/contacts`, { contactOn: '2026-12-01', method: 'visit', reached: true })).statusCode).toBe(200);
    q = ((await s.secHome.get('/api/v1/lost-contact-members')).json() as LostContactPage).items.find((i) => i.personId === quiet.id)!;
    expect(q).toBeUndefined();
    // nothing about the member's status changed by itself
    expect((await h.db.one<{ status: string }>(sql`SELECT status FROM person WHERE id = ${owing.id}`)).status).toBe('full');
  });

  it('takes the branch\'s 除名 decision to the county\'s queue; approval removes the member on the resolution day', async () => {
    const s = await setup();
    const owing = await makeMember(h.deps, s.home.id, { name: '自行脱党党员', since: '2026-05-01' });
    await h.db.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month) VALUES (${owing.id}, 'in_service', 400000, '2026-01-01')`);
    for (const month of ['2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']) await h.db.tx((t) => generateBills(t, s.home.path, month));
    const ok = await makeMember(h.deps, s.home.id, { name: '正常党员', since: '2026-11-01' });
    const refused = await s.secHome.post(`/api/v1/members/${ok.id}/lost-contact-decisions`, { kind: 'lapse', resolutionOn: TEST_TODAY, resolution: '支部大会决议予以除名' });
    expect([refused.statusCode, refused.json().error.code]).toEqual([422, 'TRANSFER_RULE']);
    const res = await s.secHome.post(`/api/v1/members/${owing.id}/lost-contact-decisions`, { kind: 'lapse', resolutionOn: TEST_TODAY, resolution: '经支部大会讨论，连续6个月不交纳党费且多次联系未果，按自行脱党予以除名' });
    expect(res.statusCode, res.body).toBe(201);
    const decisionId = res.json().id as string;
    // the branch cannot approve its own decision; the county sees it in 待我审批
    const version = (await h.db.one<{ version: number }>(sql`SELECT version FROM lost_contact_decision WHERE id = ${decisionId}`)).version;
    expect((await s.secHome.post(`/api/v1/lost-contact-decisions/${decisionId}/decision`, { version, approve: true })).statusCode).toBe(403);
    const queue = (await s.countyAdmin.get('/api/v1/me/approvals')).json() as MyApprovals;
    expect(queue.counts.lost_contact_decision).toBe(1);
    // the decision as each side lists it: the branch follows it, the county may decide it
    expect((await s.secHome.get('/api/v1/lost-contact-decisions')).json().items.map((d: { id: string; canDecide: boolean }) => [d.id, d.canDecide])).toEqual([[decisionId, false]]);
    expect((await s.countyAdmin.get('/api/v1/lost-contact-decisions?proposed=true')).json().items.map((d: { id: string; canDecide: boolean }) => [d.id, d.canDecide])).toEqual([[decisionId, true]]);
    expect(queue.items.find((i) => i.kind === 'lost_contact_decision')).toMatchObject({ objectId: decisionId, personName: '自行脱党党员', asked: '失联党员处理：按自行脱党除名' });
    const approved = await s.countyAdmin.post(`/api/v1/lost-contact-decisions/${decisionId}/decision`, { version, approve: true, note: '同意' });
    expect(approved.statusCode, approved.body).toBe(200);
    const p = await h.db.one<{ status: string }>(sql`SELECT status FROM person WHERE id = ${owing.id}`);
    expect(p.status).toBe('left');
    const ev = await h.db.one<{ reason: string; d: string }>(sql`SELECT reason, to_char(event_date, 'YYYY-MM-DD') AS d FROM member_event WHERE person_id = ${owing.id} ORDER BY id DESC LIMIT 1`);
    expect(ev).toEqual({ reason: 'lapsed', d: TEST_TODAY });
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM membership WHERE person_id = ${owing.id} AND valid_to IS NULL`)).n).toBe(0);
    expect((await memberRollupDifferences(h.db)).differenceCount).toBe(0);
    expect(((await s.countyAdmin.get('/api/v1/me/approvals')).json() as MyApprovals).counts.lost_contact_decision).toBe(0);
  });

  it('puts a letter awaiting approval in the approver\'s queue', async () => {
    const s = await setup();
    const m = await makeMember(h.deps, s.home.id, { name: '跨县转出党员', since: '2020-01-01' });
    const far = await makeRoot(h.deps, '远方县委');
    const farBranch = await makeOrg(h.deps, far, 'branch', '远方支部');
    const id = (await s.secHome.post('/api/v1/transfers', { personId: m.id, toOrgId: farBranch.id, reason: '工作调动' })).json().id as string;
    const v = (await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`)).version;
    await s.secHome.post(`/api/v1/transfers/${id}/issue`, { version: v });
    const queue = (await s.countyAdmin.get('/api/v1/me/approvals')).json() as MyApprovals;
    expect(queue.counts.transfer_letter).toBe(1);
    expect(queue.items.find((i) => i.kind === 'transfer_letter')).toMatchObject({ objectId: id, personName: '跨县转出党员', link: `/admin/transfers/${id}` });
  });
});
