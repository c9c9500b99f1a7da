import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { makeAccount, PASSWORD } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT, openModal, startDemo } from './browser';

// 组织关系转接 in Chromium against the demo county: a letter from
// secretary1's branch to another branch under the same 基层党委 (no approval
// hop) is made and issued from 转接管理, the receiving branch accepts it on
// today's date, and secretary1's list shows it accepted.
//
// The receiving-branch picker finds any branch of the installation by name.

let h: Harness;

/** The table has its rows and its loading veil has faded out (the veil's opacity runs on a transition). */
async function tableSettled(page: Page) {
  await page.locator('.ant-table-wrapper .ant-spin-spinning').waitFor({ state: 'detached' });
  await page.waitForFunction(() => [...document.querySelectorAll('.ant-table-wrapper .ant-spin-container')].every((e) => getComputedStyle(e).opacity === '1'));
}

let base: string;
let browser: Browser;

beforeAll(async () => {
  ({ h, base, browser } = await startDemo());
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('relation transfers', () => {
  it('issues a letter to a sibling branch, the receiver accepts it, both lists agree', { timeout: 240_000 }, async () => {
    const from = await h.db.one<{ id: string; name: string; path: string }>(sql`
      SELECT o.id, o.name, o.path::text AS path FROM role_grant g JOIN account a ON a.id = g.account_id JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
    // a branch under the same committee (the nearest committee above secretary1's branch), unique by name
    const to = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM org o
      WHERE o.type = 'branch' AND o.id <> ${from.id} AND o.dissolved_on IS NULL
        AND subpath(o.path, 0, nlevel(o.path) - 1) = subpath(${from.path}::ltree, 0, nlevel(${from.path}::ltree) - 1)
        AND (SELECT count(*) FROM org q WHERE q.name = o.name) = 1
      ORDER BY o.name LIMIT 1`);
    // a member of the branch, unique by name in the county, with no open letter
    const member = await h.db.one<{ id: string; name: string }>(sql`
      SELECT p.id, p.name FROM person p
      WHERE p.org_id = ${from.id} AND p.is_current
        AND (SELECT count(*) FROM person q WHERE q.name = p.name AND q.is_current) = 1
        AND NOT EXISTS (SELECT 1 FROM transfer t WHERE t.person_id = p.id AND t.status IN ('draft', 'pending_approval', 'issued'))
      ORDER BY p.name LIMIT 1`);

    let letterPath = '';
    const sender = await newPage(browser);
    try {
      const page = sender.page;
      await loginAs(page, base, 'secretary1');
      await page.getByRole('menuitem', { name: '组织关系转接' }).click();
      await page.getByRole('menuitem', { name: '转接管理' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/transfers');
      await page.getByRole('button', { name: '新建转接' }).click();
      const modal = await openModal(page, '新建组织关系转接');
      await searchAndPick(page, modal.getByLabel('转出党员', { exact: true }), member.name);
      await searchAndPick(page, modal.getByLabel('接收党支部', { exact: true }), to.name);
      await modal.getByLabel('转接原因', { exact: true }).fill('工作调动（浏览器测试）');
      const preview = modal.getByTestId('transfer-preview');
      await preview.getByText('转接范围：同一基层党委内').waitFor();
      await preview.getByText(/有效期 \d+ 天；无需上级审批；党费交到/).waitFor();
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' });
      await screenshot(page, 'transfers-create-1440');

      await modal.getByRole('button', { name: '开具介绍信' }).click();
      await page.waitForURL((u) => /^\/admin\/transfers\/[0-9a-f-]{36}$/.test(u.pathname));
      letterPath = new URL(page.url()).pathname;
      await page.getByTestId('transfer-status').getByText('已开具').waitFor();
      const code = await page.getByTestId('letter-code').textContent();
      expect(code).toMatch(/^〔\d{4}〕第\d+号$/);
      await page.getByTestId('letter').getByText(to.name).waitFor();
      await page.getByTestId('transfer-events').getByText('开具', { exact: true }).waitFor();
      // the printable letter: an A4 PDF behind 打印介绍信
      const href = await page.getByTestId('print-letter').getAttribute('href');
      const pdf = await page.request.get(`${base}${href}`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
      await screenshot(page, 'transfers-detail-1440');
    } finally {
      await sender.context.close();
    }

    // the receiving branch: an account of its secretary
    const receiver = await makeAccount(h.deps, [{ role: 'secretary', orgId: to.id, scope: 'subtree' }]);
    const recv = await newPage(browser);
    try {
      const page = recv.page;
      await loginAs(page, base, receiver.username, PASSWORD);
      await page.goto(`${base}/admin/transfers`);
      await page.locator('.ant-segmented-item', { hasText: '转入' }).click();
      const row = page.locator('.ant-table-row', { hasText: member.name });
      await row.getByText('已开具').waitFor();
      await row.getByRole('link', { name: `查看 ${member.name} 的介绍信` }).click();
      await page.waitForURL((u) => u.pathname === letterPath);
      await page.getByRole('button', { name: /^接\s*收$/ }).click();
      const modal = await openModal(page, '接收组织关系');
      await modal.getByText(`${member.name} 的组织关系自该日起转入 ${to.name}`).waitFor();
      await modal.getByRole('button', { name: /^接\s*收$/ }).click();
      await modal.waitFor({ state: 'detached' });
      await page.getByTestId('transfer-status').getByText('已接收').waitFor();
      await page.getByTestId('transfer-events').getByText('接收', { exact: true }).waitFor();

      // the member, now of this branch: the record's 组织关系转接 tab lists the letter
      await page.goto(`${base}/admin/members/${member.id}`);
      await page.getByRole('tab', { name: '组织关系转接' }).click();
      await page.getByRole('tabpanel', { name: '组织关系转接' }).locator('.ant-table-row', { hasText: to.name }).getByText('已接收').waitFor();
    } finally {
      await recv.context.close();
    }

    const moved = await h.db.one<{ org_id: string }>(sql`SELECT org_id FROM person WHERE id = ${member.id}`);
    expect(moved.org_id).toBe(to.id);

    // secretary1's 转出 list shows the letter accepted
    const sec = await newPage(browser);
    try {
      const page = sec.page;
      await loginAs(page, base, 'secretary1');
      await page.goto(`${base}/admin/transfers`);
      await page.locator('.ant-table-row', { hasText: member.name }).getByText('已接收').waitFor();
      await tableSettled(page);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'transfers-list-1440');
    } finally {
      await sec.context.close();
    }

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const page = phone.page;
      await loginAs(page, base, 'secretary1');
      await page.goto(`${base}/admin/transfers`);
      await page.locator('.ant-table-row', { hasText: member.name }).waitFor();
      await tableSettled(page);
      await screenshot(page, 'transfers-list-360');
      // The admin header (管理范围 switcher, search, account) is wider than 360 px on every
      // admin page (admin-console checks the page's overflow above 1000 px only): the page's
      // own content must fit, and the page overflows no more than another admin page does.
      const card = page.locator('.ant-layout-content .ant-card').first();
      const box = (await card.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(SMALL_PHONE_VIEWPORT.width);
      expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      const overflow = await horizontalOverflow(page);
      await page.goto(`${base}/admin/account`);
      await page.locator('.ant-card-head-title', { hasText: '修改密码' }).waitFor();
      expect(overflow).toBeLessThanOrEqual(Math.max(0, await horizontalOverflow(page)));
    } finally {
      await phone.context.close();
    }
  });
});
