import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { makeMember } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT, openModal, startDemo } from './browser';

// 流动党员 and 失联党员 in Chromium against the demo county: secretary1 issues
// a 活动证 to a member of her branch and sees it listed; on 失联党员 she
// records a contact attempt for a member out of touch since 2019 and proposes
// 停止党籍; the county opens 待我审批, follows the link to 失联党员 (the
// decision marked) and approves it; the member is off the list.

let h: Harness;
let base: string;
let browser: Browser;
let branchId: string;
const AWAY = '流动演示党员';
const LOST = '失联演示党员';

/** The table has its rows and its loading veil has faded out (the veil's opacity runs on a transition). */
async function tableSettled(page: Page) {
  await page.locator('.ant-table-wrapper .ant-spin-spinning').waitFor({ state: 'detached' });
  await page.waitForFunction(() => [...document.querySelectorAll('.ant-table-wrapper .ant-spin-container')].every((e) => getComputedStyle(e).opacity === '1'));
}

beforeAll(async () => {
  ({ h, base, browser } = await startDemo());
  const branch = await h.db.one<{ id: string }>(sql`
    SELECT g.org_id AS id FROM role_grant g JOIN account a ON a.id = g.account_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
  branchId = branch.id;
  await makeMember(h.deps, branch.id, { name: AWAY, since: '2015-03-01' });
  // no contact, no dues since the relation started in 2019: 失联
  await makeMember(h.deps, branch.id, { name: LOST, since: '2019-04-01' });
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('mobile and lost-contact members', () => {
  it('issues a 活动证, records a contact, proposes 停止党籍, and the county approves it from 待我审批', { timeout: 240_000 }, async () => {
    const sec = await newPage(browser);
    try {
      const page = sec.page;
      await loginAs(page, base, 'secretary1');
      await page.getByRole('menuitem', { name: '组织关系转接' }).click();
      await page.getByRole('menuitem', { name: '流动党员' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/transfers/mobile');
      await page.getByRole('button', { name: '发放活动证' }).click();
      const modal = await openModal(page, '发放流动党员活动证');
      await searchAndPick(page, modal.getByLabel('党员', { exact: true }), AWAY);
      await modal.getByLabel('外出地点', { exact: true }).fill('广东省深圳市宝安区');
      await modal.getByLabel('外出原因', { exact: true }).fill('外出务工（浏览器测试）');
      await modal.getByRole('button', { name: /^发\s*放$/ }).click();
      await modal.waitFor({ state: 'detached' });
      const row = page.locator('.ant-table-row', { hasText: AWAY });
      await row.getByText('广东省深圳市宝安区').waitFor();
      await row.getByText('已发证').waitFor();
      await row.getByText(/^流动〔\d{4}〕第\d+号$/).waitFor();
      // outside the installation (no host branch): home registers the arrival, renews, records reports, takes it back
      await row.getByRole('button', { name: `流入地登记 ${AWAY}` }).waitFor();
      await row.getByRole('button', { name: `收回 ${AWAY}` }).waitFor();
      // the certificate's history unfolds under the row
      await row.getByRole('button', { name: /展开行|Expand row/ }).click();
      await page.locator('.ant-table-expanded-row', { hasText: '发放活动证' }).waitFor();
      await tableSettled(page);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'transfer-mobile-1440');

      await page.getByRole('menuitem', { name: '失联党员' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/transfers/lost-contact');
      const lost = page.getByTestId('lost-contact-list').locator('.ant-table-row', { hasText: LOST });
      await lost.getByText('失联', { exact: true }).waitFor();
      await lost.getByText('组织关系转入或建档').waitFor();
      await lost.getByText('0 次').waitFor();
      await lost.getByRole('button', { name: `登记联系 ${LOST}` }).click();
      const contact = await openModal(page, `登记联系：${LOST}`);
      await contact.getByLabel('说明', { exact: true }).fill('电话停机（浏览器测试）');
      await contact.getByRole('button', { name: /^登\s*记$/ }).click();
      await contact.waitFor({ state: 'detached' });
      // an attempt that did not reach the member: counted, still 失联
      await lost.getByText('1 次').waitFor();
      await lost.getByText('失联', { exact: true }).waitFor();

      await lost.getByRole('button', { name: `支部处理决议 ${LOST}` }).click();
      const propose = await openModal(page, `支部处理决议：${LOST}`);
      await propose.getByLabel('停止党籍').check();
      await propose.getByLabel('决议内容', { exact: true }).fill('经支部大会讨论，该同志超过6个月与党组织失去联系，多次联系未果，决定停止其党籍');
      await propose.getByRole('button', { name: '报上级党委审批' }).click();
      await propose.waitFor({ state: 'detached' });
      await lost.getByText('待上级审批').waitFor();
      const decisions = page.getByTestId('lost-contact-decisions');
      await decisions.locator('.ant-table-row', { hasText: LOST }).getByText('待上级审批').waitFor();
      await tableSettled(page);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'transfer-lost-contact-1440');
    } finally {
      await sec.context.close();
    }

    const county = await newPage(browser);
    try {
      const page = county.page;
      await loginAs(page, base, 'county');
      await page.getByRole('menuitem', { name: /待我审批/ }).click();
      await page.waitForURL((u) => u.pathname === '/admin/approvals');
      await page.locator('.ant-radio-button-wrapper', { hasText: '失联党员处理审批' }).click();
      const item = page.locator('.ant-table-row', { hasText: LOST });
      await item.getByText('失联党员处理：停止党籍').waitFor();
      await item.getByRole('link', { name: `审批 ${LOST} 的失联党员处理决议` }).click();
      await page.waitForURL((u) => u.pathname === '/admin/transfers/lost-contact' && !!u.searchParams.get('decision'));
      const focused = page.locator('.ant-table-row.row-focus', { hasText: LOST });
      await focused.getByRole('button', { name: /^批\s*准$/ }).waitFor();
      await tableSettled(page);
      await screenshot(page, 'transfer-lost-contact-county-1440');
      await focused.getByRole('button', { name: /^批\s*准$/ }).click();
      const modal = await openModal(page, `批准：${LOST}`);
      await modal.getByText('移出党员名册').waitFor();
      await modal.getByRole('button', { name: /^批\s*准$/ }).click();
      await modal.waitFor({ state: 'detached' });
      await focused.getByText('已批准').waitFor();
      // off the list of members out of touch (the county's list runs to many pages: the branch's own)
      const left = (await page.evaluate(async (orgId) => (await fetch(`/api/v1/lost-contact-members?orgId=${orgId}&pageSize=100`)).json(), branchId)) as { items: { name: string }[]; total: number };
      expect(left.total).toBeLessThanOrEqual(100);
      expect(left.items.map((i) => i.name)).not.toContain(LOST);
    } finally {
      await county.context.close();
    }
    const p = await h.db.one<{ status: string }>(sql`SELECT status FROM person WHERE name = ${LOST}`);
    expect(p.status).toBe('suspended');
  });

  it('answers members\' own requests on 转接管理 (党员申请): a letter drafted from one, the other declined', { timeout: 180_000 }, async () => {
    const branch = await h.db.one<{ id: string; path: string }>(sql`SELECT id, path::text AS path FROM org WHERE id = ${branchId}`);
    const to = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM org o
      WHERE o.type = 'branch' AND o.id <> ${branch.id} AND o.dissolved_on IS NULL
        AND subpath(o.path, 0, nlevel(o.path) - 1) = subpath(${branch.path}::ltree, 0, nlevel(${branch.path}::ltree) - 1)
      ORDER BY o.name LIMIT 1`);
    const asking = await makeMember(h.deps, branch.id, { name: '申请转出党员', since: '2016-03-01' });
    const declined = await makeMember(h.deps, branch.id, { name: '申请未准党员', since: '2016-03-01' });
    await h.db.exec(sql`INSERT INTO transfer_request (person_id, org_id, to_org_id, destination, reason, status) VALUES
      (${asking.id}, ${branch.id}, ${to.id}, ${to.name}, '工作调动（浏览器测试）', 'open'),
      (${declined.id}, ${branch.id}, NULL, '外省某公司', '随配偶迁居（浏览器测试）', 'open')`);

    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      // the notification's link selects the segment
      await page.goto(`${base}/admin/transfers?tab=requests`);
      await page.locator('.ant-segmented-item-selected', { hasText: '党员申请' }).waitFor();
      const row = page.locator('.ant-table-row', { hasText: '申请转出党员' });
      await row.getByText('待支部办理').waitFor();
      await row.getByRole('button', { name: '为 申请转出党员 起草介绍信' }).click();
      const modal = await openModal(page, '新建组织关系转接');
      expect(await modal.getByLabel('转出党员', { exact: true }).inputValue()).toBe('申请转出党员');
      expect(await modal.getByLabel('转接原因', { exact: true }).inputValue()).toBe('工作调动（浏览器测试）');
      await modal.locator('.ant-select', { hasText: to.name }).waitFor();
      await modal.getByTestId('transfer-preview').getByText('转接范围：同一基层党委内').waitFor();
      await modal.getByRole('button', { name: '保存草稿' }).click();
      await page.waitForURL((u) => /^\/admin\/transfers\/[0-9a-f-]{36}$/.test(u.pathname));
      await page.getByTestId('transfer-status').getByText('草稿').waitFor();

      await page.goto(`${base}/admin/transfers?tab=requests`);
      await row.getByText('支部已起草介绍信').waitFor();
      const other = page.locator('.ant-table-row', { hasText: '申请未准党员' });
      await other.getByRole('button', { name: '不同意 申请未准党员 的申请' }).click();
      const decline = await openModal(page, '不同意 申请未准党员 的转接申请');
      await decline.getByLabel('不同意的原因', { exact: true }).fill('尚有党费未交清，请交清后再申请');
      await decline.getByRole('button', { name: '不同意' }).click();
      await decline.waitFor({ state: 'detached' });
      await other.getByText('支部未同意').waitFor();
      await other.getByText('尚有党费未交清，请交清后再申请').waitFor();
      await tableSettled(page);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'transfer-requests-1440');
    } finally {
      await context.close();
    }
  });

  it('keeps both pages within a 360 px screen (the tables scroll inside their cards)', { timeout: 120_000 }, async () => {
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const page = phone.page;
      await loginAs(page, base, 'secretary1');
      for (const [path, testId] of [['/admin/transfers/mobile', null], ['/admin/transfers/lost-contact', 'lost-contact-list']] as const) {
        await page.goto(`${base}${path}`);
        await page.locator('.ant-table-row').first().waitFor();
        await tableSettled(page);
        const card = testId ? page.getByTestId(testId) : page.locator('.ant-layout-content .ant-card').first();
        const box = (await card.boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(SMALL_PHONE_VIEWPORT.width);
        expect(await card.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
      }
      await screenshot(page, 'transfer-lost-contact-360');
    } finally {
      await phone.context.close();
    }
  });
});
