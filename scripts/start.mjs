// `npm start`: builds the web app on first run, then starts the server
// (embedded PostgreSQL and demo data on a fresh clone).
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { spawnSync, spawn } from 'node:child_process';

if (!existsSync('dist/web/index.html')) {
  console.log('building the web app…');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { stdio: 'inherit' });
// `npm start` runs this script through `exec` (package.json), so a signal sent
// to the npm process reaches this one, and from here the server
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
// the server's exit status, or 128 + signal number when a signal ended it
// (a supervisor with Restart=on-failure must see a crash as a failure)
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1)));
