import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Tier } from '../src/server/seed/generate';
import { createContext, type Benchmark, type BenchOptions } from './lib/context';
import { prepare } from './prepare';
import { b3Search } from './b3-search';
import { b4Profile } from './b4-profile';
import { b7Export } from './b7-export';
import { b13Startup } from './b13-startup';
import { bDevDeadlines } from './b-dev-deadlines';
import { b5Points } from './b5-points';
import { b5Index } from './b5-index';
import { b6Dues } from './b6-dues';
import { b1Rollups } from './b1-rollups';
import { b1Dashboard } from './b1-dashboard';
import { b16Statistics } from './b16-statistics';
import { b17Reports } from './b17-reports';
import { b2Drill } from './b2-drill';
import { b9Transfers } from './b9-transfers';
import { b12Meetings } from './b12-meetings';
import { b14Screen } from './b14-screen';
import { b10Map } from './b10-map';
import { bMall } from './b-mall';
import { bNeeds } from './b-needs';

// npm run bench -- <name|all> [--tier county] [--db-url URL] [--data-dir DIR]
// Benchmarks print figures (QUALITY.md "Performance"); they assert nothing.

const BENCHMARKS: Benchmark[] = [prepare, b1Rollups, b1Dashboard, b2Drill, b3Search, b4Profile, b5Points, b5Index, b6Dues, b7Export, bDevDeadlines, b9Transfers, b10Map, b12Meetings, b13Startup, b14Screen, b16Statistics, b17Reports, bMall, bNeeds];
const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

function usage() {
  console.log(`usage: npm run bench -- <name|all> [options]

benchmarks:
${BENCHMARKS.map((b) => `  ${b.name.padEnd(9)} ${b.title}\n  ${' '.repeat(9)} target: ${b.target}`).join('\n')}
  all       every benchmark above except prepare, in order

options:
  --tier demo|county|city   data tier of the shared bench database (default county; b14 alone: demo)
  --data-dir DIR            its embedded PostgreSQL data directory (default /tmp/dj-bench-<tier>)
  --export-data-dir DIR     data directory of the 120,000-member export database (default /tmp/dj-bench-b7)
  --map-data-dir DIR        data directory of the 151,355-org map database (default /tmp/dj-bench-b10)
  --db-url URL              use this PostgreSQL database instead of the tier's embedded one (b3, b4)
  --export-db-url URL       use this PostgreSQL database instead of the export benchmark's embedded one (b7)
  --duration S              seconds per autocannon run (default 10)
  --connections N           autocannon connections (default 10)
  --queries N               sequential requests per measured loop (default 2000)`);
}

function header(opts: BenchOptions, names: string[]) {
  const cpus = os.cpus();
  return {
    startedAt: new Date().toISOString(),
    benchmarks: names,
    machine: { cores: cpus.length, cpu: cpus[0]?.model ?? 'unknown', memoryGb: +(os.totalmem() / 2 ** 30).toFixed(1), platform: `${os.platform()} ${os.release()}`, node: process.version, loadAverage: os.loadavg().map((v) => +v.toFixed(2)) },
    tier: opts.tier,
  };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      tier: { type: 'string' },
      'data-dir': { type: 'string' },
      'export-data-dir': { type: 'string' },
      'map-data-dir': { type: 'string' },
      'db-url': { type: 'string' },
      'export-db-url': { type: 'string' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      queries: { type: 'string', default: '2000' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const name = positionals[0];
  if (!name || values.help) {
    usage();
    return;
  }
  // default county; b14 alone defaults to the demo county (the screen a visitor of the demo sees)
  const tier = (values.tier ?? (name === 'b14' ? 'demo' : 'county')) as Tier;
  if (!['demo', 'county', 'city'].includes(tier)) throw new Error(`unknown tier ${tier} (demo, county, city)`);
  const selected = name === 'all' ? BENCHMARKS.filter((b) => b.name !== 'prepare') : BENCHMARKS.filter((b) => b.name === name);
  if (!selected.length) {
    console.error(`unknown benchmark "${name}"\n`);
    usage();
    process.exitCode = 2;
    return;
  }
  const options: BenchOptions = {
    tier,
    dataDir: path.resolve(values['data-dir'] ?? `/tmp/dj-bench-${tier}`),
    exportDataDir: path.resolve(values['export-data-dir'] ?? '/tmp/dj-bench-b7'),
    mapDataDir: path.resolve(values['map-data-dir'] ?? '/tmp/dj-bench-b10'),
    dbUrl: values['db-url'],
    exportDbUrl: values['export-db-url'],
    duration: Number(values.duration),
    connections: Number(values.connections),
    queries: Number(values.queries),
  };
  const ctx = createContext(options);
  const head = header(options, selected.map((b) => b.name)) as ReturnType<typeof header> & { database?: string; generationMs?: number | null };
  console.log(`智慧党建云平台 benchmarks — ${head.startedAt}`);
  console.log(`machine:  ${head.machine.cores} cores (${head.machine.cpu}), ${head.machine.memoryGb} GB, ${head.machine.platform}, load ${head.machine.loadAverage.join(' ')}`);
  console.log(`node:     ${head.machine.node}`);
  console.log(`tier:     ${tier}`);
  if (selected.some((b) => b.usesTierDb)) {
    const db = await ctx.tierDb();
    head.database = db.label;
    head.generationMs = db.generatedMs;
    console.log(`database: ${db.label}`);
  }
  const results: Record<string, unknown> = {};
  try {
    for (const b of selected) {
      console.log(`\n=== ${b.name}: ${b.title}\n    target: ${b.target}`);
      const t0 = performance.now();
      try {
        results[b.name] = { ...(await b.run(ctx)), elapsedS: +((performance.now() - t0) / 1000).toFixed(1) };
      } catch (e) {
        console.error(`${b.name} failed:`, e);
        results[b.name] = { error: String((e as Error)?.stack ?? e) };
        process.exitCode = 1;
      }
    }
  } finally {
    await ctx.close();
  }
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}-${head.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...head, results }, null, 2));
  console.log(`\nresults written to ${path.relative(process.cwd(), file)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
