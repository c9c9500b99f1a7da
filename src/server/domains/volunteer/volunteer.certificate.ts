import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { notFound } from '../../platform/errors';
import { formatBeijing } from '../../platform/dates';
import { writePdf, type Block } from '../../platform/documents';
import type { CertificateQuery } from '../../../contracts/volunteer';
import * as repo from './volunteer.repo';

// The volunteer's certificate of service (志愿服务记录证明): every attested
// record of the year (or of all years) — activity, organiser, place, time and
// hours — as the organisers attested them; issued free of charge to the
// volunteer themself (志愿服务记录与证明出具办法).

const hours = (minutes: number) => (Math.round((minutes / 60) * 10) / 10).toFixed(1);

export async function renderVolunteerCertificate(deps: Deps, ctx: ActorContext, query: CertificateQuery): Promise<{ data: Buffer; fileName: string }> {
  const v = await repo.volunteerOf(deps.db, ctx.actor.accountId, ctx.actor.personId);
  if (!v) throw notFound();
  const year = query.year ?? null;
  const records = await repo.attestedRecords(deps.db, v, year);
  const total = records.reduce((s, r) => s + r.minutes, 0);
  const period = year === null ? '全部年度' : `${year}年度`;
  const issued = formatBeijing(deps.clock.now()).slice(0, 10);
  const blocks: Block[] = [
    { kind: 'title', text: '志愿服务记录证明' },
    {
      kind: 'para',
      text: `兹证明 ${v.name}（${v.personId ? '中共党员' : '群众'}）${period}在本平台登记的志愿服务活动中，经活动组织单位签到签退认定，累计志愿服务时长 ${hours(total)} 小时，共 ${records.length} 次。明细如下：`,
    },
    records.length
      ? {
          kind: 'table',
          columns: [{ title: '序号', width: 0.07, align: 'center' }, { title: '活动名称', width: 0.27 }, { title: '组织单位', width: 0.25 }, { title: '服务时间', width: 0.29 }, { title: '时长（小时）', width: 0.12, align: 'center' }],
          rows: records.map((r, i) => [String(i + 1), r.title, r.org_name, `${formatBeijing(new Date(r.check_in_at))}—${formatBeijing(new Date(r.check_out_at)).slice(11)}`, hours(r.minutes)]),
        }
      : { kind: 'para', text: '该期间暂无经认定的志愿服务记录。', note: true },
    { kind: 'para', text: '本证明依据《志愿服务记录与证明出具办法》如实出具，服务时长以活动组织单位的签到签退认定为准，不收取任何费用。', note: true },
    { kind: 'right', text: '智慧党建云平台' },
    { kind: 'right', text: `出具日期：${issued}` },
  ];
  const data = await writePdf(`志愿服务记录证明 ${v.name} ${period}`, '智慧党建云平台', blocks);
  await audit(deps.db, ctx, { action: 'volunteer.certificate', objectType: v.personId ? 'person' : 'resident', objectId: v.personId ?? v.residentId, detail: { year: year ?? 'all', count: records.length } });
  return { data, fileName: `志愿服务记录证明-${v.name}-${period}.pdf` };
}
