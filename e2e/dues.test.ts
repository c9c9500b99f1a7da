import crypto from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { makeMember } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, openModal, searchAndPick, startDemo } from './browser';

// 党费 in Chromium against the demo data (36 months of bases, bills and
// payments): secretary1 sets a member's new base from salary components from
// this month on (the quote is live), generates this month's bills (the member's
// unpaid bill is corrected), records the cash payment, and sees the month in
// the summary. The member is one whose bill for this month is not paid yet.

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

/** Picks a Select option by its title from the open dropdown. */
async function pickOption(page: Page, title: string) {
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${title}"]`).click();
}

async function fillLabel(scope: Locator | Page, label: string, value: string) {
  const input = scope.getByLabel(label, { exact: true });
  await input.fill(value);
}

describe('party dues', () => {
  it('sets a base from components, generates the month, records a payment and sees the summary', { timeout: 240_000 }, async () => {
    const month = h.deps.clock.today().slice(0, 7);
    const branch = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
    // a full member of the branch, unique by name there, whose bill for this month is not paid
    const member = await h.db.one<{ id: string; name: string }>(sql`
      SELECT p.id, p.name FROM person p
      WHERE p.org_id = ${branch.id} AND p.status = 'full'
        AND NOT EXISTS (SELECT 1 FROM dues_bill b WHERE b.person_id = p.id AND b.month = ${`${month}-01`}::date AND b.paid_on IS NOT NULL)
        AND (SELECT count(*) FROM person q WHERE q.org_id = p.org_id AND q.name = p.name) = 1
      ORDER BY p.name LIMIT 1`);
    const name = member.name;

    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');

      // 基数设置: pick the member, see the history
      await page.getByRole('menuitem', { name: '基数设置' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/bases');
      await searchAndPick(page, page.getByLabel('选择党员', { exact: true }), name);
      await page.getByTestId('base-history').locator('.ant-table-row').first().waitFor();

      // a new base from components: 6000.00 + 1500.50 计入, 300.00 不计入 → 7500.50 元, 1.5% → 112.51 元
      await page.getByLabel('党费类别', { exact: true }).click();
      await pickOption(page, '在职（月工资收入）');
      await page.getByText('按工资构成计算').click();
      await fillLabel(page, '第1项名称', '基本工资');
      await fillLabel(page, '第1项金额', '6000');
      await page.getByRole('button', { name: '添加项目' }).click();
      await fillLabel(page, '第2项名称', '岗位津贴');
      await fillLabel(page, '第2项金额', '1500.50');
      await page.getByRole('button', { name: '添加项目' }).click();
      await fillLabel(page, '第3项名称', '交通补贴');
      await page.getByLabel('第3项计入方式', { exact: true }).click();
      await pickOption(page, '不计入基数');
      await fillLabel(page, '第3项金额', '300');
      await page.getByTestId('component-total').filter({ hasText: '计入基数合计 7,500.50 元' }).waitFor();
      const month$ = page.getByLabel('执行月份', { exact: true });
      await month$.click();
      await month$.fill(month);
      // Enter commits the month and does not save the base (the button does)
      await month$.press('Enter');
      await page.getByTestId('live-quote').filter({ hasText: '每月应交 112.51 元' }).waitFor();
      // typed after the month's Enter: had Enter saved the base, the note would be missing from it
      const note = `浏览器测试 ${crypto.randomBytes(4).toString('hex')}`;
      await fillLabel(page, '备注', note);
      await page.getByRole('button', { name: '保存基数' }).click();
      await page.getByText(`自 ${month} 起每月应交 112.51 元`).waitFor();
      await page.getByTestId('base-history').locator('.ant-table-row').filter({ hasText: month }).filter({ hasText: '7,500.50' }).filter({ hasText: note }).waitFor();
      // the form starts again for the next change: amounts and note cleared, the category kept
      expect(await page.getByLabel('备注', { exact: true }).inputValue()).toBe('');
      await page.evaluate(() => window.scrollTo(0, 0));
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'dues-bases');

      // 月度账单: generate this month; the member's bill carries the new amount
      await page.getByRole('menuitem', { name: '月度账单' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/bills');
      await page.getByRole('button', { name: '生成本月账单' }).click();
      const result = page.getByTestId('generate-result');
      await result.filter({ hasText: /新增 \d+、更正 \d+、不变 \d+、已交未变 \d+、未设基数 \d+/ }).waitFor();
      const search = page.getByLabel('按姓名查找', { exact: true });
      await search.fill(name);
      await search.press('Enter');
      const row = page.locator('.ant-table-row').filter({ hasText: name }).filter({ hasText: month });
      await row.filter({ hasText: '112.51' }).filter({ hasText: '未交' }).waitFor();
      await page.getByLabel(`选择 ${name} ${month}`, { exact: true }).check();
      await page.getByRole('button', { name: /^登记交纳/ }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('pay-total').filter({ hasText: '112.51' }).waitFor();
      await dialog.getByRole('button', { name: /^登\s*记$/ }).click();
      await dialog.waitFor({ state: 'detached' });
      await row.filter({ hasText: '已交' }).waitFor();
      expect(await page.getByLabel(`选择 ${name} ${month}`, { exact: true }).isChecked()).toBe(false);
      expect(await page.getByLabel(`选择 ${name} ${month}`, { exact: true }).isDisabled()).toBe(true);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'dues-bills');

      // 党费明细: the member's bill with the ledger entry that paid it, the chain checked
      await row.getByTitle('查看党费明细').click();
      const drawer = page.getByRole('dialog');
      await drawer.getByTestId('statement-chain').filter({ hasText: '流水校验通过' }).waitFor();
      await drawer.locator('.ant-table-row').filter({ hasText: month }).filter({ hasText: '112.51' }).filter({ hasText: /流水 #\d+/ }).waitFor();
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'dues-statement');
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });

      // 收缴统计: this month's row
      await page.getByRole('menuitem', { name: '收缴统计' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/summary');
      await page.getByTestId('summary-table').locator('.ant-table-row').filter({ hasText: month }).waitFor();
      await page.getByTestId('arrears-table').waitFor();
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'dues-summary');
      // a month's figures lead to that month's bills
      await page.getByTestId('summary-table').getByRole('link', { name: month }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/bills' && u.searchParams.get('month') === month);
      await page.getByRole('heading', { name: '月度账单' }).waitFor();
    } catch (e) {
      for (const m of await page.locator('.ant-modal').all()) console.log('MODAL', await m.ariaSnapshot().catch((x: unknown) => String(x)));
      await screenshot(page, 'dues-failure').catch(() => undefined);
      throw e;
    } finally {
      await context.close();
    }
  });

  it('lets the branch propose 免交 and the county approve it, and runs the reconciliation', { timeout: 240_000 }, async () => {
    const month = h.deps.clock.today().slice(0, 7);
    const branch = await h.db.one<{ id: string }>(sql`
      SELECT o.id FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
    // a full member with this month's bill unpaid and no reduction yet (the last by name: the first test takes the first)
    const member = await h.db.one<{ id: string; name: string }>(sql`
      SELECT p.id, p.name FROM person p
      WHERE p.org_id = ${branch.id} AND p.status = 'full'
        AND EXISTS (SELECT 1 FROM dues_bill b WHERE b.person_id = p.id AND b.month = ${`${month}-01`}::date AND b.paid_on IS NULL)
        AND (SELECT count(*) FROM person q WHERE q.org_id = p.org_id AND q.name = p.name) = 1
      ORDER BY p.name DESC LIMIT 1`);
    const name = member.name;

    const sec = await newPage(browser);
    const county = await newPage(browser);
    try {
      const page = sec.page;
      await loginAs(page, base, 'secretary1');
      // 收缴登记 is the bill list starting from the unpaid bills
      await page.getByRole('menuitem', { name: '收缴登记' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/payments');
      await page.getByRole('heading', { name: '收缴登记' }).waitFor();
      await page.locator('.ant-table-row').filter({ hasText: '未交' }).first().waitFor();
      expect(await page.locator('.ant-table-row').filter({ hasText: '已交' }).count()).toBe(0);
      await page.getByRole('menuitem', { name: '减免审批' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/reductions');
      // secretary1 has no dues.approve: no 对账 in the menu
      expect(await page.getByRole('menuitem', { name: '对账' }).count()).toBe(0);
      // the form's checks as you type: the reason needs at least 4 characters
      await page.getByRole('button', { name: '提出减免' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.waitFor();
      await fillLabel(dialog, '理由', '因病');
      await dialog.getByText('请写明减免的理由（至少4个字）').waitFor();
      await dialog.getByRole('button', { name: /^取\s*消$/ }).click();
      await dialog.waitFor({ state: 'hidden' });
      // the proposal itself through the API with the secretary's session (the member search select is exercised by the base page test)
      const proposed = await page.request.post(`${base}/api/v1/dues/reductions`, {
        data: { personId: member.id, kind: 'exempt', fromMonth: month, toMonth: month, reason: '因病长期住院，家庭收入明显减少，经支部委员会研究提出' },
      });
      expect(proposed.status()).toBe(201);
      await page.reload();
      // the row is the lasting evidence (the toast may be gone on a slow machine)
      await page.locator('.ant-table-row').filter({ hasText: name }).filter({ hasText: '待审批' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

      const cp = county.page;
      await loginAs(cp, base, 'county');
      await cp.goto(`${base}/admin/dues/reductions`);
      const row = cp.locator('.ant-table-row').filter({ hasText: name }).filter({ hasText: '待审批' });
      await row.getByRole('button', { name: /^批\s*准$/ }).click();
      const confirm = cp.locator('.ant-modal-confirm');
      await confirm.getByLabel('审批意见', { exact: true }).fill('同意免交');
      await confirm.getByRole('button', { name: /^批\s*准$/ }).click();
      await cp.locator('.ant-table-row').filter({ hasText: name }).filter({ hasText: '已批准' }).waitFor();
      // the approval corrected this month's unpaid bill to nothing
      const exempt = await h.db.one<{ due: number }>(sql`SELECT b.due_fen::int AS due FROM dues_bill b JOIN person p ON p.id = b.person_id
        WHERE p.org_id = ${branch.id} AND p.name = ${name} AND b.month = ${`${month}-01`}::date`);
      expect(exempt.due).toBe(0);

      await cp.getByRole('menuitem', { name: '对账' }).click();
      await cp.waitForURL((u) => u.pathname === '/admin/dues/reconciliation');
      await cp.getByRole('button', { name: '开始对账' }).click();
      await cp.getByText(/核对一致（笔）/).waitFor();
      expect((await checkChineseGlyphs(cp)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(cp)).toBeLessThanOrEqual(0);
      await screenshot(cp, 'dues-reconciliation');
      await cp.goto(`${base}/admin/dues/reductions`);
      await cp.locator('.ant-table-row').filter({ hasText: name }).waitFor();
      await screenshot(cp, 'dues-reductions');
    } catch (e) {
      for (const p of [sec.page, county.page]) for (const m of await p.locator('.ant-modal').all()) console.log('MODAL', await m.ariaSnapshot().catch((x: unknown) => String(x)));
      await screenshot(sec.page, 'dues-failure-secretary').catch(() => undefined);
      await screenshot(county.page, 'dues-failure-county').catch(() => undefined);
      throw e;
    } finally {
      await sec.context.close();
      await county.context.close();
    }
  });
  it('lists the members without a base first, and a new member\'s first base starts this month with this month\'s bill', { timeout: 120_000 }, async () => {
    const month = h.deps.clock.today().slice(0, 7);
    const branch = await h.db.one<{ id: string }>(sql`
      SELECT o.id FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
    const { id } = await makeMember(h.deps, branch.id, { name: '上官新基' });
    // the month's bills exist for the branch (the demo data generated them)
    expect((await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dues_bill WHERE org_id = ${branch.id} AND month = ${`${month}-01`}::date`)).n).toBeGreaterThan(0);
    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      await page.getByRole('menuitem', { name: '基数设置' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/bases');
      await page.getByText(/名党员 \d{4}-\d{2} 没有执行中的党费基数/).waitFor();
      await page.getByText(/^未设置基数 \d+$/).click();
      const row = page.locator('.ant-table-row').filter({ hasText: '上官新基' });
      await row.getByText('未设置').waitFor();
      await screenshot(page, 'dues-bases-list');
      await row.getByRole('button', { name: '设置基数' }).click();
      await page.waitForURL((u) => u.searchParams.get('personId') === id);
      // a first base: from this month, said so under the field
      await page.getByText('首次设置：自本月起执行，本月账单随即生成').waitFor();
      expect(await page.getByLabel('执行月份', { exact: true }).inputValue()).toBe(month);
      await page.getByLabel('党费类别', { exact: true }).click();
      await pickOption(page, '在职（月工资收入）');
      await fillLabel(page, '计算基数', '4000');
      await page.getByRole('button', { name: '保存基数' }).click();
      await page.getByText(`自 ${month} 起每月应交 40.00 元；本月账单已生成`).waitFor();
    } finally {
      await context.close();
    }
    const bill = await h.db.one<{ due_fen: number; paid_on: string | null }>(sql`SELECT due_fen::int AS due_fen, paid_on FROM dues_bill WHERE person_id = ${id} AND month = ${`${month}-01`}::date`);
    expect(bill).toEqual({ due_fen: 4000, paid_on: null });
  });
  it('records the dues of several members at once (a branch meeting), one ledger payment each', { timeout: 120_000 }, async () => {
    const month = h.deps.clock.today().slice(0, 7);
    const branch = await h.db.one<{ id: string }>(sql`
      SELECT o.id FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
    // two members of the branch with an unpaid bill this month, unique by name there
    const two = await h.db.query<{ id: string; name: string; due_fen: number }>(sql`
      SELECT p.id, p.name, b.due_fen::int AS due_fen FROM person p JOIN dues_bill b ON b.person_id = p.id AND b.month = ${`${month}-01`}::date
      WHERE p.org_id = ${branch.id} AND b.paid_on IS NULL AND b.due_fen > 0
        AND (SELECT count(*) FROM person q WHERE q.org_id = p.org_id AND q.name = p.name) = 1
      ORDER BY p.name_pinyin LIMIT 2`);
    expect(two.length).toBe(2);
    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      await page.goto(`${base}/admin/dues/bills?status=unpaid&pageSize=100`);
      for (const m of two) await page.getByLabel(`选择 ${m.name} ${month}`, { exact: true }).check();
      await page.getByRole('button', { name: /^登记交纳（2 名党员 · 2 笔）/ }).click();
      const dialog = await openModal(page, '登记交纳 · 2 名党员');
      for (const m of two) await dialog.getByTestId('pay-members').getByText(`${m.name}：${month}`).waitFor();
      await screenshot(page, 'dues-pay-several');
      await dialog.getByRole('button', { name: /^登\s*记$/ }).click();
      await page.getByText(/已为 2 名党员登记交纳，合计 [\d,.]+ 元/).waitFor();
      await dialog.waitFor({ state: 'detached' });
    } finally {
      await context.close();
    }
    // one payment entry per member, each paying that member's bill
    const entries = await h.db.query<{ person_id: string; n: number }>(sql`
      SELECT e.person_id, count(*)::int AS n FROM dues_entry e JOIN dues_bill b ON b.id = e.bill_id
      WHERE e.person_id = ANY(${two.map((m) => m.id)}::uuid[]) AND b.month = ${`${month}-01`}::date AND e.kind = 'payment' GROUP BY e.person_id`);
    expect(entries.map((e) => e.n)).toEqual([1, 1]);
    const paid = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM dues_bill WHERE person_id = ANY(${two.map((m) => m.id)}::uuid[]) AND month = ${`${month}-01`}::date AND paid_on IS NOT NULL`);
    expect(paid.n).toBe(2);
  });
});
