import { importTemplate, loadExcel, readSheet } from '../../platform/excel';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { personInScope } from '../../platform/scope';
import { auditInTx } from '../../platform/audit';
import { BASED_CATEGORIES, DUES_CATEGORIES, Month, type DuesCategory } from '../../../contracts/dues';
import * as repo from './dues.repo';
import { resolveBase } from './dues.bases';
import { ruleFor } from './dues.bills';
import type { Component } from './dues.policy';

// The yearly recalculation of dues bases by Excel: a fixed template, a dry
// run that reports every row's problems, and a commit that skips rows already
// recorded the same way (re-importing a file changes nothing).

export const BASE_IMPORT_COLUMNS = ['姓名', '身份证号', '党费类别', '月基数（元）', '计入项目（名称:金额；…）', '扣除项目（名称:金额；…）', '执行月份（YYYY-MM）', '备注'] as const;

/** The template: a drop-down of the dues categories, the ID number and the month as text. */
export async function buildBaseTemplate(): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  const widths = [10, 22, 18, 14, 40, 30, 16, 20];
  importTemplate(wb, {
    name: '党费基数',
    columns: BASE_IMPORT_COLUMNS.map((header, i) => ({
      header, width: widths[i], text: header === '身份证号' || header.startsWith('执行月份'), list: header === '党费类别' ? Object.values(DUES_CATEGORIES) : undefined,
    })),
    rows: [['张三', '430102198001010011', DUES_CATEGORIES.in_service, '', '岗位工资:4000；薪级工资:1200；基础性绩效:1500', '个人缴纳住房公积金:600', '2027-01', '示例行，导入前请删除']],
    help: [
      ['党费类别', Object.values(DUES_CATEGORIES).join(' / ')],
      ['身份证号', '18位；该列为文本格式，请勿改为数字'],
      ['月基数', '在职、年薪制、个体经营、离退休须填写基数或计入项目；金额单位为元，最多两位小数；同时填写时两者须一致'],
      ['计入项目', '计入基数的工资项目，如 岗位工资:4000；奖励性绩效、住房补贴、通讯交通补贴等不计入（中组发〔2008〕3号）'],
      ['扣除项目', '个人缴纳的社会保险、住房公积金；是否扣除按本地规定'],
      ['执行月份', '新基数自该月起执行，例如 2027-01'],
      ['重复导入', '与已登记内容相同的行会被跳过，可放心重复导入同一文件'],
    ],
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

import type { BaseImportReport } from '../../../contracts/dues';
export type { BaseImportReport };

const CATEGORY_BY_LABEL = new Map(Object.entries(DUES_CATEGORIES).flatMap(([k, v]) => [[v, k], [k, k], [v.replace(/（.*）/, ''), k]] as Array<[string, string]>));

/** 元 as written ("1234.5", "1,234.50") → 分, exactly; null when not a valid amount. */
export function yuanToFen(s: string): number | null {
  const t = s.replace(/[,，\s]/g, '');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(t);
  return m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : null;
}

function parseItems(s: string, kind: Component['kind']): Component[] | string {
  if (!s.trim()) return [];
  const out: Component[] = [];
  for (const part of s.split(/[;；\n]/).map((x) => x.trim()).filter(Boolean)) {
    const m = /^(.+?)[:：]\s*(.+)$/.exec(part);
    const fen = m ? yuanToFen(m[2]) : null;
    if (!m || fen === null) return `“${part}”应写成 名称:金额（元）`;
    out.push({ item: m[1].trim().slice(0, 50), kind, amountFen: fen });
  }
  return out;
}

export async function runBaseImport(deps: Deps, ctx: ActorContext, data: Buffer, commit: boolean): Promise<BaseImportReport> {
  const rows = await readSheet(data, BASE_IMPORT_COLUMNS, '单个文件最多导入2万行，请拆分后导入', 20_000);
  const report: BaseImportReport = { total: rows.length, valid: 0, unchanged: 0, created: 0, errors: [] };
  const ready: Array<{ personId: string; orgId: string; category: DuesCategory; base: number | null; components: Component[]; month: string; note: string | null }> = [];
  const seen = new Map<string, number>();
  let checked = 0;
  for (const [rowNo, name, idNumber, categoryText, baseText, includeText, deductText, month, note] of rows) {
    // rows refused before any query never await: give the event loop a turn now and then
    if (++checked % 500 === 0) await yieldToLoop();
    const row = Number(rowNo);
    const fail = (field: string, message: string) => report.errors.push({ row, field, message });
    const category = CATEGORY_BY_LABEL.get(categoryText.trim()) as DuesCategory | undefined;
    if (!category) {
      fail('党费类别', `应为：${Object.values(DUES_CATEGORIES).join(' / ')}`);
      continue;
    }
    if (!Month.safeParse(month).success) {
      fail('执行月份', '应为 YYYY-MM，例如 2027-01');
      continue;
    }
    const id = idNumber.trim().toUpperCase();
    const person = /^\d{17}[\dX]$/.test(id)
      ? await repo.findCurrentPersonByIdHash(deps.db, deps.cipher.hash(id), personInScope(ctx.actor, 'dues.manage'))
      : null;
    if (!person) {
      fail('身份证号', '未找到该身份证号的在册党员（或不在您的管理范围内）');
      continue;
    }
    if (name.trim() && name.trim() !== person.name) {
      fail('姓名', `与身份证号对应的党员姓名（${person.name}）不一致`);
      continue;
    }
    if (seen.has(person.id)) {
      fail('身份证号', `与第 ${seen.get(person.id)} 行重复`);
      continue;
    }
    seen.set(person.id, row);
    const include = parseItems(includeText, 'include');
    const deduct = parseItems(deductText, 'deduct');
    if (typeof include === 'string') {
      fail('计入项目', include);
      continue;
    }
    if (typeof deduct === 'string') {
      fail('扣除项目', deduct);
      continue;
    }
    const baseFen = baseText.trim() ? yuanToFen(baseText) : null;
    if (baseText.trim() && baseFen === null) {
      fail('月基数（元）', '应为金额（元），最多两位小数');
      continue;
    }
    const components = [...include, ...deduct];
    let base: number | null;
    try {
      const rule = await ruleFor(deps.db, month, person.org_path);
      if (!BASED_CATEGORIES.includes(category) || include.length) base = resolveBase(rule.body, { category, baseFen, components });
      else if (baseFen === null) throw new Error('该类别须填写月基数或计入项目');
      // a base given with deductions only: the deductions apply where the local rule deducts them
      else base = Math.max(0, baseFen - (rule.body.deductSocialInsurance ? deduct.reduce((sum, c) => sum + c.amountFen, 0) : 0));
    } catch (e) {
      fail('月基数（元）', (e as Error).message);
      continue;
    }
    const latest = (await repo.listBases(deps.db, person.id)).find((b) => b.effective_month === month);
    if (latest && latest.category === category && latest.base_fen === base && JSON.stringify(latest.components) === JSON.stringify(components)) {
      report.unchanged++;
      continue;
    }
    report.valid++;
    ready.push({ personId: person.id, orgId: person.org_id, category, base, components, month, note: note.trim() || null });
  }
  if (commit && ready.length && !report.errors.length) {
    await deps.db.tx(async (t) => {
      for (const r of ready) await repo.insertBase(t, { personId: r.personId, category: r.category, baseFen: r.base, components: r.components, month: r.month, note: r.note ?? '批量导入', actorId: ctx.actor.accountId });
      await auditInTx(t, ctx, { action: 'dues.base_import', detail: { rows: ready.length } });
    });
    report.created = ready.length;
  }
  return report;
}
