import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { addDays } from '../src/server/platform/dates';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import type { ProjectDetail } from '../src/contracts/project';
import { login, type Client } from '../tests/helpers/harness';
import { PNG_1PX } from '../tests/integration/security/support';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, openModal, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT, demoSuite } from './browser';

// 重点项目 on the demo county: secretary1 sets up a 书记项目 of the branch
// with a two-milestone roadmap (refused empty, then with a milestone outside
// the term, each in Chinese on its field), records the first milestone done
// with a photo as evidence and exports the list; the county organisation
// department (the superior) accepts it as 优秀. On a 360 px phone the
// secretary sees the branch projects with their progress and records progress
// in the sheet. No demo project is relied on: each test sets up its own.

const demo = demoSuite();

const tag = () => crypto.randomBytes(3).toString('hex');

interface Branch {
  id: string;
  name: string;
}

async function secretaryBranch(): Promise<Branch> {
  return demo.h.db.one<Branch>(sql`
    SELECT o.id, o.name FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
}

/** Current members of the branch whose names are unique there (the pickers search by name). */
async function members(branchId: string, n: number) {
  const rows = await demo.h.db.query<{ id: string; name: string }>(sql`
    SELECT min(p.id::text) AS id, p.name FROM person p WHERE p.org_id = ${branchId} AND p.is_current GROUP BY p.name HAVING count(*) = 1 ORDER BY p.name LIMIT ${n}`);
  expect(rows.length).toBe(n);
  return rows;
}

/** A DatePicker (or any input) found by its label in a scope: typed, then committed with Enter. */
async function typeDate(scope: Locator, label: string, value: string) {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}

async function pickOption(page: Page, text: string) {
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: text }).first().click();
}

async function detail(c: Client, id: string): Promise<ProjectDetail> {
  const res = await c.get(`/api/v1/projects/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ProjectDetail;
}

const png = (name: string) => ({ name, mimeType: 'image/png', buffer: PNG_1PX });

describe('重点项目', () => {
  it('secretary1 sets up a project with a roadmap and records progress with evidence; the county accepts it', { timeout: 240_000 }, async () => {
    const branch = await secretaryBranch();
    const [leader, helper] = await members(branch.id, 2);
    const today = demo.h.deps.clock.today();
    const startOn = addDays(today, -30);
    const endOn = addDays(today, 60);
    const due1 = addDays(today, 10);
    const due2 = addDays(today, 40);
    const name = `党员联户服务${tag()}`;
    const sec = await newPage(demo.browser);
    const county = await newPage(demo.browser);
    try {
      const page = sec.page;
      await loginAs(page, demo.base, 'secretary1');
      await page.getByRole('menuitem', { name: /重点项目/ }).click();
      await page.waitForURL((u) => u.pathname === '/admin/projects');
      await page.getByRole('heading', { name: '重点项目' }).waitFor();
      expect((await checkChineseGlyphs(page, '重点项目')).cjkVsMissing).toBeGreaterThan(0);

      // 立项: refused empty, in Chinese, on the fields
      await page.getByRole('button', { name: /立\s*项/ }).click();
      const modal = await openModal(page, '路线图（时间表）');
      // the owner org is the secretary's branch, filled in
      await modal.locator('#project-create_ownerOrgId').locator('xpath=ancestor::div[contains(@class,"ant-select")][1]').getByText(branch.name).waitFor();
      await modal.getByRole('button', { name: /立\s*项/ }).click();
      await modal.getByText('请填写项目名称').waitFor();
      await modal.getByText('请选择项目类型').waitFor();
      await modal.getByText('请选择项目负责人').waitFor();

      await modal.getByLabel('项目类型').click();
      await pickOption(page, '书记项目');
      await searchAndPick(page, modal.getByLabel('项目负责人'), leader.name);
      await modal.getByLabel('项目名称').fill(name);
      await typeDate(modal, '开始日期', startOn);
      await typeDate(modal, '结束日期', endOn);
      await modal.getByLabel('立项依据').fill('落实党员联系服务群众制度，推动党员在基层治理中发挥作用');
      await modal.getByLabel('项目目标').fill('每名党员联系5至10户群众，年内走访全覆盖');

      // the roadmap: two milestones, the second with twice the weight and a person responsible
      await modal.getByRole('button', { name: '添加节点' }).click();
      await modal.getByRole('button', { name: '添加节点' }).click();
      const row1 = modal.getByTestId('milestone-row-0');
      const row2 = modal.getByTestId('milestone-row-1');
      await row1.getByLabel('节点名称').fill('划分联户责任区');
      await typeDate(row1, '计划完成日期', due1);
      await row2.getByLabel('节点名称').fill('入户走访全覆盖');
      await typeDate(row2, '计划完成日期', due2);
      await row2.getByLabel('权重').fill('2');
      await searchAndPick(page, row2.getByLabel('责任人'), helper.name);
      await modal.locator('.ant-modal-title').click();
      await row2.getByText('占项目 66.7%').waitFor();
      await row1.getByText(branch.name).waitFor(); // a new row falls to the owner org
      await row2.scrollIntoViewIfNeeded();
      await screenshot(page, 'projects-create-1440');

      // the term shortened under the second milestone: the server refuses it on that field
      await typeDate(modal, '结束日期', addDays(today, 20));
      await modal.getByRole('button', { name: /立\s*项/ }).click();
      await row2.getByText(`节点计划完成日期应在项目起止日期（${startOn} 至 ${addDays(today, 20)}）之内`).waitFor();
      expect(await demo.h.db.maybeOne(sql`SELECT 1 FROM project WHERE name = ${name}`)).toBeNull();
      await typeDate(modal, '结束日期', endOn);
      await modal.getByRole('button', { name: /立\s*项/ }).click();
      await page.waitForURL(/\/admin\/projects\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').pop()!;

      const saved = await demo.h.db.one<{ type: string; owner_org_id: string; owner_person_id: string; start_on: string; end_on: string; status: string }>(sql`
        SELECT type, owner_org_id, owner_person_id, start_on::text, end_on::text, status FROM project WHERE id = ${id}`);
      expect(saved).toEqual({ type: 'secretary', owner_org_id: branch.id, owner_person_id: leader.id, start_on: startOn, end_on: endOn, status: 'active' });
      const roadmap = await demo.h.db.query<{ seq: number; title: string; due_on: string; weight: number; responsible_org_id: string; responsible_person_id: string | null }>(sql`
        SELECT seq, title, due_on::text, weight, responsible_org_id, responsible_person_id FROM project_milestone WHERE project_id = ${id} AND removed_at IS NULL ORDER BY seq`);
      expect(roadmap).toEqual([
        { seq: 1, title: '划分联户责任区', due_on: due1, weight: 1, responsible_org_id: branch.id, responsible_person_id: null },
        { seq: 2, title: '入户走访全覆盖', due_on: due2, weight: 2, responsible_org_id: branch.id, responsible_person_id: helper.id },
      ]);

      // the project page: facts, rationale and goals, the roadmap as a timeline
      await page.getByTestId('project-name').filter({ hasText: name }).waitFor();
      await page.getByTestId('project-facts').getByText(leader.name).waitFor();
      await page.getByTestId('project-rationale').getByText('落实党员联系服务群众制度').waitFor();
      const m1 = page.getByTestId('milestone-1');
      const m2 = page.getByTestId('milestone-2');
      await m1.getByText('划分联户责任区').waitFor();
      await m1.getByText(`计划完成 ${due1}`).waitFor();
      await m2.getByText(`责任人 ${helper.name}`).waitFor();
      await m2.getByText('权重 2（占 66.7%）').waitFor();
      await screenshot(page, 'projects-detail-1440');

      // 登记进展 on the first milestone: done, with a photo as evidence
      await m1.getByRole('button', { name: /登记进展/ }).click();
      const progress = await openModal(page, '进展情况');
      await progress.getByRole('button', { name: /登\s*记/ }).click();
      await progress.getByText('请填写进展情况').waitFor();
      await progress.getByLabel('节点完成比例').fill('100');
      await progress.getByLabel('进展情况').fill('已划分联户责任区12个，党员全部认领');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/api/v1/projects/${id}/files`) && r.request().method() === 'POST' && r.status() === 201),
        progress.locator('input[type=file]').setInputFiles(png('联户责任区.png')),
      ]);
      await progress.getByText('联户责任区.png').waitFor();
      await screenshot(page, 'projects-progress-1440');
      await progress.getByRole('button', { name: /登\s*记/ }).click();
      await progress.waitFor({ state: 'detached' });
      await m1.getByText('已完成', { exact: true }).waitFor();
      await m1.getByText(`${today} 完成`, { exact: false }).waitFor();
      const reports = page.getByTestId('project-reports');
      await reports.getByText('已划分联户责任区12个，党员全部认领').waitFor();
      const report = await demo.h.db.one<{ percent: number; reported_on: string; evidence: number; milestone: string }>(sql`
        SELECT p.percent, p.reported_on::text, cardinality(p.evidence_ids) AS evidence, m.title AS milestone FROM project_progress p JOIN project_milestone m ON m.id = p.milestone_id WHERE p.project_id = ${id}`);
      expect(report).toEqual({ percent: 100, reported_on: today, evidence: 1, milestone: '划分联户责任区' });
      expect((await demo.h.db.one<{ done_on: string | null }>(sql`SELECT done_on::text FROM project_milestone WHERE project_id = ${id} AND seq = 1`)).done_on).toBe(today);
      // the evidence downloads as it was uploaded
      const [download] = await Promise.all([page.waitForEvent('download'), reports.getByRole('link', { name: '下载 联户责任区.png' }).click()]);
      expect(download.suggestedFilename()).toBe('联户责任区.png');
      expect(fs.readFileSync((await download.path())!).equals(PNG_1PX)).toBe(true);
      // one third of the project done (weight 1 of 3)
      await page.getByTestId('project-standing').getByRole('img', { name: /实际进度 33\.3%/ }).waitFor();
      await screenshot(page, 'projects-detail-progress-1440');

      // the list: the project with its progress; 导出 gives the workbook
      await page.getByRole('link', { name: '重点项目' }).first().click();
      await page.waitForURL((u) => u.pathname === '/admin/projects');
      const row = page.getByTestId('projects').locator('.ant-table-row').filter({ hasText: name });
      await row.getByText('书记项目').waitFor();
      await row.getByText('1/2').waitFor();
      await screenshot(page, 'projects-list-1440');
      const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /导\s*出/ }).click()]);
      expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);

      // the second milestone is done elsewhere (the API): the project is complete
      const api = await login(demo.h.app, 'secretary1', DEMO_PASSWORD);
      const p = await detail(api, id);
      const done = await api.post(`/api/v1/projects/${id}/progress`, { milestoneId: p.roadmap[1].id, reportedOn: today, percent: 100, note: '入户走访全部完成' });
      expect(done.statusCode, done.body).toBe(201);

      // the county organisation department (the branch's superior) accepts it
      const cp = county.page;
      await loginAs(cp, demo.base, 'county');
      await cp.goto(`${demo.base}/admin/projects/${id}`);
      await cp.getByTestId('project-name').filter({ hasText: name }).waitFor();
      await cp.getByRole('button', { name: /验\s*收/ }).click();
      const accept = await openModal(cp, '验收意见');
      await accept.getByRole('button', { name: /验\s*收/ }).click();
      await accept.getByText('请选择考评等次').waitFor();
      await accept.getByText('请填写验收意见').waitFor();
      await accept.getByLabel('考评等次').click();
      await pickOption(cp, '优秀');
      await accept.getByLabel('考评得分').fill('95');
      await accept.getByLabel('验收意见').fill('联户责任区划分合理，走访全覆盖，群众满意');
      await accept.getByRole('button', { name: /验\s*收/ }).click();
      await accept.waitFor({ state: 'detached' });
      await cp.getByTestId('project-status').getByText('已验收').waitFor();
      await cp.getByTestId('project-acceptance').getByText(`已于 ${today} 通过验收：优秀，95 分`).waitFor();
      expect(await cp.getByRole('button', { name: /验\s*收/ }).count()).toBe(0);
      await screenshot(cp, 'projects-accepted-1440');
      const accepted = await demo.h.db.one<{ status: string; accept_grade: string; accept_score: number; accepted_on: string; accept_org_id: string; root: string }>(sql`
        SELECT status, accept_grade, accept_score, accepted_on::text, accept_org_id, (SELECT g.org_id FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL WHERE a.username = 'county') AS root FROM project WHERE id = ${id}`);
      expect(accepted).toMatchObject({ status: 'accepted', accept_grade: 'excellent', accept_score: 95, accepted_on: today });
      expect(accepted.accept_org_id).toBe(accepted.root);
    } finally {
      await sec.context.close();
      await county.context.close();
    }
  });

  it('fits a small phone: the secretary sees the projects with their progress and records progress in the sheet', { timeout: 180_000 }, async () => {
    const branch = await secretaryBranch();
    const [leader] = await members(branch.id, 1);
    const today = demo.h.deps.clock.today();
    const name = `红色网格服务${tag()}`;
    const api = await login(demo.h.app, 'secretary1', DEMO_PASSWORD);
    const res = await api.post('/api/v1/projects', {
      ownerOrgId: branch.id, type: 'innovation', name, ownerPersonId: leader.id, rationale: '探索网格化服务群众的新做法', goals: '网格党小组全覆盖，群众诉求当日响应',
      startOn: addDays(today, -10), endOn: addDays(today, 50),
      milestones: [
        { title: '建立网格党小组', dueOn: addDays(today, 5), weight: 1, responsibleOrgId: branch.id },
        { title: '网格服务常态化', dueOn: addDays(today, 45), weight: 1, responsibleOrgId: branch.id },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as { id: string }).id;

    const { page, context } = await newPage(demo.browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(page, demo.base, 'secretary1');
      // the phone home page offers the projects to the secretary
      await page.goto(`${demo.base}/m`);
      await page.getByTestId('home-projects').waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-home-projects-360');
      await page.getByTestId('home-projects').click();
      await page.waitForURL(`${demo.base}/m/projects`);
      // reached from a card of the home page, it stands under the 首页 tab
      expect(await page.locator('.m-tab-active').innerText()).toContain('首页');
      const item = page.getByTestId('m-project').filter({ hasText: name });
      await item.getByText('创新项目').waitFor();
      await item.getByRole('img', { name: /实际进度 0%/ }).waitFor();
      await page.getByTestId('project-counts').waitFor();
      expect((await checkChineseGlyphs(page, '重点项目')).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-projects-360');

      // 登记进展 in the sheet: the note is required; half the first milestone, with a photo
      await item.getByRole('button', { name: `登记进展：${name}` }).click();
      const sheet = page.getByRole('dialog', { name: '登记进展' });
      await sheet.getByText(name).waitFor();
      await sheet.getByRole('button', { name: '提交进展' }).click();
      await sheet.getByText('请填写进展情况').waitFor();
      await sheet.getByRole('button', { name: '50%' }).click();
      await sheet.getByLabel('进展情况').fill('已组建3个网格党小组，正在推选组长');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith(`/api/v1/projects/${id}/files`) && r.request().method() === 'POST' && r.status() === 201),
        sheet.locator('input[type=file]').setInputFiles(png('网格党小组.png')),
      ]);
      await sheet.getByText('网格党小组.png').waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-projects-sheet-360');
      await sheet.getByRole('button', { name: '提交进展' }).click();
      await sheet.waitFor({ state: 'hidden' });
      // half of one milestone of two equal ones: a quarter of the project
      await item.getByRole('img', { name: /实际进度 25%/ }).waitFor();
      const report = await demo.h.db.one<{ percent: number; evidence: number; milestone: string }>(sql`
        SELECT p.percent, cardinality(p.evidence_ids) AS evidence, m.title AS milestone FROM project_progress p JOIN project_milestone m ON m.id = p.milestone_id WHERE p.project_id = ${id}`);
      expect(report).toEqual({ percent: 50, evidence: 1, milestone: '建立网格党小组' });
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-projects-after-360');

      // the console page of the project fits the phone too (the report just made is listed)
      await page.goto(`${demo.base}/admin/projects/${id}`);
      await page.getByTestId('project-name').filter({ hasText: name }).waitFor();
      await page.getByTestId('project-reports').getByText('已组建3个网格党小组，正在推选组长').waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'projects-detail-360');
    } finally {
      await context.close();
    }
  });
});
