import type { Db, Queryable } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { addMonthsTo, entryHash, generateBills, monthEnd, rebuildRollups } from '../domains/dues';
import type { Rng } from './random';

// Dues history for the demo data: a category and base for every member (a
// raise for some a year ago), the bills of the last `months` months generated
// by the real generator, payments for most of them (a few late, a few members
// in arrears for 3–7 months), and the rollups rebuilt from the result. Deterministic with the generator's Rng.

/** `owing`: people who leave last month and this month unpaid (the demo's member1 has something to do). */
export async function generateDues(db: Db, rng: Rng, opts: { rootPath: string; today: string; months: number; owing?: ReadonlySet<string> }): Promise<{ bills: number; entries: number }> {
  const current = opts.today.slice(0, 7);
  const first = addMonthsTo(current, -(opts.months - 1));
  const people = await db.query<{ id: string; occupation: string }>(sql`
    SELECT DISTINCT p.id, p.occupation FROM person p JOIN membership m ON m.person_id = p.id JOIN org o ON o.id = m.org_id
    WHERE o.path <@ ${opts.rootPath}::ltree ORDER BY p.id`);
  const bases: Array<{ person: string; category: string; base: number | null; month: string }> = [];
  const arrears = new Map<string, number>();
  for (const p of people) {
    const category = p.occupation === 'retired' ? 'retired' : p.occupation === 'farmer' ? 'farmer' : p.occupation === 'student' ? 'student'
      : rng.weighted({ in_service: 90, annual_salary: 4, self_employed: 6 });
    const base = category === 'retired' ? rng.int(30, 90) * 10000 : category === 'farmer' || category === 'student' ? null : rng.int(25, 160) * 10000;
    bases.push({ person: p.id, category, base, month: addMonthsTo(first, -24) });
    if (base !== null && rng.chance(0.15)) bases.push({ person: p.id, category, base: base + rng.int(2, 10) * 10000, month: addMonthsTo(current, -rng.int(3, 11)) });
    if (rng.chance(0.012)) arrears.set(p.id, rng.int(3, 7));
  }
  await db.tx(async (t: Queryable) => {
    for (let i = 0; i < bases.length; i += 5000) {
      const b = bases.slice(i, i + 5000);
      await t.exec(sql`INSERT INTO dues_base (person_id, category, base_fen, effective_month, note)
        SELECT p, c, bf, (m || '-01')::date, '演示数据' FROM unnest(${b.map((x) => x.person)}::uuid[], ${b.map((x) => x.category)}::text[], ${b.map((x) => x.base)}::bigint[], ${b.map((x) => x.month)}::text[]) AS t(p, c, bf, m)`);
    }
  });
  const months: string[] = [];
  for (let m = first; m <= current; m = addMonthsTo(m, 1)) months.push(m);
  // month by month (memory stays bounded at city tier): the real generator and that month's payments
  // drawn in one transaction; the payments written in the next, on another connection while the
  // following month's bills are generated (B13, a fresh start). The writes stay in month order, so
  // each member's ledger chain runs in the order of its entry ids.
  type Entry = { person: string; org: string; region: string | null; bill: string; amount: number; method: string; paidOn: string; key: string; prev: string; hash: string };
  const writeEntries = (entries: Entry[]) => db.tx(async (t: Queryable) => {
    for (let i = 0; i < entries.length; i += 5000) {
      const b = entries.slice(i, i + 5000);
      await t.exec(sql`INSERT INTO dues_entry (person_id, org_id, region_key, bill_id, kind, amount_fen, method, paid_on, idempotency_key, prev_hash, hash, note)
        SELECT p, o, r, bi, 'payment', a, m, d, k, ph, h, '演示数据' FROM unnest(${b.map((x) => x.person)}::uuid[], ${b.map((x) => x.org)}::uuid[], ${b.map((x) => x.region)}::uuid[],
          ${b.map((x) => x.bill)}::uuid[], ${b.map((x) => x.amount)}::bigint[], ${b.map((x) => x.method)}::text[], ${b.map((x) => x.paidOn)}::date[], ${b.map((x) => x.key)}::text[],
          ${b.map((x) => x.prev)}::text[], ${b.map((x) => x.hash)}::text[]) AS t(p, o, r, bi, a, m, d, k, ph, h)`);
      await t.exec(sql`UPDATE dues_bill d SET paid_on = t.d FROM unnest(${b.map((x) => x.bill)}::uuid[], ${b.map((x) => x.paidOn)}::date[]) AS t(bi, d) WHERE d.id = t.bi`);
    }
  });
  const prevHash = new Map<string, string>();
  let billCount = 0;
  let entryCount = 0;
  let written: Promise<void> = Promise.resolve();
  for (const month of months) {
    const entries = await db.tx(async (t: Queryable) => {
      await generateBills(t, opts.rootPath, month);
      const bills = await t.query<{ id: string; person_id: string; org_id: string; region_key: string | null; due_fen: number }>(sql`
        SELECT b.id, b.person_id, b.org_id, b.region_key, b.due_fen::int AS due_fen
        FROM dues_bill b JOIN org o ON o.id = b.org_id WHERE b.month = ${`${month}-01`}::date AND o.path <@ ${opts.rootPath}::ltree AND b.due_fen > 0 ORDER BY b.person_id`);
      billCount += bills.length;
      const out: Entry[] = [];
      const isCurrent = month === current;
      for (const b of bills) {
        const behind = arrears.get(b.person_id);
        if (behind && month > addMonthsTo(current, -behind)) continue;
        if (opts.owing?.has(b.person_id) && month >= addMonthsTo(current, -1)) continue;
        if (isCurrent && !rng.chance(0.6)) continue;
        let paidOn = isCurrent ? addDays(`${month}-01`, rng.int(0, Math.max(0, Number(opts.today.slice(8, 10)) - 1))) : addDays(`${month}-01`, rng.int(2, 26));
        if (!isCurrent && rng.chance(0.08)) paidOn = addDays(monthEnd(month), rng.int(1, 40));
        if (paidOn > opts.today) paidOn = opts.today;
        const prev = prevHash.get(b.person_id) ?? 'genesis';
        const e = { personId: b.person_id, billId: b.id, kind: 'payment', amountFen: b.due_fen, method: rng.chance(0.7) ? 'transfer' : 'cash', paidOn, key: `seed:${b.id}` };
        const hash = entryHash(prev, e);
        out.push({ person: b.person_id, org: b.org_id, region: b.region_key, bill: b.id, amount: b.due_fen, method: e.method, paidOn, key: e.key, prev, hash });
        prevHash.set(b.person_id, hash);
      }
      return out;
    });
    entryCount += entries.length;
    const next = written.then(() => writeEntries(entries));
    next.catch(() => undefined); // awaited below; a failure meanwhile is not an unhandled rejection
    written = next;
  }
  await written;
  await db.tx((t) => rebuildRollups(t, months));
  return { bills: billCount, entries: entryCount };
}
