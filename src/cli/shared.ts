import os from 'node:os';
import cliProgress from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type AppConfig } from '../server/platform/config';
import { AppError } from '../server/platform/errors';
import { BackupError } from '../server/platform/backup';
import type { RequestContext } from '../server/platform/actor';
import { openRuntime, type Runtime } from '../server/runtime';

// What every command shares: opening and closing the runtime, the audit
// context of the operator, one-line error messages, progress and tables.

/** An expected failure: printed as one line, exit code 1 (or the given one). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

let verbose = false;
export function setVerbose(v: boolean) {
  verbose = v;
}

export function info(msg: string) {
  process.stderr.write(msg + '\n');
}

/** Audit context of the CLI: no session; the OS user is recorded as the username. */
export function cliAuditAs(): { ctx: RequestContext; username: string } {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry (containers) */
  }
  return { ctx: { requestId: 'cli', ip: null, actor: null }, username: `cli:${user}` };
}

export function cliConfig(): AppConfig {
  return loadConfig();
}

/**
 * Opens the runtime (embedded database under DATA_DIR, or DATABASE_URL), runs
 * `fn`, closes it. While the server runs on DATA_DIR the command connects to
 * its database (`offline: true` commands refuse instead: restore).
 */
export async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>, opts: { migrate?: boolean; offline?: boolean } = {}): Promise<T> {
  const config = cliConfig();
  let rt: Runtime;
  try {
    rt = await openRuntime({ config, poolSize: 5, migrate: opts.migrate, sessionCache: false, attach: !opts.offline, log: (m) => verbose && info(m) });
  } catch (e) {
    if (e instanceof ConfigError && /is in use by process/.test(e.message)) {
      throw new CliError(`${e.message} (Is the server running on this DATA_DIR? Stop it before running this command.)`);
    }
    throw e;
  }
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

/** One line for the operator; a stack only for unexpected errors with DEBUG set. */
export function describeError(e: unknown): string {
  if (e instanceof CliError || e instanceof ConfigError || e instanceof BackupError) return e.message;
  if (e instanceof AppError) return `${e.message} [${e.code}]`;
  const err = e as { message?: string; code?: string; stack?: string };
  if (process.env.DEBUG && err?.stack) return err.stack;
  if (err?.code === 'ECONNREFUSED' || err?.code === 'ENOTFOUND' || err?.code === '28P01' || err?.code === '3D000') return `cannot connect to the database: ${err.message}`;
  return err?.message ? `${err.message}${err.code ? ` (${err.code})` : ''}` : String(e);
}

// --- output --------------------------------------------------------------

/** Display width: CJK and full-width characters take two columns. */
function width(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

export function printTable(header: string[], rows: Array<Array<string | number | null>>) {
  const cells = [header, ...rows.map((r) => r.map((v) => (v === null ? '' : String(v))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v + ' '.repeat(widths[i] - width(v)))).join('  ').trimEnd();
  console.log(line(cells[0]));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

/**
 * Progress of a long operation on stderr: a cli-progress bar per stage on a
 * terminal; without a terminal one line when a stage ends.
 */
export function createProgress() {
  const tty = !!process.stderr.isTTY;
  let bar: cliProgress.SingleBar | null = null;
  let stage: string | null = null;
  let lastLine = '';
  const finishStage = () => {
    if (bar) bar.stop();
    bar = null;
  };
  return {
    update(name: string, done: number, total: number) {
      if (name !== stage) {
        finishStage();
        stage = name;
        if (tty && total > 0) {
          bar = new cliProgress.SingleBar({ format: '{stage} [{bar}] {value}/{total} {percentage}% | {duration_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
          bar.start(Math.max(total, 1), done, { stage: name });
        }
      }
      if (bar) {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, { stage: name });
      } else if (!tty && done >= total) {
        const l = `${name}: ${done}/${total} done`;
        if (l !== lastLine) info(l);
        lastLine = l;
      }
    },
    stop() {
      finishStage();
    },
  };
}

/** Reads a password from DJ_PASSWORD, or prompts twice on a terminal without echo. */
export async function readNewPassword(): Promise<string> {
  const env = process.env.DJ_PASSWORD;
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw new CliError('No password given: set DJ_PASSWORD, or run on a terminal to be prompted.');
  const first = await askHidden('Password: ');
  const second = await askHidden('Repeat password: ');
  if (first !== second) throw new CliError('The two passwords differ.');
  return first;
}

function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = '';
    const cleanup = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          cleanup();
          resolve(value);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          cleanup();
          reject(new CliError('Cancelled.'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parsePositiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer.`);
    return n;
  };
}
