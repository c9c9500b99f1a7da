import fs from 'node:fs';
import path from 'node:path';

// CPU time of the embedded PostgreSQL (postmaster and its backends), read from
// /proc, so that a benchmark can say how much database CPU one request costs.
// Linux only; returns null elsewhere or for an external database.

const TICKS_PER_SECOND = 100;

function statOf(pid: number): { ppid: number; ticks: number; childTicks: number } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // fields after the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return null;
  }
}

/** A function returning the cumulative CPU ms of the embedded database under dataDir, or null. */
export function embeddedPgCpu(dataDir: string): (() => number) | null {
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
  if (process.platform !== 'linux' || !fs.existsSync(pidFile)) return null;
  const postmaster = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!postmaster || !statOf(postmaster)) return null;
  return () => {
    let ticks = 0;
    const root = statOf(postmaster);
    if (root) ticks += root.ticks + root.childTicks;
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const st = statOf(Number(name));
      if (st && st.ppid === postmaster) ticks += st.ticks;
    }
    return (ticks * 1000) / TICKS_PER_SECOND;
  };
}

/** CPU ms (user + system) of this process. */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
