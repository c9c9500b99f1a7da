import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { todayShanghai } from '../src/web/shared/dates';
import { checkChineseGlyphs, demoSuite, horizontalOverflow, loginAs, newPage, screenshot, searchAndPick, SMALL_PHONE_VIEWPORT } from './browser';

// 群众需求 from the wish to the rating: resident1 publishes a need on a 360 px
// phone (维修服务, tomorrow morning); member1 registers the wish to take needs
// (接单意愿) in the same community on their phone; secretary1 at the console
// finds the need, sees member1 among the ranked volunteers and pushes it to
// them (派单); member1 claims it (接单), sees the resident name and phone,
// completes it with a note (办结); resident1 rates it 5 (非常满意); the
// console list reads 已评价 and the detail shows the rating.

const demo = demoSuite();

/** The day after a YYYY-MM-DD day. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Part of a community name, as someone types it: without the Party suffix. */
const partOf = (orgName: string) => orgName.replace(/(党支部|党总支部|委员会)$/, '');

describe('群众需求', () => {
  it('a resident publishes a need, the secretary pushes it to a member volunteer who claims and completes it, the resident rates it and the console reads it rated', { timeout: 240_000 }, async () => {
    const { h, base, browser } = demo;
    const home = await h.db.one<{ id: string; name: string; resident: string }>(sql`
      SELECT o.id, o.name, r.name AS resident FROM account a JOIN resident r ON r.account_id = a.id JOIN org o ON o.id = r.community_org_id WHERE a.username = 'resident1'`);
    const branch = await h.db.one<{ id: string }>(sql`
      SELECT g.org_id AS id FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL WHERE a.username = 'secretary1'`);
    expect(home.id, 'resident1 lives in the community of secretary1').toBe(branch.id);
    const member = await h.db.one<{ person_id: string; name: string }>(sql`SELECT p.id AS person_id, p.name FROM account a JOIN person p ON p.id = a.person_id WHERE a.username = 'member1'`);
    // member1 has not said yet that they take needs (the demo has no 接单意愿)
    expect(await h.db.maybeOne(sql`SELECT id FROM volunteer_profile WHERE person_id = ${member.person_id}`)).toBeNull();

    // not one of the demo data's titles: the rows below are found by it
    const title = '阳台晾衣架松动请帮忙加固';
    const place = '和平小区3栋2单元501室';
    const note = '已上门更换水龙头阀芯，试用不再漏水';
    const tomorrow = nextDay(todayShanghai());

    const phone = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const phone2 = await newPage(browser, SMALL_PHONE_VIEWPORT);
    const desk = await newPage(browser);
    try {
      // -- the resident publishes the need from their home page
      const r = phone.page;
      await loginAs(r, base, 'resident1');
      await r.getByTestId('resident-needs-link').waitFor();
      await r.getByTestId('resident-serve-link').waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-needs-resident-home-360');
      await r.getByTestId('resident-needs-link').click();
      await r.waitForURL(`${base}/m/needs`);
      await r.getByRole('button', { name: '发布需求' }).click();
      await r.getByLabel('需求类别').click();
      await r.locator('.ant-select-dropdown:visible .ant-select-item-option[title="维修服务"]').click();
      await r.getByLabel('需求标题').fill(title);
      await r.getByLabel('需求说明').fill('水龙头关不紧一直滴水，家中只有老人');
      await r.getByLabel('服务地点').fill(place);
      await r.getByLabel('开始时间').fill(`${tomorrow}T09:00`);
      await r.getByLabel('结束时间').fill(`${tomorrow}T11:00`);
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-needs-publish-360');
      await r.getByRole('button', { name: '发布需求' }).click();
      const rCard = r.getByTestId('m-need').filter({ hasText: title });
      await rCard.getByTestId('m-need-status').filter({ hasText: '待接单' }).waitFor();
      await rCard.getByText(`${tomorrow} 09:00—11:00`).waitFor();
      await rCard.getByRole('button', { name: `撤回：${title}` }).waitFor();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(r)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(r, 'm-needs-published-360');

      // -- a member of the community registers the wish to take needs, from 我的
      const m = phone2.page;
      await loginAs(m, base, 'member1');
      await m.getByRole('link', { name: '我的' }).click();
      await m.getByRole('link', { name: /身边需求/ }).click();
      await m.waitForURL(`${base}/m/serve`);
      await m.getByRole('heading', { name: '登记接单意愿' }).waitFor();
      await searchAndPick(m, m.getByLabel('服务的村（社区）'), partOf(home.name), home.name);
      await m.getByLabel('家电维修').check();
      await m.getByLabel('手机电脑').check();
      for (const slot of ['工作日白天', '工作日晚上', '周末']) await m.getByLabel(slot).check();
      expect(await m.getByRole('switch', { name: '现在接单' }).getAttribute('aria-checked')).toBe('true');
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-serve-profile-form-360');
      await m.getByRole('button', { name: '登记接单意愿' }).click();
      const summary = m.getByTestId('m-serve-profile');
      await summary.getByText(home.name).waitFor();
      await summary.getByText('接单中').waitFor();
      const mOpen = m.getByTestId('m-serve-open').filter({ hasText: title });
      await mOpen.getByText(place).waitFor();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-serve-open-360');

      // -- the secretary finds the need and pushes it to the member (派单)
      const admin = desk.page;
      await loginAs(admin, base, 'secretary1');
      await admin.getByRole('menuitem', { name: /群众需求/ }).click();
      await admin.waitForURL(`${base}/admin/needs`);
      const row = admin.getByTestId('needs').locator('.ant-table-row', { hasText: title });
      await row.getByTestId('need-status').filter({ hasText: '待接单' }).waitFor();
      await row.getByText(home.resident).waitFor();
      await row.getByText('维修服务').waitFor();
      await row.click();
      await admin.waitForURL((u) => u.pathname.startsWith('/admin/needs/'));
      await admin.getByTestId('need-facts').getByText(place).waitFor();
      const candidate = admin.getByTestId('need-candidates').locator('.ant-table-row', { hasText: member.name });
      await candidate.getByText('家电维修').waitFor();
      // registered after the need was published: ranked, not pushed yet
      await candidate.getByText('未推送').waitFor();
      await candidate.getByRole('checkbox', { name: `选择：${member.name}` }).check();
      await admin.getByRole('button', { name: /派单给所选/ }).click();
      await candidate.getByTestId('candidate-pushed').waitFor();
      await admin.locator('.ant-message-notice', { hasText: '已推送给 1 名志愿者' }).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      expect((await checkChineseGlyphs(admin)).cjkVsMissing).toBeGreaterThan(0);
      await screenshot(admin, 'needs-detail-1440');

      // -- the member sees it pushed to them, claims it and completes it
      await m.reload();
      await mOpen.getByText('推送给我').waitFor();
      await mOpen.getByRole('button', { name: `接单：${title}` }).click();
      const mine = m.getByTestId('m-serve-mine').filter({ hasText: title });
      await mine.getByTestId('m-serve-status').filter({ hasText: '已接单' }).waitFor();
      await mine.getByTestId('m-serve-publisher').getByText(home.resident).waitFor();
      expect(await mine.getByRole('link', { name: `拨打电话：${home.resident}` }).getAttribute('href')).toMatch(/^tel:1\d{10}$/);
      await mOpen.waitFor({ state: 'detached' });
      await mine.scrollIntoViewIfNeeded();
      expect(await horizontalOverflow(m)).toBeLessThanOrEqual(0);
      await screenshot(m, 'm-serve-claimed-360');
      await mine.getByRole('button', { name: `办结：${title}` }).click();
      await mine.getByLabel('办理情况').fill(note);
      await mine.getByRole('button', { name: '确认办结' }).click();
      await mine.getByTestId('m-serve-status').filter({ hasText: '已办结' }).waitFor();
      await mine.getByText(`办理情况：${note}`).waitFor();

      // -- the resident sees who helped and what was done, and rates it
      await r.reload();
      await rCard.getByTestId('m-need-status').filter({ hasText: '已办结' }).waitFor();
      await rCard.getByTestId('m-need-volunteer').filter({ hasText: member.name }).waitFor();
      await rCard.getByText(`办理情况：${note}`).waitFor();
      await rCard.getByRole('radio', { name: '5 星：非常满意' }).click();
      await rCard.getByText('非常满意').first().waitFor();
      await rCard.getByLabel('评价内容').fill('师傅来得很及时，谢谢');
      await rCard.scrollIntoViewIfNeeded();
      expect(await horizontalOverflow(r)).toBeLessThanOrEqual(0);
      await screenshot(r, 'm-needs-rate-360');
      await rCard.getByRole('button', { name: '提交评价' }).click();
      await rCard.getByTestId('m-need-status').filter({ hasText: '已评价' }).waitFor();
      await rCard.getByTestId('m-need-rating').filter({ hasText: '非常满意' }).waitFor();
      await rCard.scrollIntoViewIfNeeded();
      await screenshot(r, 'm-needs-rated-360');

      // the member sees the rating under 我接的单
      await m.reload();
      await mine.getByTestId('m-need-rating').filter({ hasText: '非常满意' }).waitFor();

      // -- the console list reads 已评价, the detail the rating
      await admin.goto(`${base}/admin/needs`);
      await row.getByTestId('need-status').filter({ hasText: '已评价' }).waitFor();
      expect(await horizontalOverflow(admin)).toBeLessThanOrEqual(0);
      await screenshot(admin, 'needs-list-1440');
      await row.click();
      await admin.getByTestId('need-rating').filter({ hasText: '非常满意' }).waitFor();
      await admin.getByTestId('need-facts').getByText(member.name).waitFor();
      await screenshot(admin, 'needs-detail-rated-1440');
    } finally {
      await phone.context.close();
      await phone2.context.close();
      await desk.context.close();
    }
  });
});
