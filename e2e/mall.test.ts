import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, openModal, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// 积分商城 from the shelf to the pick-up desk: secretary1 lists a service of
// the branch in the console (上架商品, with its first stock); member1, on a
// 360 px phone, finds it under 我的 → 积分商城, redeems two with the stepper
// and is shown the redemption code, the pick-up place and the deadline, the
// points held; back at the console the secretary types the code at 领取核销,
// sees who took what, and the redemption reads 已领取 — typing the same code
// again is refused in the server's words, and the member's phone says 已领取.

const demo = demoSuite();

describe('积分商城', () => {
  it('lists an item, the member redeems it on the phone and the secretary fulfils the code at the desk', { timeout: 180_000 }, async () => {
    const { h, base, browser } = demo;
    const who = await h.db.one<{ name: string; balance: string }>(sql`SELECT p.name, coalesce((SELECT balance FROM point_account WHERE kind = 'member' AND person_id = p.id), 0) AS balance
      FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    const before = Number(who.balance);
    // months of dues paid on time and meetings attended: enough for two of the item below
    expect(before).toBeGreaterThanOrEqual(2);
    const price = Math.max(1, Math.min(20, Math.floor(before / 2)));
    const branch = await h.db.one<{ name: string }>(sql`
      SELECT o.name FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
    const itemName = '便民理发服务券';
    const place = '幸福社区党群服务中心一楼服务台';

    const desk = await newPage(browser);
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      // -- the supplier lists the item
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: '积分商城' }).click();
      await admin.waitForURL((u) => u.pathname === '/admin/mall');
      await admin.getByRole('button', { name: '上架商品' }).click();
      const create = await openModal(admin, '上架商品');
      // the supplier is the secretary's branch, chosen for them
      await create.getByText(branch.name).first().waitFor();
      await create.locator('.ant-radio-button-wrapper', { hasText: '服务' }).click();
      await create.getByLabel('商品名称').fill(itemName);
      await create.getByLabel('说明').fill('凭兑换码到社区理发点免费理发一次');
      await create.getByLabel('兑换积分').fill(String(price));
      await create.getByLabel('每人限兑').fill('3');
      await create.getByLabel('领取地点').fill(place);
      await create.getByLabel('首批库存').fill('5');
      await create.getByRole('button', { name: /^上\s*架$/ }).click();
      await create.waitFor({ state: 'detached' });
      const itemRow = admin.getByTestId('mall-items').locator('.ant-table-row', { hasText: itemName });
      await itemRow.getByTestId('mall-item-status').filter({ hasText: '上架' }).waitFor();
      await itemRow.getByText(branch.name).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'mall-items-1440');

      // -- the member redeems two on the phone
      const m = phone.page;
      await loginAs(m, base, 'member1');
      await m.getByRole('link', { name: '我的' }).click();
      await m.getByRole('link', { name: /积分商城/ }).click();
      await m.waitForURL(`${base}/m/mall`);
      await m.getByTestId('my-mall-balance-value').filter({ hasText: new RegExp(`^${before}$`) }).waitFor();
      const card = m.getByTestId('m-mall-item').filter({ hasText: itemName });
      await card.getByText(place).waitFor();
      await card.getByText('剩余').waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(m)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(m, 'm-mall-items-360');

      await card.getByRole('button', { name: `兑换：${itemName}` }).click();
      const sheet = m.getByRole('dialog', { name: '确认兑换' });
      await sheet.getByRole('button', { name: '增加数量' }).click();
      await sheet.getByTestId('redeem-quantity').filter({ hasText: /^2$/ }).waitFor();
      await sheet.getByTestId('redeem-total').getByText(`${price * 2} 积分`).waitFor();
      await sheet.getByRole('button', { name: /确认兑换/ }).click();
      const done = m.getByRole('dialog', { name: '兑换码' }).getByTestId('redeem-success');
      await done.getByText('兑换成功').waitFor();
      const code = (await done.getByTestId('redemption-code').textContent())!.trim();
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
      await done.getByText(place).waitFor();
      await done.getByTestId('pickup-by').filter({ hasText: /^\d{4}-\d{2}-\d{2} 前$/ }).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-mall-code-360');

      await done.getByRole('button', { name: '我的兑换' }).click();
      await done.waitFor({ state: 'detached' });
      const mine = m.getByTestId('my-redemption').filter({ hasText: itemName });
      await mine.getByTestId('redemption-status').filter({ hasText: '待领取' }).waitFor();
      await mine.getByTestId('redemption-code').filter({ hasText: code }).waitFor();
      // the points are held, not spent: 可用 went down by the total
      await m.getByTestId('my-mall-balance-value').filter({ hasText: new RegExp(`^${before - price * 2}$`) }).waitFor();
      await screenshot(m, 'm-mall-mine-360');

      // -- the desk checks the code (typed as the member reads it out, in lower case)
      await admin.getByRole('tab', { name: '兑换记录' }).click();
      const desk1 = admin.getByTestId('mall-fulfil');
      await desk1.getByLabel('兑换码').fill(code.toLowerCase());
      await desk1.getByRole('button', { name: /核\s*销$/ }).click();
      await desk1.getByTestId('fulfil-result').getByText(`已核销：${who.name} 领取 ${itemName} × 2`).waitFor();
      const row = admin.getByTestId('mall-redemptions').locator('.ant-table-row', { hasText: who.name }).filter({ hasText: itemName });
      await row.getByTestId('redemption-status').filter({ hasText: '已领取' }).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'mall-fulfil-1440');

      // the same code once more: refused in the server's words
      await desk1.getByLabel('兑换码').fill(code);
      await desk1.getByRole('button', { name: /核\s*销$/ }).click();
      await desk1.getByRole('alert').getByText('兑换码不正确，或该兑换已领取、已取消', { exact: false }).waitFor();

      // the supplier's stock ledger: the first stock, then the two taken by the redemption
      await admin.getByRole('tab', { name: '商品' }).click();
      await admin.getByRole('button', { name: `库存台账：${itemName}` }).click();
      const ledger = admin.getByRole('dialog', { name: `库存台账：${itemName}` });
      await ledger.getByTestId('stock-ledger').locator('.ant-table-row', { hasText: '首批入库' }).getByText('+5').waitFor();
      await ledger.getByTestId('stock-ledger').locator('.ant-table-row', { hasText: '兑换占用' }).getByText('-2').waitFor();
      await screenshot(admin, 'mall-ledger-1440');

      // -- the member's phone says it was picked up
      await m.reload();
      await m.getByTestId('my-redemption').filter({ hasText: itemName }).getByTestId('redemption-status').filter({ hasText: '已领取' }).waitFor();
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  });

  it('gives the secretary the pick-up desk on a small phone, refusing a code that waits nowhere in the servers words', { timeout: 120_000 }, async () => {
    const { base, browser } = demo;
    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      const m = phone.page;
      await loginAs(m, base, 'secretary1');
      await m.goto(`${base}/m/me`);
      await m.getByRole('link', { name: /领取核销/ }).click();
      await m.waitForURL(`${base}/m/mall/desk`);
      const desk = m.getByTestId('mall-fulfil');
      await desk.getByLabel('兑换码').fill('zzzzzzzz');
      await desk.getByRole('button', { name: /核\s*销$/ }).click();
      await desk.getByRole('alert').getByText('兑换码不正确，或该兑换已领取、已取消', { exact: false }).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(m)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(m, 'm-mall-desk-360');
    } finally {
      await phone.context.close();
    }
  });
});
