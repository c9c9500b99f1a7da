import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { communityEvaluationPointSource, rebuildCommunityReportCounters, verifyCommunityReports } from '../../src/server/domains/community-report';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCommunity, makeMember, makeOrg, makeResident, makeRoot, randomPhone } from '../helpers/factory';
import { sessionClient } from './security/support';

// 双报到 (issue 17): a unit's party organisation and an in-service member
// report to a community; the community accepts or declines, records services
// (counters in the same transaction) and evaluates the member once a year;
// the member's branch reads the evaluation, and 优秀/良好 is a point fact.

const clock = fixedClock('2026-12-07T02:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

async function world() {
  const root = await makeRoot(h.deps);
  const unit = await makeOrg(h.deps, root, 'branch'); // a unit's party organisation (the member's branch)
  const otherBranch = await makeOrg(h.deps, root, 'branch');
  const community = await makeCommunity(h.deps, root);
  const outside = await makeCommunity(h.deps, root);
  const staff = async (orgId: string, role: 'secretary' | 'party_worker' = 'secretary') => sessionClient(h, (await makeAccount(h.deps, [{ role, orgId, scope: 'subtree' }])).id);
  const m = await makeMember(h.deps, unit.id, { name: '张在职', phone: randomPhone() });
  const member = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: unit.id, scope: 'self' }], m.id)).id);
  return {
    root, unit, otherBranch, community, outside, person: m.id, member,
    unitSec: await staff(unit.id), communitySec: await staff(community.id), outsideSec: await staff(outside.id), otherSec: await staff(otherBranch.id),
  };
}

