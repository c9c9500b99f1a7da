import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { buildApp, WEB_DIST } from '../src/server/app';
import type { Benchmark } from './lib/context';
import { listen } from './lib/http';
import { ms, num, printTable, summarize, verdict } from './lib/stats';

// B14 (web): the big screen rendered in headless Chromium on loopback, and the
// admin console's first-load JavaScript. The real server (buildApp, serving the
// built web app from dist/web) listens on 127.0.0.1 over the tier database;
// bench_admin (org_admin over the whole tree) signs in through the API in the
// browser context (no page loaded: the first run starts with an empty cache);
// then /screen is opened at 1920×1080 N times in the same context — the first
// cold (new profile: nothing cached, nothing compiled), the others warm.
// Timed in the page, from navigation start (performance.timeOrigin):
//   figures — the screen root says data-ready="true" (ScreenPage: the answer of
//             getDashboard for this org is on the screen; every tile's figures
//             are in the DOM of that commit);
//   charts  — besides, every chart box of every tile holds ECharts' SVG with
//             something drawn (what a viewer sees; the charts' 600 ms entry
//             animation is not waited for).
// Prints figures against the 2 s target; asserts nothing.

const TARGET_MS = 2000;
const BUDGET_KB = 600;
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const RUN_TIMEOUT_MS = 60_000;

/** The browser as the browser tests find it (e2e/browser.ts): CHROMIUM_PATH, else Debian's Chromium, else @sparticuz/chromium from npm. */
async function chromiumExecutable(): Promise<{ path: string; label: string }> {
  if (process.env.CHROMIUM_PATH) return { path: process.env.CHROMIUM_PATH, label: `CHROMIUM_PATH ${process.env.CHROMIUM_PATH}` };
  if (process.env.TEST_BROWSER !== 'bundled' && fs.existsSync(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, label: `Debian ${DEBIAN_CHROMIUM}` };
  const bundled = (await import('@sparticuz/chromium')).default;
  return { path: await bundled.executablePath(), label: '@sparticuz/chromium (npm)' };
}

/** The admin console's first load: the entry script and the modules index.html preloads, gzipped (as e2e/web-budget.test.ts). */
function consoleFirstLoad(): { files: number; gzipBytes: number } {
  const html = fs.readFileSync(path.join(WEB_DIST, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const gzipBytes = scripts.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(WEB_DIST, f))).length, 0);
  return { files: scripts.length, gzipBytes };
}

