import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';

// QUALITY B14: the admin console's first load carries at most 600 KB of
// gzipped JavaScript (the entry script and the modules it preloads; pages
// load on demand).
const DIST = path.resolve('dist/web');

describe('web bundle', () => {
  it('keeps the initial JavaScript within 600 KB gzipped', () => {
    const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    const gz = scripts.reduce((n, f) => n + zlib.gzipSync(fs.readFileSync(path.join(DIST, f))).length, 0);
    expect(gz).toBeLessThanOrEqual(600 * 1024);
  });
});