async function reportSelf(c: Client, communityOrgId: string) {
  const res = await c.post('/api/v1/me/community-report', { communityOrgId, address: '幸福小区3栋2单元401', note: '可周末参加服务' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function accept(c: Client, id: string) {
  const res = await c.post(`/api/v1/community-reports/${id}/accept`, { role: '楼栋长', tasks: '认领：独居老人周末探访', version: 1 });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe('reporting (报到)', () => {
  it('an org reports by its staff; a member reports themself; the community is told; refusals', async () => {
    const w = await world();
    const byOrg = await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.unit.id, communityOrgId: w.community.id, note: '单位党支部报到' });
    expect(byOrg.statusCode, byOrg.body).toBe(201);
    // the same org to the same community again while live: 409
    const again = await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.unit.id, communityOrgId: w.community.id, note: '' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('REPORT_DUPLICATE');
    // a target that is not a community: 400 with the field
    const notCommunity = await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.unit.id, communityOrgId: w.otherBranch.id, note: '' });
    expect(notCommunity.statusCode).toBe(400);
    expect(notCommunity.json().error.details.issues[0].field).toBe('communityOrgId');
    // an org outside the caller's scope: 404
    const outOfScope = await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.otherBranch.id, communityOrgId: w.community.id, note: '' });
    expect(outOfScope.statusCode).toBe(404);

    const mine = await reportSelf(w.member, w.community.id);
    const dup = await w.member.post('/api/v1/me/community-report', { communityOrgId: w.outside.id, address: '另一个地址', note: '' });
    expect(dup.statusCode).toBe(409);
    const got = (await w.member.get('/api/v1/me/community-report')).json();
    expect(got.items).toHaveLength(1);
    expect(got.items[0].report).toMatchObject({ id: mine, kind: 'member', status: 'pending', personName: '张在职', reporterOrgId: w.unit.id, address: '幸福小区3栋2单元401' });

    // a resident has no report
    const r = await makeResident(h.deps, w.community.id);
    const rc = await sessionClient(h, r.accountId);
    expect((await rc.post('/api/v1/me/community-report', { communityOrgId: w.community.id, address: '幸福小区', note: '' })).statusCode).toBe(404);
    expect((await rc.get('/api/v1/me/community-report')).statusCode).toBe(404);

    // the community's staff were told of both
    const told = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification WHERE kind = 'community_report' AND link LIKE '/admin/community-reports/%'
      AND (link = ${'/admin/community-reports/' + byOrg.json().id} OR link = ${'/admin/community-reports/' + mine})`);
    expect(told.n).toBeGreaterThanOrEqual(2);

    // the community lists both; the other community none of them; the reporting org sees its own
    const listed = (await w.communitySec.get(`/api/v1/community-reports?orgId=${w.community.id}`)).json();
    expect(listed.items.map((i: { id: string }) => i.id).sort()).toEqual([byOrg.json().id, mine].sort());
    expect((await w.communitySec.get(`/api/v1/community-reports?orgId=${w.community.id}&kind=org`)).json().items).toHaveLength(1);
    expect((await w.outsideSec.get('/api/v1/community-reports')).json().items).toHaveLength(0);
    expect((await w.outsideSec.get(`/api/v1/community-reports?orgId=${w.community.id}`)).statusCode).toBe(404);
    expect((await w.unitSec.get(`/api/v1/community-reports/${byOrg.json().id}`)).statusCode).toBe(200);
    expect((await w.outsideSec.get(`/api/v1/community-reports/${mine}`)).statusCode).toBe(404);
  });
});

describe('accept, decline, services (接收、退回、登记服务)', () => {
  it('only from pending; out of scope 404; services move the counters; verify and rebuild against a raw recomputation', async () => {
    const w = await world();
    const id = await reportSelf(w.member, w.community.id);
    expect((await w.outsideSec.post(`/api/v1/community-reports/${id}/accept`, { role: '楼栋长', tasks: '探访', version: 1 })).statusCode).toBe(404);
    // the reporting org reads it but does not accept for the community
    expect((await w.unitSec.post(`/api/v1/community-reports/${id}/accept`, { role: '楼栋长', tasks: '探访', version: 1 })).statusCode).toBe(404);
    // a service before acceptance: 409
    const early = await w.communitySec.post(`/api/v1/community-reports/${id}/services`, { servedOn: '2026-12-05', hours: 2, content: '探访独居老人' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error.code).toBe('REPORT_STATE');
    const accepted = await accept(w.communitySec, id);
    expect(accepted.report).toMatchObject({ status: 'accepted', role: '楼栋长', version: 2 });
    const twice = await w.communitySec.post(`/api/v1/community-reports/${id}/accept`, { role: '楼栋长', tasks: '探访', version: 2 });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.code).toBe('REPORT_STATE');
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/decline`, { reason: '已接收的不能退回' })).statusCode).toBe(409);

    // decline another (an org's report), then nothing more from there
    const orgReport = (await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.unit.id, communityOrgId: w.community.id, note: '' })).json().id as string;
    const declined = await w.communitySec.post(`/api/v1/community-reports/${orgReport}/decline`, { reason: '请向单位所在地社区报到' });
    expect(declined.statusCode, declined.body).toBe(200);
    expect(declined.json().report).toMatchObject({ status: 'declined', declineReason: '请向单位所在地社区报到' });
    expect((await w.communitySec.post(`/api/v1/community-reports/${orgReport}/accept`, { role: '共建', tasks: '共建', version: 2 })).statusCode).toBe(409);
    // once declined, the org may report again
    expect((await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.unit.id, communityOrgId: w.community.id, note: '' })).statusCode).toBe(201);

    // hours in half-hour steps, not in the future
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/services`, { servedOn: '2026-12-05', hours: 1.25, content: '探访' })).statusCode).toBe(400);
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/services`, { servedOn: '2026-12-08', hours: 1, content: '探访' })).statusCode).toBe(400);
    for (const [servedOn, hours] of [['2026-12-05', 2], ['2026-12-06', 1.5], ['2025-11-01', 3]] as const) {
      const res = await w.communitySec.post(`/api/v1/community-reports/${id}/services`, { servedOn, hours, content: '探访独居老人' });
      expect(res.statusCode, res.body).toBe(201);
    }
    expect((await w.outsideSec.post(`/api/v1/community-reports/${id}/services`, { servedOn: '2026-12-05', hours: 1, content: '探访' })).statusCode).toBe(404);
    const detail = (await w.communitySec.get(`/api/v1/community-reports/${id}`)).json();
    expect(detail.report).toMatchObject({ serviceCount: 3, serviceHours: 6.5 });
    expect(detail.services.map((s: { servedOn: string; hours: number }) => [s.servedOn, s.hours])).toEqual([['2026-12-06', 1.5], ['2026-12-05', 2], ['2025-11-01', 3]]);

    // the counters against the records, recomputed raw here
    const raw = await h.db.one<{ n: number; m: number }>(sql`SELECT count(*)::int AS n, coalesce(sum(minutes), 0)::int AS m FROM community_service WHERE report_id = ${id}`);
    const stored = await h.db.one<{ service_count: number; service_minutes: number }>(sql`SELECT service_count, service_minutes FROM community_report WHERE id = ${id}`);
    expect([stored.service_count, stored.service_minutes]).toEqual([raw.n, raw.m]);
    expect((await verifyCommunityReports(h.db)).counterDifferences.filter((d) => d.id === id)).toEqual([]);
    await h.db.exec(sql`UPDATE community_report SET service_count = 9, service_minutes = 1 WHERE id = ${id}`);
    expect((await verifyCommunityReports(h.db)).counterDifferences.filter((d) => d.id === id)).toEqual([
      { id, service_count: 9, raw_service_count: 3, service_minutes: 1, raw_service_minutes: 390 },
    ]);
    expect(await rebuildCommunityReportCounters(h.db)).toBeGreaterThanOrEqual(1);
    expect((await verifyCommunityReports(h.db)).counterDifferences).toEqual([]);
    expect(await h.db.one(sql`SELECT service_count, service_minutes FROM community_report WHERE id = ${id}`)).toEqual({ service_count: 3, service_minutes: 390 });

    // the member sees their services
    const mine = (await w.member.get('/api/v1/me/community-report')).json();
    expect(mine.items[0].services).toHaveLength(3);
    expect(mine.items[0].report.serviceHours).toBe(6.5);
  });
});

