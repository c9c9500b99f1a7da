import crypto from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { addDays, businessToday } from '../src/server/platform/dates';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import type { DeadlinePage } from '../src/contracts/development';
import { login, type Harness } from '../tests/helpers/harness';
import { makeIdNumber } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, startDemo, loginAs, newPage, PHONE_VIEWPORT, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// The member's phone pages (/m) at 390 and 360 px wide, and an applicant's
// 我的入党进度 (development file, 思想汇报) with the secretary's 工作台 card.

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startDemo());
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('member phone pages', () => {
  for (const viewport of [PHONE_VIEWPORT, SMALL_PHONE_VIEWPORT]) {
    it(`member1 sees 我的 with their name at ${viewport.width} px`, async () => {
      const me = await h.db.one<{ name: string; org: string }>(sql`
        SELECT p.name, o.name AS org FROM account a JOIN person p ON p.id = a.person_id JOIN org o ON o.id = p.org_id WHERE a.username = 'member1'`);
      const { context, page } = await newPage(browser, viewport);
      try {
        await loginAs(page, base, 'member1');
        expect(new URL(page.url()).pathname).toBe('/m');
        await page.getByText(me.org).first().waitFor();
        await screenshot(page, `m-home-${viewport.width}`);

        await page.getByRole('link', { name: '我的' }).click();
        await page.waitForURL(`${base}/m/me`);
        await page.getByTestId('my-name').filter({ hasText: me.name }).waitFor();
        await page.getByText('变动记录').waitFor();
        await page.getByRole('button', { name: /退出登录/ }).waitFor();
        expect(await page.getByText('我的入党进度').count()).toBe(0); // no development file

        const glyphs = await checkChineseGlyphs(page);
        expect(glyphs.cjkInk).toBeGreaterThan(0);
        expect(glyphs.cjkVsMissing).toBeGreaterThan(0);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `m-me-${viewport.width}`);
      } finally {
        await context.close();
      }
    });
  }
});

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['晓', '思', '雨', '欣', '佳', '静', '婷', '涵', '悦', '宁', '怡', '然'];
const pick = (xs: readonly string[]) => xs[crypto.randomInt(0, xs.length)];
const randomName = () => pick(SURNAMES) + pick(GIVEN) + pick(GIVEN);
const tag = () => crypto.randomBytes(3).toString('hex');

