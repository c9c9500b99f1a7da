import { describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, openModal, screenshot, SMALL_PHONE_VIEWPORT, demoSuite } from './browser';

// 党建云图 on the demo county: the county's map with its grids and zones, an
// org found by search with its card, the blind spots listed with their facts,
// and a new grid drawn on the map (geoman's polygon tool) that becomes a blind
// spot until an org answers for it.

const demo = demoSuite();

describe('党建云图', () => {
  it('shows the county map, finds an org and its card, lists the blind spots and draws a new grid', { timeout: 180_000 }, async () => {
    const { h, base, browser } = demo;
    const counts = await h.db.one<{ grids: number; zones: number }>(sql`SELECT count(*) FILTER (WHERE kind = 'grid')::int AS grids, count(*) FILTER (WHERE kind = 'zone')::int AS zones FROM map_area WHERE deleted_at IS NULL`);
    expect(counts.grids).toBeGreaterThan(0);
    const town = await h.db.one<{ name: string }>(sql`SELECT o.name FROM map_area a JOIN org o ON o.id = a.org_id WHERE a.kind = 'grid' ORDER BY o.seq LIMIT 1`);
    const { page } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      await page.getByRole('menuitem', { name: /党建云图/ }).click();
      await page.waitForURL((u) => u.pathname === '/admin/map');
      const map = page.getByTestId('map');
      await map.locator('.leaflet-overlay-pane canvas, .leaflet-overlay-pane svg').first().waitFor();
      expect((await checkChineseGlyphs(page, '党建云图')).cjkVsMissing).toBeGreaterThan(0);

      // search an org: the map flies there and its card shows the secretary with a masked phone
      await page.getByRole('combobox', { name: '在地图上查找' }).fill(town.name.slice(2, 5));
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: `${town.name}（党组织）` }).click();
      const card = page.getByTestId('org-card');
      await card.getByRole('heading', { name: town.name }).waitFor();
      await card.getByText('党员数').waitFor();
      await screenshot(page, 'map-county-card');

      // the blind spots, with the facts behind each
      await page.locator('.ant-segmented-item').filter({ hasText: '党建盲区' }).click();
      const blind = page.getByTestId('blind-spots');
      const before = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM map_area a WHERE a.kind = 'grid' AND a.deleted_at IS NULL AND a.responsible_org_id IS NULL`);
      await blind.getByText('未确定负责的党组织，也不在任何党建责任区内').first().waitFor();
      await blind.getByText(/已有 3 名以上正式党员，应单独建立党组织/).first().waitFor();
      const gridCount = async () => Number((await blind.locator('label.ant-radio-button-wrapper').filter({ hasText: '无负责网格' }).innerText()).replace(/\D/g, ''));
      const blindBefore = await gridCount();
      expect(blindBefore).toBeGreaterThan(0);
      expect(blindBefore).toBeLessThan(before.n); // a zone covers some of the grids without an org
      await screenshot(page, 'map-county-blind-spots');

      // draw a grid east of every responsibility zone: open the map there, then
      // four corners, back to the first
      const east = await h.db.one<{ lng: number; lat: number }>(sql`SELECT max(max_lng) + 0.2 AS lng, avg((min_lat + max_lat) / 2) AS lat FROM map_area WHERE kind = 'zone' AND deleted_at IS NULL`);
      await page.goto(`${base}/admin/map?tab=blind&at=${east.lng},${east.lat}`);
      await blind.getByText('未确定负责的党组织，也不在任何党建责任区内').first().waitFor();
      expect(await gridCount()).toBe(blindBefore);
      await page.getByRole('button', { name: '绘制区域' }).click();
      const bb = (await map.boundingBox())!;
      const at = (fx: number, fy: number) => ({ x: bb.x + bb.width * fx, y: bb.y + bb.height * fy });
      for (const p of [at(0.4, 0.4), at(0.6, 0.4), at(0.6, 0.6), at(0.4, 0.6), at(0.4, 0.4)]) await page.mouse.click(p.x, p.y);
      const form = await openModal(page, '新建区域');
      await form.getByRole('button', { name: '保 存' }).click();
      await form.getByText('请填写名称').waitFor(); // refused in Chinese without a name
      await form.getByLabel('名称').fill('浏览器测试网格');
      await form.getByLabel('常住人口').fill('1500');
      await form.getByRole('button', { name: '保 存' }).click();
      await form.waitFor({ state: 'detached' });
      await page.getByText('已新建').waitFor();
      const saved = await h.db.one<{ residents: number; responsible_org_id: string | null; min_lng: number; max_lng: number }>(sql`SELECT residents, responsible_org_id, min_lng, max_lng FROM map_area WHERE name = '浏览器测试网格'`);
      expect(saved.residents).toBe(1500);
      expect(saved.responsible_org_id).toBeNull();
      expect(saved.max_lng).toBeGreaterThan(saved.min_lng);
      // the new grid has no responsible org and lies outside every zone: one more blind grid
      await blind.locator('label.ant-radio-button-wrapper').filter({ hasText: new RegExp(`无负责网格\\D*${blindBefore + 1}(\\D|$)`) }).waitFor();
      expect(await gridCount()).toBe(blindBefore + 1);
    } finally {
      await page.context().close();
    }
  });

  it('fits a small phone: the map above its side panel, nothing wider than the screen', { timeout: 120_000 }, async () => {
    const { base, browser } = demo;
    const { page } = await newPage(browser, SMALL_PHONE_VIEWPORT);
    try {
      await loginAs(page, base, 'county');
      await page.goto(`${base}/admin/map?tab=blind`);
      await page.getByTestId('blind-spots').getByText('未确定负责的党组织，也不在任何党建责任区内').first().waitFor();
      const [map, side] = await Promise.all([page.getByTestId('map').boundingBox(), page.getByTestId('blind-spots').boundingBox()]);
      expect(side!.y).toBeGreaterThan(map!.y + map!.height - 1);
      expect(await horizontalOverflow(page)).toBe(0);
      await screenshot(page, 'map-360');
    } finally {
      await page.context().close();
    }
  });
});
