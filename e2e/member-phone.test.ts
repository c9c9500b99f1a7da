import crypto from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { addDays, businessToday } from '../src/server/platform/dates';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import type { DeadlinePage } from '../src/contracts/development';
import { login, type Client, type Harness } from '../tests/helpers/harness';
import { makeAccount, makeIdNumber, makeMember } from '../tests/helpers/factory';
import { addMonthsTo } from '../src/server/domains/dues';
import { checkChineseGlyphs, horizontalOverflow, startDemo, loginAs, newPage, PHONE_VIEWPORT, screenshot, SMALL_PHONE_VIEWPORT, openPopconfirm } from './browser';

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

describe('a password chosen by the security administrator', () => {
  it('is replaced on the phone before anything else, then the member logs in with their own', async () => {
    const secadmin = await login(h.app, 'secadmin', DEMO_PASSWORD);
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const orgId = ((await sec.get('/api/v1/me')).json() as { scopeRoots: Array<{ id: string }> }).scopeRoots[0].id;
    const username = `first${crypto.randomBytes(3).toString('hex')}`;
    const initial = `Chushi#${crypto.randomInt(100000, 999999)}q`;
    const acc = await secadmin.post('/api/v1/accounts', { username, displayName: '首次登录', password: initial });
    expect(acc.statusCode, acc.body).toBe(201);
    const id = (acc.json() as { id: string }).id;
    expect((await secadmin.post(`/api/v1/accounts/${id}/grants`, { role: 'member', orgId, scope: 'self' })).statusCode).toBe(201);

    const { context, page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(page, base, username, initial);
      await page.waitForURL((u) => u.pathname === '/m/password');
      await page.getByTestId('password-change-required').waitFor();
      // the tab bar cannot take the member elsewhere before the change
      await page.goto(`${base}/m/dues`);
      await page.waitForURL((u) => u.pathname === '/m/password');
      await page.getByTestId('password-change-required').waitFor();
      await page.getByLabel('确认新密码').waitFor();
      await screenshot(page, 'm-first-password-360');
      const own = `Ziji#${crypto.randomInt(100000, 999999)}w`;
      await page.getByLabel('当前密码').fill(initial);
      await page.getByLabel('新密码', { exact: true }).fill(own);
      await page.getByLabel('确认新密码').fill(own);
      await page.getByRole('button', { name: '修改密码' }).click();
      await page.waitForURL((u) => u.pathname === '/login');
      await loginAs(page, base, username, own);
      await page.waitForURL((u) => u.pathname === '/m');
      expect(await page.getByTestId('password-change-required').count()).toBe(0);
    } finally {
      await context.close();
    }
  });
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

    // the password the security administrator chose must be replaced first
    const first = await login(h.app, username, password);
    expect((await first.get('/api/v1/me/profile')).json()).toMatchObject({ error: { code: 'PASSWORD_CHANGE_REQUIRED' } });
    const own = `Ziji#${crypto.randomInt(100000, 999999)}x`;
    expect((await first.post('/api/v1/me/password', { currentPassword: password, newPassword: own })).statusCode).toBe(200);
    const self = await login(h.app, username, own);
    expect((await self.get('/api/v1/me/profile')).statusCode).toBe(404); // not a Party member yet
    applicant = { name, username, password: own, fileId };
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

  it('secretary1 sees the 发展党员待办 section on the 工作台, deadlines grouped by kind', async () => {
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const before = addDays(businessToday(), 30);
    const expected = (await sec.get(`/api/v1/development/deadlines?before=${before}&limit=500`)).json() as z.infer<typeof DeadlinePage>;
    expect(expected.overdue).toBeGreaterThan(0); // at least the applicant's talk
    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      expect(new URL(page.url()).pathname).toBe('/admin');
      const card = page.getByTestId('wb-section-development');
      await card.getByText('发展党员待办').waitFor();
      // the headline numbers are those of the deadline list over the same 30 days
      await card.locator('.ant-statistic').filter({ hasText: '近30天到期及已逾期' }).filter({ hasText: String(expected.total) }).waitFor();
      await card.locator('.ant-statistic').filter({ hasText: '已逾期' }).last().filter({ hasText: String(expected.overdue) }).waitFor();
      // one group per kind, with the kind's count
      const kinds = new Map<string, number>();
      for (const d of expected.items) kinds.set(d.label, (kinds.get(d.label) ?? 0) + 1);
      const labels = card.locator('.wb-group-label');
      await labels.first().waitFor();
      expect(await labels.count()).toBe(kinds.size);
      for (const [label, n] of kinds) await labels.filter({ hasText: label }).filter({ hasText: String(n) }).waitFor();
      // overdue groups are open, each citing the rule once; the applicant's talk links to the file
      const talk = card.locator('.ant-collapse-item').filter({ has: page.getByTestId('wb-group-talk') });
      await talk.getByTestId('wb-source').waitFor();
      expect(await talk.getByTestId('wb-source').count()).toBe(1);
      const talks = expected.items.filter((d) => d.kind === 'talk');
      if (talks.slice(0, 10).some((d) => d.fileId === applicant.fileId)) {
        const link = talk.getByRole('link', { name: applicant.name });
        await link.waitFor();
        expect(await link.getAttribute('href')).toBe(`/admin/development/candidates/${applicant.fileId}`);
      }
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, 'workbench');
    } finally {
      await context.close();
    }
  });
});

