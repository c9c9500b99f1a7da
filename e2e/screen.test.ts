import fs from 'node:fs';
import JSZip from 'jszip';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import { scanWarnings } from '../src/server/domains/warning';
import type { Harness } from '../tests/helpers/harness';
import { checkChineseGlyphs, horizontalOverflow, loginAs, newPage, screenshot, startDemo } from './browser';

// 党建大屏 on the demo county at 1920×1080: the county's figures in Chinese,
// a child clicked to drill down and the breadcrumb back up, a warning ticker,
// and nobody's name anywhere on the screen (it hangs in public rooms).

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

describe('党建大屏', () => {
  it('shows the county at 1920×1080, drills into a town and back, and names no member', { timeout: 180_000 }, async () => {
    expect((await scanWarnings(h.deps)).failed).toEqual([]);
    const root = await h.db.one<{ id: string; name: string; members: number }>(sql`
      SELECT o.id, o.name, (SELECT count(*)::int FROM person p JOIN org x ON x.id = p.org_id WHERE x.path <@ o.path AND p.is_current) AS members
      FROM org o WHERE o.parent_id IS NULL ORDER BY o.seq LIMIT 1`);
    const child = await h.db.one<{ id: string; name: string }>(sql`SELECT id, name FROM org WHERE parent_id = ${root.id} AND dissolved_on IS NULL ORDER BY seq LIMIT 1`);

    const { page, context } = await newPage(browser, { width: 1920, height: 1080 });
    try {
      // without a session the screen sends the visitor to the login, which brings them back
      await page.goto(`${base}/screen`);
      await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/screen');
      await loginAs(page, base, 'county');
      await page.goto(`${base}/screen`);
      const screen = page.getByTestId('screen');
      await screen.waitFor();
      await page.getByTestId('tile-basics').getByText(`${root.members.toLocaleString('zh-CN')}名`).first().waitFor();
      await page.getByText(`${root.name} 党建大屏`, { exact: false }).first().waitFor();
      for (const key of ['basics', 'structure', 'development', 'dues', 'meetings', 'index']) await page.getByTestId(`tile-${key}`).waitFor();
      // the charts are drawn (ECharts' SVG or canvas inside the tiles)
      await page.getByTestId('tile-structure').locator('svg, canvas').first().waitFor();
      expect((await checkChineseGlyphs(page, '党建大屏')).cjkVsMissing).toBeGreaterThan(0);
      // the canvas fills the window without scrolling
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      const box = (await screen.boundingBox())!;
      expect(Math.round(box.width)).toBe(1920);
      expect(Math.round(box.height)).toBe(1080);
      await page.getByTestId('ticker').waitFor();
      await screenshot(page, 'screen-1920');

      // nobody's name: no member of the county appears in the screen's text
      const text = await page.locator('body').innerText();
      const names = await h.db.query<{ name: string }>(sql`SELECT DISTINCT name FROM person WHERE is_current AND length(name) >= 2`);
      expect(names.filter((n) => text.includes(n.name)).map((n) => n.name)).toEqual([]);

      // drill down into the first town, then back up by the breadcrumb
      await page.getByRole('button', { name: `进入 ${child.name}` }).click();
      await page.waitForURL((u) => u.searchParams.get('orgId') === child.id);
      await page.getByText(`${child.name} 党建大屏`, { exact: false }).first().waitFor();
      const crumbs = page.getByRole('navigation', { name: '组织层级' });
      await crumbs.getByText(child.name).waitFor();
      await crumbs.getByText(root.name).click();
      await page.getByText(`${root.name} 党建大屏`, { exact: false }).first().waitFor();

      // a smaller window: the same canvas, scaled down to fit
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.waitForFunction(() => {
        const el = document.querySelector('[data-testid="screen"]');
        return !!el && Math.round(el.getBoundingClientRect().height) === 768;
      });
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);

      // loaded directly, /screen is its own lean page (no console script), and 返回工作台 is a full load of the console
      const scripts = await page.evaluate(() => [...document.querySelectorAll('script[src]')].map((e) => (e as HTMLScriptElement).src));
      expect(scripts.some((src) => /\/assets\/screen-[^/]+\.js$/.test(src)), scripts.join()).toBe(true);
      await page.getByRole('link', { name: '返回工作台' }).click();
      await page.waitForURL((u) => u.pathname === '/admin');
      await page.getByRole('menuitem', { name: '党建大屏' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('党建分析: the main problems with their brief, then the members by two dimensions with totals and the Excel file', { timeout: 180_000 }, async () => {
    expect((await scanWarnings(h.deps)).failed).toEqual([]);
    const root = await h.db.one<{ members: number }>(sql`
      SELECT (SELECT count(*)::int FROM person p JOIN org x ON x.id = p.org_id WHERE x.path <@ o.path AND p.is_current) AS members FROM org o WHERE o.parent_id IS NULL ORDER BY o.seq LIMIT 1`);
    const sexes = await h.db.one<{ male: number; female: number }>(sql`SELECT count(*) FILTER (WHERE sex = 'male')::int AS male, count(*) FILTER (WHERE sex = 'female')::int AS female FROM person WHERE is_current`);
    const { page, context } = await newPage(browser);
    try {
      await loginAs(page, base, 'county');
      await page.getByRole('menuitem', { name: '党建分析' }).click();
      await page.waitForURL((u) => u.pathname === '/admin/analysis');
      // the main problems, the heaviest first, each with a sentence and a link; the brief in Word
      const problems = page.getByTestId('problems');
      await problems.getByText('1.', { exact: true }).waitFor();
      await problems.getByRole('link', { name: '去处理' }).first().waitFor();
      const briefing = page.waitForEvent('download');
      await page.getByRole('button', { name: /下载简报/ }).click();
      const brief = await briefing;
      expect(brief.suggestedFilename()).toMatch(/党建工作主要问题简报.*\.docx$/);
      const docXml = await (await JSZip.loadAsync(fs.readFileSync(await brief.path()))).file('word/document.xml')!.async('string');
      expect(docXml.replace(/<[^>]+>/g, '')).toContain('党建工作主要问题简报');
      const table = page.getByTestId('drill');
      await table.getByText(`共 ${root.members} 人`, { exact: false }).waitFor();
      // 下级组织 × 年龄段 first; columns 性别 instead: the totals of the two columns are the county's
      await page.getByLabel('列维度').click();
      await page.locator('.ant-select-dropdown:visible').getByText('性别', { exact: true }).click();
      await table.getByRole('columnheader', { name: '女' }).waitFor();
      const totals = table.locator('.ant-table-summary');
      await totals.getByText(String(sexes.female), { exact: true }).waitFor();
      await totals.getByText(String(sexes.male), { exact: true }).waitFor();
      await screenshot(page, 'analysis-1440');

      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: /导出 Excel/ }).click();
      const file = await download;
      expect(file.suggestedFilename()).toMatch(/^党员交叉统计.*\.xlsx$/);
      const zip = await JSZip.loadAsync(fs.readFileSync(await file.path()));
      const xml = (await zip.file('xl/worksheets/sheet1.xml')!.async('string')) + ((await zip.file('xl/sharedStrings.xml')?.async('string')) ?? '');
      for (const text of ['党员交叉统计', '下级组织', '女', '合计']) expect(xml).toContain(text);
      expect(xml).toContain(`<v>${root.members}</v>`);
    } finally {
      await context.close();
    }
  });
});
