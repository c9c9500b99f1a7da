import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/server/platform/config';
import { acquireDataDirLock, loadOrCreateSecrets } from '../../src/server/platform/embedded';
import { computeIdCheckChar } from '../../src/contracts/idcard';

// Start-up, configuration, the data-directory lock and graceful shutdown of the real server process.

const dirs: string[] = [];
function tempDir() {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-rt-'));
  fs.chmodSync(d, 0o755);
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('configuration', () => {
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
  });
  it('requires the encryption key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATA_ENCRYPTION_KEY/);
    expect(loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), AUDIT_HMAC_KEY: Buffer.alloc(32, 8).toString('base64') }).isProduction).toBe(true);
  });
  it('requires the audit HMAC key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') })).toThrow(/AUDIT_HMAC_KEY: required in production/);
    expect(() => loadConfig({ AUDIT_HMAC_KEY: 'short' })).toThrow(/AUDIT_HMAC_KEY/);
  });
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.auditAnchorDir).toBe(path.resolve('./data/audit-anchors'));
    expect(c.auditProbesPerMinute).toBe(20);
    expect(c.session).toEqual({ idleSeconds: 1800, adminIdleSeconds: 900, absoluteSeconds: 43200 });
    expect(c.backup).toEqual({ dir: path.resolve('./data/backups'), everyHours: 24, keep: 7 });
  });
});

describe('generated secrets', () => {
  it('adds an audit HMAC key to a secrets file written before it existed, keeping the other secrets', () => {
    const dir = tempDir();
    const before = { dataEncryptionKey: Buffer.alloc(32, 1).toString('base64'), pgPassword: 'pw' };
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify(before));
    const s = loadOrCreateSecrets(dir);
    expect(s).toMatchObject(before);
    expect(Buffer.from(s.auditHmacKey, 'base64')).toHaveLength(32);
    expect(loadOrCreateSecrets(dir)).toEqual(s); // written back: the same key next time
  });
});

