import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { makeCandidate } from '../tests/helpers/factory';
import type { MyApprovals } from '../src/contracts/approvals';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// 待我审批 in Chromium against the demo county: the county's approver opens the
// queue from the menu (its badge shows the count), finds a file of secretary1's
// branch awaiting the superior's 审批 (step 17) and a proposed 免交, and each
// row leads to the page where it is decided. The phone lists the same queue.

let h: Harness;
let base: string;
let browser: Browser;
let fileId: string;
let reductionId: string;
const PERSON = '审批演示对象';

beforeAll(async () => {
  ({ h, base, browser } = await startDemo());
  const branch = await h.db.one<{ id: string }>(sql`
    SELECT g.org_id AS id FROM role_grant g JOIN account a ON a.id = g.account_id WHERE a.username = 'secretary1' AND g.revoked_at IS NULL`);
  // steps 1–16 recorded long ago: the oldest item of the queue, on its first page
  ({ fileId } = await makeCandidate(h.deps, branch.id, 16, '2016-01-04', PERSON));
  const member = await h.db.one<{ id: string; name: string }>(sql`SELECT id, name FROM person WHERE org_id = ${branch.id} AND status = 'full' ORDER BY name LIMIT 1`);
  reductionId = (await h.db.one<{ id: string }>(sql`INSERT INTO dues_reduction (person_id, org_id, kind, from_month, to_month, reason)
    VALUES (${member.id}, ${branch.id}, 'exempt', '2026-01-01', '2026-03-01', '长期患病，生活困难（审批演示）') RETURNING id`)).id;
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('approval queue', () => {
  it('opens 待我审批 from the menu with its count and clicks through to where each item is decided', { timeout: 180_000 }, async () => {
    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      const queue = (await page.evaluate(async () => (await fetch('/api/v1/me/approvals?limit=200')).json())) as MyApprovals;
      expect(queue.items.some((i) => i.objectId === fileId)).toBe(true);
      expect(queue.counts.dues_reduction).toBeGreaterThanOrEqual(1);

      const item = page.getByRole('menuitem', { name: /待我审批/ });
      await item.getByText(String(queue.total > 99 ? '99+' : queue.total), { exact: true }).waitFor();
      await item.click();
      await page.waitForURL((u) => u.pathname === '/admin/approvals');
      await page.locator('.ant-radio-button-wrapper', { hasText: `全部 ${queue.total}` }).waitFor();
      const row = page.locator('.ant-table-row', { hasText: PERSON });
      await row.getByText('上级党委审批接收预备党员（第17步）').waitFor();
      expect(await horizontalOverflow(page)).toBe(0);
      expect((await checkChineseGlyphs(page)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(page, 'approvals-1440');

      // the development item: the candidate's page, where the superior records step 17
      await row.getByRole('link', { name: /去审批|审批/ }).last().click();
      await page.waitForURL((u) => u.pathname === `/admin/development/candidates/${fileId}`);
      // antd spaces two-character button texts (登 记)
      await page.getByTestId('step-17').getByRole('button', { name: /^登\s*记$/ }).waitFor();

      // the reduction: the reductions page, the pending request marked, 批准 at hand
      await page.goBack();
      await page.locator('.ant-radio-button-wrapper', { hasText: '党费减免审批' }).click();
      await page.locator('.ant-table-row', { hasText: '免交党费，2026-01 至 2026-03' }).getByRole('link', { name: /审批/ }).last().click();
      await page.waitForURL((u) => u.pathname === '/admin/dues/reductions' && u.searchParams.get('focus') === reductionId);
      const focused = page.locator('.ant-table-row.row-focus');
      await focused.getByRole('button', { name: /^批\s*准$/ }).waitFor();
      expect(await focused.textContent()).toContain('审批演示');
      await screenshot(page, 'approvals-reduction-1440');
    } finally {
      await context.close();
    }
  });

  it('lists the queue on the phone for the approver at 360 px', { timeout: 120_000 }, async () => {
    const { context, page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(page, base, 'county');
      await page.goto(`${base}/m/approvals`);
      await page.getByRole('heading', { name: /待我审批（\d+）/ }).waitFor();
      await page.getByRole('link', { name: new RegExp(PERSON) }).waitFor();
      expect(await page.getByRole('link', { name: /审批/ }).count()).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'approvals-phone-360');
      await page.getByRole('link', { name: new RegExp(PERSON) }).click();
      await page.waitForURL((u) => u.pathname === `/admin/development/candidates/${fileId}`);
    } finally {
      await context.close();
    }
  });
});
