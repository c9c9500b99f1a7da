import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { addDays } from '../src/server/platform/dates';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import type { MeetingDetail, SignInCode } from '../src/contracts/meeting';
import { login, type Client, type Harness } from '../tests/helpers/harness';
import { makeAccount, PASSWORD } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, openModal, screenshot, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// 组织生活 on a 360 px phone: member1 sees the meetings the branch called,
// asks for leave, scans the host's QR code (签到成功, then 已签到), reads the
// locked minutes and subscribes to the calendar; secretary1, on the phone at
// the meeting, shows the code, taps attendance and approves the leave.

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

const tag = () => crypto.randomBytes(3).toString('hex');

async function create(sec: Client, body: Record<string, unknown>): Promise<string> {
  const res = await sec.post('/api/v1/meetings', body);
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

async function detail(c: Client, id: string): Promise<MeetingDetail> {
  const res = await c.get(`/api/v1/meetings/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MeetingDetail;
}

async function looksRight(page: Page, name: string) {
  const glyphs = await checkChineseGlyphs(page);
  expect(glyphs.cjkInk).toBeGreaterThan(0);
  expect(glyphs.cjkVsMissing).toBeGreaterThan(0);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  await screenshot(page, name);
}

describe('组织生活 on the member phone', () => {
  it('member1 asks for leave, signs in by the host QR code, reads locked minutes and subscribes to the calendar; secretary1 hosts on the phone', { timeout: 180_000 }, async () => {
    const who = await h.db.one<{ org_id: string; member_person: string; member_name: string; sec_person: string | null }>(sql`
      SELECT p.org_id, p.id AS member_person, p.name AS member_name, (SELECT person_id FROM account WHERE username = 'secretary1') AS sec_person
      FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    const sec = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const m1 = await login(h.app, 'member1', DEMO_PASSWORD);
    const now = h.deps.clock.now();
    const today = h.deps.clock.today();
    const t = tag();
    const hour = (d: Date, hours: number) => new Date(d.getTime() + hours * 3600_000).toISOString();

    // today's meeting, under way; one in three days; one held yesterday with locked minutes
    const nowTitle = `主题党日活动${t}`;
    const nowId = await create(sec, { orgId: who.org_id, type: 'theme_day', title: nowTitle, plannedDate: today, startsAt: now.toISOString(), endsAt: hour(now, 2), location: '党员活动室', sendNotice: true });
    const laterTitle = `专题党课${t}`;
    const laterDay = addDays(today, 3);
    const laterStart = new Date(now.getTime() + 3 * 86400_000);
    const laterId = await create(sec, {
      orgId: who.org_id, type: 'party_lecture', title: laterTitle, plannedDate: laterDay, startsAt: laterStart.toISOString(), endsAt: hour(laterStart, 1.5), location: '村委会二楼会议室',
      lecturer: '支部书记', topic: '学习贯彻党的二十届四中全会精神', externalUrl: 'https://meeting.example.cn/j/123456', sendNotice: true,
    });
    const pastTitle = `支部党员大会${t}`;
    const yesterday = addDays(today, -1);
    const pastId = await create(sec, { orgId: who.org_id, type: 'branch_assembly', title: pastTitle, plannedDate: yesterday, hostPersonId: who.sec_person, recorderPersonId: who.member_person });
    const saved = await sec.put(`/api/v1/meetings/${pastId}/minutes`, {
      version: 0, heldOn: yesterday, hostPersonId: who.sec_person, recorderPersonId: who.member_person, agenda: '一、传达上级会议精神\n二、讨论年度工作计划',
      resolutions: ['通过支部年度工作计划', '确定下月主题党日内容'], record: '<p>会议由<strong>支部书记</strong>主持，应到党员全部参加。</p><ul><li>传达精神</li><li>讨论计划</li></ul>',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    // the host (secretary1 in person) and the recorder (member1) confirm: the minutes lock
    expect(who.sec_person).not.toBeNull();
    const confirmHost = await sec.post(`/api/v1/meetings/${pastId}/minutes/confirm`, { version: (await detail(sec, pastId)).minutes!.version, as: 'host' });
    expect(confirmHost.statusCode, confirmHost.body).toBe(200);
    const confirmRec = await m1.post(`/api/v1/meetings/${pastId}/minutes/confirm`, { version: (await detail(sec, pastId)).minutes!.version, as: 'recorder' });
    expect(confirmRec.statusCode, confirmRec.body).toBe(200);
    expect((await sec.post(`/api/v1/meetings/${pastId}/corrections`, { body: '第二项决议中“下月”应为“十二月”。' })).statusCode).toBe(200);

    const member = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const host = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const page = member.page;
      await loginAs(page, base, 'member1');
      expect(new URL(page.url()).pathname).toBe('/m');
      // 首页: the next meeting; the 组织生活 tab: all of them
      await page.getByTestId('next-meeting').filter({ hasText: nowTitle }).waitFor();
      await looksRight(page, 'm-home-next-meeting-360');
      await page.getByRole('link', { name: '组织生活' }).click();
      await page.waitForURL(`${base}/m/meetings`);
      const upcoming = page.getByTestId('my-upcoming-meetings');
      const nowItem = upcoming.locator('li').filter({ hasText: nowTitle });
      const laterItem = upcoming.locator('li').filter({ hasText: laterTitle });
      await nowItem.getByText('党员活动室').waitFor();
      await laterItem.getByText('村委会二楼会议室').waitFor();
      await laterItem.getByText('待参加', { exact: true }).waitFor();

      // 请假 on the second meeting: the reason is required
      await laterItem.getByRole('button', { name: /^请\s*假$/ }).click();
      const sheet = page.getByRole('dialog', { name: '请假' });
      await sheet.getByRole('button', { name: '提交请假' }).click();
      await sheet.getByText('请填写请假事由').waitFor();
      await sheet.getByLabel('请假事由').fill('外出务工，无法按时返回');
      await looksRight(page, 'm-meetings-leave-sheet-360');
      await sheet.getByRole('button', { name: '提交请假' }).click();
      await laterItem.getByText('请假待批', { exact: true }).waitFor();
      await sheet.waitFor({ state: 'hidden' });
      await page.getByTestId('my-past-meetings').locator('li').filter({ hasText: pastTitle }).getByText('可查看会议记录').waitFor();
      await looksRight(page, 'm-meetings-360');

      // the secretary, on the phone at the meeting: the QR code of the sign-in URL
      const hp = host.page;
      await loginAs(hp, base, 'secretary1');
      await hp.goto(`${base}/m/meetings`);
      await hp.getByTestId('hosting-meetings').getByRole('link', { name: new RegExp(laterTitle) }).waitFor();
      await looksRight(hp, 'm-meetings-secretary-360');
      await hp.getByTestId('my-upcoming-meetings').getByRole('link', { name: new RegExp(nowTitle) }).click();
      await hp.waitForURL(`${base}/m/meetings/${nowId}`);
      await hp.getByRole('button', { name: /签到与考勤/ }).click();
      await hp.waitForURL(`${base}/m/meetings/${nowId}/host`);
      const qr = hp.getByTestId('sign-in-qr');
      await qr.waitFor();
      expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await hp.getByTestId('sign-in-qr-expiry').filter({ hasText: '秒自动更新' }).waitFor();
      await looksRight(hp, 'm-meeting-host-qr-360');
      await hp.getByRole('button', { name: '全屏显示' }).click();
      await hp.getByRole('dialog', { name: '签到二维码（全屏）' }).getByTestId('sign-in-qr').waitFor();
      await screenshot(hp, 'm-meeting-host-fullscreen-360');
      await hp.getByRole('button', { name: '退出全屏' }).click();

      // member1 scans it: 签到成功 with the time; the same code again: 已签到
      const code = (await sec.get(`/api/v1/meetings/${nowId}/sign-in-code`)).json() as SignInCode;
      expect(code.url).toContain(`/m/meetings/${nowId}/sign-in?t=`);
      await page.goto(`${base}${code.url}`);
      const result = page.getByTestId('sign-in-result');
      await result.getByRole('heading', { name: '签到成功' }).waitFor();
      await result.getByText(nowTitle).waitFor();
      await page.getByTestId('signed-at').filter({ hasText: /签到时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/ }).waitFor();
      await looksRight(page, 'm-meeting-signed-in-360');
      await page.goto(`${base}${code.url}`);
      await result.getByRole('heading', { name: '已签到' }).waitFor();
      await result.getByText('您已签到，无需重复签到。').waitFor();
      await looksRight(page, 'm-meeting-already-signed-in-360');
      const signed = await h.db.one<{ attendance: string; method: string }>(sql`SELECT attendance, method FROM meeting_attendee WHERE meeting_id = ${nowId} AND person_id = ${who.member_person}`);
      expect(signed).toEqual({ attendance: 'present', method: 'qr' });

      // before its window a code does not work, and says when it will
      await page.goto(`${base}/m/meetings/${laterId}/sign-in?t=${encodeURIComponent(code.token)}`);
      await result.getByRole('heading', { name: '还没有到签到时间' }).waitFor();
      await result.getByText(/本次会议的签到时间为 \d+月\d+日 \d{2}:\d{2} 至 \d{2}:\d{2}/).waitFor();
      await looksRight(page, 'm-meeting-sign-in-early-360');

      // not signed in: the login brings the member back to the code's page
      const fresh = await newPage(browser, SMALL_PHONE_VIEWPORT);
      try {
        await fresh.page.goto(`${base}${code.url}`);
        await fresh.page.waitForURL((u) => u.pathname === '/login');
        expect(new URL(fresh.page.url()).searchParams.get('next')).toBe(code.url);
        await fresh.page.getByLabel('用户名').fill('member1');
        await fresh.page.getByLabel('密码').fill(DEMO_PASSWORD);
        await fresh.page.getByRole('button', { name: /登\s*录/ }).click();
        await fresh.page.getByTestId('sign-in-result').getByRole('heading', { name: '已签到' }).waitFor();
        expect(fresh.page.url()).toBe(`${base}${code.url}`);
      } finally {
        await fresh.context.close();
      }

      // the secretary's roll shows member1 present; a tap marks another attendee present
      await hp.reload();
      const roll = hp.getByTestId('roll');
      await roll.locator(`li[data-person="${who.member_person}"][data-attendance="present"]`).getByText(/扫码签到 \d{2}:\d{2}/).waitFor();
      const other = (await detail(sec, nowId)).attendeeList.find((a) => a.attendance === 'expected' && a.personId !== who.member_person)!;
      const otherRow = roll.locator(`li[data-person="${other.personId}"]`);
      await otherRow.getByRole('button', { name: /^出\s*席$/ }).click();
      await roll.locator(`li[data-person="${other.personId}"][data-attendance="present"]`).getByRole('button', { name: /^出\s*席$/, pressed: true }).waitFor();
      await otherRow.getByRole('button', { name: /^缺\s*席$/ }).click();
      await roll.locator(`li[data-person="${other.personId}"][data-attendance="absent"]`).waitFor();

      // another member, with a code that is not the meeting's: told to scan the room's code again
      const third = (await detail(sec, nowId)).attendeeList.find((a) => a.attendance === 'expected' && a.personId !== who.member_person && a.personId !== who.sec_person)!;
      const thirdAccount = await makeAccount(h.deps, [{ role: 'member', orgId: who.org_id, scope: 'self' }], third.personId);
      const forged = await newPage(browser, SMALL_PHONE_VIEWPORT);
      try {
        await loginAs(forged.page, base, thirdAccount.username, PASSWORD);
        await forged.page.goto(`${base}/m/meetings/${nowId}/sign-in?t=${code.token.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAAAA`);
        const r = forged.page.getByTestId('sign-in-result');
        await r.getByRole('heading', { name: '签到码无效' }).waitFor();
        await r.getByText(/请重新扫描会场展示的二维码/).waitFor();
        await looksRight(forged.page, 'm-meeting-sign-in-invalid-360');
      } finally {
        await forged.context.close();
      }
      expect(await horizontalOverflow(hp)).toBeLessThanOrEqual(0);
      await screenshot(hp, 'm-meeting-host-roll-360');

      // the secretary approves member1's leave on the later meeting, where signing in is not open yet
      await hp.goto(`${base}/m/meetings/${laterId}/host`);
      await hp.getByTestId('sign-in-closed').getByText('还没有到签到时间').waitFor();
      const leaves = hp.getByTestId('pending-leaves');
      const leaveItem = leaves.locator('li').filter({ hasText: who.member_name });
      await leaveItem.getByText('外出务工，无法按时返回').waitFor();
      await hp.getByText('会议当天起可以登记出席。').waitFor();
      await looksRight(hp, 'm-meeting-host-leave-360');
      await leaveItem.getByRole('button', { name: /^准\s*假$/ }).click();
      await roll.locator(`li[data-person="${who.member_person}"]`).getByText('已准假').waitFor();
      expect(await leaves.count()).toBe(0);
      const leave = await h.db.one<{ leave_status: string }>(sql`SELECT leave_status FROM meeting_attendee WHERE meeting_id = ${laterId} AND person_id = ${who.member_person}`);
      expect(leave.leave_status).toBe('approved');

      // member1: the later meeting says 已准假 and has its link; the held one shows the locked minutes
      await page.goto(`${base}/m/meetings/${laterId}`);
      await page.getByRole('heading', { name: laterTitle }).waitFor();
      await page.getByTestId('my-meeting-status').filter({ hasText: '已准假' }).waitFor();
      expect(await page.getByRole('link', { name: /进入会议链接/ }).getAttribute('href')).toBe('https://meeting.example.cn/j/123456');
      expect(await page.getByRole('button', { name: /请\s*假/ }).count()).toBe(0);
      await looksRight(page, 'm-meeting-detail-360');
      await page.goto(`${base}/m/meetings/${pastId}`);
      const minutes = page.getByTestId('meeting-minutes');
      await minutes.getByText('通过支部年度工作计划').waitFor();
      await minutes.locator('strong', { hasText: '支部书记' }).waitFor();
      await minutes.getByText('第二项决议中“下月”应为“十二月”。').waitFor();
      await minutes.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await looksRight(page, 'm-meeting-minutes-360');

      // the calendar: a subscription address, shown whole, with a webcal:// link of the same path
      await page.getByRole('link', { name: '组织生活' }).click();
      await page.waitForURL(`${base}/m/meetings`);
      const feed = page.getByTestId('calendar-feed');
      await feed.getByRole('button', { name: '生成订阅地址' }).click();
      const feedUrl = page.getByTestId('calendar-feed-url');
      await feedUrl.filter({ hasText: /\/api\/v1\/calendar\/[A-Za-z0-9_-]+\.ics$/ }).waitFor();
      const url = (await feedUrl.textContent())!.trim();
      expect(url.startsWith(`${base}/api/v1/calendar/`)).toBe(true);
      const path = new URL(url).pathname;
      expect(await feed.getByRole('link', { name: '添加到手机日历' }).getAttribute('href')).toBe(`webcal://${new URL(base).host}${path}`);
      const ics = await h.app.inject({ method: 'GET', url: path });
      expect(ics.statusCode).toBe(200);
      expect(ics.body).toContain(laterTitle);
      await feed.getByRole('button', { name: '更换地址' }).scrollIntoViewIfNeeded();
      await looksRight(page, 'm-meetings-calendar-360');

      // 更换地址: a new address, the old one stops working; 停用: none
      await feed.getByRole('button', { name: '更换地址' }).click();
      await (await openModal(page, '旧地址立即停止工作')).getByRole('button', { name: '更换地址' }).click();
      await feedUrl.filter({ hasNotText: url }).filter({ hasText: /\.ics$/ }).waitFor();
      expect((await h.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
      await feed.getByRole('button', { name: /^停\s*用$/ }).click();
      await (await openModal(page, '订阅地址立即失效')).getByRole('button', { name: /^停\s*用$/ }).click();
      await feed.getByRole('button', { name: '生成订阅地址' }).waitFor();
      expect(await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM calendar_feed f JOIN account a ON a.id = f.account_id WHERE a.username = 'member1'`)).toEqual({ n: 0 });
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    } finally {
      await member.context.close();
      await host.context.close();
    }
  });
});
