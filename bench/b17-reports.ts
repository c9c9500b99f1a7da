import { buildApp } from '../src/server/app';
import type { ReportSpec } from '../src/contracts/reports';
import type { Benchmark } from './lib/context';
import { loginInject, timeInjected } from './lib/http';
import { LATENCY_HEADER, latencyRow, ms, printTable, verdict } from './lib/stats';

// Issue 16 / QUALITY B2: the report builder (runReport) through the HTTP API
// (app.inject, sequential after a warm-up) for the root and for a committee
// under it: members by subordinate org with rates, a sex × org cross-tab, an
// age breakdown filtered to women, dues by month of the running year,
// meetings by type × org, development files by org and by stage × org, points
// by item × month. Each reads the raw rows of its subject in the viewer's scope
// (no rollups).

export const b17Reports: Benchmark = {
  name: 'b17',
  title: 'the report builder (runReport) of the root and of a committee: members, dues, meetings, development, points',
  target: 'a report-builder query p95 ≤ 100 ms at county tier, ≤ 500 ms at city tier',
  usesTierDb: true,
  async run(ctx) {
    const { deps, accounts } = await ctx.tierDb();
    const app = await buildApp(deps);
    try {
      const cookie = await loginInject(app, accounts.admin);
      const today = deps.clock.today();
      const year = `${today.slice(0, 4)}-01-01`;
      const n = Math.max(10, Math.min(ctx.options.queries, 100));
      const reports: Array<[string, Omit<ReportSpec, 'orgId'>]> = [
        ['党员 × 下级组织（人数、女党员比例、少数民族比例）', { subject: 'members', rows: 'org', measures: ['count', 'female_rate', 'minority_rate'], filters: {}, from: year, to: today }],
        ['党员 性别 × 下级组织', { subject: 'members', rows: 'sex', columns: 'org', measures: ['count'], filters: {}, from: year, to: today }],
        ['党员 年龄段（女）', { subject: 'members', rows: 'age', measures: ['count'], filters: { sex: ['female'] }, from: year, to: today }],
        ['党费 月份（应交、已交、交纳率）', { subject: 'dues', rows: 'month', measures: ['due', 'paid', 'pay_rate'], filters: {}, from: year, to: today }],
        ['组织生活 会议类型 × 下级组织', { subject: 'meetings', rows: 'type', columns: 'org', measures: ['meetings'], filters: {}, from: year, to: today }],
        ['发展党员 下级组织（档案、新申请、接收、转正）', { subject: 'development', rows: 'org', measures: ['files', 'applied', 'admitted', 'converted'], filters: {}, from: year, to: today }],
        ['发展党员 发展阶段 × 下级组织', { subject: 'development', rows: 'stage', columns: 'org', measures: ['files'], filters: {}, from: year, to: today }],
        ['党员积分 积分项目 × 月份', { subject: 'points', rows: 'item', columns: 'month', measures: ['awarded'], filters: {}, from: year, to: today }],
      ];
      const rows: Array<Array<string | number>> = [];
      const out: Record<string, unknown> = {};
      let worst = 0;
      for (const [where, orgId] of [['root', accounts.orgs.root.id], ['committee', accounts.orgs.committee.id]] as const) {
        for (const [label, spec] of reports) {
          const s = await timeInjected(app, cookie, { method: 'POST', url: '/api/v1/reports/run', payload: { ...spec, orgId } }, n, 5);
          rows.push(latencyRow(`${where} ${label}`, s));
          out[`${where}.${spec.subject}.${spec.rows}${spec.columns ? `x${spec.columns}` : ''}`] = s;
          worst = Math.max(worst, s.p95);
        }
      }
      printTable(`自定义报表 as org_admin of the tree; sequential app.inject × ${n} per report`, LATENCY_HEADER, rows);
      const limit = ctx.options.tier === 'city' ? 500 : 100;
      console.log(`B17 report builder: worst p95 ${ms(worst)} ms (target ≤ ${limit} ms at ${ctx.options.tier} tier: ${verdict(worst <= limit)})`);
      return out;
    } finally {
      await app.close();
    }
  },
};
