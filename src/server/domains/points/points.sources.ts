import type { Deps } from '../../deps';
import type { Queryable } from '../../platform/db';
import { isUniqueViolation } from '../../platform/db';
import type { PointItemKey } from '../../../contracts/points';
import * as repo from './points.repo';
import { applyRollups, expiryOf, lockMember, post } from './points.ledger';
import type { RollupDelta } from './points.repo';
import { roomUnderCaps, rulesFor } from './points.service';

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

/** Awards one fact inside the caller's transaction (rules looked up once per branch and day within it). */
async function awardInTx(deps: Deps, t: Queryable, f: PointFact, rulesCache: Map<string, Awaited<ReturnType<typeof rulesFor>>>, rollups: RollupDelta[]): Promise<AwardOutcome> {
  const cacheKey = `${f.orgPath}|${f.factDate}`;
  if (!rulesCache.has(cacheKey)) rulesCache.set(cacheKey, await rulesFor(t, f.orgPath, f.factDate));
  const r = rulesCache.get(cacheKey)!;
  if (!r) return 'no_rules';
  const item = r.rules.items.find((i) => i.key === f.item && (!i.meetingTypes || !f.meetingType || i.meetingTypes.includes(f.meetingType)));
  if (!item || item.points <= 0) return 'not_in_rules';
  const locked = await lockMember(t, f.personId);
  if (await repo.awardOfFact(t, f.item, f.sourceType, f.sourceId, f.personId)) return 'exists';
  const points = await roomUnderCaps(t, f.personId, item, f.factDate, item.points);
  if (points <= 0) return 'capped';
  await post(t, locked, {
    kind: 'award', personId: f.personId, orgId: f.orgId, points, item: f.item, ruleVersionId: r.id, sourceType: f.sourceType, sourceId: f.sourceId, factDate: f.factDate,
    reason: item.label, expiresOn: expiryOf(f.factDate, r.rules.expiry), at: deps.clock.now(), rollupSink: rollups, legs: [{ side: 'pool', amount: -points }, { side: 'member', amount: points }],
  });
  return 'awarded';
}

/**
 * A batch of facts in one transaction, members locked in id order (so that
 * concurrent batches never deadlock) and each member's facts in date order
 * (the caps count the earlier first). If another writer awarded one of them
 * meanwhile, the batch is redone fact by fact.
 */
export async function awardFacts(deps: Deps, facts: readonly PointFact[]): Promise<AwardOutcome[]> {
  const order = facts.map((f, i) => ({ f, i })).sort((a, b) => (a.f.personId < b.f.personId ? -1 : a.f.personId > b.f.personId ? 1 : a.f.factDate < b.f.factDate ? -1 : a.f.factDate > b.f.factDate ? 1 : a.i - b.i));
  const out: AwardOutcome[] = new Array(facts.length);
  try {
    await deps.db.tx(async (t) => {
      const cache = new Map<string, Awaited<ReturnType<typeof rulesFor>>>();
      const rollups: RollupDelta[] = [];
      for (const { f, i } of order) out[i] = await awardInTx(deps, t, f, cache, rollups);
      await applyRollups(t, rollups);
    });
    return out;
  } catch (e) {
    if (!isUniqueViolation(e, 'point_txn_fact') || facts.length === 1) {
      if (isUniqueViolation(e, 'point_txn_fact')) return ['exists'];
      throw e;
    }
    const one: AwardOutcome[] = [];
    for (const f of facts) one.push(await awardFact(deps, f));
    return one;
  }
}

const BATCH = 50;

/** Every registered source's facts in [from, to], awarded in batches; each member's facts in date order (caps count the earlier first). */
export async function runAwards(deps: Deps, from: string, to: string): Promise<Record<AwardOutcome, number> & { facts: number }> {
  const counts = { facts: 0, awarded: 0, exists: 0, no_rules: 0, not_in_rules: 0, capped: 0 };
  const facts: PointFact[] = [];
  for (const s of sources) facts.push(...(await s.facts(deps.db, from, to)));
  facts.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.factDate < b.factDate ? -1 : a.factDate > b.factDate ? 1 : a.sourceId < b.sourceId ? -1 : 1));
  for (let i = 0; i < facts.length; i += BATCH) {
    for (const o of await awardFacts(deps, facts.slice(i, i + BATCH))) {
      counts.facts++;
      counts[o]++;
    }
  }
  return counts;
}
