import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, SMALL_PHONE_VIEWPORT, demoSuite } from './browser';

// 党内统计 on the demo county: the county organisation department opens the
// menu, sees last year's 党员数综合比较 balance, switches to the running year
// after a relation was ended without its change event (the balance names the
// member, whose record opens from the name), reads 党员基本情况 and downloads
// the form as Excel; on a 360 px phone the form scrolls inside its table.

const demo = demoSuite();

describe('党内统计', () => {
  it('balances last year, names the member behind a difference this year, and exports the form', { timeout: 180_000 }, async () => {
    const { h, base, browser } = demo;
    const root = await h.db.one<{ id: string; name: string }>(sql`SELECT id, name FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`);
    const today = h.deps.clock.today();
    const year = Number(today.slice(0, 4));
    // the injected difference: a member's relation ended today with no change event recorded
    const lost = await h.db.one<{ id: string; name: string }>(sql`
      SELECT p.id, p.name FROM person p WHERE p.is_current AND p.org_id IN (SELECT id FROM org WHERE type = 'branch') ORDER BY p.id LIMIT 1`);
    await h.db.exec(sql`UPDATE membership SET valid_to = ${today}::date - 1 WHERE person_id = ${lost.id} AND valid_to IS NULL`);
    const onRoll = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE is_current`);

    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      await page.getByRole('menuitem', { name: /党内统计/ }).click();
      await page.waitForURL((u) => u.pathname === '/admin/statistics');
      const form = page.getByTestId('statistics-form');
      await form.getByText(`${year - 1}年底党员数`).waitFor();
      await page.getByText(`平衡校验通过：${year - 2}年底`, { exact: false }).waitFor();
      await page.getByText(`党员数综合比较（${year - 1}年）\u3000填报单位：${root.name}`, { exact: false }).waitFor();
      expect((await checkChineseGlyphs(page, '党员数综合比较')).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'statistics-1440');

      // the running year: the difference, and the member behind it
      await page.getByLabel('统计年度').click();
      await page.locator('.ant-select-item-option').filter({ hasText: `${year}年（截至今日）` }).click();
      await page.waitForURL((u) => u.searchParams.get('year') === String(year));
      await page.getByText('平衡校验不符', { exact: false }).waitFor();
      const row = page.getByTestId('mismatches').getByRole('row').filter({ hasText: lost.name });
      await row.getByText('上年底在册、本年底不在册，但本年没有登记相应的增加或减少变动').waitFor();
      await expect.poll(() => form.getByRole('row').filter({ hasText: '差额' }).innerText()).toContain('-1');
      await screenshot(page, 'statistics-difference');

      // 党员基本情况: everyone on the roll today but the member whose relation ended
      await page.getByText('党员基本情况', { exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('form') === 'basics');
      const total = form.getByRole('row').filter({ hasText: '合计' }).first();
      await expect.poll(() => total.innerText()).toContain(String(onRoll.n - 1));
      await form.getByText('女', { exact: true }).waitFor();

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: /导出 Excel/ }).click();
      expect((await download).suggestedFilename()).toBe(`党员基本情况-${root.name}-${year}年.xlsx`);

      // 基层组织 and 党组织书记 of the county, from the org tree and its committees
      await page.getByText('基层组织', { exact: true }).click();
      await form.getByText('基层党组织合计').waitFor();
      await form.getByText('任期已满未换届').waitFor();
      await page.getByText('党组织书记', { exact: true }).click();
      await form.getByText('党支部书记', { exact: true }).waitFor();
      await screenshot(page, 'statistics-secretaries');

      // back to the balance: the name opens the member's record
      await page.getByText('党员数综合比较', { exact: true }).click();
      await page.getByTestId('mismatches').getByRole('link', { name: lost.name }).click();
      await page.waitForURL((u) => u.pathname === `/admin/members/${lost.id}`);
    } finally {
      await context.close();
    }

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(phone.page, base, 'county');
      await phone.page.goto(`${base}/admin/statistics?year=${year - 1}`);
      await phone.page.getByTestId('statistics-form').getByText(`${year - 1}年底党员数`).waitFor();
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
      await screenshot(phone.page, 'statistics-360');
    } finally {
      await phone.context.close();
    }
  });

  it('closes last year for the county after its subordinate committees, and the form is frozen', { timeout: 180_000 }, async () => {
    const { h, base, browser } = demo;
    const root = await h.db.one<{ id: string; name: string }>(sql`SELECT id, name FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`);
    const last = Number(h.deps.clock.today().slice(0, 4)) - 1;
    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      await page.goto(`${base}/admin/statistics?form=closing&year=${last}`);
      const table = page.getByTestId('reconciliation');
      await page.getByText(`${last}年度尚未结算`).waitFor();
      // every subordinate committee closed its year in the demo; the figures add up to the county's
      await expect.poll(async () => (await table.getByText('未结算', { exact: true }).count())).toBe(1); // the county's own line
      expect(await table.getByText('已结算', { exact: true }).count()).toBeGreaterThan(0);
      await screenshot(page, 'statistics-closing-1440');
      await page.getByRole('button', { name: `结算${last}年度` }).click();
      await page.getByRole('button', { name: '结 算' }).click();
      await page.getByText(`${root.name}${last}年度已于`, { exact: false }).waitFor();
      expect(await page.getByRole('button', { name: `结算${last}年度` }).count()).toBe(0);
      const closing = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM statistics_closing WHERE org_id = ${root.id} AND year = ${last}`);
      expect(closing.n).toBe(1);

      // the form of the closed year says so
      await page.getByText('党员数综合比较', { exact: true }).click();
      await page.waitForURL((u) => u.searchParams.get('form') === 'balance');
      await page.getByTestId('statistics-form').getByText('已结算', { exact: true }).waitFor();
      await screenshot(page, 'statistics-closed');
    } finally {
      await context.close();
    }

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(phone.page, base, 'county');
      await phone.page.goto(`${base}/admin/statistics?form=closing&year=${last - 1}`);
      await phone.page.getByText(`${root.name}${last - 1}年度已于`, { exact: false }).waitFor();
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
      await screenshot(phone.page, 'statistics-closing-360');
    } finally {
      await phone.context.close();
    }
  });
});
