import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';

// QUALITY B14: the admin console's first load carries at most 600 KB of
// gzipped JavaScript (the entry script and the modules it preloads; pages
// load on demand).
const DIST = path.resolve('dist/web');

/** gzipped bytes of a page's entry script and the modules it preloads. */
function firstLoad(page: string): number {
  const html = fs.readFileSync(path.join(DIST, page), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  expect(scripts.length).toBeGreaterThan(0);
  return scripts.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(DIST, f))).length, 0);
}

describe('web bundle', () => {
  it('keeps the initial JavaScript within 600 KB gzipped', () => {
    expect(firstLoad('index.html')).toBeLessThanOrEqual(600 * 1024);
  });

  it('gives the big screen its own entry without the console: less than the console and ECharts together', () => {
    const screen = firstLoad('screen.html');
    const html = fs.readFileSync(path.join(DIST, 'screen.html'), 'utf8');
    // never the console's entry script (its router, layouts, antd)
    const consoleEntry = /<script type="module"[^>]* src="\/(assets\/[^"]+\.js)"/.exec(fs.readFileSync(path.join(DIST, 'index.html'), 'utf8'))![1];
    expect(html).toContain('<script type="module"');
    expect(html).not.toContain(consoleEntry);
    expect(screen).toBeLessThan(firstLoad('index.html'));
  });
});
