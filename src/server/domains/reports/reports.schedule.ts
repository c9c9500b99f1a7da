import type { Deps } from '../../deps';
import { auditInTx } from '../../platform/audit';
import type { ActorContext } from '../../platform/actor';
import { addDays, addMonths } from '../../platform/dates';
import { AppError } from '../../platform/errors';
import type { JobContext } from '../../platform/jobs';
import type { ReportDelivery, SavedReport, ScheduleReportBody } from '../../../contracts/reports';
import { REPORT_FREQUENCIES } from '../../../contracts/reports';
import { actorOf } from '../member';
import { renderReport, type ReportFile } from './reports.export';
import * as repo from './reports.repo';
import { runReport, toSaved } from './reports.service';

// Scheduled reports (issue 16): a saved report delivered monthly or
// quarterly, for the period just ended, to its owner's notification centre as
// a file of the chosen format — counted in the owner's scope on the day it
// runs (a grant withdrawn since narrows it, none left stops it with a note).
// The job (reports.deliver, hourly) takes the due reports with SKIP LOCKED,
// catches up missed periods, and reports its progress.

const MONTHS = { monthly: 1, quarterly: 3 } as const;

/** The first day of the month `months` after the month of `day`. */
const monthStart = (day: string, months: number) => addMonths(`${day.slice(0, 7)}-01`, months);

/** The first period start after `today` (a month's first day; a quarter's for quarterly). */
export function nextPeriodStart(today: string, frequency: 'monthly' | 'quarterly'): string {
  const next = monthStart(today, 1);
  if (frequency === 'monthly') return next;
  const m = Number(next.slice(5, 7));
  return monthStart(next, (3 - ((m - 1) % 3)) % 3);
}

export async function scheduleReport(deps: Deps, ctx: ActorContext, id: string, body: ScheduleReportBody): Promise<SavedReport> {
  const saved = await repo.ownSaved(deps.db, id, ctx.actor.accountId);
  if (!saved) throw new AppError('NOT_FOUND');
  const on = body.frequency === 'none' ? null : { frequency: body.frequency, next: nextPeriodStart(deps.clock.today(), body.frequency) };
  await deps.db.tx(async (t) => {
    await repo.setSchedule(t, id, { schedule: on?.frequency ?? null, format: on ? body.format : null, nextRunOn: on?.next ?? null, at: deps.clock.now() });
    await auditInTx(t, ctx, { action: 'report.schedule', objectType: 'saved_report', objectId: id, orgId: saved.org_id, detail: { name: saved.name, frequency: body.frequency, format: on ? body.format : null } });
  });
  return toSaved((await repo.ownSaved(deps.db, id, ctx.actor.accountId))!, ctx.actor.accountId);
}

/** Delivers every scheduled report due today (and the periods missed before), in the owner's scope; returns how many files were delivered. */
export async function deliverScheduledReports(deps: Deps, job?: Pick<JobContext, 'progress'>): Promise<number> {
  const today = deps.clock.today();
  return deps.db.tx(async (t) => {
    const due = await repo.dueSchedules(t, today);
    let delivered = 0;
    for (const [i, r] of due.entries()) {
      await job?.progress(i, due.length, `正在生成定期报表 ${i + 1} / ${due.length}`);
      const frequency = r.schedule!;
      const actor = await actorOf(deps, r.owner_id);
      const ctx: ActorContext = { requestId: 'reports.deliver', ip: null, actor };
      let start = r.next_run_on!;
      // the periods ended since the last delivery, at most a year of them
      for (let n = 0; start <= today && n < 12; n++) {
        const from = monthStart(start, -MONTHS[frequency]);
        const to = addDays(start, -1);
        const label = frequency === 'monthly' ? `${from.slice(0, 4)}年${Number(from.slice(5, 7))}月` : `${from.slice(0, 4)}年第${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}季度`;
        const title = `${r.name}（${label}）`;
        let file: ReportFile | null = null;
        let failure: string | null = null;
        try {
          const result = await runReport(deps, ctx, { ...(r.spec as Parameters<typeof runReport>[2]), from, to });
          const spec = r.spec as { rows: string; columns?: string };
          const rowLabel = result.subject.dimensions.find((d) => d.key === spec.rows)?.label ?? '';
          file = await renderReport(result, { title, format: r.schedule_format!, crossTab: spec.columns !== undefined, rowLabel, author: result.org.name, today });
        } catch (e) {
          // out of the owner's scope now, or a subject no longer permitted: said in the notification, the schedule goes on
          failure = e instanceof AppError ? e.message : '生成失败';
          if (!(e instanceof AppError)) throw e;
        }
        if (file) {
          const key = await deps.files.put(file.data);
          const deliveryId = await repo.insertDelivery(t, { reportId: r.id, accountId: r.owner_id, from, to, storageKey: key, fileName: file.fileName, contentType: file.contentType, size: file.data.length, at: deps.clock.now() });
          if (deliveryId) {
            delivered++;
            await deps.notify.notify(t, r.owner_id, { kind: 'report', title: `定期报表已生成：${title}`, body: `${REPORT_FREQUENCIES[frequency]}发送 · ${from} 至 ${to}`, link: `/admin/reports?tab=deliveries&delivery=${deliveryId}` });
          }
        } else {
          await deps.notify.notify(t, r.owner_id, { kind: 'report', title: `定期报表未能生成：${title}`, body: failure ?? '', link: '/admin/reports' });
        }
        start = monthStart(start, MONTHS[frequency]);
      }
      await repo.advanceSchedule(t, r.id, start);
    }
    await job?.progress(due.length, due.length, `定期报表已生成 ${delivered} 份`);
    return delivered;
  });
}

const toDelivery = (d: repo.DeliveryRow): ReportDelivery => ({
  id: d.id, reportName: d.report_name, from: d.period_from, to: d.period_to, fileName: d.file_name, sizeBytes: d.size_bytes, createdAt: new Date(d.created_at).toISOString(),
});

export async function listReportDeliveries(deps: Deps, ctx: ActorContext): Promise<{ items: ReportDelivery[] }> {
  return { items: (await repo.deliveriesOf(deps.db, ctx.actor.accountId)).map(toDelivery) };
}

export async function downloadReportDelivery(deps: Deps, ctx: ActorContext, id: string): Promise<ReportFile> {
  const d = await repo.ownDelivery(deps.db, id, ctx.actor.accountId);
  if (!d) throw new AppError('NOT_FOUND');
  return { data: await deps.files.get(d.storage_key), fileName: d.file_name, contentType: d.content_type };
}

export function registerReportJobs(deps: Deps) {
  deps.jobs.register('reports.deliver', async (job) => ({ delivered: await deliverScheduledReports(deps, job) }));
}
