import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { scanWarnings } from '../src/server/domains/warning';
import type { Harness } from '../tests/helpers/harness';
import { checkChineseGlyphs, loginAs, newPage, openModal, screenshot, startDemo } from './browser';

// 预警中心 on the demo county: one scan (a cycle of the job) finds the
// county's warnings; secretary1 sees the branch's, with the badge in the menu,
// acknowledges one and resolves another with a note (refused without one).

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

describe('预警中心', () => {
  it('lists the branch warnings after a scan, and the secretary acknowledges and resolves them', { timeout: 180_000 }, async () => {
    const scan = await scanWarnings(h.deps);
    expect(scan.failed).toEqual([]);
    const branch = await h.db.one<{ id: string; path: string }>(sql`
      SELECT o.id, o.path::text AS path FROM account a JOIN role_grant g ON g.account_id = a.id AND g.revoked_at IS NULL JOIN org o ON o.id = g.org_id WHERE a.username = 'secretary1'`);
    // two warnings of the branch's own to act on, whatever else the scan found
    await h.db.exec(sql`INSERT INTO warning (key, module, kind, org_id, title, detail, level, link, discovered_at, updated_at)
      VALUES ('org.browser-a:' || ${branch.id}, 'org', 'no_secretary', ${branch.id}, '浏览器测试支部', '书记岗位空缺（浏览器测试）', 'error', '/admin/orgs', now(), now()),
             ('org.browser-b:' || ${branch.id}, 'org', 'term_expiring', ${branch.id}, '浏览器测试支部', '任期即将届满（浏览器测试）', 'warning', '/admin/orgs', now(), now())`);
    const expected = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM warning w JOIN org o ON o.id = w.org_id
      WHERE w.cleared_at IS NULL AND w.status = 'open' AND o.path <@ ${branch.path}::ltree`);

    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'secretary1');
      // the badge beside the menu item counts the open warnings in scope
      const item = page.getByRole('menuitem', { name: /预警中心/ });
      await item.getByLabel(`待处理预警 ${expected.n} 条`).waitFor();
      await item.click();
      await page.waitForURL((u) => u.pathname === '/admin/warnings');
      const table = page.getByTestId('warnings');
      const statusTabs = page.getByRole('radiogroup', { name: '预警状态' });
      await table.locator('.ant-table-row').first().waitFor();
      await statusTabs.getByText(`待处理 ${expected.n}`, { exact: true }).waitFor();
      expect((await checkChineseGlyphs(page, '预警中心')).cjkVsMissing).toBeGreaterThan(0);

      // 知悉 the first open one
      const first = table.locator('.ant-table-row').filter({ has: page.getByRole('button', { name: /^确认知悉：/ }) }).first();
      const firstTitle = (await first.getByRole('button', { name: /^确认知悉：/ }).getAttribute('aria-label'))!.replace('确认知悉：', '');
      await first.getByRole('button', { name: /^确认知悉：/ }).click();
      const ack = await openModal(page, '确认知悉');
      await ack.getByLabel('说明（可选）').fill('已安排专人跟进');
      await ack.getByRole('button', { name: '确认知悉' }).click();
      await ack.waitFor({ state: 'detached' });
      await statusTabs.getByText(`待处理 ${expected.n - 1}`, { exact: true }).waitFor();
      await statusTabs.getByText(/^已知悉/).click();
      await table.getByText('说明：已安排专人跟进').first().waitFor();

      // 办结 needs a note
      await statusTabs.getByText(/^待处理/).click();
      const row = table.locator('.ant-table-row').filter({ has: page.getByRole('button', { name: /^办结：/ }) }).first();
      await row.getByRole('button', { name: /^办结：/ }).click();
      const done = await openModal(page, '办结预警');
      await done.getByRole('button', { name: '办 结' }).or(done.getByRole('button', { name: '办结' })).click();
      await done.getByText('办结时请填写处理说明').first().waitFor();
      await done.getByLabel('处理说明').fill('已召开支部委员会研究，责任落实到人');
      await done.getByRole('button', { name: '办 结' }).or(done.getByRole('button', { name: '办结' })).click();
      await done.waitFor({ state: 'detached' });
      await statusTabs.getByText(`待处理 ${expected.n - 2}`, { exact: true }).waitFor();
      await screenshot(page, 'warnings-1440');

      const stored = await h.db.query<{ status: string; note: string | null; title: string }>(sql`SELECT w.status, w.note, w.title FROM warning w JOIN org o ON o.id = w.org_id
        WHERE w.cleared_at IS NULL AND w.status <> 'open' AND o.path <@ ${branch.path}::ltree ORDER BY w.updated_at`);
      expect(stored.map((s) => s.status).sort()).toEqual(['acknowledged', 'resolved']);
      expect(stored.find((s) => s.status === 'acknowledged')!).toMatchObject({ title: firstTitle, note: '已安排专人跟进' });
      expect(stored.find((s) => s.status === 'resolved')!.note).toBe('已召开支部委员会研究，责任落实到人');
    } finally {
      await context.close();
    }
  });
});