/** gzipped size of the built files a page fetched (its /assets/*.js). */
function gzipOfAssets(urls: string[]): number {
  let n = 0;
  for (const u of new Set(urls)) {
    const rel = new URL(u).pathname.replace(/^\//, '');
    const file = path.join(WEB_DIST, rel);
    if (rel.startsWith('assets/') && rel.endsWith('.js') && fs.existsSync(file)) n += zlib.gzipSync(fs.readFileSync(file)).length;
  }
  return n;
}

interface Run {
  label: string;
  figuresMs: number;
  chartsMs: number;
  /** navigation timing of the document */
  responseEndMs: number;
  domContentLoadedMs: number;
  /** GET /api/v1/dashboard: start and end (resource timing) */
  apiStartMs: number | null;
  apiEndMs: number | null;
  tiles: number;
  charts: number;
  jsRequests: number;
  jsUrls: string[];
}

// In the page, before any script of the app: watch for the two moments (rAF and mutations, so no
// poll interval rounds them), kept in window.__b14. A string, not a function: tsx's compiled
// functions may call helpers (__name) that do not exist in the page.
const WATCH = `(() => {
  const state = { figures: null, charts: null, tiles: 0, chartBoxes: 0 };
  window.__b14 = state;
  const check = () => {
    const root = document.querySelector('[data-testid="screen"][data-ready="true"]');
    if (!root) return false;
    if (state.figures === null) state.figures = performance.now();
    const tiles = root.querySelectorAll('[data-testid^="tile-"]');
    const boxes = [...root.querySelectorAll('[data-testid^="tile-"] .scr-chart-canvas')];
    if (tiles.length && boxes.every((b) => b.querySelector('svg path, svg text'))) {
      state.charts = performance.now();
      state.tiles = tiles.length;
      state.chartBoxes = boxes.length;
      return true;
    }
    return false;
  };
  const loop = () => { if (!check()) requestAnimationFrame(loop); };
  const start = () => {
    new MutationObserver((_, obs) => { if (state.charts !== null || check()) obs.disconnect(); })
      .observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-ready'] });
    loop();
  };
  if (document.documentElement) start();
  else document.addEventListener('readystatechange', start, { once: true });
})();`;

export const b14Screen: Benchmark = {
  name: 'b14',
  title: 'the big screen (/screen at 1920×1080) rendered in headless Chromium on loopback; the console\'s first-load JS',
  target: 'the screen rendered ≤ 2 s; the admin console\'s first load ≤ 600 KB gzipped JS',
  usesTierDb: true,
  async run(ctx) {
    if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
      console.log(`No web build under ${WEB_DIST}: run \`npx vite build\` first (nothing measured).`);
      return { skipped: 'no web build' };
    }
    const built = fs.statSync(path.join(WEB_DIST, 'index.html')).mtime.toISOString();
    const firstLoad = consoleFirstLoad();
    const { deps, accounts } = await ctx.tierDb();
    const runs = Math.max(3, Math.min(ctx.options.queries, 10));
    const app = await buildApp(deps);
    let browser: Browser | null = null;
    try {
      const baseUrl = await listen(app);
      // the real server's session cache (as in production): wait until it listens for invalidations
      if (deps.sessions.enabled) await deps.sessions.whenState('listening');
      const exe = await chromiumExecutable();
      browser = await chromium.launch({ executablePath: exe.path, args: CHROMIUM_ARGS });
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      await context.addInitScript({ content: WATCH });
      const login = await context.request.post(`${baseUrl}/api/v1/auth/login`, { data: { username: accounts.admin.username, password: accounts.admin.password } });
      if (login.status() !== 200) throw new Error(`login ${accounts.admin.username} → ${login.status()} ${await login.text()}`);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const url = `${baseUrl}/screen?orgId=${accounts.orgs.root.id}`;
      const results: Run[] = [];
      for (let i = 0; i < runs; i++) {
        await page.goto(url, { waitUntil: 'commit' });
        await page.waitForFunction(() => (window as unknown as { __b14?: { charts: number | null } }).__b14?.charts != null, undefined, { timeout: RUN_TIMEOUT_MS, polling: 50 });
        const r = await page.evaluate(() => {
          const w = window as unknown as { __b14: { figures: number; charts: number; tiles: number; chartBoxes: number } };
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
          const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
          const api = res.find((e) => e.name.includes('/api/v1/dashboard'));
          const js = res.filter((e) => /\/assets\/.+\.js(\?|$)/.test(e.name));
          return {
            figuresMs: w.__b14.figures, chartsMs: w.__b14.charts, tiles: w.__b14.tiles, charts: w.__b14.chartBoxes,
            responseEndMs: nav?.responseEnd ?? NaN, domContentLoadedMs: nav?.domContentLoadedEventEnd ?? NaN,
            apiStartMs: api?.startTime ?? null, apiEndMs: api?.responseEnd ?? null, jsRequests: js.length, jsUrls: js.map((e) => e.name),
          };
        });
        results.push({ label: i === 0 ? 'cold (empty cache)' : `warm ${i}`, ...r });
      }
      const warm = results.slice(1);
      const figuresWarm = summarize(warm.map((r) => r.figuresMs));
      const chartsWarm = summarize(warm.map((r) => r.chartsMs));
      const all = summarize(results.map((r) => r.chartsMs));
      const cold = results[0];
      const screenJsGzip = gzipOfAssets(cold.jsUrls);

      console.log(`browser: ${exe.label}, ${(await browser.version()) || ''}; web build of ${built}; server ${baseUrl} (tier ${ctx.options.tier})`);
      printTable(`党建大屏 /screen of the root as ${accounts.admin.username} at 1920×1080, ${runs} navigations in one context (ms from navigation start)`,
        ['run', 'document', 'DOMContentLoaded', 'API start', 'API end', 'figures', 'charts drawn', 'tiles', 'charts', 'JS files'],
        results.map((r) => [r.label, ms(r.responseEndMs, 0), ms(r.domContentLoadedMs, 0), ms(r.apiStartMs, 0), ms(r.apiEndMs, 0), ms(r.figuresMs, 0), ms(r.chartsMs, 0), num(r.tiles), num(r.charts), num(r.jsRequests)]));
      if (errors.length) console.log(`script errors on the page: ${errors.slice(0, 5).join(' | ')}`);
      const worst = all.max;
      console.log(`B14 big screen rendered (charts drawn): cold ${ms(cold.chartsMs, 0)} ms; warm p50 ${ms(chartsWarm.p50, 0)} ms, max ${ms(chartsWarm.max, 0)} ms (figures: warm p50 ${ms(figuresWarm.p50, 0)} ms); worst of all ${ms(worst, 0)} ms (target ≤ ${TARGET_MS} ms: ${verdict(worst <= TARGET_MS)})`);
      console.log(`B14 the screen's first load: ${num(screenJsGzip / 1024)} KB gzipped JS in ${cold.jsRequests} files`);
      console.log(`B14 admin console first load: ${(firstLoad.gzipBytes / 1024).toFixed(1)} KB gzipped JS in ${firstLoad.files} files (index.html's entry and preloads; target ≤ ${BUDGET_KB} KB: ${verdict(firstLoad.gzipBytes <= BUDGET_KB * 1024)})`);
      return {
        runs: results.map(({ jsUrls: _u, ...r }) => r), cold: { figuresMs: cold.figuresMs, chartsMs: cold.chartsMs }, warm: { figures: figuresWarm, charts: chartsWarm },
        worstMs: worst, targetMet: worst <= TARGET_MS, screenFirstLoadGzipBytes: screenJsGzip, consoleFirstLoad: firstLoad, consoleBudgetMet: firstLoad.gzipBytes <= BUDGET_KB * 1024, webBuiltAt: built, browser: exe.label,
      };
    } finally {
      await browser?.close();
      await app.close();
    }
  },
};