describe('the yearly evaluation (年度评价)', () => {
  it('once a year for accepted member reports; the branch is told and reads it, another branch does not; 优秀 is a point fact, 一般 is not', async () => {
    const w = await world();
    const id = await reportSelf(w.member, w.community.id);
    // pending: not yet
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/evaluations`, { year: 2026, grade: 'excellent', comment: '' })).statusCode).toBe(409);
    await accept(w.communitySec, id);
    await w.communitySec.post(`/api/v1/community-reports/${id}/services`, { servedOn: '2026-12-05', hours: 2, content: '探访独居老人' });
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/evaluations`, { year: 2027, grade: 'excellent', comment: '' })).statusCode).toBe(400);
    expect((await w.outsideSec.post(`/api/v1/community-reports/${id}/evaluations`, { year: 2026, grade: 'excellent', comment: '' })).statusCode).toBe(404);
    const ok = await w.communitySec.post(`/api/v1/community-reports/${id}/evaluations`, { year: 2026, grade: 'excellent', comment: '服务认真，群众满意' });
    expect(ok.statusCode, ok.body).toBe(201);
    const again = await w.communitySec.post(`/api/v1/community-reports/${id}/evaluations`, { year: 2026, grade: 'good', comment: '' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('REPORT_STATE');
    // an org's report is not evaluated
    const orgReport = (await w.unitSec.post('/api/v1/community-reports', { reporterOrgId: w.unit.id, communityOrgId: w.community.id, note: '' })).json().id as string;
    await accept(w.communitySec, orgReport);
    expect((await w.communitySec.post(`/api/v1/community-reports/${orgReport}/evaluations`, { year: 2026, grade: 'good', comment: '' })).statusCode).toBe(409);

    // the branch secretary was told
    const secId = (await h.db.one<{ account_id: string }>(sql`SELECT g.account_id FROM role_grant g WHERE g.org_id = ${w.unit.id} AND g.role = 'secretary'`)).account_id;
    const told = await h.db.query<{ title: string }>(sql`SELECT title FROM notification WHERE account_id = ${secId} AND kind = 'community_report'`);
    expect(told.map((n) => n.title)).toEqual(['双报到年度评价：张在职（2026年度优秀）']);

    // the branch reads it during 民主评议; another branch does not
    const seen = await w.unitSec.get(`/api/v1/community-reports/evaluations?orgId=${w.unit.id}&year=2026`);
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json().items).toEqual([expect.objectContaining({ personId: w.person, personName: '张在职', communityName: expect.any(String), grade: 'excellent', comment: '服务认真，群众满意', serviceHours: 2, yearServiceHours: 2 })]);
    expect((await w.otherSec.get(`/api/v1/community-reports/evaluations?orgId=${w.unit.id}&year=2026`)).statusCode).toBe(404);
    expect((await w.otherSec.get(`/api/v1/community-reports/evaluations?orgId=${w.otherBranch.id}&year=2026`)).json().items).toEqual([]);
    // the community's staff have no member.read over the unit's branch
    expect((await w.communitySec.get(`/api/v1/community-reports/evaluations?orgId=${w.unit.id}&year=2026`)).statusCode).toBe(404);
    expect((await w.member.get('/api/v1/me/community-report')).json().items[0].evaluations).toEqual([expect.objectContaining({ year: 2026, grade: 'excellent' })]);

    // a second member graded 一般: no fact; the first: one fact dated the evaluation day, in the member's branch
    const m2 = await makeMember(h.deps, w.unit.id, { name: '李在职', phone: randomPhone() });
    const c2 = await sessionClient(h, (await makeAccount(h.deps, [{ role: 'member', orgId: w.unit.id, scope: 'self' }], m2.id)).id);
    const id2 = await reportSelf(c2, w.community.id);
    await accept(w.communitySec, id2);
    expect((await w.communitySec.post(`/api/v1/community-reports/${id2}/evaluations`, { year: 2026, grade: 'fair', comment: '' })).statusCode).toBe(201);
    const facts = (await communityEvaluationPointSource.facts(h.db, '2026-12-01', '2026-12-31')).filter((f) => f.personId === w.person || f.personId === m2.id);
    expect(facts).toEqual([{ personId: w.person, orgId: w.unit.id, orgPath: w.unit.path, item: 'community.evaluation', sourceType: 'community_evaluation', sourceId: ok.json().id, factDate: '2026-12-07' }]);
    expect((await communityEvaluationPointSource.facts(h.db, '2026-11-01', '2026-11-30')).filter((f) => f.personId === w.person)).toEqual([]);
    const fair = await w.unitSec.get(`/api/v1/community-reports/evaluations?orgId=${w.unit.id}&year=2026`);
    expect(fair.json().items.map((i: { personName: string; grade: string }) => [i.personName, i.grade]).sort()).toEqual([['张在职', 'excellent'], ['李在职', 'fair']]);
  });
});

