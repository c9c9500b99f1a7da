import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { formatDateTime, todayShanghai } from '../src/web/shared/dates';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, openModal, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// 志愿服务 from the notice to the certificate: secretary1 publishes an
// activity of the branch for tomorrow morning with two places; resident1 (a
// resident of the branch community) and member1, each on a 360 px phone, sign
// up and are shown 已报名; at the console the secretary opens an activity of
// the branch that has already happened, is refused a check-out after its end
// in the server words, then attests a volunteer inside its time and the list
// reads 已认定时长 with the hours; member1 downloads the year certificate (a PDF).

const demo = demoSuite();

/** The day after a YYYY-MM-DD day. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

describe('志愿服务', () => {
  it('publishes an activity, residents and members sign up on the phone, the secretary attests hours and the member downloads the certificate', { timeout: 240_000 }, async () => {
    const { h, base, browser } = demo;
    const branch = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
    // an activity of the branch that has happened, with someone still to attest (made here, an hour ago with member1 on it, when the demo has none)
    type Past = { id: string; title: string; starts_ms: number; ends_ms: number; name: string };
    const pastQuery = sql`
      SELECT a.id, a.title, (extract(epoch FROM a.starts_at) * 1000)::float8 AS starts_ms, (extract(epoch FROM a.ends_at) * 1000)::float8 AS ends_ms, s.name FROM volunteer_activity a JOIN volunteer_signup s ON s.activity_id = a.id AND s.status = 'signed_up'
      WHERE a.org_id = ${branch.id} AND a.ends_at < now() AND a.status = 'open' ORDER BY a.ends_at DESC, s.created_at LIMIT 1`;
    let past = await h.db.maybeOne<Past>(pastQuery);
    if (!past) {
      const a = await h.db.one<{ id: string }>(sql`INSERT INTO volunteer_activity (org_id, audience_org_id, title, place, starts_at, ends_at, capacity, signed_up)
        VALUES (${branch.id}, ${branch.id}, '社区环境清洁志愿服务', '和平社区中心广场', now() - interval '3 hours', now() - interval '1 hour', 10, 1) RETURNING id`);
      await h.db.exec(sql`INSERT INTO volunteer_signup (activity_id, account_id, person_id, name, created_at)
        SELECT ${a.id}, ac.id, p.id, p.name, now() - interval '1 day' FROM account ac JOIN person p ON p.id = ac.person_id WHERE ac.username = 'member1'`);
      past = await h.db.one<Past>(pastQuery);
    }
    const title = '关爱独居老人上门服务';
    const place = '和平社区党群服务中心';
    const tomorrow = nextDay(todayShanghai());

    const desk = await newPage(browser);
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const phone2 = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      // -- the secretary publishes the activity
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: /志愿服务/ }).click();
      await admin.waitForURL(`${base}/admin/volunteer`);
      await admin.getByTestId('volunteer-activities').locator('.ant-table-row').first().waitFor();
      await admin.getByRole('button', { name: /发布活动/ }).click();
      const create = await openModal(admin, '招募人数');
      // the organiser is the secretary branch, chosen for them
      await create.getByText(branch.name).first().waitFor();
      await create.getByLabel('活动名称').fill(title);
      await create.getByLabel('活动说明').fill('为辖区独居老人打扫卫生、检查用电安全');
      await create.getByLabel('地点').fill(place);
      await create.getByPlaceholder('开始时间').click();
      await create.getByPlaceholder('开始时间').fill(`${tomorrow} 09:00`);
      await create.getByPlaceholder('开始时间').press('Enter');
      await create.getByPlaceholder('结束时间').fill(`${tomorrow} 11:00`);
      await create.getByPlaceholder('结束时间').press('Enter');
      await create.getByLabel('招募人数').fill('2');
      await create.getByLabel('所需技能').click();
      await admin.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '助老陪护' }).click();
      await admin.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '环境清洁' }).click();
      await create.getByLabel('活动名称').click();
      await screenshot(admin, 'volunteer-create-1440');
      await create.getByRole('button', { name: /^发\s*布$/ }).click();
      await create.waitFor({ state: 'detached' });
      const row = admin.getByTestId('volunteer-activities').locator('.ant-table-row', { hasText: title });
      await row.getByText(`${tomorrow} 09:00—11:00`).waitFor();
      await row.getByText('0/2').waitFor();
      await row.getByText(branch.name).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'volunteer-list-1440');

      // -- a resident signs up from their home page
      const r = phone.page;
      await loginAs(r, base, 'resident1');
      await r.getByTestId('resident-volunteer-link').waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-volunteer-resident-home-360');
      await r.getByRole('link', { name: /志愿服务/ }).click();
      await r.waitForURL(`${base}/m/volunteer`);
      const rCard = r.getByTestId('m-volunteer-activity').filter({ hasText: title });
      await rCard.getByText(place).waitFor();
      await rCard.getByText('助老陪护').waitFor();
      await rCard.getByRole('button', { name: `报名：${title}` }).click();
      await rCard.getByTestId('m-volunteer-signed').waitFor();
      await rCard.getByTestId('m-volunteer-count').filter({ hasText: '已报名 1/2' }).waitFor();
      await r.getByTestId('m-volunteer-mine-item').filter({ hasText: title }).getByText('已报名').waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(r)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(r, 'm-volunteer-resident-360');

      // -- a member signs up from 我的
      const m = phone2.page;
      await loginAs(m, base, 'member1');
      await m.getByRole('link', { name: '我的' }).click();
      await m.getByRole('link', { name: /志愿服务/ }).click();
      await m.waitForURL(`${base}/m/volunteer`);
      const mCard = m.getByTestId('m-volunteer-activity').filter({ hasText: title });
      await mCard.getByRole('button', { name: `报名：${title}` }).click();
      await mCard.getByTestId('m-volunteer-signed').waitFor();
      await mCard.getByTestId('m-volunteer-count').filter({ hasText: '已报名 2/2' }).waitFor();
      await mCard.getByRole('button', { name: `取消报名：${title}` }).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-volunteer-member-360');

      // the list at the console counts them
      await admin.reload();
      await row.getByText('2/2').waitFor();

      // -- the secretary attests a volunteer of an activity that has happened
      await admin.locator('.ant-segmented-item', { hasText: '已结束' }).click();
      await admin.waitForURL((u) => u.searchParams.get('when') === 'past');
      await admin.getByTestId('volunteer-activities').locator('.ant-table-row').first().waitFor();
      await admin.goto(`${base}/admin/volunteer/${past.id}`);
      const signups = admin.getByTestId('volunteer-signups');
      const who = signups.locator('.ant-table-row', { hasText: past.name }).first();
      await who.getByTestId('signup-status').filter({ hasText: '已报名' }).waitFor();
      await who.getByRole('button', { name: `认定时长：${past.name}` }).click();
      const attest = await openModal(admin, '单次活动最多认定 8 小时');
      // a check-out after the end is refused in the server words
      const late = formatDateTime(new Date(Number(past.ends_ms) + 3_600_000).toISOString());
      await attest.getByLabel('签退时间').fill(late);
      await attest.getByLabel('签退时间').press('Enter');
      await attest.getByRole('button', { name: /^认\s*定$/ }).click();
      await attest.getByText('签到、签退时间须在活动时间之内', { exact: false }).first().waitFor();
      await screenshot(admin, 'volunteer-attest-refused-1440');
      // inside the activity: half an hour after the start to its end
      const inAt = formatDateTime(new Date(Number(past.starts_ms) + 30 * 60_000).toISOString());
      const outAt = formatDateTime(new Date(Number(past.ends_ms)).toISOString());
      await attest.getByLabel('签到时间').fill(inAt);
      await attest.getByLabel('签到时间').press('Enter');
      await attest.getByLabel('签退时间').fill(outAt);
      await attest.getByLabel('签退时间').press('Enter');
      const hours = Math.min(8, Math.floor((Number(past.ends_ms) - Number(past.starts_ms) - 30 * 60_000) / 60_000) / 60);
      const hoursText = `${Math.round(hours * 10) / 10} 小时`;
      await attest.getByTestId('attest-hours-preview').filter({ hasText: hoursText }).waitFor();
      await attest.getByRole('button', { name: /^认\s*定$/ }).click();
      await attest.waitFor({ state: 'detached' });
      await who.getByTestId('signup-status').filter({ hasText: '已认定时长' }).waitFor();
      await who.getByTestId('signup-hours').filter({ hasText: hoursText }).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'volunteer-detail-1440');

      // -- the member downloads the year certificate
      const [download] = await Promise.all([m.waitForEvent('download'), m.getByTestId('volunteer-certificate').click()]);
      expect(download.suggestedFilename()).toMatch(/\.pdf$/);
      const year = todayShanghai().slice(0, 4);
      const res = await phone2.context.request.get(`${base}/api/v1/me/volunteer/certificate?year=${year}`);
      expect(res.status()).toBe(200);
      expect(res.headers()['content-type']).toContain('application/pdf');
      expect((await res.body()).subarray(0, 5).toString()).toBe('%PDF-');
      // the member place on the new activity is among 我的报名
      const mine = m.getByTestId('m-volunteer-mine-item').filter({ hasText: title });
      await mine.getByTestId('m-volunteer-mine-status').filter({ hasText: '已报名' }).waitFor();
      await mine.scrollIntoViewIfNeeded();
      await screenshot(m, 'm-volunteer-mine-360');
    } finally {
      await desk.context.close();
      await phone.context.close();
      await phone2.context.close();
    }
  });
});
