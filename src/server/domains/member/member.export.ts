import type { Writable } from 'node:stream';
import { loadExcel, printSheet, type SheetColumn } from '../../platform/excel';
import type { Deps } from '../../deps';
import type { Actor, ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { personInScope, orgInScope } from '../../platform/scope';
import { notFound } from '../../platform/errors';
import type { Sql } from '../../platform/sql';
import { fullYearsBetween } from '../../platform/dates';
import { EDUCATIONS, MEMBER_STATUSES, OCCUPATIONS, SEXES } from '../../../contracts/dict';
import * as repo from './member.repo';
import { searchTerms } from './member.service';
import { partyAgeYears } from './member.policy';

// Streamed Excel export of the scoped roster: rows are read in keyset batches
// and written through exceljs' streaming WorkbookWriter, so memory stays flat.
// Sensitive values are masked (RULES §9); the title row names the organisation,
// the business date and the exporting user. Laid out for printing by printSheet.

export const EXPORT_COLUMNS = [
  '序号', '姓名', '性别', '民族', '出生日期', '年龄', '身份证号', '学历', '人员类别', '工作单位',
  '手机号码', '家庭住址', '党员类别', '入党日期', '转正日期', '党龄', '所在党组织', '组织代码', '在册状态', '备注',
];

// ID numbers and phones are text: Excel would turn 18 digits into 1.10101E+17 and drop leading zeros
const TEXT_COLUMNS = new Set(['身份证号', '手机号码', '组织代码']);
const SHEET_COLUMNS: SheetColumn[] = EXPORT_COLUMNS.map((header) => ({ header, text: TEXT_COLUMNS.has(header) }));

/** What an export covers: the scoped filter and the organisation its title names. */
export interface ExportPlan { where: Sql; orgName: string }

/** The organisations an actor's grants cover, for the title of an export without an org filter. */
function scopeName(actor: Actor): string {
  const names = [...new Set(actor.grants.map((g) => g.orgName).filter((n): n is string => !!n))];
  return names.length ? names.join('、') : '全部党组织';
}

interface ExportRow {
  id: string; seq: number; name: string; name_pinyin: string; sex: keyof typeof SEXES; ethnicity: string; birth_date: string; id_no_masked: string;
  education: keyof typeof EDUCATIONS; occupation: keyof typeof OCCUPATIONS; unit_name: string | null; phone_masked: string | null; address: string | null;
  status: keyof typeof MEMBER_STATUSES; join_date: string | null; conversion_date: string | null; org_name: string; org_code: string | null;
}

export async function prepareExport(deps: Deps, ctx: ActorContext, query: { orgId?: string; q?: string; status: 'current' | 'probationary' | 'full' | 'former'; sex?: string; education?: string; ids?: string }): Promise<ExportPlan> {
  let orgPath: string | null = null;
  let orgName = scopeName(ctx.actor);
  if (query.orgId) {
    const org = await repo.findOrgForMembers(deps.db, query.orgId, orgInScope(ctx.actor, 'member.export'));
    if (!org) throw notFound();
    orgPath = org.path;
    orgName = org.name;
  }
  // a selection on the list narrows the export further; a selected id out of scope is simply not exported
  const ids = query.ids ? [...new Set(query.ids.toLowerCase().split(','))] : undefined;
  const where = repo.memberFilter(personInScope(ctx.actor, 'member.export'), { orgPath, status: query.status, sex: query.sex, education: query.education, terms: searchTerms(deps, query.q), ids });
  await audit(deps.db, ctx, { action: 'member.export', objectType: 'org', objectId: query.orgId ?? null, orgId: query.orgId ?? null, detail: { status: query.status, sex: query.sex ?? null, education: query.education ?? null, q: query.q ? '[filtered]' : null, selected: ids?.length ?? null } });
  return { where, orgName };
}

async function exportBatch(deps: Deps, where: Sql, last: { seq: number; name_pinyin: string; id: string } | null, batchSize: number): Promise<ExportRow[]> {
  return repo.listExportBatch<ExportRow>(deps.db, where, last, batchSize);
}

/**
 * Reads the first batch before anything is sent, so that a failing query is
 * answered with the error envelope instead of a 200 and a cut-off file; the
 * returned writer streams the workbook (a later failure destroys the stream:
 * the client sees a broken transfer, never a truncated "complete" file).
 */
export async function startExport(deps: Deps, ctx: ActorContext, plan: ExportPlan, batchSize = 5000): Promise<(out: Writable) => Promise<number>> {
  const first = await exportBatch(deps, plan.where, null, batchSize);
  return (out) => writeExport(deps, ctx, plan, out, batchSize, first);
}

function exportValues(r: ExportRow, n: number, today: string): unknown[] {
  return [
    n, r.name, SEXES[r.sex], r.ethnicity, r.birth_date, fullYearsBetween(r.birth_date, today), r.id_no_masked, EDUCATIONS[r.education], OCCUPATIONS[r.occupation],
    r.unit_name ?? '', r.phone_masked ?? '', r.address ?? '', r.status === 'probationary' ? '预备党员' : r.status === 'full' ? '正式党员' : '', r.join_date ?? '',
    r.conversion_date ?? '', partyAgeYears(r.status, r.conversion_date, today) ?? '', r.org_name, r.org_code ?? '', MEMBER_STATUSES[r.status], '',
  ];
}

export async function writeExport(deps: Deps, ctx: ActorContext, plan: ExportPlan, out: Writable, batchSize = 5000, first?: ExportRow[]): Promise<number> {
  const { where } = plan;
  const today = deps.clock.today();
  first ??= await exportBatch(deps, where, null, batchSize);
  const ExcelJS = await loadExcel();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = ctx.actor.username;
  wb.created = new Date();
  const sheet = printSheet(wb, {
    name: '党员名册', title: '党员名册', columns: SHEET_COLUMNS, frozenColumns: 2,
    caption: [plan.orgName, `截至 ${today}`, `导出人：${ctx.actor.displayName}（${ctx.actor.username}）`, '敏感信息已脱敏'],
    // the streamed sheet writes its widths before its rows: fitted to the first batch
    sample: first.slice(0, 1000).map((r, i) => exportValues(r, i + 1, today)),
  });
  let last: { seq: number; name_pinyin: string; id: string } | null = null;
  let n = 0;
  for (;;) {
    const rows: ExportRow[] = n === 0 ? first : await exportBatch(deps, where, last, batchSize);
    for (const r of rows) {
      n++;
      sheet.add(exportValues(r, n, today));
    }
    if (rows.length < batchSize) break;
    const tail = rows[rows.length - 1];
    last = { seq: tail.seq, name_pinyin: tail.name_pinyin, id: tail.id };
  }
  sheet.finish();
  await wb.commit();
  return n;
}