describe('ending a report (结束报到)', () => {
  it('only the community, only from accepted; audited; the member is told and may report again', async () => {
    const w = await world();
    const id = await reportSelf(w.member, w.community.id);
    // a pending report cannot be ended
    const early = await w.communitySec.post(`/api/v1/community-reports/${id}/end`, { reason: '已搬离居住地' });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'REPORT_STATE', message: '只有已接收的报到才能结束' });
    await accept(w.communitySec, id);
    // a reason of 2–200 characters
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/end`, { reason: '搬' })).statusCode).toBe(400);
    // the reporting org and another community do not end it
    expect((await w.unitSec.post(`/api/v1/community-reports/${id}/end`, { reason: '已搬离居住地' })).statusCode).toBe(404);
    expect((await w.outsideSec.post(`/api/v1/community-reports/${id}/end`, { reason: '已搬离居住地' })).statusCode).toBe(404);
    const ended = await w.communitySec.post(`/api/v1/community-reports/${id}/end`, { reason: '已搬离居住地' });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json().report).toMatchObject({ status: 'ended', endReason: '已搬离居住地', version: 3 });
    expect(ended.json().report.endedAt).toBe('2026-12-07T02:00:00.000Z');
    const again = await w.communitySec.post(`/api/v1/community-reports/${id}/end`, { reason: '已搬离居住地' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('REPORT_STATE');
    // no services on an ended report
    expect((await w.communitySec.post(`/api/v1/community-reports/${id}/services`, { servedOn: '2026-12-05', hours: 1, content: '探访' })).statusCode).toBe(409);
    // audited; the member told
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'community_report.end' AND object_id = ${id}`)).n).toBe(1);
    const told = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notification n JOIN account a ON a.id = n.account_id
      WHERE a.person_id = ${w.person} AND n.kind = 'community_report' AND n.title LIKE '%结束了您的报到'`);
    expect(told.n).toBe(1);
    // the member may report again (to another community)
    const next = await reportSelf(w.member, w.outside.id);
    const mine = (await w.member.get('/api/v1/me/community-report')).json();
    // (both at the fixed clock's instant: compared in any order)
    expect(mine.items.map((i: { report: { id: string; status: string } }) => `${i.report.id}:${i.report.status}`).sort()).toEqual([`${next}:pending`, `${id}:ended`].sort());
  });
});
