import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CommunityList } from '../src/contracts/resident';
import { sql } from '../src/server/platform/sql';
import { ADMIN_VIEWPORT, checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT } from './browser';

// 群众注册 on a 360 px phone: from the login page, a phone number nobody has,
// the code (shown on screen in demo mode), a wrong code refused in the
// server's words, then the right one with a password, the community found by
// part of its name, one of its grids and the address; the resident lands on
// their own 首页 (two tabs, no Party data), changes the address under 我的;
// and secretary1, whose branch is that community, finds them under 群众 in
// the console with the phone number masked.

const demo = demoSuite();

describe('群众注册', () => {
  it('registers a resident on a small phone who then edits the address, and the community secretary sees them in the console', { timeout: 180_000 }, async () => {
    const { h, base, browser } = demo;
    const branch = await h.db.one<{ id: string; name: string }>(sql`
      SELECT o.id, o.name FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
    // the community as the public list offers it, with its grids
    const listed = await h.app.inject({ method: 'GET', url: `/api/v1/public/communities?q=${encodeURIComponent(branch.name)}` });
    expect(listed.statusCode, listed.body).toBe(200);
    const community = (listed.json() as CommunityList).items.find((c) => c.id === branch.id);
    expect(community, `${branch.name} is offered to residents`).toBeDefined();
    const grid = community!.grids[0] ?? null;
    // another community, one with grids: picked first, then replaced by the branch's, which empties the grid
    const all = await h.app.inject({ method: 'GET', url: '/api/v1/public/communities' });
    const gridded = (all.json() as CommunityList).items.find((c) => c.id !== branch.id && c.grids.length > 0);
    expect(gridded, 'a community with grids').toBeDefined();
    // part of a name, as a resident types it: without the Party suffix
    const partOf = (orgName: string) => orgName.replace(/(党支部|党总支部|委员会)$/, '');
    expect(partOf(branch.name)).not.toBe(branch.name);

    const phoneNumber = `1370000${String(crypto.randomInt(0, 10_000)).padStart(4, '0')}`;
    const name = '欧阳群芳';
    const password = `Juming#${crypto.randomInt(1000, 9999)}xq`;

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const desk = await newPage(browser, ADMIN_VIEWPORT);
    try {
      const m = phone.page;
      // a resident's pages call no Party route: nothing is refused
      const refused: string[] = [];
      m.on('response', (r) => {
        if (r.url().includes('/api/') && r.status() === 403) refused.push(r.url());
      });

      await m.goto(`${base}/login`);
      await m.getByRole('link', { name: '党员首次使用？激活账号' }).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-login-links-360');
      await m.getByRole('link', { name: '群众注册' }).click();
      await m.waitForURL(`${base}/register`);
      await m.getByRole('heading', { name: '群众注册' }).waitFor();
      await m.getByLabel('手机号').fill(phoneNumber);
      await m.getByRole('button', { name: '获取验证码' }).click();
      await m.getByText('验证码已发送到该手机号，10分钟内有效').waitFor();
      const shown = await m.getByText(/演示模式：验证码 \d{6}/).textContent();
      const code = /(\d{6})/.exec(shown ?? '')?.[1];
      expect(code).toMatch(/^\d{6}$/);
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-register-code-360');

      // -- the form, first with a wrong code
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      await m.getByLabel('验证码').fill(wrong);
      await m.getByLabel('姓名').fill(name);
      await m.getByLabel('设置密码').fill(password);
      await searchAndPick(m, m.getByLabel('所在村（社区）'), partOf(gridded!.name), gridded!.name);
      await m.getByLabel('网格').click();
      await m.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${gridded!.grids[0].name}"]`).click();
      const gridField = m.locator('.ant-form-item', { hasText: '网格' }).filter({ hasNotText: '所在村' });
      await gridField.getByTitle(gridded!.grids[0].name).waitFor();
      await screenshot(m, 'm-register-grid-360');
      // the branch's community, as searchAndPick does, looking at the options (the name, the unit below it)
      const communityInput = m.getByLabel('所在村（社区）');
      await communityInput.click();
      await communityInput.fill(partOf(branch.name));
      const results = m.locator(`.ant-select-dropdown:visible [data-search-settled="${partOf(branch.name)}"]`);
      await results.waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-register-community-options-360');
      await results.locator(`.ant-select-item-option[title="${branch.name}"]`).click();
      await gridField.getByTitle(gridded!.grids[0].name).waitFor({ state: 'detached' });
      if (grid) {
        await m.getByLabel('网格').click();
        await m.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${grid.name}"]`).click();
      } else {
        // a community without grids says so, and the field cannot be opened
        await m.getByText('该村（社区）未划分网格').waitFor();
      }
      await m.getByLabel('居住地址').fill('幸福路12号3单元502室');
      await screenshot(m, 'm-register-form-360');
      await m.getByRole('button', { name: '注册并登录' }).click();
      await m.locator('.ant-form-item-explain-error', { hasText: '验证码不正确，还可以再试4次' }).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-register-wrong-code-360');

      // -- the right code: registered and signed in
      await m.getByLabel('验证码').fill(code!);
      await m.getByRole('button', { name: '注册并登录' }).click();
      await m.waitForURL((u) => u.pathname === '/m');
      await m.getByTestId('resident-name').filter({ hasText: name }).waitFor();
      await m.getByTestId('resident-community').filter({ hasText: branch.name }).waitFor();
      await m.getByTestId('resident-grid').filter({ hasText: grid ? grid.name : '未选择网格' }).waitFor();
      await m.getByText('幸福路12号3单元502室').waitFor();
      const tabBar = m.getByRole('navigation', { name: '底部导航' });
      expect(await tabBar.getByRole('link').allTextContents()).toEqual(['首页', '我的']);
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(m)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(m, 'm-resident-home-360');

      // -- 我的: the profile, then a new address
      await tabBar.getByRole('link', { name: '我的' }).click();
      await m.waitForURL(`${base}/m/me`);
      await m.getByTestId('resident-phone').filter({ hasText: `137****${phoneNumber.slice(-4)}` }).waitFor();
      // the form holds the profile: the community picked at registration
      await m.locator('.ant-form-item', { hasText: '所在村（社区）' }).getByText(branch.name).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-resident-me-360');
      await m.getByLabel('居住地址').fill('和平街8号1单元301室');
      await m.getByRole('button', { name: /保\s*存/ }).click();
      await m.locator('.ant-message-notice', { hasText: '已保存' }).waitFor();
      await m.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-resident-me-saved-360');
      const saved = await h.db.one<{ address: string; version: number }>(sql`SELECT address, version FROM resident WHERE phone_masked = ${`137****${phoneNumber.slice(-4)}`} AND name = ${name}`);
      expect(saved).toEqual({ address: '和平街8号1单元301室', version: 2 });
      // 修改密码 opens for a resident too (it asks only the account's own routes)
      await m.getByRole('link', { name: /修改密码/ }).click();
      await m.waitForURL(`${base}/m/password`);
      await m.getByLabel('当前密码').waitFor();
      await m.getByRole('button', { name: '返回我的' }).click();
      await m.waitForURL(`${base}/m/me`);
      await tabBar.getByRole('link', { name: '首页' }).click();
      await m.getByText('和平街8号1单元301室').waitFor();
      // a Party page (a link someone sent) is none of a resident's: their 首页 instead, nothing asked of the server
      await m.goto(`${base}/m/dues`);
      await m.waitForURL((u) => u.pathname === '/m');
      await m.getByTestId('resident-name').filter({ hasText: name }).waitFor();
      expect(refused).toEqual([]);

      // -- the community's secretary finds the resident under 群众
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: /群众$/ }).click();
      await admin.waitForURL((u) => u.pathname === '/admin/residents');
      const table = admin.getByTestId('residents-table');
      await table.locator('.ant-table-row').first().waitFor();
      await admin.getByText(/^共 \d+ 人$/).waitFor();
      await admin.evaluate(() => window.scrollTo(0, 0));
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'residents-list-1440');
      await admin.getByLabel('姓名或地址').fill(name);
      await admin.getByLabel('姓名或地址').press('Enter');
      await admin.waitForURL((u) => u.searchParams.get('q') === name);
      const row = table.locator('.ant-table-row', { hasText: name });
      await row.getByText(`137****${phoneNumber.slice(-4)}`).waitFor();
      await row.getByText(branch.name).waitFor();
      await row.getByText('和平街8号1单元301室').waitFor();
      if (grid) await row.getByText(grid.name).waitFor();
      await admin.evaluate(() => window.scrollTo(0, 0));
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(admin)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(admin, 'residents-1440');
    } finally {
      await phone.context.close();
      await desk.context.close();
    }
  });
});
