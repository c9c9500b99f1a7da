import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import { buildApp } from '../src/server/app';
import { sql } from '../src/server/platform/sql';
import { EXPORT_COLUMNS, prepareExport, writeExport } from '../src/server/domains/member';
import { resolveSession } from '../src/server/platform/session';
import type { Benchmark } from './lib/context';
import { ensureAccount, ensureExportData, openBenchDb } from './lib/data';
import { collectGarbage, listen, loginHttp } from './lib/http';
import { traceQueries } from './lib/pool';
import { mb, ms, num, printTable, verdict } from './lib/stats';

// B7 — streamed Excel export of the whole roster of an org_admin whose three
// subtree grants cover three county-tier trees (~120,000 current members),
// over real HTTP. Measures time to first byte, total time, bytes and the
// RSS growth of this process (server and client both live here; the client
// only streams to a file), then counts the rows of the file with exceljs'
// streaming reader and compares them with a raw SQL count.

const RUNS = 2;

interface ExportRun {
  run: number;
  status: number;
  headersMs: number;
  firstByteMs: number;
  totalMs: number;
  bytes: number;
  baselineRss: number;
  peakRss: number;
  rssGrowth: number;
  baselineHeapUsed: number;
  peakHeapUsed: number;
  dataRows: number;
  columns: number;
}

async function countRows(file: string): Promise<{ rows: number; columns: number }> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { worksheets: 'emit', sharedStrings: 'cache', styles: 'ignore', hyperlinks: 'ignore', entries: 'emit' });
  let rows = 0;
  let columns = 0;
  for await (const ws of reader) {
    for await (const row of ws) {
      rows++;
      if (rows === 2) columns = row.cellCount;
    }
  }
  return { rows, columns };
}