describe('data directory lock', () => {
  it('refuses a directory held by a live process and takes over a stale lock', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'app.lock'), String(process.ppid));
    expect(() => acquireDataDirLock(dir)).toThrow(/in use by process/);
    // a PID that cannot exist (above the kernel's pid_max) is a dead holder
    fs.writeFileSync(path.join(dir, 'app.lock'), '99999999');
    const release = acquireDataDirLock(dir);
    expect(fs.readFileSync(path.join(dir, 'app.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'app.lock'))).toBe(false);
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** Starts the server and resolves with its output once it logs "ready" (or rejects when it exits first). */
function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  return startCommand(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], env);
}

/** Runs a command that starts the server (the server itself, `npm start`, the start script). */
function startCommand(command: string, args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; output: () => string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL; // these tests exercise the embedded database
  const child = spawn(command, args, { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready on http')) resolve({ child, output: () => out });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** Runs the CLI on the embedded database of a stopped server. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('the server process', () => {
  // generating the demo data (three years of dues included) takes 15–40 s on a loaded 2-core machine
  it('starts on a fresh data directory with demo data, serves, stops cleanly on SIGTERM and starts again without reseeding', { timeout: 180_000 }, async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', NODE_ENV: 'development', DEMO_MODE: 'auto' };
    const first = await startServer({ ...env });
    expect(first.output()).toContain('generating the demo data');
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(health.status).toBe(200);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'secretary1', password: 'Dangjian@2026' }) });
    expect(login.status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'app.lock'))).toBe(true);
    // a second process on the same data directory is refused
    await expect(startServer({ ...env, PORT: String(await freePort()) })).rejects.toThrow(/in use by process/);
    // the operator CLI works while the server runs: it connects to the server's database
    const listed = await runCli(['user', 'list'], env);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('secretary1');
    const backupDir = path.join(tempDir(), 'online-backup');
    const online = await runCli(['backup', '--out', backupDir], env);
    expect(online.code, online.stderr).toBe(0);
    expect(online.stdout).toMatch(/^Backup written to .*: \d+ tables, \d+ rows/);
    expect(fs.existsSync(path.join(backupDir, 'manifest.json'))).toBe(true);
    // restoring needs the server stopped: refused, nothing changed, the server still serves
    const restore = await runCli(['restore', '--from', backupDir], env);
    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(/in use by process \d+.*Stop it before running this command/);
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
    const exited = exitOf(first.child);
    const stoppingAt = new Date().toISOString();
    first.child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) console.log('SERVER OUTPUT', first.output());
    expect(code).toBe(0);
    expect(first.output()).toContain('stopped');
    // a clean shutdown leaves a signed checkpoint of the audit head outside the database
    const checkpoints = fs.readFileSync(path.join(dataDir, 'audit-anchors', 'audit-checkpoints.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(checkpoints[checkpoints.length - 1].at >= stoppingAt).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'app.lock'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await startServer({ ...env });
    expect(second.output()).not.toContain('generating the demo data');
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
    const exited2 = exitOf(second.child);
    second.child.kill('SIGINT');
    expect(await exited2).toBe(0);
    // the chain (keyed with the generated key) agrees with every checkpoint
    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stdout).toMatch(/^OK: \d+ rows/);
    expect(verify.stderr).toMatch(/checkpoints: [1-9]\d* in /);
    expect(verify.code).toBe(0);
  });

  it('refuses to start in production while demo accounts exist', { timeout: 180_000 }, async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'info' };
    const s = await startServer(env);
    const exited = exitOf(s.child);
    s.child.kill('SIGTERM');
    await exited;
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'));
    await expect(startServer({ ...env, NODE_ENV: 'production', DATA_ENCRYPTION_KEY: secrets.dataEncryptionKey, AUDIT_HMAC_KEY: secrets.auditHmacKey })).rejects.toThrow(/demo accounts exist/);
    // the failed start stopped its embedded database and released the lock (no orphan postgres)
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'app.lock'))).toBe(false);

    // `npm start`: a SIGTERM sent to the npm process alone reaches the server, which stops cleanly …
    const viaNpm = () => startCommand('npm', ['start', '--silent'], env);
    const first = await viaNpm();
    const serverPid = Number(fs.readFileSync(path.join(dataDir, 'app.lock'), 'utf8'));
    expect(serverPid).not.toBe(first.child.pid);
    const firstExit = exitOf(first.child);
    first.child.kill('SIGTERM');
    const firstCode = await firstExit;
    if (firstCode !== 0) console.log('SERVER OUTPUT (npm start)', first.output());
    expect(firstCode).toBe(0);
    expect(first.output()).toContain('stopped');
    expect(fs.existsSync(path.join(dataDir, 'app.lock'))).toBe(false);
    expect(isAlive(serverPid)).toBe(false);
    // … and a server killed by a signal makes the wrapper fail with 128 + the signal's number
    const wrapper = await startCommand(process.execPath, ['scripts/start.mjs'], env);
    const killedPid = Number(fs.readFileSync(path.join(dataDir, 'app.lock'), 'utf8'));
    const wrapperExit = exitOf(wrapper.child);
    process.kill(killedPid, 'SIGKILL');
    expect(await wrapperExit).toBe(128 + os.constants.signals.SIGKILL);
    // the killed server left its embedded database running: the next start stops that orphan, and a
    // clean stop leaves no process writing into the directory (which the clean-up then removes)
    const after = await startServer(env);
    const afterExit = exitOf(after.child);
    after.child.kill('SIGTERM');
    expect(await afterExit).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('crash safety', () => {
  it('a kill -9 under write load loses no acknowledged write, and the next start recovers the data directory', { timeout: 180_000 }, async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
    const first = await startServer(env);
    const base = `http://127.0.0.1:${port}`;
    const loginCookie = async () => {
      const r = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'secretary1', password: 'Dangjian@2026' }) });
      expect(r.status).toBe(200);
      return r.headers.get('set-cookie')!.split(';')[0];
    };
    const cookie = await loginCookie();
    const me = await (await fetch(`${base}/api/v1/me`, { headers: { cookie } })).json();
    const branchId = me.scopeRoots[0].id as string;

    // four writers create members until the server dies; every 201 is an acknowledged write
    const acknowledged: string[] = [];
    let serial = 0;
    let killed = false;
    const exited = exitOf(first.child);
    const failures: string[] = [];
    const writer = async () => {
      while (!killed) {
        const n = serial++;
        const first17 = `110105${String(1950 + (n % 30))}0101${String(n % 1000).padStart(3, '0')}`;
        const body = {
          orgId: branchId, name: `崩溃测试${n}`, sex: Number(first17[16]) % 2 === 1 ? 'male' : 'female', ethnicity: '汉族',
          idNumber: first17 + computeIdCheckChar(first17), education: 'bachelor', occupation: 'worker', joinDate: '2010-07-01', conversionDate: '2011-07-01', status: 'full',
        };
        let r: Response;
        try {
          r = await fetch(`${base}/api/v1/members`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        } catch {
          return; // the connection died with the server: not acknowledged
        }
        if (r.status !== 201) {
          failures.push(`${r.status} ${await r.text()}`);
          killed = true;
          first.child.kill('SIGKILL');
          return;
        }
        acknowledged.push((await r.json()).id);
        if (acknowledged.length === 40 && !killed) {
          killed = true;
          first.child.kill('SIGKILL'); // mid-load: other writers have requests in flight
        }
      }
    };
    await Promise.all([writer(), writer(), writer(), writer()]);
    expect(failures).toEqual([]);
    expect(await exited).toBeNull(); // killed by a signal
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    // the orphaned database server and the stale lock are handled by the next start
    const second = await startServer(env);
    try {
      const c2 = await loginCookie();
      for (const id of acknowledged) expect((await fetch(`${base}/api/v1/members/${id}`, { headers: { cookie: c2 } })).status, id).toBe(200);
    } finally {
      const done = exitOf(second.child);
      second.child.kill('SIGTERM');
      expect(await done).toBe(0);
    }
  });
});
