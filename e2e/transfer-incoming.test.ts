import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { makeIdNumber } from '../tests/helpers/factory';
import { loginAs, newPage, screenshot, startDemo } from './browser';

// 外来介绍信 in Chromium: secretary1 registers a member who reports in with a
// paper letter from outside the installation (新增党员 → 增加方式 转入); the
// member and the accepted letter are created together and the letter's page
// shows it received.

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

describe('an incoming paper letter', () => {
  it('registers the member and the letter from the member form', { timeout: 180_000 }, async () => {
    const name = '外来转入测试';
    const idNumber = makeIdNumber('1986-04-12', 'female');
    const today = h.deps.clock.today(); // the demo server's business day (its clock is the real one, as the browser's)
    const { context, page } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      await page.goto(`${base}/admin/members/new?reason=transfer_in`);
      await page.getByText('凭本系统以外党组织开具的介绍信转入').waitFor();
      await page.getByLabel('开具介绍信的党组织').fill('中共某省某市某区机关工委');
      await page.getByLabel('介绍信编号').fill('第0087号');
      const date = async (label: string, value: string) => {
        await page.getByLabel(label, { exact: true }).fill(value);
        await page.getByLabel(label, { exact: true }).press('Tab');
      };
      await date('开具日期', today);
      await date('报到日期', today);
      await page.getByLabel('转接原因').fill('随配偶工作调动');
      await page.getByLabel('姓名').fill(name);
      await page.getByLabel('身份证号').fill(idNumber);
      await page.locator('input[type=radio][value=female]:checked').waitFor();
      const pick = async (label: string, option: string) => {
        await page.getByLabel(label).click();
        await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
      };
      await pick('学历', '大学本科');
      await pick('人员类别', '工人');
      await date('入党日期', '2010-07-01');
      await date('转正日期', '2011-07-01');
      await screenshot(page, 'transfer-incoming-form-1440');
      await page.getByRole('button', { name: /保\s*存/ }).click();
      await page.waitForURL(/\/admin\/transfers\/[0-9a-f-]{36}$/);
      await page.getByTestId('transfer-status').getByText('已接收').waitFor();
      await page.getByText('中共某省某市某区机关工委').first().waitFor();
      const row = await h.db.one<{ status: string; kind: string; n: number }>(sql`
        SELECT t.status, t.kind, (SELECT count(*)::int FROM membership m WHERE m.person_id = p.id AND m.valid_to IS NULL) AS n
        FROM person p JOIN transfer t ON t.person_id = p.id WHERE p.name = ${name}`);
      expect(row).toEqual({ status: 'accepted', kind: 'incoming', n: 1 });
    } finally {
      await context.close();
    }
  });
});
