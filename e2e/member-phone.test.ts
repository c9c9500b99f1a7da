import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../src/server/platform/sql';
import type { Harness } from '../tests/helpers/harness';
import { checkChineseGlyphs, horizontalOverflow, startDemo, loginAs, newPage, PHONE_VIEWPORT, screenshot, SMALL_PHONE_VIEWPORT } from './browser';

// The member's phone pages (/m) at 390 and 360 px wide.

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

describe('member phone pages', () => {
  for (const viewport of [PHONE_VIEWPORT, SMALL_PHONE_VIEWPORT]) {
    it(`member1 sees 我的 with their name at ${viewport.width} px`, async () => {
      const me = await h.db.one<{ name: string; org: string }>(sql`
        SELECT p.name, o.name AS org FROM account a JOIN person p ON p.id = a.person_id JOIN org o ON o.id = p.org_id WHERE a.username = 'member1'`);
      const { context, page } = await newPage(browser, viewport);
      try {
        await loginAs(page, base, 'member1');
        expect(new URL(page.url()).pathname).toBe('/m');
        await page.getByText(me.org).first().waitFor();
        await screenshot(page, `m-home-${viewport.width}`);

        await page.getByRole('link', { name: '我的' }).click();
        await page.waitForURL(`${base}/m/me`);
        await page.getByTestId('my-name').filter({ hasText: me.name }).waitFor();
        await page.getByText('变动记录').waitFor();
        await page.getByRole('button', { name: /退出登录/ }).waitFor();

        const glyphs = await checkChineseGlyphs(page);
        expect(glyphs.cjkInk).toBeGreaterThan(0);
        expect(glyphs.cjkVsMissing).toBeGreaterThan(0);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await screenshot(page, `m-me-${viewport.width}`);
      } finally {
        await context.close();
      }
    });
  }
});
