import { z } from 'zod';
import type { Deps } from '../../deps';
import { IsoDate } from '../../../contracts/common';
import { addDays } from '../../platform/dates';
import { ruleInForce } from '../../platform/rules';
import { releaseStaleReservations, expirePoints } from './points.service';
import { runAwards } from './points.sources';

/** The ledger's operating numbers (rule points.ledger). */
export interface LedgerRule {
  reservationTtlHours: number;
  awardLookbackDays: number;
}

// Daily: award the facts of the last weeks (idempotent: a fact is awarded
// once however often it is seen; late facts, e.g. minutes locked days after
// the meeting, are caught), expire points past their validity, and give back
// reservations the mall left open.
export function registerPointsJobs(deps: Deps) {
  deps.jobs.register('points.daily', async (job) => {
    const today = deps.clock.today();
    const rule = (await ruleInForce<LedgerRule>(deps.db, 'points', 'ledger', today)).body;
    const awards = await runAwards(deps, addDays(today, -rule.awardLookbackDays), today, job.stopping);
    const expired = await expirePoints(deps, today);
    const released = await releaseStaleReservations(deps, rule.reservationTtlHours);
    return { ...awards, expiredMembers: expired.members, expiredPoints: expired.points, released };
  });
  // the facts of a past range (the demo's older history; a branch's first rules passed with a
  // retroactive effective date): awarded as the daily job awards them, then what has expired since
  deps.jobs.register('points.backfill', async (job) => {
    const range = BackfillRange.parse(job.payload);
    const awards = await runAwards(deps, range.from, range.to, job.stopping);
    const expired = await expirePoints(deps, deps.clock.today());
    return { ...awards, from: range.from, to: range.to, expiredMembers: expired.members, expiredPoints: expired.points };
  });
}

const BackfillRange = z.object({ from: IsoDate, to: IsoDate }).refine((r) => r.from <= r.to, '起始日期不能晚于结束日期');
