import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, openModal, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// 党员积分 from the rules to the phone: secretary1 drafts the branch's points
// rules from the template, records the 支部党员大会 vote (the arithmetic shown
// while typing), registers an award with its reason, and member1 sees it with
// the reason on a 360 px phone.

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
    const who = await h.db.one<{ name: string }>(sql`SELECT p.name FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    const desk = await newPage(browser);
    try {
      const page = desk.page;
      await loginAs(page, base, 'secretary1');
      await page.getByRole('menuitem', { name: '积分细则' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/points/rules');
      await page.getByTestId('rules-in-force').getByText('本支部还没有经表决通过的积分细则，暂不计积分。', { exact: false }).waitFor();

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
      await page.getByTestId('rules-in-force').getByText('（支部党员大会表决通过）', { exact: false }).waitFor();
      await proposals.getByText('已表决通过').waitFor();
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
      await page.getByTestId('my-points-balance-value').filter({ hasText: /^5$/ }).waitFor();
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
});