/** A tiny valid PDF (the server checks the content, not the name). */
function pdfBuffer(text: string) {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`);
}

describe('an applicant on the phone (入党进度, 思想汇报) and the secretary’s 工作台', () => {
  let applicant: { name: string; username: string; password: string; fileId: string };

  beforeAll(async () => {
    // secretary1 accepts an application in the demo branch, dated 40 days ago:
    // the talk (within a month of the application) is overdue
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const orgId = ((await sec.get('/api/v1/me')).json() as { scopeRoots: Array<{ id: string }> }).scopeRoots[0].id;
    const name = randomName();
    const created = await sec.post('/api/v1/development/candidates', {
      orgId, appliedOn: addDays(businessToday(), -40), name, sex: 'female', ethnicity: '汉族', idNumber: makeIdNumber('1999-06-18', 'female'),
      phone: `139${String(crypto.randomInt(0, 1e8)).padStart(8, '0')}`, education: 'bachelor', occupation: 'worker', unitName: '测试单位',
    });
    expect(created.statusCode, created.body).toBe(201);
    const fileId = (created.json() as { id: string }).id;
    const personId = ((await sec.get(`/api/v1/development/candidates/${fileId}`)).json() as { personId: string }).personId;

    // the security administrator opens an account for them: member role, self scope, linked person
    const secadmin = await login(h.app, 'secadmin', DEMO_PASSWORD);
    const username = `sq${tag()}`;
    const password = `Shenqing@${crypto.randomInt(1000, 9999)}`;
    const acc = await secadmin.post('/api/v1/accounts', { username, displayName: name, password, personId });
    expect(acc.statusCode, acc.body).toBe(201);
    const accountId = (acc.json() as { id: string }).id;
    const grant = await secadmin.post(`/api/v1/accounts/${accountId}/grants`, { role: 'member', orgId, scope: 'self' });
    expect(grant.statusCode, grant.body).toBe(201);

    const self = await login(h.app, username, password);
    expect((await self.get('/api/v1/me/profile')).statusCode).toBe(404); // not a Party member yet
    applicant = { name, username, password, fileId };
  });

  for (const viewport of [PHONE_VIEWPORT, SMALL_PHONE_VIEWPORT]) {
    it(`sees 我的入党进度 and submits a 思想汇报 at ${viewport.width} px`, async () => {
      const { context, page } = await newPage(browser, viewport);
      try {
        await loginAs(page, base, applicant.username, applicant.password);
        expect(new URL(page.url()).pathname).toBe('/m');

        // 首页: the to-do card names the next step; the branch comes from the file
        const todo = page.locator('section[aria-labelledby="m-dev-todo"]');
        await todo.getByText('第2步 党组织派人谈话').waitFor();
        await todo.getByText('已逾期', { exact: false }).first().waitFor();
        expect(await page.getByRole('alert').count()).toBe(0); // no profile error for an applicant
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `mobile-development-home-${viewport.width}`);

        await todo.getByRole('button', { name: /查看进度/ }).click();
        await page.waitForURL((u) => u.pathname === '/m/me');
        await page.getByTestId('my-name').filter({ hasText: applicant.name }).waitFor();
        await page.getByRole('heading', { name: '我的入党进度' }).waitFor();
        await page.getByTestId('my-dev-status').filter({ hasText: '入党申请人' }).waitFor();
        await page.getByTestId('my-dev-stage').filter({ hasText: '第1阶段 · 入党申请' }).waitFor();
        await page.getByTestId('my-dev-next').getByText('第2步 党组织派人谈话').waitFor();
        await page.getByTestId('my-dev-deadlines').locator('.m-dev-overdue').filter({ hasText: '派人谈话' }).waitFor();
        // the 25 steps: step 1 done with its date, step 2 next, the rest not started
        const steps = page.getByTestId('my-dev-steps');
        expect(await steps.locator('li[data-step]').count()).toBe(25);
        await steps.locator('li[data-step="1"]').filter({ hasText: `✓ ${addDays(businessToday(), -40)}` }).waitFor();
        await steps.locator('li[data-step="2"]').filter({ hasText: '待办理' }).waitFor();
        await steps.locator('li[data-step="25"]').filter({ hasText: '未开始' }).waitFor();
        expect(await page.getByRole('alert').count()).toBe(0);
        expect(await page.getByText('我的档案', { exact: true }).count()).toBe(0);

        const glyphs = await checkChineseGlyphs(page, '入党进度');
        expect(glyphs.cjkVsMissing).toBeGreaterThan(0);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await page.evaluate(() => window.scrollTo(0, 0));
        await screenshot(page, viewport === PHONE_VIEWPORT ? 'mobile-development' : `mobile-development-${viewport.width}`);

        // 思想汇报: a file that is not a PDF/image/DOCX is refused with the server's message
        const form = page.getByRole('form', { name: '提交思想汇报' });
        const title = `${viewport.width}px思想汇报${tag()}`;
        await form.getByLabel('标题').fill(title);
        await form.locator('input[type=file]').setInputFiles({ name: '汇报.txt', mimeType: 'text/plain', buffer: Buffer.from('只是一段文字') });
        await form.getByRole('button', { name: '提交思想汇报' }).click();
        await form.getByRole('alert').filter({ hasText: '不支持的文件类型' }).waitFor();

        await form.locator('input[type=file]').setInputFiles({ name: `${title}.pdf`, mimeType: 'application/pdf', buffer: pdfBuffer(title) });
        await form.getByTestId('report-file-name').filter({ hasText: `${title}.pdf` }).waitFor();
        await form.getByRole('button', { name: '提交思想汇报' }).click();
        const listed = page.getByTestId('my-dev-reports').locator('li').filter({ hasText: title });
        await listed.filter({ hasText: businessToday() }).waitFor();
        expect(await form.getByLabel('标题').inputValue()).toBe(''); // the form is ready for the next one
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await page.locator('#reports').scrollIntoViewIfNeeded();
        await screenshot(page, `mobile-development-reports-${viewport.width}`);

        const stored = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dev_report WHERE file_id = ${applicant.fileId} AND title = ${title}`);
        expect(stored.n).toBe(1);
      } finally {
        await context.close();
      }
    });
  }

  it('secretary1 sees the 发展党员待办 card on the 工作台', async () => {
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const before = addDays(businessToday(), 30);
    const expected = (await sec.get(`/api/v1/development/deadlines?before=${before}&limit=10`)).json() as z.infer<typeof DeadlinePage>;
    expect(expected.overdue).toBeGreaterThan(0); // at least the applicant's talk
    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      expect(new URL(page.url()).pathname).toBe('/admin');
      const card = page.getByTestId('dev-deadlines-card');
      await card.getByText('发展党员待办').waitFor();
      await page.getByTestId('dev-deadline-summary').filter({ hasText: `共 ${expected.total} 项` }).filter({ hasText: `已逾期 ${expected.overdue} 项` }).waitFor();
      const items = card.getByTestId('dev-deadlines').locator('li');
      await items.first().waitFor();
      expect(await items.count()).toBe(expected.items.length);
      const first = expected.items[0];
      await items.first().getByRole('link', { name: first.personName }).waitFor();
      expect(await items.first().getByRole('link', { name: first.personName }).getAttribute('href')).toBe(`/admin/development/candidates/${first.fileId}`);
      if (expected.items.some((d) => d.fileId === applicant.fileId)) {
        await items.filter({ hasText: applicant.name }).filter({ hasText: '已逾期' }).first().waitFor();
      }
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'workbench');
    } finally {
      await context.close();
    }
  });
});
