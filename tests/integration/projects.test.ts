import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { actorOf } from '../../src/server/domains/member';
import { projectMarkers } from '../../src/server/domains/project';
import type { ProjectDetail, ProjectPage } from '../../src/contracts/project';
import type { Dashboard } from '../../src/contracts/dashboard';
import type { WarningPage } from '../../src/contracts/warning';
import { createHarness, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot } from '../helpers/factory';
import { cellsOf, sheetsOf } from '../helpers/xlsx';
import { expectEnvelope, multipartFile, PNG_1PX, sessionClient } from './security/support';

// Key projects (重点项目, issue 15) through the API: a town committee's project
// with a roadmap whose milestones fall to its branches, progress reported by
// the committee and by a branch, the warning level at several business days
// (the harness's clock is set to each), the warning centre's scan, acceptance
// by the superior only, scope, validation and the Excel export read back.

const clock = fixedClock('2026-01-05T04:00:00Z');
const on = (day: string) => clock.set(`${day}T04:00:00Z`);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

type OrgRef = Awaited<ReturnType<typeof makeRoot>>;

interface World {
  county: OrgRef;
  town: OrgRef;
  a: OrgRef;
  b: OrgRef;
  townLeader: string;
  aMember: string;
  bMember: string;
  countyAdmin: Client;
  townAdmin: Client;
  secA: Client;
  secB: Client;
  stranger: Client;
  countyAdminId: string;
  secAId: string;
}

async function world(): Promise<World> {
  on('2026-01-05');
  const county = await makeRoot(h.deps, '项目测试县委');
  const town = await makeOrg(h.deps, county, 'committee', '项目测试镇党委');
  const a = await makeOrg(h.deps, town, 'branch', '项目测试甲村党支部');
  const b = await makeOrg(h.deps, town, 'branch', '项目测试乙村党支部');
  const organ = await makeOrg(h.deps, town, 'branch', '项目测试镇机关党支部');
  const townLeader = (await makeMember(h.deps, organ.id, { name: '周书记', since: '2020-01-01' })).id;
  const aMember = (await makeMember(h.deps, a.id, { name: '甲支书', since: '2020-01-01' })).id;
  const bMember = (await makeMember(h.deps, b.id, { name: '乙支书', since: '2020-01-01' })).id;
  const other = await makeRoot(h.deps, '项目测试外县委');
  const client = async (role: 'org_admin' | 'secretary', orgId: string) => {
    const acc = await makeAccount(h.deps, [{ role, orgId, scope: 'subtree' }]);
    return { id: acc.id, c: await sessionClient(h, acc.id) };
  };
  const countyAdmin = await client('org_admin', county.id);
  const secA = await client('secretary', a.id);
  return {
    county, town, a, b, townLeader, aMember, bMember,
    countyAdmin: countyAdmin.c, countyAdminId: countyAdmin.id, townAdmin: (await client('org_admin', town.id)).c, secA: secA.c, secAId: secA.id,
    secB: (await client('secretary', b.id)).c, stranger: (await client('org_admin', other.id)).c,
  };
}

/** The town's 重大工程: 摸底调研 by the committee, the two villages' part, then 总结评估 (weights 1, 2, 2, 1). */
function townProject(w: World, over: Record<string, unknown> = {}) {
  return {
    ownerOrgId: w.town.id, type: 'major', name: '党建引领乡村振兴产业带建设', ownerPersonId: w.townLeader,
    rationale: '落实县委关于以党建引领乡村振兴的部署，整合两村资源发展特色种植', goals: '建成连片产业带500亩，带动村集体经济年增收10万元以上',
    startOn: '2026-01-01', endOn: '2026-06-30',
    milestones: [
      { title: '摸底调研与方案制定', dueOn: '2026-01-31', weight: 1, responsibleOrgId: w.town.id, responsiblePersonId: w.townLeader },
      { title: '甲村土地流转与基地建设', dueOn: '2026-03-31', weight: 2, responsibleOrgId: w.a.id, responsiblePersonId: w.aMember },
      { title: '乙村合作社组建与种植', dueOn: '2026-03-31', weight: 2, responsibleOrgId: w.b.id },
      { title: '总结评估与经验推广', dueOn: '2026-06-20', weight: 1, responsibleOrgId: w.town.id },
    ],
    ...over,
  };
}

