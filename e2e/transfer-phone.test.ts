import crypto from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { TransferDetail } from '../src/contracts/transfer';
import { login, type Harness } from '../tests/helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../tests/helpers/factory';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, SMALL_PHONE_VIEWPORT, startDemo } from './browser';

// The member's 组织关系 on a 360 px phone (request a transfer, withdraw it) and
// the public page behind the QR code of a printed letter (no login).

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

describe('组织关系 on the member phone', () => {
  it('member1 requests a transfer at 360 px, sees it 待支部办理 and withdraws it', async () => {
    const destination = `某某街道第${tag()}社区党支部`;
    const { context, page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(page, base, 'member1');
      await page.getByRole('link', { name: '我的' }).click();
      await page.waitForURL(`${base}/m/me`);
      await page.getByRole('link', { name: /组织关系/ }).click();
      await page.waitForURL(`${base}/m/transfers`);
      await page.getByRole('heading', { name: '申请转接组织关系' }).waitFor();

      // both fields are required
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByText('请填写转往的单位或党组织').waitFor();
      await page.getByText('请填写转接原因').waitFor();

      await page.getByLabel('转往').fill(destination);
      await page.getByLabel('转接原因').fill('工作调动到外地');
      await page.getByRole('button', { name: '提交申请' }).click();
      await page.getByTestId('transfer-request-sent').filter({ hasText: '已提交，支部将与您联系' }).waitFor();
      const item = page.getByTestId('my-transfer-requests').locator('li').filter({ hasText: destination });
      await item.getByText('待支部办理', { exact: true }).waitFor();
      await item.getByText('工作调动到外地').waitFor();
      // one open request at a time: the form is gone until the branch answers
      expect(await page.getByRole('heading', { name: '申请转接组织关系' }).count()).toBe(0);

      const glyphs = await checkChineseGlyphs(page);
      expect(glyphs.cjkInk).toBeGreaterThan(0);
      expect(glyphs.cjkVsMissing).toBeGreaterThan(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-transfers-360');

      await item.getByRole('button', { name: '撤回申请' }).click();
      await page.getByRole('dialog').getByRole('button', { name: '撤回申请' }).click();
      await item.getByText('已撤回', { exact: true }).waitFor();
      await page.getByRole('dialog').waitFor({ state: 'hidden' });
      await page.getByRole('heading', { name: '申请转接组织关系' }).waitFor();
      const row = await h.db.one<{ status: string }>(sql`SELECT status FROM transfer_request WHERE destination = ${destination}`);
      expect(row.status).toBe('withdrawn');
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'm-transfers-withdrawn-360');
    } finally {
      await context.close();
    }
  });
});

describe('the public letter check behind the QR code', () => {
  it('shows 真实有效 with the number for an issued letter, 真实但已失效 once revoked and 未找到 for an unknown code, at 360 px without logging in', async () => {
    // a branch issues a letter to a sister branch of the same committee (no approval needed)
    const root = await makeRoot(h.deps, `核验测试县委${tag()}`);
    const town = await makeOrg(h.deps, root, 'committee', `核验测试镇党委${tag()}`);
    const from = await makeOrg(h.deps, town, 'branch', '核验转出支部');
    const to = await makeOrg(h.deps, town, 'branch', '核验接收支部');
    const member = await makeMember(h.deps, from.id, { name: '核验党员', since: '2020-01-01' });
    const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: from.id, scope: 'subtree' }])).username, PASSWORD);
    const created = await sec.post('/api/v1/transfers', { personId: member.id, toOrgId: to.id, reason: '工作调动' });
    expect(created.statusCode, created.body).toBe(201);
    const id = (created.json() as { id: string }).id;
    const { version } = await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`);
    const issued = await sec.post(`/api/v1/transfers/${id}/issue`, { version });
    expect(issued.statusCode, issued.body).toBe(200);
    const letter = (await sec.get(`/api/v1/transfers/${id}`)).json() as TransferDetail;
    expect(letter.status).toBe('issued');
    const { code } = await h.db.one<{ code: string }>(sql`SELECT verify_code AS code FROM transfer WHERE id = ${id}`);

    const { context, page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await page.goto(`${base}/verify/transfer/${code}`);
      expect(new URL(page.url()).pathname).toBe(`/verify/transfer/${code}`); // no login asked
      const result = page.getByTestId('verify-result');
      await result.getByRole('heading', { name: '真实有效' }).waitFor();
      await result.getByText(letter.letterCode!, { exact: true }).waitFor();
      await result.getByText(town.name, { exact: true }).waitFor();
      await result.getByText('核验接收支部', { exact: true }).waitFor();
      await page.getByText('不显示党员的任何个人信息').waitFor();
      expect(await page.getByText('核验党员').count()).toBe(0);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'verify-transfer-360');

      // the branch revokes it: still genuine, no longer usable
      const v2 = (await h.db.one<{ version: number }>(sql`SELECT version FROM transfer WHERE id = ${id}`)).version;
      const revoked = await sec.post(`/api/v1/transfers/${id}/revoke`, { version: v2, reason: '党员暂不调动' });
      expect(revoked.statusCode, revoked.body).toBe(200);
      await page.reload();
      await result.getByRole('heading', { name: '真实但已失效' }).waitFor();
      await result.getByText(letter.letterCode!, { exact: true }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'verify-transfer-revoked-360');

      await page.goto(`${base}/verify/transfer/${'x'.repeat(24)}`);
      await result.getByRole('heading', { name: '未找到' }).waitFor();
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await screenshot(page, 'verify-transfer-unknown-360');
    } finally {
      await context.close();
    }
  });
});
