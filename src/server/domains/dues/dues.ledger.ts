import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import type { Db, Queryable } from '../../platform/db';
import { audit } from '../../platform/audit';
import { loadExcel, printSheet } from '../../platform/excel';
import { AppError } from '../../platform/errors';
import { BILL_STATUSES, DUES_CATEGORIES, PAYMENT_METHODS, type MemberStatement } from '../../../contracts/dues';
import * as repo from './dues.repo';
import { billView } from './dues.bills';
import { findMember } from './dues.bases';
import { entryHash } from './dues.payments';

// Tracing every figure to its entries: a member's statement (each bill with
// the ledger entries that paid it), the hash chain of a member's entries, and
// the whole-ledger check behind `npm run cli -- dues verify` (chains, bills
// against entries, rollups against a recomputation).

export interface ChainCheck {
  ok: boolean;
  checked: number;
  problem: string | null;
}

/** Recomputes one member's chain in ledger order; the first entry that does not fit is reported. */
export function checkChain(entries: readonly repo.EntryRow[]): ChainCheck {
  let prev = 'genesis';
  let checked = 0;
  for (const e of entries) {
    if (e.prev_hash !== prev) return { ok: false, checked, problem: `第 ${e.id} 条交纳记录与前一条衔接不上（前一条被修改或删除）` };
    const h = entryHash(prev, { personId: e.person_id, billId: e.bill_id, kind: e.kind, amountFen: e.amount_fen, method: e.method, paidOn: e.paid_on, key: e.idempotency_key });
    if (h !== e.hash) return { ok: false, checked, problem: `第 ${e.id} 条流水的内容被修改` };
    prev = e.hash;
    checked++;
  }
  return { ok: true, checked, problem: null };
}

const entryView = (e: repo.EntryRow) => ({
  id: e.id, kind: e.kind, amountFen: e.amount_fen, method: e.method, paidOn: e.paid_on, payerName: e.payer_name, note: e.note, recordedBy: e.recorded_by,
  recordedAt: new Date(e.recorded_at).toISOString(), hash: e.hash,
});

/**
 * A member's statement for a month range. The member must be in the reader's
 * scope; their bills are shown wherever they were booked (a member who moved
 * brings their dues history, as the transfer letter states 党费交到何月).
 */
export async function memberStatement(deps: Deps, ctx: ActorContext, personId: string, query: { from: string; to: string }): Promise<MemberStatement> {
  if (query.from > query.to) throw new AppError('VALIDATION_FAILED', '起始月份不能晚于结束月份');
  const p = await findMember(deps.db, ctx, personId, 'dues.read');
  const [bills, entries] = await Promise.all([repo.billsOfPerson(deps.db, personId, query.from, query.to), repo.entriesOfPerson(deps.db, personId)]);
  const byBill = new Map<string, repo.EntryRow[]>();
  for (const e of entries) if (e.bill_id) byBill.set(e.bill_id, [...(byBill.get(e.bill_id) ?? []), e]);
  const voluntary = entries.filter((e) => e.kind === 'voluntary' && e.paid_on.slice(0, 7) >= query.from && e.paid_on.slice(0, 7) <= query.to);
  const views = bills.map((b) => ({ ...billView(b), entries: (byBill.get(b.id) ?? []).map(entryView) }));
  const due = views.reduce((s, b) => s + b.dueFen, 0);
  const paid = views.reduce((s, b) => s + b.paidFen, 0);
  return {
    person: { id: p.id, name: p.name, orgName: p.org_name },
    from: query.from,
    to: query.to,
    bills: views,
    voluntary: voluntary.map(entryView),
    totals: { dueFen: due, paidFen: paid, owedFen: views.filter((b) => b.status === 'unpaid').reduce((s, b) => s + b.dueFen, 0), voluntaryFen: voluntary.reduce((s, e) => s + e.amount_fen, 0) },
    chain: checkChain(entries),
  };
}

const yuan = (fen: number | null) => (fen === null ? '' : Math.round(fen) / 100);