interface MyDuesJson {
  current: { amountFen: number; explanation: string } | null;
  owed: Array<{ id: string; month: string; dueFen: number }>;
  statement: Array<{ month: string | null; method: string }>;
}

const yuan = (fen: number) => `${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} 元`;
const monthLabel = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`;

describe('党费 on the phone: amount, 欠交, online payment through the simulated cashier, 交纳记录', () => {
  it('member1 sees the monthly amount, how it is computed, what is owed and the statement', async () => {
    const self = await login(h.app, 'member1', DEMO_PASSWORD);
    const dues = (await self.get('/api/v1/me/dues')).json() as MyDuesJson;
    expect(dues.current).not.toBeNull();
    const { context, page } = await newPage(browser, PHONE_VIEWPORT);
    try {
      await loginAs(page, base, 'member1');
      await page.getByRole('link', { name: '党费' }).click();
      await page.waitForURL(`${base}/m/dues`);
      await page.getByTestId('dues-monthly').filter({ hasText: yuan(dues.current!.amountFen) }).waitFor();
      await page.getByTestId('dues-explanation').filter({ hasText: dues.current!.explanation }).waitFor();
      if (dues.owed.length === 0) await page.getByTestId('dues-none-owed').waitFor();
      else expect(await page.getByTestId('dues-owed').locator('li').count()).toBe(dues.owed.length);
      const rows = page.getByTestId('dues-statement').locator('li');
      await rows.first().waitFor();
      expect(await rows.count()).toBe(dues.statement.length);
      const first = dues.statement[0];
      await rows.first().filter({ hasText: first.month ? monthLabel(first.month) : '自愿交纳' }).filter({ hasText: first.method === 'cash' ? '现金' : first.method === 'transfer' ? '转账' : '在线支付' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  // A member of member1's branch (城关镇和平社区党支部) who owes the last three months:
  // deterministic, whatever the demo data decided about member1's current month.
  let payer: { username: string; password: string; personId: string; owed: MyDuesJson['owed']; client: Client };

  beforeAll(async () => {
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const branchId = ((await sec.get('/api/v1/me')).json() as { scopeRoots: Array<{ id: string }> }).scopeRoots[0].id;
    const m = await makeMember(h.deps, branchId, { name: randomName(), since: '2020-01-01' });
    const current = businessToday().slice(0, 7);
    const first = addMonthsTo(current, -2);
    const set = await sec.post(`/api/v1/members/${m.id}/dues-bases`, { category: 'in_service', baseFen: 600000, effectiveMonth: first });
    expect(set.statusCode, set.body).toBe(201);
    for (const month of [first, addMonthsTo(current, -1), current]) {
      const gen = await sec.post('/api/v1/dues/bills/generate', { orgId: branchId, month });
      expect(gen.statusCode, gen.body).toBe(200);
    }
    const acc = await makeAccount(h.deps, [{ role: 'member', orgId: branchId, scope: 'self' }], m.id);
    const client = await login(h.app, acc.username, acc.password);
    const owed = ((await client.get('/api/v1/me/dues')).json() as MyDuesJson).owed;
    expect(owed.map((b) => [b.month, b.dueFen])).toEqual([[first, 9000], [addMonthsTo(current, -1), 9000], [current, 9000]]); // 6000 元 × 1.5 %
    payer = { username: acc.username, password: acc.password, personId: m.id, owed, client };
  });

  it('shows 欠交 with the arrears warning at 360 px without overflowing', async () => {
    const { context, page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(page, base, payer.username, payer.password);
      await page.getByRole('link', { name: '党费' }).click();
      await page.getByTestId('dues-arrears-warning').filter({ hasText: '已连续3个月未交党费，请尽快交纳' }).waitFor();
      await page.getByTestId('dues-owed-total').filter({ hasText: '270.00 元' }).waitFor();
      await page.getByRole('button', { name: '在线交纳 270.00 元' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      const glyphs = await checkChineseGlyphs(page, '欠交党费');
      expect(glyphs.cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'm-dues-360');
    } finally {
      await context.close();
    }
  });

  it('pays the two oldest months online at 390 px: cashier, 交纳成功, 在线支付 in the statement', async () => {
    const { context, page } = await newPage(browser, PHONE_VIEWPORT);
    try {
      await loginAs(page, base, payer.username, payer.password);
      await page.getByRole('link', { name: '党费' }).click();
      await page.waitForURL(`${base}/m/dues`);
      const owedList = page.getByTestId('dues-owed');
      await owedList.locator('li').nth(2).waitFor();
      await page.getByRole('button', { name: '在线交纳 270.00 元' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-dues-390');

      // the oldest months first: unchecking the oldest clears all, checking the middle one takes the oldest with it
      const [oldest, middle, newest] = payer.owed.map((b) => page.getByRole('checkbox', { name: new RegExp(`^${monthLabel(b.month)}`) }));
      await oldest.uncheck();
      await page.getByRole('button', { name: '请选择要交纳的月份' }).waitFor();
      expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(0);
      await middle.check();
      expect(await oldest.isChecked()).toBe(true);
      expect(await newest.isChecked()).toBe(false);
      await page.getByRole('button', { name: '在线交纳 180.00 元' }).click();

      // the simulated cashier
      await page.waitForURL((u) => u.pathname.startsWith('/m/pay/'));
      const outTradeNo = decodeURIComponent(new URL(page.url()).pathname.slice('/m/pay/'.length));
      await page.getByText('模拟支付（开发与演示）').waitFor();
      await page.getByTestId('pay-amount').filter({ hasText: '180.00 元' }).waitFor();
      await page.getByTestId('pay-months').filter({ hasText: `${monthLabel(payer.owed[0].month)}、${monthLabel(payer.owed[1].month)}` }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-pay');
      await page.getByRole('button', { name: '确认支付' }).click();
      await page.getByTestId('pay-success').getByRole('heading', { name: '交纳成功' }).waitFor();
      expect((await payer.client.get(`/api/v1/me/dues/orders/${encodeURIComponent(outTradeNo)}`)).json()).toMatchObject({ status: 'paid', amountFen: 18000 });

      // back on 党费: the newest month is still owed, the statement shows the two online payments
      await page.getByRole('button', { name: '返回党费' }).click();
      await page.waitForURL(`${base}/m/dues`);
      await page.getByRole('button', { name: '在线交纳 90.00 元' }).waitFor();
      expect(await owedList.locator('li').count()).toBe(1);
      const statement = page.getByTestId('dues-statement').locator('li');
      for (const b of payer.owed.slice(0, 2)) await statement.filter({ hasText: monthLabel(b.month) }).filter({ hasText: '在线支付' }).filter({ hasText: '90.00 元' }).waitFor();
      expect(await statement.count()).toBe(2);
      const entries = await h.db.query<{ method: string }>(sql`SELECT method FROM dues_entry WHERE person_id = ${payer.personId}::uuid`);
      expect(entries.map((e) => e.method)).toEqual(['online', 'online']);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    } finally {
      await context.close();
    }
  });

  it('without online payment (production without a provider) says to pay at the branch instead of offering the button', async () => {
    const { context, page } = await newPage(browser, PHONE_VIEWPORT);
    const before = h.deps.payments;
    h.deps.payments = null;
    try {
      await loginAs(page, base, payer.username, payer.password);
      await page.getByRole('link', { name: '党费' }).click();
      await page.getByTestId('dues-online-unavailable').filter({ hasText: '未开通在线缴纳党费，请向支部线下交纳' }).waitFor();
      await page.getByTestId('dues-owed').waitFor();
      expect(await page.getByTestId('dues-pay').count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    } finally {
      h.deps.payments = before;
      await context.close();
    }
  });

  it('says so in Chinese when the order does not exist', async () => {
    const { context, page } = await newPage(browser, PHONE_VIEWPORT);
    try {
      await loginAs(page, base, payer.username, payer.password);
      await page.goto(`${base}/m/pay/DJ20260101000000000000000000`);
      await page.getByRole('heading', { name: '订单不存在' }).waitFor();
      await page.getByRole('button', { name: '返回党费' }).click();
      await page.waitForURL(`${base}/m/dues`);
    } finally {
      await context.close();
    }
  });
});

describe('a member activates their own phone login', () => {
  it('at 360 px: name, ID number and phone, the code (shown in demo mode), a password, and 我的; the branch sees 已激活 and resets it', async () => {
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const branchId = ((await sec.get('/api/v1/me')).json() as { scopeRoots: Array<{ id: string }> }).scopeRoots[0].id;
    const phone = `139${String(crypto.randomInt(10_000_000, 99_999_999))}`;
    const { id, idNumber } = await makeMember(h.deps, branchId, { name: '欧阳激活', phone, birth: '1980-02-29', sex: 'female' });

    const { context, page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const admin = await newPage(browser);
    try {
      await page.goto(`${base}/login`);
      await page.getByRole('link', { name: '党员首次使用？激活账号' }).click();
      await page.waitForURL(`${base}/activate`);
      await page.getByLabel('姓名').fill('欧阳激活');
      await page.getByLabel('身份证号').fill(idNumber);
      await page.getByLabel('手机号').fill(phone);
      await page.getByRole('button', { name: '获取验证码' }).click();
      const demo = await page.getByText(/演示模式：验证码 \d{6}/).textContent();
      const code = /(\d{6})/.exec(demo ?? '')?.[1];
      expect(code).toMatch(/^\d{6}$/);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-activate-code-360');
      await page.getByLabel('验证码').fill(code!);
      await page.getByLabel('设置密码').fill('Jihuo#2026xq');
      await page.getByRole('button', { name: '激活并登录' }).click();
      await page.waitForURL((u) => u.pathname === '/m');
      await page.getByRole('link', { name: '我的' }).click();
      await page.getByTestId('my-name').filter({ hasText: '欧阳激活' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

      // the branch secretary sees 已激活 on the record and resets it
      await loginAs(admin.page, base, 'secretary1');
      await admin.page.goto(`${base}/admin/members/${id}`);
      await admin.page.getByText('已激活').waitFor();
      await admin.page.getByRole('button', { name: '重置激活' }).click();
      await (await openPopconfirm(admin.page, '重置账号激活？')).getByRole('button', { name: /^重\s*置$/ }).click();
      await admin.page.getByText('未激活').waitFor();
      const accounts = await h.db.query<{ is_disabled: boolean }>(sql`SELECT is_disabled FROM account WHERE person_id = ${id}`);
      expect(accounts).toEqual([{ is_disabled: true }]);
    } finally {
      await context.close();
      await admin.context.close();
    }
  });
});
