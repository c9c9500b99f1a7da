import QRCode from 'qrcode';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { toneWav } from '../tests/helpers/audio';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, openModal, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// 三会一课 in Chromium against the demo county (three years of organisational
// life): secretary1 arranges a 支部党员大会 of their branch starting now, with
// themself as host and recorder, and sends the notice; shows the sign-in QR
// code; marks two attendees present; writes the minutes with a resolution and
// bold text, confirms them (host and recorder are one person: one confirmation
// locks) and appends a correction; attaches a photo, transcribes a recording
// (the deterministic tone engine) and sees the keywords; finds the meeting in
// the month and week calendars and the branch on 落实情况.

let h: Harness;
let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startDemo({ env: { ASR_ENGINE: 'tone-test' } }));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** The table has its rows and its loading veil has faded out. */
async function tableSettled(page: Page) {
  await page.locator('.ant-table-wrapper .ant-spin-spinning').waitFor({ state: 'detached' });
  await page.waitForFunction(() => [...document.querySelectorAll('.ant-table-wrapper .ant-spin-container')].every((e) => getComputedStyle(e).opacity === '1'));
}

const shanghai = (d: Date) => {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, minute: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` };
};

describe('meetings (三会一课)', () => {
  it('arranges a branch assembly, signs in by QR or marks attendance, locks the minutes and finds it on compliance', { timeout: 300_000 }, async () => {
    // secretary1's branch and the person the account is linked to (the branch secretary)
    const me = await h.db.one<{ org_id: string; org_name: string; person_id: string; person_name: string }>(sql`
      SELECT o.id AS org_id, o.name AS org_name, p.id AS person_id, p.name AS person_name
      FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id JOIN person p ON p.id = a.person_id
      WHERE a.username = 'secretary1'`);
    // the picker finds them by name: the name is theirs alone in the branch
    const same = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person WHERE org_id = ${me.org_id} AND is_current AND name = ${me.person_name}`);
    expect(same.n).toBe(1);
    const now = shanghai(h.deps.clock.now());
    const title = `浏览器测试支部党员大会${now.minute.slice(11).replace(':', '')}${Math.floor(Math.random() * 1000)}`;

    const { page, context } = await newPage(browser);
    let meetingPath: string | undefined;
    try {
      await loginAs(page, base, 'secretary1');
      // the menu opens with 组织生活 expanded (a click on the group would fold it)
      await page.getByRole('menuitem', { name: '会议管理' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/meetings');
      await page.locator('.ant-table-row').first().waitFor(); // the demo's meetings
      await tableSettled(page);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'meetings-list-1440');

      // 生成年度计划: the branch's plan for the year, counted against what is already there
      await page.getByRole('button', { name: '生成年度计划' }).click();
      const plan = await openModal(page, '生成年度计划');
      await plan.getByText(me.org_name).waitFor();
      await plan.getByRole('button', { name: /^生\s*成$/ }).click();
      await plan.getByTestId('plan-result').getByText(/年计划已生成：新增\d+次、已有\d+次/).waitFor();
      await plan.getByText(/^依据：/).waitFor();
      await plan.getByRole('button', { name: /^完\s*成$/ }).click();
      await plan.waitFor({ state: 'detached' });

      // 安排会议: the branch is preselected (secretary1's only scope root)
      await page.getByRole('button', { name: '安排会议' }).click();
      const modal = await openModal(page, '召开会议的组织');
      await modal.getByText(me.org_name).waitFor();
      await modal.getByLabel('会议类型', { exact: true }).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="支部党员大会"]').click();
      await modal.getByLabel('会议名称', { exact: true }).fill(title);
      const start = modal.getByLabel('开始时间', { exact: true });
      await start.click();
      await start.fill(now.minute);
      await start.press('Enter');
      await page.locator('.ant-picker-dropdown:visible').waitFor({ state: 'detached' });
      expect(await start.inputValue()).toBe(now.minute);
      expect(await modal.getByLabel('会议日期', { exact: true }).inputValue()).toBe(now.date);
      await modal.getByLabel('地点', { exact: true }).fill('党员活动室');
      await searchAndPick(page, modal.getByLabel('主持人', { exact: true }), me.person_name);
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' }); // the host's list has closed
      await searchAndPick(page, modal.getByLabel('记录人', { exact: true }), me.person_name);
      await modal.getByLabel('同时发送会议通知').check();
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
      await screenshot(page, 'meetings-create-1440');
      await modal.getByRole('button', { name: /^安\s*排$/ }).click();
      await page.waitForURL((u) => /^\/admin\/meetings\/[0-9a-f-]{36}$/.test(u.pathname));
      meetingPath = new URL(page.url()).pathname;

      // the meeting: planned, notice sent, the roll from the registry
      await page.getByTestId('meeting-title').getByText(title).waitFor();
      await page.getByTestId('meeting-status').getByText('计划中').waitFor();
      await page.getByTestId('meeting-facts').getByText(/已于 .+ 发送/).waitFor();
      const rows = page.getByTestId('attendee-table').locator('.ant-table-row');
      await rows.nth(1).waitFor();

      // 签到二维码: drawn in the page, with the note that signing in is optional
      await page.getByRole('button', { name: '签到二维码' }).click();
      const qr = await openModal(page, '扫码签到不是必须的');
      const img = qr.getByRole('img', { name: '会议签到二维码' });
      await img.waitFor();
      expect(await img.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await qr.getByText(/二维码每 \d+ 秒自动更换/).waitFor();
      await screenshot(page, 'meetings-qr-1440');
      await qr.getByRole('button', { name: /^关\s+闭$/ }).click();
      await qr.waitFor({ state: 'detached' });

      // two attendees marked present by the recorder: the meeting is held
      const names = [await rows.nth(0).locator('td').nth(1).innerText(), await rows.nth(1).locator('td').nth(1).innerText()];
      for (const n of names) await page.getByLabel(`选择 ${n}`, { exact: true }).check();
      await page.getByRole('button', { name: '标记出席（2人）' }).click();
      await page.getByTestId('attendee-table').locator('.ant-table-row', { hasText: '记录人标记' }).nth(1).waitFor();
      await page.getByTestId('meeting-status').getByText('已召开').waitFor();
      const present = page.getByTestId('attendance-summary').locator('.ant-statistic').filter({ has: page.getByText('实到', { exact: true }) });
      await present.locator('.ant-statistic-content-value').filter({ hasText: /^2$/ }).waitFor();

      // 会议记录: a resolution and bold text in the record; saved, then confirmed once (host and recorder are one person) → locked
      await page.getByRole('tab', { name: /^会议记录/ }).click();
      const form = page.getByTestId('minutes-form');
      await form.getByLabel('议程', { exact: true }).fill('一、传达学习上级党委会议精神；二、讨论本季度工作');
      await form.getByLabel('决议1', { exact: true }).fill('通过本季度支部工作安排（浏览器测试）');
      const editor = form.getByRole('textbox', { name: '会议记录正文' });
      await editor.click();
      await page.keyboard.type('会议由支部书记主持。');
      await form.getByRole('button', { name: '加粗' }).click();
      await page.keyboard.type('一致同意');
      await form.getByRole('button', { name: '加粗' }).click();
      await page.keyboard.type('本季度工作安排。');
      expect(await editor.innerHTML()).toMatch(/<b>一致同意<\/b>/);
      await screenshot(page, 'meetings-minutes-edit-1440');
      await form.getByRole('button', { name: '保存会议记录' }).click();
      await page.getByTestId('minutes-confirmations').getByText('待确认').waitFor();
      await page.getByRole('button', { name: '确认会议记录' }).click();
      const confirm = await openModal(page, '确认会议记录？');
      await confirm.getByRole('button', { name: /^确\s*认$/ }).click();
      await page.getByTestId('minutes-locked').getByText('已锁定').waitFor();
      await page.getByTestId('minutes-record').locator('b', { hasText: '一致同意' }).waitFor();
      await page.getByTestId('minutes-resolutions').getByText('通过本季度支部工作安排（浏览器测试）').waitFor();

      // a correction is appended; the record stays as confirmed
      const corrections = page.getByTestId('minutes-corrections');
      await corrections.getByLabel('更正内容', { exact: true }).fill('第二项议程应为“讨论本季度发展党员工作”。');
      await corrections.getByRole('button', { name: '追加更正' }).click();
      await corrections.locator('.ant-list-item', { hasText: '讨论本季度发展党员工作' }).waitFor();
      await page.getByTestId('minutes-record').locator('b', { hasText: '一致同意' }).waitFor();
      await screenshot(page, 'meetings-minutes-locked-1440');

      // 下载会议报告: the draft report as Word
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载会议报告' }).click()]);
      expect(download.suggestedFilename()).toMatch(/会议报告\.docx$/);
      const docx = await download.createReadStream();
      const head = await new Promise<Buffer>((resolve, reject) => docx.once('data', (c) => resolve(Buffer.from(c))).once('error', reject));
      expect(head.subarray(0, 2).toString()).toBe('PK');

      // 附件: a photo, optional
      await page.getByRole('tab', { name: /^附件/ }).click();
      await page.getByText('照片和文件是可选的').waitFor();
      const png = await QRCode.toBuffer('会场照片', { type: 'png' });
      await page.locator('input[type=file][accept=".jpg,.jpeg,.png"]').setInputFiles({ name: '会场.png', mimeType: 'image/png', buffer: png });
      await page.getByTestId('meeting-files').locator('.ant-table-row', { hasText: '会场.png' }).waitFor();

      // 录音转写: a recording transcribed by the job, a segment corrected by hand
      await page.getByRole('tab', { name: '录音转写' }).click();
      await page.getByRole('button', { name: '上传录音' }).waitFor();
      const wav = toneWav({ totalMs: 3000, bursts: [{ startMs: 300, endMs: 1100, freqHz: 440 }, { startMs: 1700, endMs: 2500, freqHz: 660 }] });
      await page.locator('input[type=file][accept^="audio/"]').setInputFiles({ name: '会议录音.wav', mimeType: 'audio/wav', buffer: wav });
      await page.getByTestId('transcript-progress').getByText('排队等待转写…').waitFor();
      await h.deps.jobs.runDue();
      const segments = page.getByTestId('transcript-segments');
      const first = segments.getByRole('textbox').first();
      await first.waitFor(); // the page polls while the job runs
      expect(await first.inputValue()).toBe('同志们，现在开会。');
      await first.fill('同志们，现在开会（已校对）。');
      await segments.getByRole('button', { name: '保存转写稿' }).click();
      await segments.getByText(/^上次修改/).waitFor();
      expect(await segments.getByRole('textbox').first().inputValue()).toBe('同志们，现在开会（已校对）。');

      // 关键词: the three lists and the cloud
      await page.getByRole('tab', { name: '关键词' }).click();
      await page.getByTestId('word-cloud').locator('span').first().waitFor();
      await page.getByText('TextRank 关键词').waitFor();
      await screenshot(page, 'meetings-keywords-1440');

      // the calendars: the meeting on today's cell and in this week's column
      await page.goto(`${base}/admin/meetings?view=month`);
      await page.getByTestId('meeting-month').locator('.meeting-cal-entry', { hasText: title }).waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'meetings-month-1440');
      await page.locator('.ant-segmented-item', { hasText: '周历' }).click();
      await page.getByTestId('meeting-week').locator('.meeting-week-item', { hasText: title }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'meetings-week-1440');

      // 落实情况: the branch and its 支部党员大会 held this period
      await page.getByRole('menuitem', { name: '落实情况' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/meetings/compliance');
      await page.getByTestId('compliance-scope').getByText(me.org_name, { exact: false }).waitFor();
      const assembly = page.getByTestId('compliance-table').locator('.ant-table-row', { hasText: '支部党员大会' });
      await assembly.waitFor();
      expect(Number(await assembly.locator('td').nth(5).innerText())).toBeGreaterThanOrEqual(1);
      await page.getByTestId('compliance-source').getByText(/^依据：/).waitFor();
      await tableSettled(page);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'meetings-compliance-1440');
    } finally {
      await context.close();
    }

    // a phone-width window: the meeting and the list fit their cards
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const p = phone.page;
      await loginAs(p, base, 'secretary1');
      expect(meetingPath).toBeDefined();
      await p.goto(`${base}${meetingPath}?tab=minutes`);
      await p.getByTestId('minutes-locked').waitFor();
      expect((await checkChineseGlyphs(p)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(p, 'meetings-detail-360');
      for (const card of await p.locator('.ant-layout-content .ant-card').all()) {
        const box = (await card.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(SMALL_PHONE_VIEWPORT.width);
      }
      await p.goto(`${base}/admin/meetings?q=${encodeURIComponent(title)}`);
      await p.locator('.ant-table-row', { hasText: title }).waitFor();
      await tableSettled(p);
      await screenshot(p, 'meetings-list-360');
      const card = p.locator('.ant-layout-content .ant-card').first();
      const box = (await card.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(SMALL_PHONE_VIEWPORT.width);
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    } finally {
      await phone.context.close();
    }
  });
  it('edits and cancels a planned meeting, and records a member\'s grade at the year\'s review', { timeout: 180_000 }, async () => {
    const branch = await h.db.one<{ id: string }>(sql`
      SELECT g.org_id AS id FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL WHERE a.username = 'secretary1'`);
    const today = h.deps.clock.today();
    const planned = await h.db.one<{ id: string; title: string }>(sql`
      SELECT id, title FROM meeting WHERE org_id = ${branch.id} AND status = 'planned' AND planned_date > ${today}::date ORDER BY planned_date, id LIMIT 1`);
    const review = await h.db.one<{ id: string; year: number }>(sql`
      SELECT id, extract(year FROM held_on)::int AS year FROM meeting WHERE org_id = ${branch.id} AND type = 'democratic_review' AND status = 'held' ORDER BY held_on DESC LIMIT 1`);

    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      await page.goto(`${base}/admin/meetings/${planned.id}`);
      await page.getByTestId('meeting-title').getByText(planned.title).waitFor();

      // 编辑: the place, saved with the version the page shows
      await page.getByRole('button', { name: '编辑' }).click();
      const edit = await openModal(page, '编辑会议安排');
      await edit.getByLabel('地点', { exact: true }).fill('村委会议室（浏览器测试）');
      await edit.getByRole('button', { name: /^保\s*存$/ }).click();
      await edit.waitFor({ state: 'detached' });
      await page.getByTestId('meeting-facts').getByText('村委会议室（浏览器测试）').waitFor();

      // 取消会议 with a reason
      await page.getByRole('button', { name: '取消会议' }).click();
      const cancel = await openModal(page, '已取消的会议不能恢复');
      await cancel.getByLabel('取消原因', { exact: true }).fill('与上级集中培训时间冲突');
      await cancel.getByRole('button', { name: '取消会议' }).click();
      await cancel.waitFor({ state: 'detached' });
      await page.getByTestId('meeting-status').getByText('已取消').waitFor();
      await page.getByText('会议已取消：与上级集中培训时间冲突').waitFor();
      expect(await page.getByRole('button', { name: '编辑' }).count()).toBe(0);

      // 评议: the first member graded 基本合格
      await page.goto(`${base}/admin/meetings/${review.id}?tab=reviews`);
      const reviews = page.getByTestId('reviews');
      // the first member not graded 基本合格 already (choosing the stored grade again changes nothing)
      const row = reviews.locator('.ant-table-row').filter({ hasNot: page.locator('.ant-radio-button-wrapper-checked', { hasText: '基本合格' }) }).first();
      await row.waitFor();
      const name = await row.locator('td').first().innerText();
      await row.getByText('基本合格', { exact: true }).click();
      await reviews.getByRole('button', { name: '保存评议结果' }).click();
      // saved: the table starts afresh from the stored grades, nothing left to save
      await reviews.getByRole('button', { name: '保存评议结果' }).and(page.locator('[disabled]')).waitFor();
      await screenshot(page, 'meetings-reviews-1440');
      const stored = await h.db.one<{ grade: string }>(sql`
        SELECT r.grade FROM member_review r JOIN person p ON p.id = r.person_id WHERE r.org_id = ${branch.id} AND r.year = ${review.year} AND p.name = ${name} AND p.org_id = ${branch.id}`);
      expect(stored.grade).toBe('basic');
    } finally {
      await context.close();
    }
  });
});
