import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Benchmark } from './lib/context';
import { ms, printTable, verdict } from './lib/stats';

// B13 — start-up: `node scripts/start.mjs` on a fresh, empty DATA_DIR (embedded
// PostgreSQL initdb, migrations, demo data) until GET /api/v1/health answers
// 200, then SIGINT and wait for exit; then a second start on the same DATA_DIR.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const POLL_MS = 50;
const START_TIMEOUT_MS = 180_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

interface StartRun {
  label: string;
  readyMs: number;
  /** the server's own "ready … in N ms" figure (from config to listening), if logged */
  selfReportedMs: number | null;
  shutdownMs: number;
  exitCode: number | null;
}

async function startOnce(label: string, dataDir: string): Promise<StartRun> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  for (const k of ['DATABASE_URL', 'DATA_ENCRYPTION_KEY', 'NODE_ENV', 'EMBEDDED_PG_PORT', 'DEMO_MODE']) delete env[k];
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let exitCode: number | null = null;
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', (code) => {
    exited = true;
    exitCode = code;
    resolve();
  }));
  const killGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  try {
    let readyMs = NaN;
    while (performance.now() - t0 < START_TIMEOUT_MS && !exited) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) {
          readyMs = performance.now() - t0;
          break;
        }
      } catch {
        /* not listening yet */
      }
      await sleep(POLL_MS);
    }
    if (Number.isNaN(readyMs)) throw new Error(`${label}: not ready (${exited ? `exited with ${exitCode}` : 'timeout'})\n${output.slice(-3000)}`);
    const self = /ready on \S+ in (\d+) ms/.exec(output);
    const t1 = performance.now();
    child.kill('SIGINT');
    await Promise.race([exitPromise, sleep(30_000)]);
    if (!exited) {
      killGroup();
      throw new Error(`${label}: did not stop within 30 s after SIGINT\n${output.slice(-3000)}`);
    }
    return { label, readyMs, selfReportedMs: self ? Number(self[1]) : null, shutdownMs: performance.now() - t1, exitCode };
  } catch (e) {
    if (!exited) killGroup();
    throw e;
  }
}

export const b13Startup: Benchmark = {
  name: 'b13',
  title: 'start-up of `npm start` (node scripts/start.mjs): fresh empty DATA_DIR with demo data, then a later start',
  target: 'fresh ready ≤ 30 s (demo data included); later starts ≤ 5 s',
  usesTierDb: false,
  async run() {
    const webBuilt = fs.existsSync(path.join(ROOT, 'dist/web/index.html'));
    if (!webBuilt) console.log('dist/web is missing: the first start builds the web app (part of a fresh clone\'s first start).');
    else console.log('dist/web exists: the web build step of a fresh clone is not part of these figures.');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-bench-b13-'));
    fs.chmodSync(dataDir, 0o755); // the embedded database may run as another user (root → postgres)
    try {
      const fresh = await startOnce('fresh DATA_DIR (initdb, migrations, demo data)', dataDir);
      const later = await startOnce('later start (same DATA_DIR)', dataDir);
      const runs = [fresh, later];
      printTable('B13 start-up until GET /api/v1/health → 200 (polled every 50 ms); self-reported = main() from config to listening', ['', 'ready ms', 'self-reported ms', 'before main() ms', 'SIGINT → exit ms', 'exit code'],
        runs.map((r) => [r.label, ms(r.readyMs), r.selfReportedMs == null ? '—' : ms(r.selfReportedMs), r.selfReportedMs == null ? '—' : ms(r.readyMs - r.selfReportedMs), ms(r.shutdownMs), String(r.exitCode)]));
      console.log(`\nB13 fresh start ${(fresh.readyMs / 1000).toFixed(1)} s (≤ 30 s: ${verdict(fresh.readyMs <= 30_000)}); later start ${(later.readyMs / 1000).toFixed(1)} s (≤ 5 s: ${verdict(later.readyMs <= 5_000)})`);
      return { webBuiltBefore: webBuilt, fresh, later, freshTargetMet: fresh.readyMs <= 30_000, laterTargetMet: later.readyMs <= 5_000 };
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
