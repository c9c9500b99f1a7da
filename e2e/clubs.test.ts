import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { addDays } from '../src/server/platform/dates';
import { todayShanghai } from '../src/web/shared/dates';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, openModal, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// 社团 from the application to the first meeting: resident1 on a 360 px phone
// (首页 → 社团) applies to found a club in their community; secretary1 at the
// console (社团) approves it; resident1, now its leader, publishes an activity
// and signs up for it.

const demo = demoSuite();
const OK = /^确\s?定$/;

describe('社团', () => {
  it('a resident applies, the community approves, the leader publishes an activity and signs up', { timeout: 240_000 }, async () => {
    const { h, base, browser } = demo;
    const home = await h.db.one<{ name: string }>(sql`SELECT o.name FROM account a JOIN resident r ON r.account_id = a.id JOIN org o ON o.id = r.community_org_id WHERE a.username = 'resident1'`);
    // not one of the demo data's club names: the rows below are found by it
    const name = '银杏摄影社';
    const tomorrow = addDays(todayShanghai(), 1);

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const desk = await newPage(browser);
    try {
      // -- the resident applies from their home page
      const r = phone.page;
      await loginAs(r, base, 'resident1');
      await r.getByTestId('resident-clubs-link').click();
      await r.waitForURL(`${base}/m/clubs`);
      await r.getByRole('heading', { name: `${home.name}的社团` }).waitFor();
      // resident1 is in one of the community's clubs already
      await r.getByTestId('m-clubs').getByText('已加入').first().waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-clubs-list-360');
      await r.getByTestId('m-club-apply').click();
      await r.getByLabel('社团名称').fill(name);
      await r.getByLabel('社团类别').click();
      await r.locator('.ant-select-dropdown:visible .ant-select-item-option[title="文化艺术"]').click();
      await r.getByLabel('社团介绍').fill('周末一起拍摄社区风景和邻里生活，办小型摄影展。');
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-clubs-apply-360');
      await r.getByTestId('m-club-submit').click();
      const mine = r.getByTestId('m-my-clubs').getByTestId('m-club').filter({ hasText: name });
      await mine.getByTestId('m-club-status').filter({ hasText: '待审核' }).waitFor();

      // -- the secretary approves at the console
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: / 社团$/ }).click();
      await admin.waitForURL(`${base}/admin/clubs`);
      const row = admin.getByTestId('clubs').locator('.ant-table-row', { hasText: name });
      await row.getByTestId('club-status').filter({ hasText: '待审核' }).waitFor();
      await admin.evaluate(() => window.scrollTo(0, 0));
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'clubs-list-1440');
      await row.click();
      await admin.waitForURL((u) => u.pathname.startsWith('/admin/clubs/'));
      await admin.getByTestId('club-review').click();
      const modal = await openModal(admin, '审核结果');
      await modal.getByLabel('审核意见（可选）').fill('欢迎，活动请注意安全');
      await modal.getByRole('button', { name: OK }).click();
      await admin.getByTestId('club-status').filter({ hasText: '活动中' }).waitFor();
      await admin.getByTestId('club-members').getByText('负责人').waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(admin)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(admin, 'clubs-detail-1440');

      // -- the leader publishes an activity and signs up
      await r.reload();
      await mine.click();
      await r.waitForURL((u) => u.pathname.startsWith('/m/clubs/'));
      await r.getByTestId('m-club-status').filter({ hasText: '活动中' }).waitFor();
      await r.getByTestId('m-club-new-activity').click();
      await r.getByLabel('活动名称').fill('社区秋景外拍');
      await r.getByLabel('活动地点').fill('社区文化广场');
      await r.getByLabel('开始时间').fill(`${tomorrow}T09:00`);
      await r.getByLabel('结束时间').fill(`${tomorrow}T11:00`);
      await r.getByTestId('m-club-activity-submit').click();
      const activity = r.getByTestId('m-club-activity').filter({ hasText: '社区秋景外拍' });
      await activity.getByText('已报名 0/20').waitFor();
      await activity.getByRole('button', { name: '报名：社区秋景外拍' }).click();
      await activity.getByText('已报名 1/20').waitFor();
      await activity.getByRole('button', { name: '取消报名：社区秋景外拍' }).waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(r)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(r, 'm-clubs-detail-360');

      // the console reads the activity and its sign-up
      await admin.reload();
      await admin.getByTestId('club-activities').locator('.ant-table-row', { hasText: '社区秋景外拍' }).getByText('1 / 20').waitFor();
    } finally {
      await phone.context.close();
      await desk.context.close();
    }
  });
});
