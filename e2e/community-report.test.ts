import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { todayShanghai } from '../src/web/shared/dates';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, openModal, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT } from './browser';

// 双报到 from the report to the evaluation: member1 reports on a 360 px phone
// (我的 → 双报到) to the community of secretary1; secretary1 at the console
// (双报到) accepts with a 服务岗位 and tasks, records a service of 2 hours and
// evaluates the year 优秀; member1's phone reads 已接收, the service and the
// evaluation.

const demo = demoSuite();

/** Part of a community name, as someone types it: without the Party suffix. */
const partOf = (orgName: string) => orgName.replace(/(党支部|党总支部|委员会)$/, '');
const OK = /^确\s?定$/;

describe('双报到', () => {
  it('a member reports to the community, the secretary accepts, records a service and evaluates, the member sees it all', { timeout: 240_000 }, async () => {
    const { h, base, browser } = demo;
    const home = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
    const member = await h.db.one<{ name: string }>(sql`SELECT p.name FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    const address = '和平小区5栋1单元302室';
    const year = todayShanghai().slice(0, 4);

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const desk = await newPage(browser);
    try {
      // -- the member reports from 我的
      const m = phone.page;
      await loginAs(m, base, 'member1');
      await m.getByRole('link', { name: '我的' }).click();
      await m.getByTestId('me-community-report-link').click();
      await m.waitForURL(`${base}/m/community-report`);
      await searchAndPick(m, m.getByLabel('居住地村（社区）', { exact: true }), partOf(home.name), home.name);
      await m.getByLabel('居住地址').fill(address);
      await m.getByLabel('说明（可选）').fill('周末可参加社区服务');
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-community-report-form-360');
      await m.getByTestId('m-cr-submit').click();
      await m.getByTestId('m-cr-status').filter({ hasText: '待接收' }).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(m)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(m, 'm-community-report-pending-360');

      // -- the secretary accepts, records a service, evaluates
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: /双报到/ }).click();
      await admin.waitForURL(`${base}/admin/community-reports`);
      const row = admin.getByTestId('community-reports').locator('.ant-table-row', { hasText: member.name });
      await row.getByTestId('report-status').filter({ hasText: '待接收' }).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      // the menu item, low in the sidebar, was scrolled into view for the click: back to the top for the picture
      await admin.evaluate(() => window.scrollTo(0, 0));
      await screenshot(admin, 'community-reports-list-1440');
      await row.click();
      await admin.waitForURL((u) => u.pathname.startsWith('/admin/community-reports/'));
      const drawer = admin.locator('.ant-drawer');
      await drawer.getByText(address).waitFor();
      await drawer.getByTestId('report-accept').click();
      let modal = await openModal(admin, '接收报到');
      await modal.getByLabel('服务岗位').fill('楼栋长');
      await modal.getByLabel('认领任务 / 需求').fill('认领：5栋独居老人周末探访');
      await modal.getByRole('button', { name: OK }).click();
      await drawer.getByTestId('report-status').filter({ hasText: '已接收' }).waitFor();

      await drawer.getByTestId('report-service-add').click();
      modal = await openModal(admin, '登记服务');
      await modal.getByLabel('服务内容').fill('探访独居老人，帮助购买生活用品');
      await modal.locator('input.ant-input-number-input').fill('2');
      await modal.getByRole('button', { name: OK }).click();
      await drawer.getByTestId('report-services').getByText('探访独居老人，帮助购买生活用品').waitFor();
      await drawer.getByText('1 次，2 小时').waitFor();

      await drawer.getByTestId('report-evaluate').click();
      modal = await openModal(admin, '评价等次');
      await modal.getByLabel('评价等次').click();
      await admin.locator('.ant-select-dropdown:visible .ant-select-item-option[title="优秀"]').click();
      await modal.getByLabel('评语').fill('服务主动，群众满意');
      await modal.getByRole('button', { name: OK }).click();
      await drawer.getByTestId('report-evaluation').getByText(`${year}年度 优秀`).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(admin)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(admin, 'community-reports-detail-1440');

      // -- the member's branch: the evaluation's notification opens 支部评议参考 with the branch chosen
      const told = await h.db.one<{ link: string }>(sql`SELECT link FROM notification WHERE kind = 'community_report' AND title LIKE ${`双报到年度评价：${member.name}%`} ORDER BY created_at DESC LIMIT 1`);
      await admin.goto(`${base}${told.link}`);
      await admin.getByRole('tab', { name: '支部评议参考', selected: true }).waitFor();
      const evaluated = admin.getByTestId('branch-evaluations').locator('.ant-table-row', { hasText: member.name });
      await evaluated.getByText('优秀').waitFor();
      await evaluated.getByText('服务主动，群众满意').waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'community-reports-evaluations-1440');

      // -- the member's phone reads it
      await m.reload();
      await m.getByTestId('m-cr-status').filter({ hasText: '已接收' }).waitFor();
      await m.getByText('服务岗位：楼栋长').waitFor();
      await m.getByTestId('m-cr-evaluation').getByText('优秀').waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-community-report-accepted-360');
    } finally {
      await phone.context.close();
      await desk.context.close();
    }
  });
});
