import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { login, TEST_NOW, type Harness } from '../tests/helpers/harness';
import { fixedClock } from '../src/server/platform/clock';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import { makeIdNumber } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, searchAndPick, startDemo } from './browser';

// 发展党员 in Chromium against the demo data: secretary1 takes a new applicant
// from the application (2023-09-04) to conversion through the UI, with the
// date rules visible on the way (the 1-year activist period, two introducers,
// 5 working days of 公示, the 支部大会 quorum); the county organisation
// department records the superior steps 13, 17 and 24 in a second browser.
//
// The dates, by hand (2024 and 2025 after 2025-10-11 have no holidays in the way):
//   3 activist 2023-10-16 → 7 candidate at the earliest 2024-10-16
//   12 公示 from Mon 2024-11-11: 5 working days (2024 has no configured calendar,
//      Monday–Friday) end Fri 2024-11-15 → 13 预审 at the earliest 2024-11-16
//   15 支部大会 2024-11-28 → probation ends 2025-11-28 → 23 on 2025-11-28

let h: Harness;
let base: string;
let browser: Browser;

const RULE_SOURCE = '依据：《中国共产党发展党员工作细则》';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

beforeAll(async () => {
  // the flow's dates are written by hand (2023–2025, see above) against the demo county as it
  // stands on the harness's day: the members on the roll at the 2024 支部大会 must be there
  ({ h, base, browser } = await startDemo({ clock: fixedClock(TEST_NOW) }));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** A DatePicker (or any input) found by its label in a scope: typed, then committed with Enter. */
async function typeDate(scope: Locator | Page, label: string, value: string) {
  const input = scope.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(value);
  await input.press('Enter');
}

/** Picks a Select option by its title from the open dropdown. */
async function pickOption(page: Page, title: string) {
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click();
}

async function pick(page: Page, scope: Locator | Page, label: string, option: string) {
  await scope.getByLabel(label, { exact: true }).click();
  await pickOption(page, option);
}

/** Full members found by the picker: typed, waited for, chosen; the dropdown closed by clicking the dialog title. */
async function pickMember(page: Page, dialog: Locator, label: string, name: string) {
  await searchAndPick(page, dialog.getByLabel(label, { exact: true }), name);
  await dialog.locator('.ant-modal-title').click();
}

const dialogOf = (page: Page) => page.getByRole('dialog');

async function openStep(page: Page, step: number) {
  await page.getByTestId(`step-${step}`).getByRole('button', { name: /^(登\s*记|登记表决|再次登记)$/ }).click();
  const dialog = dialogOf(page);
  await dialog.waitFor();
  return dialog;
}

async function submitStep(dialog: Locator) {
  await dialog.getByRole('button', { name: /^登\s*记$/ }).click();
}

/** Records a step through the modal and waits until the timeline shows it done on that date. */
async function recordStep(page: Page, step: number, date: string, fill: (dialog: Locator) => Promise<void> = async () => undefined) {
  const dialog = await openStep(page, step);
  await typeDate(dialog, '日期', date);
  await fill(dialog);
  await submitStep(dialog);
  await dialog.waitFor({ state: 'detached' });
  await page.getByTestId(`step-${step}`).getByText(`已完成 ${date}`).waitFor();
}

async function refusal(dialog: Locator, text: string) {
  const alert = dialog.getByTestId('rule-refusal');
  await alert.filter({ hasText: text }).waitFor();
  return alert;
}

describe('member development', () => {
  it('takes an applicant from application to conversion, refusing each broken date rule on the way', { timeout: 420_000 }, async () => {
    const branch = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
    // three full members of the branch whose names are unique there: 培养联系人 and two 入党介绍人
    const members = await h.db.query<{ name: string }>(sql`
      SELECT p.name FROM person p WHERE p.org_id = ${branch.id} AND p.status = 'full'
        AND NOT EXISTS (SELECT 1 FROM member_event e WHERE e.person_id = p.id AND e.reason = 'party_probation')
      GROUP BY p.name HAVING count(*) = 1 ORDER BY p.name LIMIT 3`);
    expect(members.length).toBe(3);
    const [contact, introducer1, introducer2] = members.map((m) => m.name);
    const name = '林晓雨';
    const idNumber = makeIdNumber('1996-03-12', 'female');
    const tooYoung = makeIdNumber('2006-01-01', 'female'); // 17 on 2023-09-04

    const sec = await newPage(browser);
    const county = await newPage(browser);
    try {
      const page = sec.page;
      await loginAs(page, base, 'secretary1');
      // the menu group 发展党员 (open by default) → 发展对象档案 → 受理入党申请
      await page.getByRole('menuitem', { name: '发展对象档案' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/development/candidates');
      await page.getByRole('button', { name: '受理入党申请' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/development/candidates/new');
      await page.locator('#candidate_orgId').locator('xpath=ancestor::div[contains(@class,"ant-select")][1]').getByText(branch.name).waitFor();

      await typeDate(page, '递交入党申请书日期', '2023-09-04');
      await page.getByLabel('姓名').fill(name);
      // 17 years old on the application date: refused as you type, with the rule's source
      await page.getByLabel('身份证号').fill(tooYoung);
      await page.getByText('申请人须年满18周岁才能递交入党申请书（2024-01-01 年满18周岁）。依据《中国共产党发展党员工作细则》').waitFor();
      await screenshot(page, 'development-form');
      await page.getByLabel('身份证号').fill(idNumber);
      await page.getByText('出生日期 1996-03-12').waitFor();
      await page.getByText('申请人须年满18周岁', { exact: false }).waitFor({ state: 'detached' });
      await pick(page, page, '学历', '大学本科');
      await pick(page, page, '职业', '企事业单位管理和专业技术人员');
      await page.getByLabel('手机').fill('13812345678');
      await page.getByLabel('工作单位').fill('城关镇和平社区服务中心');
      await page.getByLabel('住址').fill('城关镇和平路12号');
      await page.getByRole('button', { name: '受理并建立档案' }).click();
      await page.waitForURL(/\/admin\/development\/candidates\/[0-9a-f-]{36}$/);
      const fileUrl = page.url();
      await page.getByTestId('candidate-name').filter({ hasText: name }).waitFor();
      await page.getByTestId('candidate-status').getByText('入党申请人').waitFor();
      await page.getByTestId('step-1').getByText('已完成 2023-09-04').waitFor();
      // the talk was due a month after the application: red on the timeline
      await page.getByTestId('step-2').getByText('已超过应完成日期').waitFor();
      await page.getByTestId('step-2').getByText('2023-10-04').waitFor();

      // stage 1 and 2
      await recordStep(page, 2, '2023-09-20', async (d) => {
        await d.getByLabel('谈话人', { exact: true }).fill('王建华');
        await d.getByLabel('谈话人', { exact: true }).press('Enter');
        await d.locator('.ant-modal-title').click();
      });
      await page.getByTestId('record-2').getByText('王建华').waitFor();
      await recordStep(page, 3, '2023-10-16', async (d) => {
        await d.getByLabel('党员推荐').check();
        await d.getByLabel('支部委员会').check();
      });
      await page.getByTestId('candidate-status').getByText('入党积极分子').waitFor();
      await recordStep(page, 4, '2023-10-20');
      await recordStep(page, 5, '2023-10-20', (d) => pickMember(page, d, '培养联系人', contact));
      await page.getByTestId('record-5').getByText(contact).waitFor();
      await recordStep(page, 6, '2024-04-15', (d) => d.getByLabel('考察意见').fill('学习积极，表现良好'));
      // the 1-year point is shown before anything is typed
      await page.getByTestId('step-7').getByText('2024-10-16').waitFor();

      // step 7 a day before the year as activist is up: refused, the form stays open; the next day works
      let dialog = await openStep(page, 7);
      await typeDate(dialog, '日期', '2024-10-15');
      await submitStep(dialog);
      const oneYear = await refusal(dialog, '确定为发展对象须在列为入党积极分子1年以上');
      await oneYear.getByText('最早 2024-10-16 可确定为发展对象').waitFor();
      await oneYear.getByText(RULE_SOURCE).waitFor();
      expect((await checkChineseGlyphs(page, '一年以上')).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'development-step-refused');
      await typeDate(dialog, '日期', '2024-10-16');
      await submitStep(dialog);
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('step-7').getByText('已完成 2024-10-16').waitFor();
      await page.getByTestId('candidate-status').getByText('发展对象').waitFor();

      await recordStep(page, 8, '2024-10-20');
      // one introducer: refused, two: recorded
      dialog = await openStep(page, 9);
      await typeDate(dialog, '日期', '2024-10-20');
      const introducers = dialog.getByLabel('入党介绍人', { exact: true });
      await searchAndPick(page, introducers, introducer1);
      // the search is empty again after a pick: the second name is typed on its own
      expect(await introducers.inputValue()).toBe('');
      await dialog.locator('.ant-modal-title').click();
      await submitStep(dialog);
      const two = await refusal(dialog, '须由2名正式党员作入党介绍人（当前 1 名）');
      await two.getByText(RULE_SOURCE).waitFor();
      await pickMember(page, dialog, '入党介绍人', introducer2);
      await submitStep(dialog);
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('record-9').getByText(`${introducer1}、${introducer2}`).waitFor();
      // 政审 with its material attached
      await recordStep(page, 10, '2024-11-01', async (d) => {
        await d.getByLabel('政治审查结论').fill('政治审查合格');
        await d.locator('input[type=file]').setInputFiles({ name: '政审材料.pdf', mimeType: 'application/pdf', buffer: PDF });
        await d.locator('.ant-upload-list-item-done').filter({ hasText: '政审材料.pdf' }).waitFor();
      });
      await page.getByTestId('record-10').getByRole('button', { name: /政审材料\.pdf/ }).waitFor();
      await recordStep(page, 11, '2024-11-05', async (d) => {
        await d.getByLabel('培训班名称').fill('2024年发展对象培训班');
        await d.getByLabel('培训天数').fill('3');
      });
      await recordStep(page, 12, '2024-11-08', async (d) => {
        await d.getByLabel('支部委员会审查意见').fill('同意列为预备党员接收对象，进行公示');
        await typeDate(d, '公示开始日期', '2024-11-11');
      });
      // the superior's 预审 may come the day after the 公示 ends (provisional: 2024 has no holiday calendar)
      await page.getByTestId('step-13').getByText('2024-11-16').waitFor();
      await page.getByTestId('step-13').getByText('由上级党委登记').waitFor();
      expect(await page.getByTestId('step-13').getByRole('button').count()).toBe(0);

      // the county organisation department: the board, then 预审 on the candidate
      const cp = county.page;
      await loginAs(cp, base, 'county');
      await cp.goto(`${base}/admin/development`);
      await cp.getByTestId('stage-card-4').waitFor();
      await cp.getByText('下级组织', { exact: true }).waitFor();
      await cp.getByText('近期到期（30天内及已逾期）').waitFor();
      await cp.locator('.ant-card').filter({ hasText: '近期到期' }).locator('.ant-table-row').first().waitFor();
      expect((await checkChineseGlyphs(cp)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(cp)).toBeLessThanOrEqual(0);
      await screenshot(cp, 'development-board');
      // a stage card opens the list of that stage, where the new candidate is found
      await cp.getByTestId('stage-card-4').click();
      await cp.waitForURL((u) => u.pathname === '/admin/development/candidates' && u.searchParams.get('stage') === '4');
      await cp.getByLabel('姓名或拼音首字母').fill(name);
      await cp.getByLabel('姓名或拼音首字母').press('Enter');
      await cp.locator('.ant-table-row').filter({ hasText: name }).filter({ hasText: '第4阶段' }).getByRole('link', { name }).click();
      await cp.waitForURL(fileUrl);
      // the completed stages are folded; the page offers the way to the step at hand
      await cp.getByRole('button', { name: '展开第1阶段' }).waitFor();
      expect(await cp.getByTestId('step-2').count()).toBe(0);
      await cp.getByRole('button', { name: /跳到当前步骤：第13步/ }).waitFor();
      await screenshot(cp, 'development-candidate-folded');
      await cp.getByRole('button', { name: '展开第3阶段' }).click();
      await cp.getByTestId('record-10').getByRole('button', { name: /政审材料\.pdf/ }).waitFor();
      dialog = await openStep(cp, 13);
      await typeDate(dialog, '日期', '2024-11-15');
      await submitStep(dialog);
      const notice = await refusal(dialog, '公示须满5个工作日：自 2024-11-11 起公示，2024-11-15 期满，预审最早 2024-11-16');
      await notice.getByText('暂定', { exact: false }).waitFor();
      await typeDate(dialog, '日期', '2024-11-16');
      await submitStep(dialog);
      await dialog.waitFor({ state: 'detached' });
      await cp.getByTestId('step-13').getByText('已完成 2024-11-16').waitFor();

      // back to the branch: 志愿书, then the 支部大会
      await page.reload();
      await page.getByTestId('step-13').getByText('已完成 2024-11-16').waitFor();
      await recordStep(page, 14, '2024-11-20', (d) => d.getByLabel('入党志愿书编号').fill('ZY-2024-017'));
      dialog = await openStep(page, 15);
      await typeDate(dialog, '会议日期', '2024-11-28');
      const registryText = dialog.locator('[data-testid="registry-count"][data-date="2024-11-28"]').filter({ hasText: /党员名册：\d+ 名有表决权的正式党员（不含预备党员、受留党察看处分者）/ });
      await registryText.waitFor();
      const registry = Number(/党员名册：(\d+) 名/.exec((await registryText.textContent()) ?? '')![1]);
      expect(registry).toBeGreaterThan(2);
      await expect.poll(() => dialog.getByLabel('应到会有表决权的正式党员').inputValue()).toBe(String(registry));
      // not more than half present: the live arithmetic says so, the server refuses
      const half = Math.floor(registry / 2);
      await dialog.getByLabel('实到（有表决权）').fill(String(half));
      await dialog.getByLabel('赞成').fill(String(half));
      const halfText = registry % 2 === 0 ? String(registry / 2) : (registry / 2).toFixed(1);
      await dialog.getByTestId('vote-live').getByText(`实到 ${half} 名，未超过应到 ${registry} 名的半数（${halfText}），会议无效`).waitFor();
      await dialog.getByRole('button', { name: '登记表决结果' }).click();
      const quorum = await refusal(dialog, `有表决权的到会人数（${half}）未超过应到会人数（${registry}）的半数`);
      await quorum.getByText(RULE_SOURCE).waitFor();
      await screenshot(page, 'development-vote');
      // a valid meeting: all but one present, that one's written opinion in favour
      const present = registry - 1;
      await dialog.getByLabel('实到（有表决权）').fill(String(present));
      await dialog.getByLabel('书面意见（未到会）').fill('1');
      await dialog.getByLabel('赞成').fill(String(present));
      await dialog.getByLabel('弃权').fill('1');
      await dialog.getByTestId('vote-live').getByText(`实到 ${present} 名，超过应到 ${registry} 名的半数（${halfText}），会议有效`).waitFor();
      await dialog.getByTestId('vote-live').getByText('表决结果：通过').waitFor();
      await dialog.getByRole('button', { name: '登记表决结果' }).click();
      const result = dialog.getByTestId('vote-result');
      // the server records the arithmetic the form showed (contracts/vote.ts)
      await result.getByText(`赞成 ${present} 票（含书面意见），超过应到 ${registry} 名的半数（${halfText}）`, { exact: false }).waitFor();
      await result.getByText('表决结果：通过').waitFor();
      await screenshot(page, 'development-vote-result');
      await dialog.getByRole('button', { name: /完\s*成/ }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('step-15').getByText('已完成 2024-11-28').waitFor();
      await recordStep(page, 16, '2024-12-05', async (d) => {
        await d.getByLabel('谈话人', { exact: true }).fill('县委组织部李明');
        await d.getByLabel('谈话人', { exact: true }).press('Enter');
        await d.locator('.ant-modal-title').click();
      });

      // the superior approves the admission
      await cp.reload();
      await recordStep(cp, 17, '2024-12-20');
      await cp.getByTestId('candidate-status').getByText('预备党员').waitFor();

      // the probation year
      await page.reload();
      await page.getByTestId('candidate-status').getByText('预备党员').waitFor();
      await page.getByText('2025-11-28').first().waitFor(); // 预备期满 in the header
      await recordStep(page, 18, '2024-12-25');
      await recordStep(page, 19, '2024-12-25', (d) => d.getByLabel('编入的党小组').fill('第一党小组'));
      await recordStep(page, 20, '2025-01-06');
      await recordStep(page, 21, '2025-06-03', (d) => d.getByLabel('考察意见').fill('预备期内表现良好'));
      await recordStep(page, 22, '2025-11-20');
      // the conversion vote on the day the probation ends
      dialog = await openStep(page, 23);
      await typeDate(dialog, '会议日期', '2025-11-28');
      const registry2Text = dialog.locator('[data-testid="registry-count"][data-date="2025-11-28"]').filter({ hasText: /党员名册：\d+ 名/ });
      await registry2Text.waitFor();
      const registry2 = Number(/党员名册：(\d+) 名/.exec((await registry2Text.textContent()) ?? '')![1]);
      await expect.poll(() => dialog.getByLabel('应到会有表决权的正式党员').inputValue()).toBe(String(registry2));
      await dialog.getByLabel('按期转正').check();
      await dialog.getByLabel('实到（有表决权）').fill(String(registry2));
      await dialog.getByLabel('赞成').fill(String(registry2));
      await dialog.getByTestId('vote-live').getByText('表决结果：通过').waitFor();
      await dialog.getByRole('button', { name: '登记表决结果' }).click();
      await dialog.getByTestId('vote-result').getByText('表决结果：通过').waitFor();
      await dialog.getByRole('button', { name: /完\s*成/ }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('step-23').getByText('已完成 2025-11-28').waitFor();

      // the superior approves the conversion
      await cp.reload();
      await recordStep(cp, 24, '2025-12-10');
      await cp.getByTestId('candidate-status').getByText('正式党员').waitFor();

      // archived
      await page.reload();
      await recordStep(page, 25, '2025-12-20', (d) => d.getByLabel('归档位置').fill('县委组织部人事档案室'));
      await page.getByTestId('candidate-status').getByText('正式党员').waitFor();
      await page.getByTestId('candidate-state').getByText('已转正归档').waitFor();
      const person = await h.db.one<{ status: string; join_date: string; conversion_date: string }>(sql`
        SELECT p.status, p.join_date, p.conversion_date FROM dev_file f JOIN person p ON p.id = f.person_id WHERE f.id = ${fileUrl.split('/').pop()!}`);
      expect(person).toEqual({ status: 'full', join_date: '2024-11-28', conversion_date: '2025-11-28' });
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, 'development-candidate');

      // a 思想汇报 uploaded by the branch
      await page.getByRole('tab', { name: /思想汇报/ }).click();
      await page.getByLabel('标题').fill('2025年第四季度思想汇报');
      await page.locator('form#report input[type=file]').setInputFiles({ name: '思想汇报.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByRole('button', { name: '上传思想汇报' }).click();
      await page.locator('.ant-table-row').filter({ hasText: '2025年第四季度思想汇报' }).filter({ hasText: '思想汇报.pdf' }).waitFor();
      await page.getByRole('tab', { name: '思想汇报（1）' }).waitFor();

      // the votes tab and a document generated from the recorded facts
      await page.getByRole('tab', { name: /表决记录/ }).click();
      await page.getByTestId('vote-admission-1').getByText(`赞成 ${present} 票（含书面意见）`, { exact: false }).waitFor();
      await page.getByRole('tab', { name: '文书' }).click();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '下载支部大会接收预备党员决议' }).click();
      expect((await download).suggestedFilename()).toMatch(/\.docx$/);

      // 文书: any candidate, any of the five documents
      await page.goto(`${base}/admin/development/documents`);
      await searchAndPick(page, page.getByLabel('选择发展对象'), name);
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
      await page.getByRole('button', { name: '下载预备党员转正决议' }).waitFor();
      expect(await page.getByRole('button', { name: '下载预备党员转正决议' }).isEnabled()).toBe(true);
      await screenshot(page, 'development-documents');
      // the list of files, closed ones included
      await page.goto(`${base}/admin/development/candidates?state=all&q=${encodeURIComponent(name)}`);
      await page.locator('.ant-table-row').filter({ hasText: name }).filter({ hasText: '已完成到第25步' }).waitFor();
      // the table has faded back in after loading
      await expect.poll(() => page.locator('.ant-table-wrapper .ant-spin-container').evaluate((e) => getComputedStyle(e).opacity)).toBe('1');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'development-list');

      // the county's list of open files: every one with its next deadline
      await cp.goto(`${base}/admin/development/candidates`);
      await cp.locator('.ant-table-row').first().waitFor();
      await expect.poll(() => cp.locator('.ant-table-wrapper .ant-spin-container').evaluate((e) => getComputedStyle(e).opacity)).toBe('1');
      expect(await horizontalOverflow(cp)).toBeLessThanOrEqual(0);
      await screenshot(cp, 'development-list-county');

      // the plan of 2024 at the county: the admission counts for the year of the approval
      await cp.goto(`${base}/admin/development/plans`);
      await cp.getByRole('columnheader', { name: '已发展' }).waitFor();
      const yearInput = cp.getByLabel('年度');
      await yearInput.click();
      await yearInput.fill('2024');
      await yearInput.press('Enter');
      const rootRow = cp.locator('.ant-table-row').filter({ hasText: '本级合计' });
      await rootRow.waitFor();
      await expect.poll(async () => Number(await rootRow.locator('td').nth(2).textContent())).toBeGreaterThanOrEqual(1);
      const firstChild = cp.locator('.ant-table-row').filter({ hasNotText: '本级合计' }).first();
      const childName = ((await firstChild.locator('td').first().textContent()) ?? '').trim();
      await cp.getByLabel(`${childName}计划数`, { exact: true }).fill('6');
      await cp.getByRole('button', { name: `保存${childName}计划数` }).click();
      await cp.getByText(`已保存 ${childName} 2024 年发展计划：6 名`).waitFor();
      expect((await checkChineseGlyphs(cp)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(cp)).toBeLessThanOrEqual(0);
      await screenshot(cp, 'development-plan');
    } catch (e) {
      // what the open dialog said, for the log
      for (const p of [sec.page, county.page]) for (const m of await p.locator('.ant-modal').all()) console.log('MODAL', await m.ariaSnapshot().catch((x: unknown) => String(x)));
      await screenshot(sec.page, 'development-failure-secretary').catch(() => undefined);
      await screenshot(county.page, 'development-failure-county').catch(() => undefined);
      throw e;
    } finally {
      await sec.context.close();
      await county.context.close();
    }

    // the candidate's file at 360 px: the header wraps, the tabs and tables scroll
    const small = await newPage(browser, { width: 360, height: 780 });
    try {
      await loginAs(small.page, base, 'secretary1');
      await small.page.goto(`${base}/admin/development/candidates?state=all`);
      await small.page.getByRole('link', { name }).click();
      await small.page.getByTestId('candidate-name').filter({ hasText: name }).waitFor();
      await small.page.getByTestId('step-25').waitFor();
      // on a narrow screen the console's menu starts folded: the file has the rest, and nothing in it sticks out
      await small.page.locator('.ant-layout-sider-collapsed').waitFor();
      const contentOverflow = () => small.page.evaluate(() => { const c = document.querySelector('.admin-content')!; return c.scrollWidth - c.clientWidth; });
      await screenshot(small.page, 'development-candidate-360');
      expect(await contentOverflow()).toBeLessThanOrEqual(0);
      await small.page.getByRole('tab', { name: /表决记录/ }).click();
      await small.page.getByTestId('vote-conversion-1').waitFor();
      expect(await contentOverflow()).toBeLessThanOrEqual(0);
    } finally {
      await small.context.close();
    }
  });

  it('a former member of another branch applies: the new file says where the earlier record is, which stays with its branch', async () => {
    const sec1 = await login(h.app, 'secretary1', DEMO_PASSWORD);
    const sec2 = await login(h.app, 'secretary2', DEMO_PASSWORD);
    const branch1 = ((await sec1.get('/api/v1/me')).json() as { scopeRoots: Array<{ id: string; name: string }> }).scopeRoots[0];
    const branch2 = ((await sec2.get('/api/v1/me')).json() as { scopeRoots: Array<{ id: string; name: string }> }).scopeRoots[0];
    const idNumber = makeIdNumber('1976-04-02', 'female');
    const created = await sec2.post('/api/v1/members', {
      orgId: branch2.id, reason: 'registered', name: '原支部党员', sex: 'female', ethnicity: '汉族', idNumber, education: 'bachelor', occupation: 'farmer',
      joinDate: '2001-07-01', conversionDate: '2002-07-01', status: 'full',
    });
    expect(created.statusCode, created.body).toBe(201);
    const memberId = (created.json() as { id: string }).id;
    const version = ((await sec2.get(`/api/v1/members/${memberId}`)).json() as { version: number }).version;
    expect((await sec2.post(`/api/v1/members/${memberId}/events`, { reason: 'withdrew', eventDate: '2026-11-02', note: '本人申请退党', version })).statusCode).toBe(200);
    const applied = await sec1.post('/api/v1/development/candidates', {
      orgId: branch1.id, appliedOn: '2026-11-20', name: '重新申请人', sex: 'female', ethnicity: '汉族', idNumber, education: 'bachelor', occupation: 'farmer',
    });
    expect(applied.statusCode, applied.body).toBe(201);

    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      await page.goto(`${base}/admin/development/candidates/${(applied.json() as { id: string }).id}`);
      const note = page.getByTestId('earlier-record');
      await note.filter({ hasText: `此人曾有档案：${branch2.name}，出党（退党），2026-11-02` }).waitFor();
      await screenshot(page, 'development-earlier-record');
    } finally {
      await context.close();
    }
    // the earlier branch still has its former member, with the 退党 event
    const still = (await sec2.get(`/api/v1/members/${memberId}`)).json() as { name: string; status: string; orgId: string };
    expect(still).toMatchObject({ name: '原支部党员', status: 'left', orgId: branch2.id });
  });
});
