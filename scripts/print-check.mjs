// CI's print check (issue 11): the county roster and the dues summary, as the
// running platform exports them from the demo data, converted to PDF by
// LibreOffice (a reader other than the writer) must print on A4 landscape with
// the header row and 「第 N 页，共 M 页」 on every page. The transfer letter
// (issue 12) must be one A4 portrait page with its three parts, read back by
// pdftotext, its Chinese font embedded (pdffonts).
// Needs soffice, pdfinfo, pdftotext and pdffonts (Debian: libreoffice-calc-nogui,
// poppler-utils); .ci/run installs them. Exit 1 names what does not hold.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Buffer } from 'node:buffer';

const { fetch } = globalThis;

const work = mkdtempSync(path.join(tmpdir(), 'print-check-'));
chmodSync(work, 0o755); // the embedded PostgreSQL runs as the postgres user when started as root
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const base = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
  env: { ...process.env, DATA_DIR: path.join(work, 'data'), PORT: String(port), NODE_ENV: 'development' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
// ready when it logs so (demo data is generated before it listens)
const ready = new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    if (out.includes(' ready on ')) resolve();
    if (out.length > 1e6) out = out.slice(-1e4);
  });
  server.once('exit', (code) => reject(new Error(`the server exited (${code}) before it was ready`)));
});
const failures = [];
try {
  await ready;
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'county', password: 'Dangjian@2026' }) });
  if (!login.ok) throw new Error(`login as county: ${login.status}`);
  const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const year = new Date().getFullYear();
  const exports = [
    { name: 'roster', url: '/api/v1/members/export', headers: ['序号'], titledPages: 1 },
    // three sheets: 收缴统计, 上缴汇总, 大额自愿党费 (each page shows its own sheet's header)
    { name: 'summary', url: `/api/v1/dues/summary/export?from=${year}-01&to=${year}-12`, headers: ['月份', '组织', '姓名'], titledPages: 3 },
  ];
  for (const e of exports) {
    const r = await fetch(base + e.url, { headers: { cookie } });
    if (!r.ok) throw new Error(`${e.url}: ${r.status}`);
    const xlsx = path.join(work, `${e.name}.xlsx`);
    writeFileSync(xlsx, Buffer.from(await r.arrayBuffer()));
    const conv = spawnSync('soffice', ['--headless', `-env:UserInstallation=file://${work}/lo-profile`, '--convert-to', 'pdf', '--outdir', work, xlsx], { encoding: 'utf8', timeout: 300_000 });
    if (conv.status !== 0) throw new Error(`soffice ${e.name}: ${conv.stderr || conv.error}`);
    const pdf = path.join(work, `${e.name}.pdf`);
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    const [w, h] = size ? [Number(size[1]), Number(size[2])] : [0, 0];
    // A4 is 595.3 × 841.9 pt; landscape puts the long side across
    if (!(Math.abs(w - 841.9) < 2 && Math.abs(h - 595.3) < 2)) failures.push(`${e.name}: page ${w} × ${h} pt is not A4 landscape`);
    for (let p = 1; p <= pages; p++) {
      const text = spawnSync('pdftotext', ['-f', String(p), '-l', String(p), '-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
      if (!e.headers.some((h) => text.includes(h))) failures.push(`${e.name}: page ${p} has no header row`);
      // the title (row 1) heads the first page of each sheet, whole: its date not cut off at the edge
      if (p <= e.titledPages && !/(制表日期|截至)\d{4}-\d{2}-\d{2}/.test(text.replace(/\s+/g, ''))) failures.push(`${e.name}: page ${p} shows no whole title (its date is cut off):\n${text.split('\n').slice(0, 4).join('\n')}`);
      if (!text.includes(`第 ${p} 页，共 ${pages} 页`)) failures.push(`${e.name}: page ${p} has no 「第 ${p} 页，共 ${pages} 页」`);
    }
    console.log(`${e.name}: ${pages} A4 landscape page(s) checked`);
  }
  // the transfer letter of an issued demo letter
  const letters = await (await fetch(`${base}/api/v1/transfers?direction=all&status=issued&pageSize=1`, { headers: { cookie } })).json();
  const letter = letters.items?.[0];
  if (!letter) failures.push('letter: the demo has no issued transfer letter');
  else {
    const r = await fetch(`${base}/api/v1/transfers/${letter.id}/letter`, { headers: { cookie } });
    if (!r.ok) throw new Error(`letter: ${r.status}`);
    const pdf = path.join(work, 'letter.pdf');
    writeFileSync(pdf, Buffer.from(await r.arrayBuffer()));
    const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout;
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    if (!size || Math.abs(Number(size[1]) - 595.3) > 2 || Math.abs(Number(size[2]) - 841.9) > 2 || !/Pages:\s+1\b/.test(info)) failures.push(`letter: not one A4 portrait page:\n${info}`);
    const text = spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, '');
    for (const want of ['中国共产党党员组织关系介绍信（存根）', '中国共产党党员组织关系介绍信（回执）', letter.personName, letter.letterCode, '请接洽', '（盖章）']) {
      if (!text.includes(want)) failures.push(`letter: 「${want}」 not read back by pdftotext`);
    }
    const fonts = spawnSync('pdffonts', [pdf], { encoding: 'utf8' }).stdout;
    if (!/NotoSansSC.*\byes\b/.test(fonts) || / no +no /.test(fonts)) failures.push(`letter: the Chinese font is not embedded:\n${fonts}`);
    console.log(`letter ${letter.letterCode}: one A4 portrait page checked`);
  }
} catch (err) {
  failures.push(String(err?.message ?? err));
} finally {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`print check failed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('print check: OK');
