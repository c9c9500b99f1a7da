import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { AddressInfo } from 'node:net';
import { DEMO_PASSWORD } from '../src/server/seed/demo';
import { afterAll, beforeAll, onTestFailed } from 'vitest';
import { createDemoHarness, type Harness } from '../tests/helpers/harness';
import { systemClock, type Clock } from '../src/server/platform/clock';

// Shared helpers of the browser flows: Chromium (Debian's, or the npm-shipped one) driven by
// playwright-core (a fresh temporary profile per launch), login through the
// form, screenshots under e2e/screenshots/ and the Chinese-glyph check.

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ADMIN_VIEWPORT = { width: 1440, height: 900 };
export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const SMALL_PHONE_VIEWPORT = { width: 360, height: 740 };
const SCREENSHOTS = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'screenshots');

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The browser: CHROMIUM_PATH if set, else Debian's Chromium where installed,
 * else the Chromium shipped on npm (@sparticuz/chromium, unpacked on first use)
 * so that `npm test` needs only Node. TEST_BROWSER=bundled forces the npm one
 * (one CI pass uses it: it has no CJK fonts, so the app's own font is tested).
 */
export async function chromiumExecutable(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (process.env.TEST_BROWSER !== 'bundled' && fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const bundled = (await import('@sparticuz/chromium')).default;
  return bundled.executablePath();
}

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: await chromiumExecutable(), args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * A camera and microphone for the video room: Chromium's fake devices (a test
 * pattern and a beep), allowed without asking, and peer connections over the
 * loopback interface with plain host addresses (no mDNS names to resolve).
 */
export const FAKE_MEDIA_ARGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

/**
 * A fresh context and page. What the page went through (failed API answers,
 * script errors, messages and alerts shown) is kept and printed if the test
 * fails, so that a failure in CI says what the user would have seen.
 */
export async function newPage(browser: Browser, viewport = ADMIN_VIEWPORT): Promise<{ context: BrowserContext; page: Page }> {
  // reduced motion (the app then turns antd's animations off): a click never lands on a dialog still zooming in
  const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true, reducedMotion: 'reduce' });
  // what the user is told (field errors, alerts, messages) is logged as it appears, for the trail below
  await context.addInitScript(() => {
    const SHOWN = '.ant-form-item-explain-error, .ant-alert, .ant-message-notice, .ant-modal-confirm-title';
    const seen = new WeakSet<Element>();
    const report = (root: Element) => {
      for (const el of [root, ...root.querySelectorAll(SHOWN)]) {
        if (!el.matches(SHOWN) || seen.has(el)) continue;
        seen.add(el);
        setTimeout(() => console.log(`[shown] ${(el.textContent ?? '').trim().slice(0, 200)}`));
      }
    };
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) report(n);
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  const trail: string[] = [];
  const at = () => new Date().toISOString().slice(11, 23);
  page.on('pageerror', (e) => trail.push(`${at()} script error: ${e.message}`));
  page.on('console', (m) => {
    if (m.text().startsWith('[shown] ')) trail.push(`${at()} ${m.text()}`);
  });
  page.on('requestfailed', (r) => trail.push(`${at()} ${r.method()} ${r.url()} failed: ${r.failure()?.errorText ?? ''}`));
  page.on('response', (r) => {
    if (!r.url().includes('/api/')) return;
    const line = `${at()} ${r.request().method()} ${r.url()} → ${r.status()}`;
    if (r.status() < 400) trail.push(line);
    else r.text().then((body) => trail.push(`${line} ${body.slice(0, 300)}`), () => trail.push(line));
  });
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) trail.push(`${at()} at ${f.url()}`);
  });
  onTestFailed(() => {
    console.log(`what the page went through (${viewport.width} px):\n${trail.join('\n')}`);
  });
  return { context, page };
}