export const b7Export: Benchmark = {
  name: 'b7',
  title: 'Excel export of a ≥ 100,000-row member roster, 20 columns, over HTTP (three county trees)',
  target: 'first byte ≤ 500 ms, done ≤ 5 s, memory growth ≤ 200 MB (streamed)',
  usesTierDb: false,
  async run(ctx) {
    const db = await openBenchDb({ dataDir: ctx.options.exportDataDir, dbUrl: ctx.options.exportDbUrl });
    console.log(`database: ${db.label}`);
    const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dj-bench-export-'));
    try {
      const { generatedMs } = await ensureExportData(db);
      const { deps } = db;
      const roots = await deps.db.query<{ id: string; name: string }>(sql`SELECT id, name FROM org WHERE parent_id IS NULL ORDER BY seq`);
      const account = await ensureAccount(deps, 'bench_export', '压测-导出', roots.map((r) => ({ role: 'org_admin', orgId: r.id, scope: 'subtree' })));
      // independent expectation: every current member under the three roots
      const expected = (await deps.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id WHERE p.is_current`)).n;
      console.log(`export scope: ${roots.length} trees, ${num(expected)} current members`);

      const app = await buildApp(deps);
      const baseUrl = await listen(app);
      const runs: ExportRun[] = [];
      const breakdown = { totalMs: NaN, rows: 0, bytes: 0, statements: [] as Array<{ ms: number }> };
      try {
        const cookie = await loginHttp(baseUrl, account);
        for (let run = 1; run <= RUNS; run++) {
          const file = path.join(tmpDir, `export-${run}.xlsx`);
          collectGarbage();
          const baselineRss = process.memoryUsage().rss;
          let peakRss = baselineRss;
          const baselineHeapUsed = process.memoryUsage().heapUsed;
          let peakHeapUsed = baselineHeapUsed;
          const sampler = setInterval(() => {
            const m = process.memoryUsage();
            peakRss = Math.max(peakRss, m.rss);
            peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
          }, 100);
          const t0 = performance.now();
          let firstByteMs = NaN;
          let bytes = 0;
          let status = 0;
          let headersMs = NaN;
          try {
            const res = await fetch(`${baseUrl}/api/v1/members/export`, { headers: { cookie } });
            headersMs = performance.now() - t0;
            status = res.status;
            if (status !== 200 || !res.body) throw new Error(`export → ${status} ${await res.text()}`);
            const counter = new Transform({
              transform(chunk: Buffer, _enc, done) {
                if (!bytes) firstByteMs = performance.now() - t0;
                bytes += chunk.length;
                done(null, chunk);
              },
            });
            await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), counter, fs.createWriteStream(file));
          } finally {
            clearInterval(sampler);
          }
          const totalMs = performance.now() - t0;
          const m = process.memoryUsage();
          peakRss = Math.max(peakRss, m.rss);
          peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
          const counted = await countRows(file);
          fs.rmSync(file, { force: true });
          runs.push({ run, status, headersMs, firstByteMs, totalMs, bytes, baselineRss, peakRss, rssGrowth: peakRss - baselineRss, baselineHeapUsed, peakHeapUsed, dataRows: counted.rows - 2, columns: counted.columns });
        }
        // where the time goes: the same export in-process into a discarding stream, statements traced
        const token = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
        const session = await resolveSession(deps.db, token);
        if (session.kind !== 'ok') throw new Error('bench session expired');
        const reqCtx = { requestId: 'bench', ip: null, actor: session.actor };
        const where = await prepareExport(deps, reqCtx, { status: 'current' });
        let discarded = 0;
        const sinkStream = new Writable({
          write(chunk: Buffer, _enc, done) {
            discarded += chunk.length;
            done();
          },
        });
        const tracer = traceQueries(deps.db.pool);
        tracer.start();
        const t0 = performance.now();
        let rows = 0;
        try {
          rows = await writeExport(deps, reqCtx, where, sinkStream);
        } finally {
          breakdown.statements = tracer.stop();
          tracer.restore();
        }
        breakdown.totalMs = performance.now() - t0;
        breakdown.rows = rows;
        breakdown.bytes = discarded;
      } finally {
        await app.close();
      }
      printTable(`B7 GET /api/v1/members/export as an org_admin over ${roots.length} trees (${num(expected)} current members by SQL count)`,
        ['run', 'headers ms', 'first byte ms', 'total ms', 'bytes', 'data rows', 'columns', 'RSS baseline', 'RSS peak', 'RSS growth', 'heap growth'],
        runs.map((r) => [String(r.run), ms(r.headersMs), ms(r.firstByteMs), ms(r.totalMs), num(r.bytes), num(r.dataRows), String(r.columns), mb(r.baselineRss), mb(r.peakRss), mb(r.rssGrowth), mb(r.peakHeapUsed - r.baselineHeapUsed)]));
      const dbMs = breakdown.statements.reduce((a, b) => a + b.ms, 0);
      printTable('B7 in-process writeExport into a discarding stream (no HTTP): where the time goes', ['', 'value'], [
        ['rows', num(breakdown.rows)], ['bytes', num(breakdown.bytes)], ['total ms', ms(breakdown.totalMs)],
        [`SQL keyset batches (${breakdown.statements.length} statements) ms`, ms(dbMs)], ['row formatting + exceljs (xml, zip) ms', ms(breakdown.totalMs - dbMs)],
      ]);
      const worst = { firstByteMs: Math.max(...runs.map((r) => r.firstByteMs)), totalMs: Math.max(...runs.map((r) => r.totalMs)), rssGrowth: Math.max(...runs.map((r) => r.rssGrowth)) };
      const rowsOk = runs.every((r) => r.dataRows === expected) && runs.every((r) => r.columns === EXPORT_COLUMNS.length);
      console.log(`\nB7 worst of ${RUNS} runs: first byte ${ms(worst.firstByteMs)} ms (≤ 500: ${verdict(worst.firstByteMs <= 500)}), total ${ms(worst.totalMs)} ms (≤ 5,000: ${verdict(worst.totalMs <= 5000)}), RSS growth ${mb(worst.rssGrowth)} (≤ 200 MB: ${verdict(worst.rssGrowth <= 200 * 2 ** 20)})`);
      console.log(`B7 rows in the file equal the SQL count (${num(expected)}) with ${EXPORT_COLUMNS.length} columns: ${rowsOk ? 'yes' : 'NO'}`);
      const breakdownOut = { totalMs: breakdown.totalMs, rows: breakdown.rows, bytes: breakdown.bytes, statements: breakdown.statements.length, sqlMs: breakdown.statements.reduce((a, b) => a + b.ms, 0) };
      return { generatedMs, trees: roots.length, expectedRows: expected, runs, worst, rowsMatch: rowsOk, breakdown: breakdownOut, database: db.label };
    } finally {
      fs.rmSync(tmpDir, { recursive: true, force: true });
      await db.close();
    }
  },
};
