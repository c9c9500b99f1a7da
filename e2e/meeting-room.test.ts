import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import { login, type Harness } from '../tests/helpers/harness';
import { checkChineseGlyphs, FAKE_MEDIA_ARGS, horizontalOverflow, loginAs, newPage, screenshot, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// The meeting's video room with two real browsers (Chromium's fake camera and
// microphone): member1 on a 360 px phone and secretary1 at the desk enter the
// same room, their peer connection reaches "connected" and each sees the
// other's video; entering records member1 present (远程参会).

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startDemo({ browserArgs: FAKE_MEDIA_ARGS }));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** The other participant's tile, connected, with frames of its video arriving. */
async function seesConnected(page: Page, name: string) {
  const tile = page.locator(`[data-testid="room-peer"][data-name="${name}"]`);
  await tile.and(page.locator('[data-state="connected"]')).waitFor();
  await tile.getByText('已连接').waitFor();
  await page.waitForFunction((n) => {
    const v = document.querySelector<HTMLVideoElement>(`[data-testid="room-peer"][data-name="${n}"] video`);
    return !!v && v.readyState >= 2 && v.videoWidth > 0;
  }, name);
}

describe('视频会议室', () => {
  it('member1 on the phone and secretary1 at the desk enter one room and connect; member1 is recorded present', { timeout: 180_000 }, async () => {
    const who = await h.db.one<{ org_id: string; member_person: string; member_name: string }>(sql`
      SELECT p.org_id, p.id AS member_person, p.name AS member_name FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    const secName = (await h.db.one<{ name: string }>(sql`SELECT COALESCE(p.name, a.display_name) AS name FROM account a LEFT JOIN person p ON p.id = a.person_id WHERE a.username = 'secretary1'`)).name;
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const now = h.deps.clock.now();
    const title = `远程参会测试${now.getTime().toString(36)}`;
    const created = await sec.post('/api/v1/meetings', {
      orgId: who.org_id, type: 'theme_day', title, plannedDate: h.deps.clock.today(), startsAt: now.toISOString(), endsAt: new Date(now.getTime() + 2 * 3600_000).toISOString(), location: '党员活动室',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const desk = await newPage(browser);
    try {
      // member1: the meeting on the phone → 视频会议室 → 进入会议室
      const mp = phone.page;
      await loginAs(mp, base, 'member1');
      await mp.goto(`${base}/m/meetings/${id}`);
      await mp.getByRole('button', { name: /视频会议室/ }).click();
      await mp.waitForURL(`${base}/m/meetings/${id}/room`);
      await mp.getByText('您在本次会议的参会名单上，进入会议室即记为出席（远程参会）。').waitFor();
      await mp.getByTestId('room-present').filter({ hasText: '会议室里还没有人' }).waitFor();
      await screenshot(mp, 'm-meeting-room-lobby-360');
      await mp.getByRole('button', { name: '进入会议室' }).click();
      await mp.getByTestId('room-attendance').filter({ hasText: '已记为出席（远程参会' }).waitFor();
      await mp.getByText('其他参会人进入后会显示在这里。').waitFor();

      // secretary1: the console's meeting page → 视频会议室; the lobby names who is in
      const dp = desk.page;
      await loginAs(dp, base, 'secretary1');
      await dp.goto(`${base}/admin/meetings/${id}`);
      await dp.getByRole('button', { name: /视频会议室/ }).click();
      await dp.waitForURL(`${base}/admin/meetings/${id}/room`);
      await dp.getByTestId('room-present').filter({ hasText: `正在会议室：${who.member_name}` }).waitFor();
      await dp.getByRole('button', { name: '进入会议室' }).click();

      // both peer connections reach connected, with the other's video playing
      await seesConnected(dp, who.member_name);
      await seesConnected(mp, secName);
      expect(await horizontalOverflow(mp)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(mp)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(mp, 'm-meeting-room-360');
      await screenshot(dp, 'meeting-room-1440');

      // the secretary mutes: the phone shows it on the tile
      await dp.getByRole('button', { name: '静音' }).click();
      await mp.locator(`[data-testid="room-peer"][data-name="${secName}"]`).getByLabel('已静音').waitFor();

      // member1 leaves: gone from the desk, the phone says so and keeps the attendance
      await mp.getByRole('button', { name: '离开会议室' }).click();
      await mp.getByText('您已离开会议室').waitFor();
      await mp.getByRole('button', { name: '重新进入会议室' }).waitFor();
      await dp.locator(`[data-testid="room-peer"][data-name="${who.member_name}"]`).waitFor({ state: 'detached' });
      const row = await h.db.one<{ attendance: string; method: string }>(sql`SELECT attendance, method FROM meeting_attendee WHERE meeting_id = ${id} AND person_id = ${who.member_person}`);
      expect(row).toEqual({ attendance: 'present', method: 'room' });
    } finally {
      await phone.context.close();
      await desk.context.close();
    }
  });
});
