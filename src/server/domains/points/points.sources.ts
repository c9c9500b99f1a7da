import type { Deps } from '../../deps';
import { JobInterrupted } from '../../platform/jobs';
import type { Db, Queryable } from '../../platform/db';
import { isUniqueViolation } from '../../platform/db';
import { PointRules, type PointItemKey } from '../../../contracts/points';
import * as repo from './points.repo';
import { applyRollups, entryHash, expiryOf } from './points.ledger';

// Awards come only from verified facts held on the server (issue 14): a dues
// bill paid by the end of its month, attendance at a meeting whose minutes are
// locked, … Each module offers its facts as a PointSource; this domain holds
// the registry and turns facts into awards under the branch's approved rules —
// idempotent on (item, fact, member), caps checked inside the member's lock.
// A later module adds its source without touching the others.

export interface PointFact {
  personId: string;
  /** where the fact happened (the rules of the branch containing it apply) */
  orgId: string;
  orgPath: string;
  item: PointItemKey;
  sourceType: string;
  sourceId: string;
  factDate: string;
  /** for items restricted by meeting type */
  meetingType?: string;
}

export interface PointSource {
  name: string;
  /** the facts whose date falls in [from, to] */
  facts(q: Queryable, from: string, to: string): Promise<PointFact[]>;
}

const sources: PointSource[] = [];

export function registerPointSource(s: PointSource) {
  if (!sources.some((x) => x.name === s.name)) sources.push(s);
}

export function pointSources(): readonly PointSource[] {
  return sources;
}

export type AwardOutcome = 'awarded' | 'exists' | 'no_rules' | 'not_in_rules' | 'capped';

/** One fact → at most one award (in its own transaction). */
export async function awardFact(deps: Deps, f: PointFact): Promise<AwardOutcome> {
  return (await awardFacts(deps, [f]))[0];
}

/** A batch of facts (see awardFactsIn), at the deps' business clock. */
export function awardFacts(deps: Deps, facts: readonly PointFact[]): Promise<AwardOutcome[]> {
  return awardFactsIn(deps.db, deps.clock.now(), facts);
}

// rule versions never change once written: their parsed bodies are kept by id
const parsedRules = new Map<string, PointRules>();
const rulesOf = (id: string, body: unknown) => {
  let r = parsedRules.get(id);
  if (!r) parsedRules.set(id, (r = PointRules.parse(body)));
  return r;
};

function capWindow(date: string, cap: 'day' | 'month' | 'year'): [string, string] {
  if (cap === 'day') return [date, date];
  if (cap === 'year') return [`${date.slice(0, 4)}-01-01`, `${date.slice(0, 4)}-12-31`];
  const [y, m] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  return [`${date.slice(0, 7)}-01`, new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10)];
}

/**
 * A batch of facts in one transaction and a handful of statements: the rules
 * of every (branch, day) at once, every member's accounts locked at once in
 * account id order (concurrent batches never deadlock), the facts already
 * awarded at once, caps counted per member, item and period (earlier facts of
 * a member first), then all the transactions, entries and balances in one
 * statement and the rollup in (org, month) order. If another writer awarded
 * one of the facts meanwhile, the batch is redone fact by fact.
 */