function created(res: LightMyRequestResponse): string {
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function detail(c: Client, id: string): Promise<ProjectDetail> {
  const res = await c.get(`/api/v1/projects/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ProjectDetail;
}

async function list(c: Client, query = ''): Promise<ProjectPage> {
  const res = await c.get(`/api/v1/projects?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ProjectPage;
}

function report(c: Client, id: string, body: Record<string, unknown>) {
  return c.post(`/api/v1/projects/${id}/progress`, { note: '按计划推进，已召开专题会议部署', ...body });
}

function issues(res: LightMyRequestResponse) {
  expect(res.statusCode, res.body).toBe(400);
  expectEnvelope(res, 'VALIDATION_FAILED');
  return res.json().error.details.issues as Array<{ field: string; message: string }>;
}

async function scanCycle() {
  await h.deps.jobs.enqueue('warnings.scan', {});
  expect(await h.deps.jobs.runDue()).toBeGreaterThanOrEqual(1);
  const last = await h.db.one<{ failed: string[] }>(sql`SELECT failed FROM warning_scan ORDER BY id DESC LIMIT 1`);
  expect(last.failed).toEqual([]);
}

async function projectWarnings(c: Client, orgId: string) {
  const res = await c.get(`/api/v1/warnings?module=project&orgId=${orgId}&pageSize=100`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as WarningPage).items;
}

describe('key projects', () => {
  it('plans a roadmap, takes reports from the committee and the branches, and warns blue, red and yellow as the business days pass', async () => {
    const w = await world();
    const id = created(await w.townAdmin.post('/api/v1/projects', townProject(w)));
    const p = await detail(w.townAdmin, id);
    expect(p).toMatchObject({ type: 'major', status: 'active', ownerOrgName: '项目测试镇党委', ownerPersonName: '周书记', milestones: 4, milestonesDone: 0, level: null, can: { edit: true, record: true, accept: false } });
    expect(p.roadmap.map((m) => [m.seq, m.title, m.responsibleOrgName, m.responsiblePersonName])).toEqual([
      [1, '摸底调研与方案制定', '项目测试镇党委', '周书记'], [2, '甲村土地流转与基地建设', '项目测试甲村党支部', '甲支书'], [3, '乙村合作社组建与种植', '项目测试乙村党支部', null], [4, '总结评估与经验推广', '项目测试镇党委', null],
    ]);
    // planned on 5 January: 4 of the first stretch's 30 days of weight 1 in 6
    expect(p.planned).toBe(2.2);
    expect(p.plan).toEqual([{ on: '2026-01-01', planned: 0 }, { on: '2026-01-31', planned: 16.7 }, { on: '2026-03-31', planned: 83.3 }, { on: '2026-06-20', planned: 100 }, { on: '2026-06-30', planned: 100 }]);
    expect(p.rule).toMatchObject({ milestoneNoticeDays: 7, yellowGap: 10, redGap: 30 });
    expect(p.rule.source).toContain('可按本地要求调整');
    const [m1, m2, m3, m4] = p.roadmap.map((m) => m.id);

    // 20 January: the committee reports the survey at 30 %; on the 25th the milestone is 6 days off: blue
    on('2026-01-20');
    created(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-01-20', percent: 30 }));
    on('2026-01-25');
    const blue = await detail(w.townAdmin, id);
    expect(blue).toMatchObject({ planned: 13.3, actual: 5, gap: 8.3, level: 'info' });
    expect(blue.reasons).toEqual(['节点「摸底调研与方案制定」将于 2026-01-31 到期（还有 6 天），当前完成 30%']);
    expect(blue.roadmap[0]).toMatchObject({ state: 'due_soon', percent: 30, reports: 1 });

    // 10 February: past its date at 30 %: red
    on('2026-02-10');
    const red = await detail(w.townAdmin, id);
    expect(red.level).toBe('error');
    expect(red.reasons[0]).toBe('节点「摸底调研与方案制定」应于 2026-01-31 完成，已逾期 10 天，当前完成 30%');
    expect(red.roadmap[0].state).toBe('overdue');

    // 20 February: the survey is done; the villages have not started: behind by 22.6 points, yellow
    on('2026-02-20');
    created(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-02-18', percent: 100 }));
    const yellow = await detail(w.townAdmin, id);
    expect(yellow).toMatchObject({ planned: 39.3, actual: 16.7, gap: 22.6, level: 'warning', milestonesDone: 1 });
    expect(yellow.roadmap[0]).toMatchObject({ state: 'done', doneOn: '2026-02-18', percent: 100, canRecord: false });
    expect(yellow.reasons).toEqual(['计划进度 39.3%，实际进度 16.7%，落后计划 22.6 个百分点']);
    // a done milestone takes no more reports
    const again = await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-02-20', percent: 100 });
    expect(again.statusCode).toBe(422);
    expectEnvelope(again, 'PROJECT_RULE');

    // branch A reports its own milestone (with a photo as evidence), not branch B's, and changes nothing else
    const upload = multipartFile('土地流转现场.png', PNG_1PX, 'image/png');
    const file = await h.app.inject({ method: 'POST', url: `/api/v1/projects/${id}/files`, headers: { cookie: w.secA.cookie, ...upload.headers }, payload: upload.payload });
    expect(file.statusCode, file.body).toBe(201);
    const fileId = file.json().id as string;
    created(await report(w.secA, id, { milestoneId: m2, reportedOn: '2026-02-20', percent: 40, note: '完成土地流转签约120亩', evidenceIds: [fileId] }));
    const byB = await report(w.secA, id, { milestoneId: m3, reportedOn: '2026-02-20', percent: 10 });
    expect(byB.statusCode).toBe(403);
    expectEnvelope(byB, 'FORBIDDEN');
    const edit = await w.secA.put(`/api/v1/projects/${id}`, { ...townProject(w), milestones: undefined, ownerOrgId: undefined, version: yellow.version });
    expect(edit.statusCode).toBe(403);
    const seenByA = await detail(w.secA, id);
    expect(seenByA.can).toEqual({ edit: false, record: true, accept: false });
    expect(seenByA.roadmap.map((m) => m.canRecord)).toEqual([false, true, false, false]);
    expect(seenByA.reports[0]).toMatchObject({ milestoneTitle: '甲村土地流转与基地建设', percent: 40, note: '完成土地流转签约120亩', evidence: [{ id: fileId, fileName: '土地流转现场.png', mime: 'image/png' }] });
    const download = await w.secA.get(`/api/v1/projects/${id}/files/${fileId}`);
    expect(download.statusCode).toBe(200);
    expect(Buffer.from(download.rawPayload).equals(PNG_1PX)).toBe(true);
    expect((await w.stranger.get(`/api/v1/projects/${id}/files/${fileId}`)).statusCode).toBe(404);
    // a file of another owner is no evidence of this project
    const foreign = issues(await report(w.townAdmin, id, { milestoneId: m3, reportedOn: '2026-02-20', percent: 10, evidenceIds: [w.aMember] }));
    expect(foreign).toEqual([{ field: 'evidenceIds', message: '佐证材料不存在或不属于本项目，请重新上传' }]);

    // 20 March: the plan ran on, the villages did not: more than 30 points behind, red
    on('2026-03-20');
    const late = await detail(w.townAdmin, id);
    expect(late.gap).toBeGreaterThan(30);
    expect(late.level).toBe('error');
    expect((await list(w.townAdmin, 'level=error')).items.map((i) => i.id)).toContain(id);
    expect((await list(w.townAdmin, 'level=warning')).items.map((i) => i.id)).not.toContain(id);
    void m4;
  });

  it('raises the warnings in the warning centre on the orgs concerned and clears them when the facts change', async () => {
    const w = await world();
    const id = created(await w.townAdmin.post('/api/v1/projects', townProject(w, { name: '红色物业先锋行动' })));
    const [m1, m2, m3, m4] = (await detail(w.townAdmin, id)).roadmap.map((m) => m.id);
    on('2026-03-25');
    created(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-01-30', percent: 100 }));
    await scanCycle();
    const all = await projectWarnings(w.townAdmin, w.town.id);
    const mine = all.filter((x) => x.link === `/admin/projects/${id}`);
    // behind plan (red, on the committee), both villages' milestones due on 31 March (blue, on each branch)
    expect(mine.map((x) => [x.kind, x.level, x.orgId]).sort()).toEqual([
      ['behind', 'error', w.town.id], ['milestone_due', 'info', w.a.id], ['milestone_due', 'info', w.b.id],
    ].sort());
    const due = mine.find((x) => x.kind === 'milestone_due' && x.orgId === w.a.id)!;
    expect(due).toMatchObject({ module: 'project', kindLabel: '项目节点临近期限', title: '红色物业先锋行动', dueOn: '2026-03-31', factAt: '2026-03-23T16:00:00.000Z' });
    expect(due.source).toContain('本平台默认配置');
    // branch A sees its own milestone's warning, not the committee's nor branch B's
    const forA = (await projectWarnings(w.secA, w.a.id)).filter((x) => x.link === `/admin/projects/${id}`);
    expect(forA.map((x) => x.kind)).toEqual(['milestone_due']);
    expect((await w.secA.get(`/api/v1/warnings?module=project&orgId=${w.town.id}`)).statusCode).toBe(404);

    // branch A finishes: its warning clears at the next scan; B's stays
    created(await report(w.secA, id, { milestoneId: m2, reportedOn: '2026-03-25', percent: 100 }));
    await scanCycle();
    const after = (await projectWarnings(w.townAdmin, w.town.id)).filter((x) => x.link === `/admin/projects/${id}`);
    expect(after.some((x) => x.kind === 'milestone_due' && x.orgId === w.a.id)).toBe(false);
    expect(after.some((x) => x.kind === 'milestone_due' && x.orgId === w.b.id)).toBe(true);

    // everything done and accepted: every warning of the project clears
    created(await report(w.secB, id, { milestoneId: m3, reportedOn: '2026-03-25', percent: 100 }));
    created(await report(w.townAdmin, id, { milestoneId: m4, reportedOn: '2026-03-25', percent: 100 }));
    const v = (await detail(w.countyAdmin, id)).version;
    const accepted = await w.countyAdmin.post(`/api/v1/projects/${id}/acceptance`, { version: v, acceptedOn: '2026-03-25', grade: 'good', score: 88, opinion: '各节点按期完成，成效明显' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await scanCycle();
    expect((await projectWarnings(w.townAdmin, w.town.id)).filter((x) => x.link === `/admin/projects/${id}`)).toEqual([]);
  });

  it('is accepted by the superior organisation only, never by the owner, and only when complete unless found unqualified', async () => {
    const w = await world();
    on('2026-02-01');
    const id = created(await w.townAdmin.post('/api/v1/projects', townProject(w, { name: '党建引领基层治理创新', type: 'innovation', milestones: [
      { title: '建立网格党小组', dueOn: '2026-01-20', weight: 1, responsibleOrgId: w.town.id },
    ] })));
    const [m1] = (await detail(w.townAdmin, id)).roadmap.map((m) => m.id);
    const body = (version: number, over: Record<string, unknown> = {}) => ({ version, acceptedOn: '2026-02-01', grade: 'excellent', score: 96, opinion: '网格党小组全覆盖，群众满意度高', ...over });
    let version = (await detail(w.countyAdmin, id)).version;
    // the owner committee's own administrator holds project.accept but is not its superior
    const own = await w.townAdmin.post(`/api/v1/projects/${id}/acceptance`, body(version));
    expect(own.statusCode).toBe(403);
    expectEnvelope(own, 'FORBIDDEN');
    expect(own.json().error.message).toBe('重点项目须由牵头组织的上级党组织验收，牵头组织不能验收本组织的项目');
    expect((await detail(w.townAdmin, id)).can.accept).toBe(false);
    // a secretary holds no project.accept
    expect((await w.secA.post(`/api/v1/projects/${id}/acceptance`, body(version))).statusCode).toBe(403);
    // the county: not complete yet, so not 合格 or better …
    expect((await detail(w.countyAdmin, id)).can.accept).toBe(true);
    const early = await w.countyAdmin.post(`/api/v1/projects/${id}/acceptance`, body(version));
    expect(early.statusCode).toBe(422);
    expectEnvelope(early, 'PROJECT_RULE');
    // … but it may find it unqualified, which keeps it in progress
    const rectify = await w.countyAdmin.post(`/api/v1/projects/${id}/acceptance`, body(version, { grade: 'unqualified', score: 55, opinion: '网格党小组尚未建立，限一个月内整改' }));
    expect(rectify.statusCode, rectify.body).toBe(200);
    const kept = await detail(w.countyAdmin, id);
    expect(kept).toMatchObject({ status: 'active', grade: 'unqualified', acceptance: { grade: 'unqualified', score: 55, byOrgName: '项目测试县委' } });
    created(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-02-01', percent: 100 }));
    version = (await detail(w.countyAdmin, id)).version;
    // a stale version is a conflict
    expect((await w.countyAdmin.post(`/api/v1/projects/${id}/acceptance`, body(version - 1))).statusCode).toBe(409);
    const ok = await w.countyAdmin.post(`/api/v1/projects/${id}/acceptance`, body(version));
    expect(ok.statusCode, ok.body).toBe(200);
    const done = await detail(w.townAdmin, id);
    expect(done).toMatchObject({ status: 'accepted', level: null, acceptedOn: '2026-02-01', grade: 'excellent', acceptance: { score: 96, opinion: '网格党小组全覆盖，群众满意度高', byOrgName: '项目测试县委' }, can: { edit: false, record: false, accept: false } });
    const closed = await report(w.townAdmin, id, { reportedOn: '2026-02-01', percent: 100, milestoneId: m1 });
    expect(closed.statusCode).toBe(409);
    expectEnvelope(closed, 'PROJECT_STATE');
    const edit = await w.townAdmin.put(`/api/v1/projects/${id}/milestones`, { version: done.version, milestones: [{ id: m1, title: '建立网格党小组', dueOn: '2026-01-20', weight: 1, responsibleOrgId: w.town.id }] });
    expect(edit.statusCode).toBe(409);
    expectEnvelope(edit, 'PROJECT_STATE');
    // every write is in the audit log, with its Chinese label
    const actions = await h.db.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE object_id = ${id} ORDER BY id`);
    expect(actions.map((a) => a.action)).toEqual(['project.create', 'project.accept', 'project.progress', 'project.accept']);
  });

  it('keeps projects inside the scope: out of scope is not found, and a branch sees only what concerns it', async () => {
    const w = await world();
    const townId = created(await w.townAdmin.post('/api/v1/projects', townProject(w)));
    // a branch project of A, with a roadmap of its own
    const aId = created(await w.secA.post('/api/v1/projects', {
      ownerOrgId: w.a.id, type: 'secretary', name: '甲村书记项目：党员联户', ownerPersonId: w.aMember, rationale: '落实党员联系服务群众制度', goals: '每名党员联系5至10户群众',
      startOn: '2026-01-01', endOn: '2026-12-31', milestones: [{ title: '划分联户责任区', dueOn: '2026-02-28', weight: 1, responsibleOrgId: w.a.id }],
    }));
    for (const [c, want] of [[w.countyAdmin, [townId, aId]], [w.townAdmin, [townId, aId]], [w.secA, [townId, aId]], [w.secB, [townId]], [w.stranger, []]] as const) {
      const mine = (await list(c)).items.map((i) => i.id).filter((x) => x === townId || x === aId);
      expect(mine.sort()).toEqual([...want].sort());
    }
    for (const [c, target] of [[w.secB, aId], [w.stranger, aId], [w.stranger, townId]] as const) {
      for (const res of [
        await c.get(`/api/v1/projects/${target}`),
        await report(c, target, { reportedOn: '2026-01-05', percent: 10 }),
        await c.put(`/api/v1/projects/${target}/milestones`, { version: 1, milestones: [{ title: '越权节点', dueOn: '2026-02-01', weight: 1, responsibleOrgId: w.a.id }] }),
        // (a secretary holds no project.accept at all: 403 before any lookup; the stranger is an org_admin)
        ...(c === w.secB ? [] : [await c.post(`/api/v1/projects/${target}/acceptance`, { version: 1, acceptedOn: '2026-01-05', grade: 'good', score: 80, opinion: '越权验收' })]),
      ]) {
        expect(res.statusCode, res.body).toBe(404);
        expectEnvelope(res, 'NOT_FOUND');
      }
    }
    // narrowing to an org out of sight, and creating in one, is not found either
    expect((await w.secB.get(`/api/v1/projects?orgId=${w.a.id}`)).statusCode).toBe(404);
    expect((await w.stranger.post('/api/v1/projects', townProject(w))).statusCode).toBe(404);
    // a roadmap may not hand a milestone to an org outside the owner's subtree
    const outside = await w.secA.post('/api/v1/projects', {
      ownerOrgId: w.a.id, type: 'secretary', name: '越界的路线图', ownerPersonId: w.aMember, rationale: '测试', goals: '测试', startOn: '2026-01-01', endOn: '2026-12-31',
      milestones: [{ title: '交给乙村的节点', dueOn: '2026-02-28', weight: 1, responsibleOrgId: w.b.id }],
    });
    expect(issues(outside)).toEqual([{ field: 'milestones.0.responsibleOrgId', message: '责任组织须为牵头组织或其下级组织' }]);

    // the map's markers and the screen's tile: only what the viewer's scope holds, no person
    const markers = await projectMarkers(h.deps, { requestId: 't', ip: null, actor: await actorOf(h.deps, w.secAId) }, w.county.path);
    expect(markers.map((x) => x.id).sort()).toEqual([townId, aId].sort());
    expect(Object.keys(markers[0]).sort()).toEqual(['id', 'level', 'name', 'orgId', 'type']);
    const screen = await w.countyAdmin.get(`/api/v1/dashboard?orgId=${w.county.id}`);
    expect(screen.statusCode, screen.body).toBe(200);
    const tile = (screen.json() as Dashboard).tiles.find((t) => t.key === 'projects')!;
    expect(tile.figures.find((f) => f.label === '重点项目')!.value).toBe(2);
    expect(tile.series.find((s) => s.key === 'by_type')!.points.map((p) => [p.label, p.values[0]])).toEqual([['书记项目', 1], ['创新项目', 0], ['重大工程', 1]]);
    expect(JSON.stringify(tile)).not.toContain('周书记');
  });

  it('refuses invalid input with Chinese messages on the fields', async () => {
    const w = await world();
    const bad = issues(await w.townAdmin.post('/api/v1/projects', townProject(w, { name: '甲', type: 'other' })));
    expect(bad).toEqual(expect.arrayContaining([
      { field: 'name', message: '项目名称至少2个字' },
      { field: 'type', message: '请选择项目类型' },
    ]));
    const dates = issues(await w.townAdmin.post('/api/v1/projects', townProject(w, { startOn: '2026-06-30', endOn: '2026-01-01', milestones: [] })));
    expect(dates).toEqual([{ field: 'endOn', message: '结束日期不能早于开始日期' }]);
    const term = issues(await w.townAdmin.post('/api/v1/projects', townProject(w, { endOn: '2026-03-01' })));
    expect(term).toEqual(expect.arrayContaining([{ field: 'milestones.3.dueOn', message: '节点计划完成日期应在项目起止日期（2026-01-01 至 2026-03-01）之内' }]));
    const weight = issues(await w.townAdmin.post('/api/v1/projects', townProject(w, { milestones: [{ title: '节点', dueOn: '2026-02-01', weight: 0, responsibleOrgId: w.town.id }] })));
    expect(weight).toEqual([{ field: 'milestones.0.weight', message: '权重至少为1' }]);
    const leader = issues(await w.townAdmin.post('/api/v1/projects', townProject(w, { ownerPersonId: w.county.id })));
    expect(leader).toEqual([{ field: 'ownerPersonId', message: '项目负责人须为牵头组织（含下级组织）的在册党员' }]);

    const id = created(await w.townAdmin.post('/api/v1/projects', townProject(w)));
    const [m1] = (await detail(w.townAdmin, id)).roadmap.map((m) => m.id);
    expect(issues(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-01-05', percent: 120 }))).toEqual([{ field: 'percent', message: '完成比例应在 0 至 100 之间' }]);
    expect(issues(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-01-06', percent: 20 }))).toEqual([{ field: 'reportedOn', message: '进展日期不能晚于今天' }]);
    expect(issues(await report(w.townAdmin, id, { reportedOn: '2026-01-05', percent: 20 }))).toEqual([{ field: 'milestoneId', message: '该项目已制定路线图，请选择本次进展所属的节点' }]);
    expect(issues(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-01-05', percent: 20, note: '' }))).toEqual([{ field: 'note', message: '请填写进展情况（至少2个字）' }]);
    const accept = issues(await w.countyAdmin.post(`/api/v1/projects/${id}/acceptance`, { version: 1, acceptedOn: '2026-01-05', grade: 'best', score: 101, opinion: '' }));
    expect(accept).toEqual(expect.arrayContaining([
      { field: 'grade', message: '请选择考评等次' },
      { field: 'score', message: '考评得分应在 0 至 100 之间' },
      { field: 'opinion', message: '请填写验收意见（至少2个字）' },
    ]));
    // a milestone with reports stays on the roadmap
    created(await report(w.townAdmin, id, { milestoneId: m1, reportedOn: '2026-01-05', percent: 20 }));
    const p = await detail(w.townAdmin, id);
    const shorter = await w.townAdmin.put(`/api/v1/projects/${id}/milestones`, { version: p.version, milestones: p.roadmap.slice(1).map((m) => ({ id: m.id, title: m.title, dueOn: m.dueOn, weight: m.weight, responsibleOrgId: m.responsibleOrgId })) });
    expect(shorter.statusCode).toBe(422);
    expectEnvelope(shorter, 'PROJECT_RULE');
    // reordering and adding works, renumbering the roadmap
    const saved = await w.townAdmin.put(`/api/v1/projects/${id}/milestones`, { version: p.version, milestones: [
      ...p.roadmap.slice(0, 2).reverse().map((m) => ({ id: m.id, title: m.title, dueOn: m.dueOn, weight: m.weight, responsibleOrgId: m.responsibleOrgId })),
      { title: '新增宣传推广', dueOn: '2026-05-01', weight: 1, responsibleOrgId: w.b.id, responsiblePersonId: w.bMember },
    ] });
    expect(saved.statusCode, saved.body).toBe(200);
    expect((await detail(w.townAdmin, id)).roadmap.map((m) => [m.seq, m.title])).toEqual([[1, '甲村土地流转与基地建设'], [2, '摸底调研与方案制定'], [3, '新增宣传推广']]);
    // the term may not shrink past a milestone
    const q = await detail(w.townAdmin, id);
    const shrink = await w.townAdmin.put(`/api/v1/projects/${id}`, { type: q.type, name: q.name, rationale: q.rationale, goals: q.goals, ownerPersonId: q.ownerPersonId, startOn: q.startOn, endOn: '2026-03-01', version: q.version });
    expect(issues(shrink)[0]).toMatchObject({ field: 'endOn' });
    const renamed = await w.townAdmin.put(`/api/v1/projects/${id}`, { type: q.type, name: '乡村振兴产业带建设（一期）', rationale: q.rationale, goals: q.goals, ownerPersonId: q.ownerPersonId, startOn: q.startOn, endOn: q.endOn, version: q.version });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect((await detail(w.townAdmin, id)).name).toBe('乡村振兴产业带建设（一期）');
  });

  it('exports the list and the roadmaps as a printable workbook, read back without exceljs', async () => {
    const w = await world();
    on('2026-02-20');
    const id = created(await w.townAdmin.post('/api/v1/projects', townProject(w, { name: '=党建示范带' })));
    const res = await w.countyAdmin.get(`/api/v1/projects/export?orgId=${w.town.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const xlsx = Buffer.from(res.rawPayload);
    const sheets = sheetsOf(xlsx);
    expect(sheets.map((s) => s.name)).toEqual(['项目清单', '路线图']);
    const list = cellsOf(xlsx, sheets[0].part);
    expect(list.get('A1')!.text).toBe('重点项目清单\u3000项目测试镇党委\u3000全部项目\u3000截至 2026-02-20');
    expect(['A2', 'B2', 'C2', 'D2', 'M2'].map((r) => list.get(r)!.text)).toEqual(['序号', '项目名称', '类型', '牵头组织', '预警']);
    // the name that starts like a formula stays text
    expect(list.get('B3')!.text).toBe("'=党建示范带");
    expect(['C3', 'D3', 'E3', 'I3', 'M3'].map((r) => list.get(r)!.text)).toEqual(['重大工程', '项目测试镇党委', '周书记', '0/4', '红色预警']);
    const roadmap = cellsOf(xlsx, sheets[1].part);
    expect(['C3', 'D3', 'F3', 'G3', 'J3'].map((r) => roadmap.get(r)!.text)).toEqual(['摸底调研与方案制定', '2026-01-31', '项目测试镇党委', '周书记', '已逾期']);
    expect(roadmap.get('F4')!.text).toBe('项目测试甲村党支部');
    expect(roadmap.get('A7')!.text).toBe('共 4 个节点');
    const audit = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'project.export' AND org_id = ${w.town.id}`);
    expect(audit.n).toBe(1);
    void id;
  });
});
