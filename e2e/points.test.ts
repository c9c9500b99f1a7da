import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, openModal, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// 党员积分 from the rules to the phone: secretary1's branch has rules passed three
// years ago (demo data); secretary1 drafts a new version from them, records the
// 支部党员大会 vote (the arithmetic shown while typing), registers an award with
// its reason, and member1 sees it with the reason, on top of the months of points
// from dues and meetings, on a 360 px phone.

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

describe('党员积分', () => {
  it('drafts the rules, records the vote, awards points, and the member sees them on the phone', { timeout: 180_000 }, async () => {
    const who = await h.db.one<{ name: string; balance: string }>(sql`SELECT p.name, coalesce((SELECT balance FROM point_account WHERE kind = 'member' AND person_id = p.id), 0) AS balance
      FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    const before = Number(who.balance);
    // months of dues paid on time and meetings attended are already there
    expect(before).toBeGreaterThan(0);
    const today = h.deps.clock.today();
    const desk = await newPage(browser);
    try {
      const page = desk.page;
      await loginAs(page, base, 'secretary1');
      await page.getByRole('menuitem', { name: '积分细则' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/points/rules');
      const inForce = page.getByTestId('rules-in-force');
      await inForce.getByText('（支部党员大会表决通过）', { exact: false }).waitFor();
      await inForce.getByText('参加三会一课').first().waitFor();

      await page.getByRole('button', { name: '起草细则' }).click();
      const draft = await openModal(page, '起草积分细则');
      // the template's items are there to change
      expect(await draft.getByLabel('项目名称').first().inputValue()).toBe('参加三会一课');
      await draft.getByRole('button', { name: '保存草案' }).click();
      await draft.waitFor({ state: 'detached' });
      const proposals = page.getByTestId('rule-proposals');
      await proposals.getByText('待支部党员大会表决').waitFor();

      await proposals.getByRole('button', { name: '登记表决' }).click();
      const vote = await openModal(page, '登记表决');
      await vote.getByLabel('应到').fill('20');
      await vote.getByLabel('实到').fill('16');
      await vote.getByLabel('赞成').fill('10');
      await vote.getByTestId('vote-arithmetic').getByText('表决结果：未通过').waitFor();
      await vote.getByLabel('赞成').fill('15');
      await vote.getByTestId('vote-arithmetic').getByText('表决结果：通过').waitFor();
      await vote.getByRole('button', { name: /^登\s*记$/ }).click();
      await vote.waitFor({ state: 'detached' });
      await inForce.getByText(`自 ${today} 起执行（支部党员大会表决通过）。`).waitFor();
      await proposals.getByText('已表决通过').first().waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'points-rules-1440');

      await page.getByRole('menuitem', { name: '积分流水' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/points');
      await page.getByRole('button', { name: '登记奖惩' }).click();
      const award = await openModal(page, '登记积分奖惩');
      await searchAndPick(page, award.getByLabel('党员'), who.name);
      await award.getByLabel('分值').fill('5');
      await award.getByLabel('事由').fill('带头参加社区防汛值守');
      await award.getByRole('button', { name: /^登\s*记$/ }).click();
      await award.waitFor({ state: 'detached' });
      const row = page.getByTestId('point-entries').locator('.ant-table-row', { hasText: who.name });
      await row.getByText('+5').waitFor();
      await row.getByText('带头参加社区防汛值守', { exact: false }).waitFor();
      await screenshot(page, 'points-entries-1440');
    } finally {
      await desk.context.close();
    }

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const page = phone.page;
      await loginAs(page, base, 'member1');
      await page.getByRole('link', { name: '我的' }).click();
      await page.getByRole('link', { name: /我的积分/ }).click();
      await page.waitForURL(`${base}/m/points`);
      await page.getByTestId('my-points-balance-value').filter({ hasText: new RegExp(`^${before + 5}$`) }).waitFor();
      const entries = page.getByTestId('my-points-entries');
      await entries.getByText('带头参加社区防汛值守').waitFor();
      await entries.getByText('+5').waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'm-points-360');
    } finally {
      await phone.context.close();
    }
  });

  it('shows secretary1 the branch index with its sources and the portrait, the county the bands of its branches, and member1 the band on the phone', { timeout: 180_000 }, async () => {
    const desk = await newPage(browser);
    try {
      const page = desk.page;
      await loginAs(page, base, 'secretary1');
      await page.getByRole('menuitem', { name: '先锋指数' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/points/index');
      await page.getByText('综合指数', { exact: false }).first().waitFor();
      await page.getByText('组织建设').first().waitFor();
      await page.getByText('支部画像').waitFor();
      await page.getByText('整改建议').waitFor();
      // the sub-indices without a source in the platform say so instead of a number
      await page.getByText('无数据').first().waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'branch-index-1440');
      // the branch report, written on the server with its charts
      await page.getByRole('button', { name: '支部报告' }).hover();
      const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'PDF' }).click()]);
      expect(pdf.suggestedFilename()).toMatch(/先锋指数报告\.pdf$/);
      const bytes = fs.readFileSync((await pdf.path())!);
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // from a figure to the facts behind it
      // (which item comes first depends on the business date's data: meetings, or the org's setup)
      const source = page.getByRole('link', { name: '查看来源' }).first();
      const target = new URL((await source.getAttribute('href'))!, base).pathname;
      expect(['/admin/meetings/compliance', '/admin/meetings', '/admin/orgs', '/admin/dues/bills', '/admin/development/candidates']).toContain(target);
      await source.click();
      await page.waitForURL((u) => u.pathname === target);
    } finally {
      await desk.context.close();
    }
    const county = await newPage(browser);
    try {
      const page = county.page;
      await loginAs(page, base, 'county');
      await page.goto(`${base}/admin/points/index`);
      await page.getByText('所辖支部档次分布').waitFor();
      await page.getByText('按组织顺序列出，不按分数排名', { exact: false }).waitFor();
      await page.getByTestId('assessment-scheme').getByText('组织生活规范').waitFor();
      await screenshot(page, 'branch-index-county-1440');
      // the county scores secretary1's branch, which agreed to this year's scheme and is not scored yet
      await page.getByTestId('index-branches').locator('.ant-table-row').first().locator('a').click();
      const card = page.getByTestId('branch-assessment');
      await card.getByText('支部党员大会已同意').waitFor();
      await card.getByRole('button', { name: /^评\s*分$/ }).click();
      const modal = await openModal(page, '考核评分');
      await modal.getByLabel('组织生活规范得分').fill('27.5');
      await modal.getByLabel('组织生活规范评分依据').fill('查阅会议记录，缺一次支委会记录');
      await modal.getByRole('button', { name: '保存评分' }).click();
      await modal.waitFor({ state: 'detached' });
      await card.getByText('考核得分 27.5 分').waitFor();
      await card.getByText('查阅会议记录，缺一次支委会记录').waitFor();
    } finally {
      await county.context.close();
    }
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const page = phone.page;
      await loginAs(page, base, 'member1');
      await page.goto(`${base}/m/points`);
      const card = page.getByTestId('my-branch-index');
      await card.getByText('先锋指数', { exact: false }).waitFor();
      await card.getByText('档次').waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-branch-index-360');
    } finally {
      await phone.context.close();
    }
  });
});
