import type { Deps } from '../deps';
import { actorOf } from '../domains/member';
import { deliverScheduledReports, saveReport, scheduleReport } from '../domains/reports';
import { fixedClock } from '../platform/clock';
import { addMonths } from '../platform/dates';
import { sql } from '../platform/sql';
import { registerReportSubjects } from '../report-subjects';

// The demo county's saved reports: a shared one on its members' structure,
// and a monthly dues report delivered to the organisation department for each
// of the last twelve months (each on the first of the month, read but the
// latest).

const firstOfMonth = (day: string, back: number) => addMonths(`${day.slice(0, 7)}-01`, -back);

export async function generateReports(deps: Deps, o: { rootId: string; accountId: string; today: string }) {
  // the first start seeds before the app (which registers the subjects) is built
  registerReportSubjects();
  const actor = await actorOf(deps, o.accountId);
  const ctx = { requestId: 'seed', ip: null, actor };
  const year = `${o.today.slice(0, 4)}-01-01`;
  await saveReport(deps, ctx, {
    name: '各乡镇党员性别与年龄',
    shared: true,
    spec: { subject: 'members', orgId: o.rootId, rows: 'org', columns: 'sex', measures: ['count'], filters: {}, from: year, to: o.today },
  });
  const dues = await saveReport({ ...deps, clock: fixedClock(`${firstOfMonth(o.today, 13)}T02:00:00Z`) }, ctx, {
    name: '月度党费交纳情况',
    shared: false,
    spec: { subject: 'dues', orgId: o.rootId, rows: 'org', measures: ['due', 'paid', 'pay_rate'], filters: {}, from: year, to: o.today },
  });
  await scheduleReport({ ...deps, clock: fixedClock(`${firstOfMonth(o.today, 13)}T02:00:00Z`) }, ctx, dues.id, { frequency: 'monthly', format: 'xlsx' });
  for (let back = 12; back >= 1; back--) await deliverScheduledReports({ ...deps, clock: fixedClock(`${firstOfMonth(o.today, back)}T01:00:00Z`) });
  // the older deliveries were read when they came
  await deps.db.exec(sql`
    UPDATE notification SET read_at = created_at + interval '2 hours'
    WHERE account_id = ${o.accountId}::uuid AND kind = 'report' AND created_at < (SELECT max(created_at) FROM notification WHERE account_id = ${o.accountId}::uuid AND kind = 'report')`);
}