export async function exportMemberStatement(deps: Deps, ctx: ActorContext, personId: string, query: { from: string; to: string }): Promise<{ data: Buffer; fileName: string }> {
  const s = await memberStatement(deps, ctx, personId, query);
  const wb = new (await loadExcel()).Workbook();
  const sheet = printSheet(wb, {
    name: '党费明细', title: '党费交纳明细', caption: [`${s.person.name}（${s.person.orgName}）`, `${s.from} 至 ${s.to}`, `制表日期 ${deps.clock.today()}`],
    columns: ['月份', '类别', '基数（元）', '比例', '应交（元）', '状态', '交纳日期', '方式', '代交人', '流水号', '登记人'],
  });
  for (const b of s.bills) {
    const head = [b.month, DUES_CATEGORIES[b.category], yuan(b.baseFen), b.rateBp === null ? '' : `${b.rateBp / 100}%`, yuan(b.dueFen), `${BILL_STATUSES[b.status]}${b.reduced ? '（减免）' : ''}`];
    if (!b.entries.length) sheet.add(head);
    for (const e of b.entries) sheet.add([...head, e.paidOn, PAYMENT_METHODS[e.method], e.payerName ?? '', e.id, e.recordedBy ?? '']);
  }
  sheet.note([]);
  sheet.note(['合计', '', '', '', yuan(s.totals.dueFen), `已交 ${yuan(s.totals.paidFen)} 元，欠交 ${yuan(s.totals.owedFen)} 元`]);
  if (s.voluntary.length) {
    sheet.note([]);
    sheet.note(['自愿交纳', '', '', '', '金额（元）', '', '交纳日期', '方式', '', '流水号', '登记人']);
    for (const e of s.voluntary) sheet.note(['', '', '', '', yuan(e.amountFen), '', e.paidOn, PAYMENT_METHODS[e.method], '', e.id, e.recordedBy ?? '']);
  }
  sheet.note([]);
  sheet.note([s.chain.ok ? `流水校验：${s.chain.checked} 条交纳记录前后衔接完整，登记后没有被改动或删除` : `流水校验未通过：${s.chain.problem}`]);
  sheet.finish();
  await audit(deps.db, ctx, { action: 'dues.statement_export', objectType: 'person', objectId: personId, detail: { from: s.from, to: s.to } });
  return { data: Buffer.from(await wb.xlsx.writeBuffer()), fileName: `党费明细-${s.person.name}-${s.from}至${s.to}.xlsx` };
}

export interface LedgerVerification {
  entries: number;
  members: number;
  problems: string[];
  problemCount: number;
}

/**
 * The whole ledger: every member's hash chain, every bill against its
 * entries, and the rollups against a recomputation from bills and entries
 * (done in a transaction that is rolled back). Lists the first 50 problems.
 */
export async function verifyLedger(db: Db, onProgress?: (entries: number) => void): Promise<LedgerVerification> {
  const problems: string[] = [];
  let problemCount = 0;
  const report = (m: string) => {
    problemCount++;
    if (problems.length < 50) problems.push(m);
  };
  let entries = 0;
  let members = 0;
  let after: { personId: string; id: number } | null = null;
  let current: repo.EntryRow[] = [];
  const flush = () => {
    if (!current.length) return;
    members++;
    const c = checkChain(current);
    if (!c.ok) report(`党员 ${current[0].person_id}：${c.problem}`);
    current = [];
  };
  for (;;) {
    const page: repo.EntryRow[] = await repo.entriesAfter(db, after, 20000);
    for (const e of page) {
      if (current.length && current[0].person_id !== e.person_id) flush();
      current.push(e);
    }
    entries += page.length;
    onProgress?.(entries);
    if (page.length < 20000) break;
    const last = page[page.length - 1];
    after = { personId: last.person_id, id: last.id };
  }
  flush();
  for (const b of await repo.billLedgerMismatches(db, 50)) {
    report(b.paid_on === null
      ? `账单 ${b.id}（${b.month}）有交纳流水但未标记已交`
      : `账单 ${b.id}（${b.month}）标记 ${b.paid_on} 已交，流水为 ${b.entries} 条、${yuan(b.amount)} 元、${b.entry_paid_on ?? '无'}（应交 ${yuan(b.due_fen)} 元）`);
  }
  for (const r of await rollupDifferences(db)) report(`统计 ${r.org_id} ${r.month}：${r.field} 为 ${r.stored}，按账单和流水重算为 ${r.computed}`);
  return { entries, members, problems, problemCount };
}

const ROLLBACK = new Error('rollback');

async function rollupDifferences(db: Db) {
  let diff: repo.RollupDifferenceRow[] = [];
  await db.tx(async (t: Queryable) => {
    const months = await repo.ledgerMonths(t);
    await repo.snapshotRollups(t);
    await repo.rebuildRollups(t, months);
    diff = await repo.rollupDifferences(t, 50);
    throw ROLLBACK;
  }).catch((e) => {
    if (e !== ROLLBACK) throw e;
  });
  return diff.map((d) => ({ ...d, stored: d.stored ?? '无', computed: d.computed ?? '无' }));
}
