import { checkWorkbook, importTemplate, loadExcel, readSheet, sheetLimits, TEMPLATE_ROWS } from '../../platform/excel';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Deps } from '../../deps';
import type { ActorContext, Actor } from '../../platform/actor';
import { AppError } from '../../platform/errors';
import { orgInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { inSavepoint } from '../../platform/db';
import { EDUCATIONS, OCCUPATIONS, SEXES, ETHNICITIES, BRANCH_TYPES } from '../../../contracts/dict';
import { MemberFields } from '../../../contracts/member';
import * as repo from './member.repo';
import { prepareRecord, insertMember } from './member.service';

// Excel import of members: a fixed template, a dry run that reports every
// row's problems, and a commit that skips rows already on the roll of the same
// branch (so re-running the same file changes nothing).

export const IMPORT_COLUMNS = ['姓名', '性别', '民族', '身份证号', '学历', '人员类别', '工作单位', '手机号码', '家庭住址', '党员类别', '入党日期', '转正日期', '所在党支部（名称或代码）'] as const;

/** The template: drop-downs for the coded columns (the labels the import accepts), ID number and phone as text. */
export async function buildTemplate(): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  const lists: Partial<Record<(typeof IMPORT_COLUMNS)[number], readonly string[]>> = {
    性别: Object.values(SEXES), 民族: ETHNICITIES, 学历: Object.values(EDUCATIONS), 人员类别: Object.values(OCCUPATIONS), 党员类别: ['正式党员', '预备党员'],
  };
  const text = new Set<string>(['身份证号', '手机号码', '入党日期', '转正日期', '所在党支部（名称或代码）']);
  importTemplate(wb, {
    name: '党员信息',
    columns: IMPORT_COLUMNS.map((header) => ({ header, text: text.has(header), list: lists[header], width: header === '身份证号' ? 22 : undefined })),
    help: [
      ['性别', Object.values(SEXES).join(' / ')],
      ['民族', '填写民族全称，例如 汉族、蒙古族（可从下拉列表选择）'],
      ['学历', Object.values(EDUCATIONS).join(' / ')],
      ['人员类别', Object.values(OCCUPATIONS).join(' / ')],
      ['党员类别', '正式党员 / 预备党员'],
      ['日期', 'YYYY-MM-DD，例如 2015-07-01；正式党员须填转正日期'],
      ['身份证号', '18位，按 GB 11643 校验；出生日期和性别由身份证号核对；该列为文本格式，请勿改为数字'],
      ['所在党支部', '填写党支部的组织代码或全称，须在您的管理范围内'],
      ['下拉列表', `前 ${TEMPLATE_ROWS.toLocaleString('zh-CN')} 行的性别、民族、学历、人员类别、党员类别可从下拉列表选择`],
      ['重复导入', '同一支部已在册的身份证号会被跳过，可放心重复导入同一文件'],
    ],
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

import type { ImportIssue } from '../../../contracts/common';
import type { MemberImportReport as ImportReport } from '../../../contracts/member';
export type { ImportIssue, ImportReport };

// the record field behind each template column, in column order
const FIELDS = ['name', 'sex', 'ethnicity', 'idNumber', 'education', 'occupation', 'unitName', 'phone', 'address', 'status', 'joinDate', 'conversionDate'];
const columnOf = (field: string): string => IMPORT_COLUMNS[FIELDS.indexOf(field)] ?? field;

const byLabel = <T extends Record<string, string>>(dict: T) => new Map(Object.entries(dict).map(([k, v]) => [v, k as keyof T]));
const SEX_BY_LABEL = byLabel(SEXES);
const EDU_BY_LABEL = byLabel(EDUCATIONS);
const OCC_BY_LABEL = byLabel(OCCUPATIONS);

function normaliseDate(s: string): string {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(s);
  return m ? `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}` : s;
}

export const MAX_IMPORT_ROWS = 100_000;

/** The data rows of an uploaded template: [row number, ...cells]. */
export const readRows = (data: Buffer) => readSheet(data, IMPORT_COLUMNS, '单个文件最多导入10万行，请拆分后导入', MAX_IMPORT_ROWS);

/** Refuses at upload, before the file is stored and queued, a workbook whose parts declare more XML than an import may hold. */
export const checkUpload = (data: Buffer) => checkWorkbook(data, sheetLimits(MAX_IMPORT_ROWS));

type OrgRef = repo.ImportOrgRow;

async function loadOrgIndex(deps: Deps, actor: Actor) {
  const orgs = await repo.listImportOrgs(deps.db, orgInScope(actor, 'member.import'));
  const byCode = new Map<string, OrgRef>();
  const byName = new Map<string, OrgRef[]>();
  for (const o of orgs) {
    if (o.code) byCode.set(o.code, o);
    byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
  }
  return (ref: string): OrgRef | string => {
    const o = byCode.get(ref) ?? (byName.get(ref)?.length === 1 ? byName.get(ref)![0] : undefined);
    if (!o) return byName.get(ref) ? '组织名称重名，请改填组织代码' : '找不到该党支部，或不在您的管理范围内';
    if (o.dissolved_on) return '该组织已撤销';
    if (!(BRANCH_TYPES as readonly string[]).includes(o.type)) return '党员应编入党支部，请填写党支部';
    return o;
  };
}

/** Validates every row; with `commit`, inserts the valid ones (skipping those already on the roll). */
export async function runImport(deps: Deps, ctx: ActorContext, data: Buffer, commit: boolean, onProgress?: (done: number, total: number) => Promise<void>): Promise<ImportReport> {
  const actor = ctx.actor;
  const rows = await readRows(data);
  const resolveOrg = await loadOrgIndex(deps, actor);
  const today = deps.clock.today();
  const report: ImportReport = { total: rows.length, valid: 0, skipped: 0, created: 0, errors: [] };
  const seen = new Map<string, number>();
  const ready: Array<{ row: number; org: OrgRef; rec: ReturnType<typeof prepareRecord> }> = [];
  let checked = 0;
  for (const [rowNo, name, sex, ethnicity, idNumber, edu, occ, unitName, phone, address, kind, joinDate, conversionDate, orgRef] of rows) {
    // rows refused by the schema alone never await: give the event loop a turn now and then
    if (++checked % 500 === 0) await yieldToLoop();
    const row = Number(rowNo);
    const fail = (field: string, message: string) => report.errors.push({ row, field, message });
    const parsed = MemberFields.safeParse({
      name, sex: SEX_BY_LABEL.get(sex as never) ?? sex, ethnicity, idNumber, education: EDU_BY_LABEL.get(edu as never) ?? edu, occupation: OCC_BY_LABEL.get(occ as never) ?? occ,
      unitName: unitName || null, phone: phone || null, address: address || null, joinDate: normaliseDate(joinDate), conversionDate: conversionDate ? normaliseDate(conversionDate) : null,
      status: kind === '正式党员' ? 'full' : kind === '预备党员' ? 'probationary' : kind,
    });
    if (!parsed.success) {
      for (const i of parsed.error.issues) fail(columnOf(String(i.path[0])), i.message);
      continue;
    }
    if (!(ETHNICITIES as readonly string[]).includes(parsed.data.ethnicity)) {
      fail('民族', '民族名称不正确，例如：汉族');
      continue;
    }
    const org = resolveOrg(orgRef);
    if (typeof org === 'string') {
      fail('所在党支部', org);
      continue;
    }
    let rec;
    try {
      rec = prepareRecord(deps, parsed.data, today);
    } catch (e) {
      const err = e as AppError;
      const issues = (err.details as { issues?: Array<{ field: string; message: string }> })?.issues;
      fail(issues?.[0] ? columnOf(issues[0].field) : '身份证号', err.message);
      continue;
    }
    const key = rec.idHash.toString('hex');
    if (seen.has(key)) {
      fail('身份证号', `与第 ${seen.get(key)} 行重复`);
      continue;
    }
    seen.set(key, row);
    const existing = await repo.findCurrentByIdHash(deps.db, rec.idHash);
    if (existing) {
      if (existing.status !== 'full' && existing.status !== 'probationary') fail('身份证号', '该身份证号属于一名正在发展的入党申请人，请在发展党员中办理');
      else if (existing.org_id === org.id) report.skipped++;
      else fail('身份证号', '该身份证号已在其他党支部在册，请办理组织关系转接');
      continue;
    }
    report.valid++;
    ready.push({ row, org, rec });
  }
  if (commit && ready.length) {
    const batch = 200;
    for (let i = 0; i < ready.length; i += batch) {
      const slice = ready.slice(i, i + batch);
      await deps.db.tx(async (t) => {
        for (const r of slice) {
          try {
            // one failed row is rolled back alone, the rest of the batch stays
            await inSavepoint(t, 'row_insert', () => insertMember(t, ctx, r.org, r.rec, 'registered', today));
            report.created++;
          } catch (e) {
            if ((e as { code?: string }).code === '23505') report.skipped++;
            else report.errors.push({ row: r.row, field: '', message: '写入失败，请重试' });
          }
        }
        await auditInTx(t, ctx, { action: 'member.import', objectType: 'import', detail: { rows: slice.length, fromRow: slice[0].row } });
      });
      await onProgress?.(Math.min(i + batch, ready.length), ready.length);
    }
  }
  report.errors.sort((a, b) => a.row - b.row);
  return report;
}
