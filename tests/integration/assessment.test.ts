import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import type { AssessmentSchemeView, BranchAssessment } from '../../src/contracts/assessment';
import type { BranchIndex } from '../../src/contracts/branch-index';

// The superior's assessment of its branches (issue 14, the seed's rule):
// published by the committee, applying to a branch only after its 支部党员大会
// agreed (RULES §1 arithmetic), scored item by item with evidence by the
// superior only, and added to the members' average as the branch's points.

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

const ITEMS = [
  { key: 'org_life', label: '组织生活规范', maxPoints: 6, basis: '查阅会议记录，按季度召开支部党员大会、每月召开支委会' },
  { key: 'role', label: '作用发挥', maxPoints: 4, basis: '结合年度述职和群众评价' },
];

describe('the superior assessment of a branch', () => {
  it('is published by the committee, agreed by the branch vote, scored with evidence by the superior only, and counted in the branch points', async () => {
    const county = await makeRoot(h.deps, '考核测试县委');
    const branch = await makeOrg(h.deps, county, 'branch', '考核测试第一支部');
    const other = await makeOrg(h.deps, county, 'branch', '考核测试第二支部');
    for (let i = 0; i < 4; i++) await makeMember(h.deps, branch.id, { name: `考核党员${i}` });
    const admin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: county.id, scope: 'subtree' }])).username, PASSWORD);
    const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }])).username, PASSWORD);

    // only a committee publishes, for its branches; the items' maxima add up to at most 100
    const tooMuch = await admin.post('/api/v1/points/assessment/scheme', { orgId: county.id, year: 2026, items: [{ ...ITEMS[0], maxPoints: 60 }, { ...ITEMS[1], maxPoints: 50 }] });
    expect(tooMuch.statusCode).toBe(400);
    expect(tooMuch.body).toContain('合计不能超过100分');
    const byBranch = await sec.post('/api/v1/points/assessment/scheme', { orgId: branch.id, year: 2026, items: ITEMS });
    expect(byBranch.statusCode).toBe(400);
    expect(byBranch.json().error.message).toContain('由上级党委');
    const pub = await admin.post('/api/v1/points/assessment/scheme', { orgId: county.id, year: 2026, items: ITEMS });
    expect(pub.statusCode, pub.body).toBe(201);
    const schemeId = pub.json().id as string;

    // not agreed yet: the superior cannot score
    const early = await admin.post('/api/v1/points/assessment/scores', { orgId: branch.id, year: 2026, scores: [{ item: 'org_life', points: 5, evidence: '查阅记录' }] });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('ASSESSMENT_NOT_AGREED');
    let a = (await sec.get(`/api/v1/points/assessment?orgId=${branch.id}&year=2026`)).json() as BranchAssessment;
    expect(a).toMatchObject({ agreed: false, canAgree: true, canScore: false, total: null });
    expect(a.scheme).toMatchObject({ ruleVersionId: schemeId, orgName: '考核测试县委' });

    // a vote short of half of those expected does not agree; the next one does; a third is refused
    const vote = { orgId: branch.id, votedOn: '2026-12-01', expected: 10, present: 8, written: 0, no: 0, abstain: 0 };
    const failed = await sec.post(`/api/v1/points/assessment/scheme/${schemeId}/agreements`, { ...vote, yes: 5 });
    expect(failed.statusCode, failed.body).toBe(200);
    expect(failed.json()).toMatchObject({ agreed: false, votes: [{ passed: false, yes: 5 }] });
    const passed = await sec.post(`/api/v1/points/assessment/scheme/${schemeId}/agreements`, { ...vote, yes: 7 });
    expect(passed.json()).toMatchObject({ agreed: true, canAgree: false });
    expect(passed.json().votes[0].arithmetic.join('')).toContain('通过');
    expect((await sec.post(`/api/v1/points/assessment/scheme/${schemeId}/agreements`, { ...vote, yes: 8 })).statusCode).toBe(409);

    // the branch does not score itself (its secretary holds points.approve for second approvals, not as the superior)
    const self = await sec.post('/api/v1/points/assessment/scores', { orgId: branch.id, year: 2026, scores: [{ item: 'org_life', points: 6, evidence: '自评' }] });
    expect(self.statusCode).toBe(400);
    expect(self.json().error.message).toContain('不能为自己评分');
    // above an item's maximum: refused in words
    const over = await admin.post('/api/v1/points/assessment/scores', { orgId: branch.id, year: 2026, scores: [{ item: 'org_life', points: 7, evidence: '查阅记录' }] });
    expect(over.statusCode).toBe(400);
    expect(over.json().error.message).toBe('“组织生活规范”最多6分');

    await admin.post('/api/v1/points/assessment/scores', { orgId: branch.id, year: 2026, scores: [{ item: 'org_life', points: 5.5, evidence: '缺一次支委会记录' }, { item: 'role', points: 4, evidence: '述职评议优秀' }] });
    a = (await admin.post('/api/v1/points/assessment/scores', { orgId: branch.id, year: 2026, scores: [{ item: 'org_life', points: 6, evidence: '补齐支委会记录后复核' }] })).json();
    // the latest score of each item counts: 6 + 4
    expect(a.total).toBe(10);
    expect(a.scores.find((s) => s.item === 'org_life')).toMatchObject({ points: 6, evidence: '补齐支委会记录后复核' });
    expect(a.canScore).toBe(true);

    // branch points = the members' average for the period + the assessment of its year
    const idx = (await sec.get(`/api/v1/index/branch?orgId=${branch.id}&period=2026-Q4`)).json() as BranchIndex;
    expect(idx.points.assessmentPoints).toBe(10);
    expect(idx.points.total).toBe(idx.points.averageMemberPoints + 10);
    const idx2 = (await admin.get(`/api/v1/index/branch?orgId=${other.id}&period=2026-Q4`)).json() as BranchIndex;
    expect(idx2.points.assessmentPoints).toBeNull();

    // the county's view: its scheme and each branch's agreement and total
    const view = (await admin.get(`/api/v1/points/assessment/scheme?orgId=${county.id}&year=2026`)).json() as AssessmentSchemeView;
    expect(view.canPublish).toBe(true);
    expect(view.branches.map((b) => [b.orgName, b.agreed, b.total]).sort()).toEqual([['考核测试第一支部', true, 10], ['考核测试第二支部', false, null]]);
  });
});