export async function awardFactsIn(db: Db, now: Date, facts: readonly PointFact[]): Promise<AwardOutcome[]> {
  if (!facts.length) return [];
  const order = facts.map((f, i) => ({ f, i })).sort((a, b) => (a.f.personId < b.f.personId ? -1 : a.f.personId > b.f.personId ? 1 : a.f.factDate < b.f.factDate ? -1 : a.f.factDate > b.f.factDate ? 1 : a.i - b.i));
  const out: AwardOutcome[] = new Array(facts.length);
  try {
    await db.tx(async (t) => {
      const pairKey = (f: PointFact) => `${f.orgPath}|${f.factDate}`;
      const pairs = [...new Set(facts.map(pairKey))].map((k) => ({ path: k.split('|')[0], date: k.split('|')[1] }));
      const found = await repo.approvedRulesMany(t, pairs);
      const rulesByPair = new Map(pairs.map((p, i) => [`${p.path}|${p.date}`, found.get(i) ? { id: found.get(i)!.id, rules: rulesOf(found.get(i)!.id, found.get(i)!.body) } : null]));
      const eligible: typeof order = [];
      for (const o of order) {
        const r = rulesByPair.get(pairKey(o.f));
        const item = r?.rules.items.find((x) => x.key === o.f.item && (!x.meetingTypes || !o.f.meetingType || x.meetingTypes.includes(o.f.meetingType)));
        if (!r) out[o.i] = 'no_rules';
        else if (!item || item.points <= 0) out[o.i] = 'not_in_rules';
        else eligible.push(o);
      }
      if (!eligible.length) return;
      const locked = await repo.lockManyMembers(t, [...new Set(eligible.map(({ f }) => f.personId))]);
      const done = await repo.awardedFacts(t, eligible.map(({ f }) => f));
      // what each member already has per item and day, around every cap window of the batch, in one query
      const spans = eligible.flatMap(({ f }) => (['day', 'month', 'year'] as const).map((c) => capWindow(f.factDate, c)));
      const prior = await repo.awardedByDay(t, [...new Set(eligible.map(({ f }) => f.personId))], [...new Set(eligible.map(({ f }) => f.item))],
        spans.reduce((a, [from]) => (from < a ? from : a), spans[0][0]), spans.reduce((a, [, to]) => (to > a ? to : a), spans[0][1]));
      const awardedIn = (personId: string, item: string, from: string, to: string) =>
        prior.filter((r) => r.person_id === personId && r.item === item && r.fact_date >= from && r.fact_date <= to).reduce((n, r) => n + r.points, 0);
      const used = new Map<string, number>();
      const txns: repo.TxnInsert[] = [];
      const entries: Array<{ txn: number; accountId: string; amount: number; prevHash: string | null; hash: string | null }> = [];
      const rollups: repo.RollupDelta[] = [];
      const pools = await repo.poolAccounts(t, eligible.map(({ f }) => f.orgId));
      for (const { f, i } of eligible) {
        const factKey = `${f.item}|${f.sourceType}|${f.sourceId}|${f.personId}`;
        if (done.has(factKey)) {
          out[i] = 'exists';
          continue;
        }
        const r = rulesByPair.get(pairKey(f))!;
        const item = r.rules.items.find((x) => x.key === f.item && (!x.meetingTypes || !f.meetingType || x.meetingTypes.includes(f.meetingType)))!;
        let points = item.points;
        const windows: string[] = [];
        for (const cap of ['day', 'month', 'year'] as const) {
          const limit = item.caps[cap];
          if (limit === undefined) continue;
          const [from, to] = capWindow(f.factDate, cap);
          const k = `${f.personId}|${f.item}|${from}|${to}`;
          if (!used.has(k)) used.set(k, awardedIn(f.personId, f.item, from, to));
          points = Math.min(points, limit - used.get(k)!);
          windows.push(k);
        }
        if (points <= 0) {
          out[i] = 'capped';
          continue;
        }
        for (const k of windows) used.set(k, used.get(k)! + points);
        done.add(factKey);
        const acc = locked.get(f.personId)!.member;
        const txn: repo.TxnInsert = {
          kind: 'award', personId: f.personId, orgId: f.orgId, points, item: f.item, ruleVersionId: r.id, sourceType: f.sourceType, sourceId: f.sourceId, factDate: f.factDate,
          reason: item.label, idempotencyKey: null, requestHash: null, reverses: null, reservationId: null, expiresOn: expiryOf(f.factDate, r.rules.expiry), actorId: null, approverId: null, at: now,
        };
        const hash = entryHash(acc.last_hash, { accountId: acc.id, amount: points, kind: 'award', personId: f.personId, points, item: f.item, sourceType: f.sourceType, sourceId: f.sourceId, factDate: f.factDate, key: null });
        entries.push({ txn: txns.length, accountId: pools.get(f.orgId)!, amount: -points, prevHash: null, hash: null });
        entries.push({ txn: txns.length, accountId: acc.id, amount: points, prevHash: acc.last_hash, hash });
        acc.last_hash = hash;
        acc.balance += points;
        txns.push(txn);
        rollups.push({ orgId: f.orgId, month: `${f.factDate.slice(0, 7)}-01`, awarded: points });
        out[i] = 'awarded';
      }
      if (!txns.length) return;
      const touched = [...new Set(txns.map((x) => x.personId))].map((p) => locked.get(p)!.member);
      await repo.writeMany(t, txns, entries, touched.map((a) => ({ id: a.id, balance: a.balance, lastHash: a.last_hash })));
      await applyRollups(t, rollups);
    });
    return out;
  } catch (e) {
    if (!isUniqueViolation(e, 'point_txn_fact')) throw e;
    if (facts.length === 1) return ['exists'];
    const one: AwardOutcome[] = [];
    for (const f of facts) one.push(...(await awardFactsIn(db, now, [f])));
    return one;
  }
}

const BATCH = 50;

/** Every registered source's facts in [from, to], awarded in batches; each member's facts in date order (caps count the earlier first); a runner stopping interrupts it between batches. */
export async function runAwards(deps: Deps, from: string, to: string, stopping: () => boolean = () => false): Promise<Record<AwardOutcome, number> & { facts: number }> {
  const counts = { facts: 0, awarded: 0, exists: 0, no_rules: 0, not_in_rules: 0, capped: 0 };
  // concatenated, not spread into push: a range of years has hundreds of thousands of facts (beyond the call stack's arguments)
  let facts: PointFact[] = [];
  for (const s of sources) facts = facts.concat(await s.facts(deps.db, from, to));
  facts.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.factDate < b.factDate ? -1 : a.factDate > b.factDate ? 1 : a.sourceId < b.sourceId ? -1 : 1));
  for (let i = 0; i < facts.length; i += BATCH) {
    // between batches: a shutdown stops here, and the job runs again (what was awarded stays awarded)
    if (stopping()) throw new JobInterrupted();
    for (const o of await awardFacts(deps, facts.slice(i, i + BATCH))) {
      counts.facts++;
      counts[o]++;
    }
  }
  return counts;
}
