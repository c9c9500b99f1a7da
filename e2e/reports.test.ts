import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { fixedClock } from '../src/server/platform/clock';
import { deliverScheduledReports } from '../src/server/domains/reports';
import { horizontalOverflow, loginAs, newPage, screenshot, SMALL_PHONE_VIEWPORT, demoSuite } from './browser';

// 自定义报表 on the demo county: the county organisation department builds a
// report of members by township and sex, previews its table and chart, saves
// it, has it sent monthly, and — once the month is over and the delivery job
// has run — finds it in the notification centre and downloads the file.

const demo = demoSuite();

describe('自定义报表', () => {
  it('builds, saves and schedules a report that arrives in the notification centre', { timeout: 180_000 }, async () => {
    const { h, base, browser } = demo;
    const towns = await h.db.query<{ name: string }>(sql`SELECT c.name FROM org c JOIN org r ON r.id = c.parent_id WHERE r.parent_id IS NULL ORDER BY c.sort_order, c.seq`);
    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      await page.getByRole('menuitem', { name: /自定义报表/ }).click();
      await page.waitForURL((u) => u.pathname === '/admin/reports');
      // 党员 by 下级组织 with 人数 is where the builder starts; columns by sex
      await page.getByLabel('列维度').click();
      await page.locator('.ant-select-item-option').filter({ hasText: /^性别$/ }).click();
      await page.getByRole('button', { name: /生成报表/ }).click();
      const table = page.getByTestId('report-table');
      await table.getByRole('columnheader', { name: '女' }).waitFor();
      await table.getByText(towns[0].name, { exact: true }).waitFor();
      await page.getByTestId('report-chart').locator('svg').waitFor();
      await screenshot(page, 'reports-1440');
      // a figure opens the roster behind it
      const link = table.getByRole('row').filter({ hasText: towns[0].name }).getByRole('link').first();
      expect(await link.getAttribute('href')).toMatch(/^\/admin\/members\?orgId=[0-9a-f-]+&sex=male$/);

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: /导出/ }).hover();
      await page.getByText('导出 PDF').click();
      expect((await download).suggestedFilename()).toBe('党员统计表.pdf');

      await page.getByRole('button', { name: /保\s*存/ }).click();
      await page.getByLabel('报表名称').fill('各乡镇党员男女人数');
      await page.getByRole('dialog').getByRole('button', { name: /保\s*存/ }).click();
      await page.waitForURL((u) => u.searchParams.get('tab') === 'saved');
      const row = page.getByTestId('saved-reports').getByRole('row').filter({ hasText: '各乡镇党员男女人数' });
      await row.getByRole('button', { name: /定期发送/ }).click();
      await page.getByRole('dialog').getByRole('button', { name: /确\s*定/ }).click();
      await row.getByText(/每月 · Excel · 下次 \d{4}-\d{2}-01/).waitFor();
      const saved = await h.db.one<{ next_run_on: string }>(sql`SELECT to_char(next_run_on, 'YYYY-MM-DD') AS next_run_on FROM saved_report WHERE name = '各乡镇党员男女人数'`);

      // the month is over: the delivery job runs on the first day of the next
      // (the demo's own monthly dues report is delivered in the same run)
      expect(await deliverScheduledReports({ ...h.deps, clock: fixedClock(`${saved.next_run_on}T01:00:00Z`) })).toBeGreaterThanOrEqual(1);
      const delivery = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM report_delivery d JOIN saved_report r ON r.id = d.saved_report_id WHERE r.name = '各乡镇党员男女人数'`);
      expect(delivery.n).toBe(1);
      await page.reload();
      await page.getByRole('button', { name: /通知，\d+ 条未读/ }).click();
      const note = page.locator('.ant-popover').getByText(/定期报表已生成：各乡镇党员男女人数/);
      await note.waitFor();
      await screenshot(page, 'reports-notification');
      await page.locator('.ant-popover').getByRole('button', { name: '查看' }).first().click();
      await page.waitForURL((u) => u.searchParams.get('tab') === 'deliveries');
      const delivered = page.getByTestId('deliveries').getByRole('row').filter({ hasText: '各乡镇党员男女人数' });
      await delivered.waitFor();
      const file = page.waitForEvent('download');
      await delivered.getByRole('button', { name: /下\s*载/ }).click();
      expect((await file).suggestedFilename()).toMatch(/^各乡镇党员男女人数（\d{4}年\d{1,2}月）\.xlsx$/);
    } finally {
      await context.close();
    }

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(phone.page, base, 'county');
      await phone.page.goto(`${base}/admin/reports`);
      await phone.page.getByRole('button', { name: /生成报表/ }).click();
      await phone.page.getByTestId('report-table').getByText(towns[0].name, { exact: true }).waitFor();
      await screenshot(phone.page, 'reports-360');
      expect(await horizontalOverflow(phone.page)).toBeLessThanOrEqual(0);
    } finally {
      await phone.context.close();
    }
  });

  it('follows a figure of a transfers report to the letters behind it', { timeout: 120_000 }, async () => {
    const { base, browser } = demo;
    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      await page.goto(`${base}/admin/reports`);
      await page.getByLabel('统计主题').click();
      await page.locator('.ant-select-item-option').filter({ hasText: /^组织关系转接$/ }).click();
      await page.getByRole('button', { name: /生成报表/ }).click();
      const table = page.getByTestId('report-table');
      await table.getByRole('columnheader', { name: /介绍信/ }).waitFor();
      // the first township with letters this year: its figure opens the letters recorded there
      const links = table.getByRole('link');
      let figure = 0;
      for (let i = 0; i < (await links.count()) && !figure; i++) {
        const n = Number(await links.nth(i).textContent());
        if (n > 0) {
          figure = n;
          expect(await links.nth(i).getAttribute('href')).toMatch(/^\/admin\/transfers\?view=all&orgId=[0-9a-f-]+&orgRole=recorded&issuedFrom=\d{4}-01-01&issuedTo=\d{4}-\d{2}-\d{2}$/);
          await links.nth(i).click();
        }
      }
      expect(figure).toBeGreaterThan(0);
      await page.waitForURL((u) => u.pathname === '/admin/transfers');
      await page.getByTestId('linked-filters').getByText(/及下级记录的介绍信.*开具日期/).waitFor();
      await page.getByText(`共 ${figure} 件`).waitFor();
      await screenshot(page, 'reports-transfers-behind');
      // 显示全部 drops the report's filters
      await page.getByTestId('linked-filters').getByRole('button', { name: '显示全部' }).click();
      await page.waitForURL((u) => !u.searchParams.has('orgRole'));
    } finally {
      await context.close();
    }
  });
});
