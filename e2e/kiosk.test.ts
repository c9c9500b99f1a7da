import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, openModal, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// 智慧党群活动中心: secretary1 makes a screen link for resident1's community in
// the console (活动中心大屏); the screen opens it without an account at 1440 px
// and shows today's activities — one starting within the hour carries its
// check-in code — with the needs and the mall; resident1, signed up, opens
// the code on the phone and is checked in; the organiser's page shows the
// arrival.

const demo = demoSuite();
const OK = /^生成链接$/;

describe('活动中心大屏', () => {
  it('the secretary makes a screen link, the screen shows the centre, a volunteer checks in by its code', { timeout: 240_000 }, async () => {
    const { h, base, browser } = demo;
    const home = await h.db.one<{ id: string; name: string }>(sql`SELECT o.id, o.name FROM account a JOIN resident r ON r.account_id = a.id JOIN org o ON o.id = r.community_org_id WHERE a.username = 'resident1'`);
    // the browser runs on the wall clock: an activity of the community starting in 30 minutes, open for check-in now
    const startsAt = new Date(Date.now() + 30 * 60_000);
    const title = '大屏签到测试：整理图书角';

    const desk = await newPage(browser);
    const screenPage = await newPage(browser);
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      const made = await admin.request.post(`${base}/api/v1/volunteer/activities`, {
        data: { orgId: home.id, title, description: '', place: '党群服务中心书屋', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(), capacity: 10, skills: [] },
      });
      expect(made.status()).toBe(201);
      const activityId = (await made.json()).id as string;

      // -- resident1 signs up on the phone
      const r = phone.page;
      await loginAs(r, base, 'resident1');
      const signUp = await r.request.post(`${base}/api/v1/me/volunteer/signups`, { data: { activityId } });
      expect(signUp.status()).toBe(200);

      // -- the console: a new screen link
      await admin.getByRole('menuitem', { name: /活动中心大屏$/ }).click();
      await admin.waitForURL(`${base}/admin/kiosks`);
      await admin.getByTestId('kiosk-new').click();
      const modal = await openModal(admin, '新建大屏链接');
      await modal.getByLabel('活动中心所在的组织').click();
      await admin.keyboard.type(home.name.slice(0, 4));
      await admin.locator('.ant-select-dropdown:visible .ant-select-tree-node-content-wrapper').filter({ hasText: home.name }).first().click();
      await modal.getByLabel('大屏名称').fill('一楼大厅触摸屏');
      await modal.getByRole('button', { name: OK }).click();
      const url = (await admin.getByTestId('kiosk-url').innerText()).trim();
      expect(url).toMatch(/\/kiosk\/[A-Za-z0-9_-]{32}$/);
      await screenshot(admin, 'kiosks-created-1440');
      await admin.getByRole('button', { name: /^完\s?成$/ }).click();
      await admin.getByTestId('kiosks').locator('.ant-table-row', { hasText: '一楼大厅触摸屏' }).getByText('使用中').waitFor();

      // -- the screen, without an account
      const s = screenPage.page;
      await s.goto(url);
      await s.getByRole('heading', { name: `${home.name} · 党群服务中心` }).waitFor();
      const card = s.getByTestId('kiosk-activity').filter({ hasText: title });
      await card.getByTestId('kiosk-checkin-qr').waitFor();
      expect(await horizontalOverflow(s)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(s)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(s, 'kiosk-board-1440');

      // -- the phone opens what the code encodes (the board's check-in link)
      const token = url.split('/kiosk/')[1];
      const board = await (await s.request.get(`${base}/api/v1/kiosk/${token}`)).json();
      const checkInUrl = board.activities.find((a: { id: string }) => a.id === activityId).checkInUrl as string;
      await r.goto(`${base}${checkInUrl}`);
      await r.getByTestId('m-checkin-done').getByText('签到成功').waitFor();
      await r.getByText(title, { exact: false }).waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-checkin-done-360');

      // -- the organiser sees the arrival
      await admin.goto(`${base}/admin/volunteer/${activityId}`);
      const row = admin.locator('.ant-table-row', { hasText: (await h.db.one<{ name: string }>(sql`SELECT r.name FROM account a JOIN resident r ON r.account_id = a.id WHERE a.username = 'resident1'`)).name });
      await row.getByTestId('signup-arrived').filter({ hasNotText: '—' }).waitFor();
    } finally {
      await desk.context.close();
      await screenPage.context.close();
      await phone.context.close();
    }
  });
});
