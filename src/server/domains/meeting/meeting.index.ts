import type { Queryable } from '../../platform/db';
import { rulesInForce, pickRule } from '../../platform/rules';
import { addDays } from '../../platform/dates';
import { periodBounds, type CadenceRule, type MeetingType } from '../../../contracts/meeting';
import { ratio, type IndexCalculator, type IndexFlag, type IndexOrg, type IndexWindow, type ItemFigure } from '../branch-index';
import * as repo from './meeting.repo';
import { isObligated } from './meeting.policy';
import { subPeriods } from './meeting.compliance';

// The branch index's organisational-life items (issue 14), from the meeting
// rollups: completion of the cadence (RULES §3), attendance net of approved
// leave, minutes confirmed; and the inactivity flags. Never online time or taps.

const month = (d: string) => `${d.slice(0, 7)}-01`;

/**
 * Completion of the cadence for some meeting types: each (type, cadence
 * period) the org is bound to counts once it has ended by the as-of day, or
 * earlier if already met; met ones count in the numerator.
 */
function completion(key: string, types: readonly MeetingType[]): IndexCalculator {
  return {
    key,
    async compute(q, orgs, w) {
      const cadences = await rulesInForce<CadenceRule>(q, 'meetings', 'cadence', w.asOf);
      const slots = new Map<string, Array<{ type: MeetingType; period: string; ended: boolean }>>();
      const keys = new Set<string>();
      for (const o of orgs) {
        const rule = pickRule(cadences, o.path)?.body;
        if (!rule) continue;
        const list: Array<{ type: MeetingType; period: string; ended: boolean }> = [];
        for (const t of types) {
          if (!rule.types[t] || !isObligated(rule, t, { type: o.type, hasCommittee: o.hasCommittee })) continue;
          for (const p of subPeriods(rule.types[t].period, w.from, w.to, w.asOf)) {
            list.push({ type: t, period: p, ended: periodBounds(p).to <= w.asOf });
            keys.add(p);
          }
        }
        slots.set(o.id, list);
      }
      const met = new Set((await repo.metOf(q, orgs.map((o) => o.id), [...keys])).map((m) => `${m.org_id}|${m.type}|${m.period}`));
      const out = new Map<string, ItemFigure>();
      for (const [orgId, list] of slots) {
        let num = 0;
        let den = 0;
        for (const s of list) {
          const ok = met.has(`${orgId}|${s.type}|${s.period}`);
          if (ok || s.ended) den++;
          if (ok) num++;
        }
        const f = ratio(num, den);
        if (f) out.set(orgId, f);
      }
      return out;
    },
    link: (o, w) => `/admin/meetings/compliance?orgId=${o.id}&period=${w.period}`,
  };
}

function fromTotals(key: string, pick: (t: { held: number; expected: number; present: number; on_leave: number; minutes_done: number }) => [number, number]): IndexCalculator {
  return {
    key,
    async compute(q, orgs, w) {
      const out = new Map<string, ItemFigure>();
      for (const t of await repo.rollupTotals(q, orgs.map((o) => o.id), month(w.from), month(w.to))) {
        const f = ratio(...pick(t));
        if (f) out.set(t.org_id, f);
      }
      return out;
    },
    link: (o, w) => `/admin/meetings?orgId=${o.id}&status=held&from=${w.from}&to=${w.to}`,
  };
}

export const meetingIndexCalculators: IndexCalculator[] = [
  completion('meetings.completion', ['branch_assembly', 'committee_meeting', 'group_meeting', 'party_lecture', 'theme_day', 'life_meeting', 'democratic_review']),
  completion('meetings.political', ['life_meeting', 'democratic_review', 'theme_day']),
  completion('meetings.lecture', ['party_lecture']),
  // the rollup's expected already leaves out those on approved leave (meeting.repo rawFacts)
  fromTotals('meetings.attendance', (t) => [t.present, t.expected]),
  fromTotals('meetings.minutes', (t) => [t.minutes_done, t.held]),
];

/** No organisational life (a meeting of any kind but 谈心谈话 held by the org or its groups) in the `days` before the as-of day. */
function inactive(key: string, days: number, words: string): IndexFlag {
  return {
    key,
    async compute(q: Queryable, orgs: readonly IndexOrg[], w: IndexWindow) {
      // whole months: a month with a meeting held counts as active
      const since = month(addDays(w.asOf, -days + 1));
      const last = new Map((await repo.lastHeldMonth(q, orgs.map((o) => o.id), month(w.asOf))).map((r) => [r.org_id, r.month]));
      const out = new Map<string, string>();
      for (const o of orgs) {
        const m = last.get(o.id);
        if (o.setupDate && o.setupDate > addDays(w.asOf, -days)) continue; // set up too recently to be judged
        if (!m || m < since) out.set(o.id, m ? `${words}（最近一次在${Number(m.slice(0, 4))}年${Number(m.slice(5, 7))}月）` : `${words}（没有召开记录）`);
      }
      return out;
    },
  };
}

export const meetingIndexFlags: IndexFlag[] = [inactive('inactive.half_year', 183, '半年以上未开展组织生活'), inactive('inactive.year', 365, '一年以上未开展组织生活')];