/** Logs in through the login form and waits until the app has left /login. */
export async function loginAs(page: Page, baseUrl: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Types into a Select that searches on the server and picks the option titled
 * `title` once the dropdown shows the results for what was typed (the
 * data-search-settled mark of shared/search-select): an option of the previous
 * results could move under the click when the new ones arrive.
 */
export async function searchAndPick(page: Page, input: Locator, text: string, title = text) {
  await input.click();
  await input.fill(text);
  const results = page.locator(`.ant-select-dropdown:visible [data-search-settled="${text}"]`);
  await results.waitFor();
  await results.locator(`.ant-select-item-option[title="${title}"]`).click();
}

/**
 * The open antd modal that shows `text`, once its opening animation is over
 * (under load the zoom-in runs long, and a click on its buttons meanwhile was
 * seen to be lost in CI).
 */
export async function openModal(page: Page, text: string): Promise<Locator> {
  const modal = page.locator('.ant-modal', { hasText: text });
  await modal.waitFor();
  await page.waitForFunction(
    (t) => [...document.querySelectorAll('.ant-modal')].some((m) => (m.textContent ?? '').includes(t) && !/\bant-zoom-(appear|enter)/.test(m.className)),
    text,
  );
  return modal;
}

/** The open antd popconfirm titled `title`, once its zoom-in is over (as openModal). */
export async function openPopconfirm(page: Page, title: string): Promise<Locator> {
  const pop = page.locator('.ant-popover', { hasText: title });
  await pop.waitFor();
  await page.waitForFunction(
    (t) => [...document.querySelectorAll('.ant-popover')].some((m) => (m.textContent ?? '').includes(t) && !/\bant-zoom-big-(appear|enter)/.test(m.className)),
    title,
  );
  return pop;
}

/** Waits until the element shows exactly this text. */
export function hasExactText(locator: Locator, text: string) {
  return locator.filter({ hasText: new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).waitFor();
}

export async function screenshot(page: Page, name: string) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

export interface GlyphCheck {
  font: string;
  /** pixels that differ between the Chinese drawing and the missing-glyph drawing */
  cjkVsMissing: number;
  /** pixels that differ between the Latin drawing and the missing-glyph drawing */
  latinVsMissing: number;
  /** inked pixels of the Chinese drawing */
  cjkInk: number;
}

/**
 * Draws a Chinese string with the page's computed font into a canvas and
 * compares it with the same-size drawing of U+E000 (a private-use character
 * that renders as the missing-glyph box) and of a Latin string. Without a CJK
 * font the Chinese characters render as the same boxes as U+E000.
 */
export function checkChineseGlyphs(page: Page, sample = '党员组织'): Promise<GlyphCheck> {
  return page.evaluate(async (text) => {
    const font = getComputedStyle(document.body).fontFamily;
    // a web font's subsets load on demand: let the ones for the sample arrive (system fonts resolve at once)
    await document.fonts.load(`40px ${font}`, text);
    const w = 320;
    const h = 64;
    const draw = (s: string) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const ctx = c.getContext('2d')!;
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, w, h);
      ctx.fillStyle = '#000';
      ctx.textBaseline = 'top';
      ctx.font = `40px ${font}`;
      ctx.fillText(s, 4, 8);
      return ctx.getImageData(0, 0, w, h).data;
    };
    const n = [...text].length;
    const cjk = draw(text);
    const missing = draw('\uE000'.repeat(n));
    const latin = draw('Abcdefgh'.slice(0, Math.max(2, n)));
    const diff = (a: Uint8ClampedArray, b: Uint8ClampedArray) => {
      let d = 0;
      for (let i = 0; i < a.length; i += 4) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) d++;
      return d;
    };
    let ink = 0;
    for (let i = 0; i < cjk.length; i += 4) if (cjk[i] < 128) ink++;
    return { font, cjkVsMissing: diff(cjk, missing), latinVsMissing: diff(latin, missing), cjkInk: ink };
  }, sample);
}

/** Horizontal overflow of the page (0 when nothing sticks out). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** A harness database with the demo data, served on a free port, and a browser: the setup of every browser test file. */
/**
 * The demo county on a real HTTP port, and a browser. The server's business
 * clock is the real one, as the browser's, unless a flow written against fixed
 * dates passes its own (development: the harness's fixed day). `env` adds
 * settings (meetings: ASR_ENGINE=tone-test, the deterministic speech engine).
 */
/**
 * The demo county served and a browser, for the whole file: registers the
 * beforeAll that starts them and the afterAll that closes them; the returned
 * object is filled in before the first test.
 */
export function demoSuite(opts: Parameters<typeof startDemo>[0] = {}): { h: Harness; base: string; browser: Browser } {
  const suite = {} as { h: Harness; base: string; browser: Browser };
  beforeAll(async () => {
    Object.assign(suite, await startDemo(opts));
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.h?.close();
  });
  return suite;
}

export async function startDemo(opts: { clock?: Clock; env?: Record<string, string>; browserArgs?: string[] } = {}): Promise<{ h: Harness; base: string; browser: Browser }> {
  const h = await createDemoHarness(opts.env ?? {}, { clock: opts.clock ?? systemClock });
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  return { h, base, browser: await launchChromium(opts.browserArgs) };
}
