import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { auditInTx } from '../../platform/audit';
import { pickRule, rulesInForce } from '../../platform/rules';
import { findOrgInScope } from '../../platform/scope';
import { MEETING_TYPES, periodOf, type CadenceRule, type GenerateMeetingPlanBody, type MeetingPlanResult, type MeetingType } from '../../../contracts/meeting';
import * as repo from './meeting.repo';
import { planSlots } from './meeting.policy';
import { manageScope } from './meeting.service';

// The year's plan (年度组织生活计划): for every org of a subtree bound by the
// cadence, the meetings it asks for, each on a default day the secretary moves.
// Idempotent: a meeting already planned or held in a period fills its slot, so
// running it again after adding branches plans only what is missing.

export async function generateMeetingPlan(deps: Deps, ctx: ActorContext, body: GenerateMeetingPlanBody): Promise<MeetingPlanResult> {
  return deps.db.tx(async (t) => {
    const root = await findOrgInScope(t, body.orgId, manageScope(ctx));
    if (!root) throw notFound();
    await repo.lockPlan(t, root.id);
    const planDate = `${body.year}-01-01`;
    const versions = await rulesInForce<CadenceRule>(t, 'meetings', 'cadence', planDate);
    if (!versions.length) throw new AppError('MEETING_RULE', `${body.year}年没有生效的组织生活规则`);
    const [orgs, existing] = await Promise.all([repo.orgsForPlan(t, root.path), repo.meetingsOfYear(t, root.path, body.year)]);
    const have = new Map<string, number>();
    const rules = new Map<string, CadenceRule>();
    const ruleOf = (path: string) => {
      const v = pickRule(versions, path)!;
      rules.set(v.id, v.body);
      return v.body;
    };
    const orgType = new Map(orgs.map((o) => [o.id, o.path]));
    for (const e of existing) {
      const path = orgType.get(e.org_id);
      if (!path) continue;
      const c = ruleOf(path).types[e.type as MeetingType];
      if (!c) continue;
      const k = `${e.org_id}|${e.type}|${periodOf(c.period, e.d)}`;
      have.set(k, (have.get(k) ?? 0) + 1);
    }
    const rows: { orgId: string; type: string; title: string; plannedDate: string }[] = [];
    let filled = 0;
    for (const o of orgs) {
      for (const s of planSlots(ruleOf(o.path), { type: o.type, hasCommittee: o.has_committee }, body.year)) {
        const k = `${o.id}|${s.type}|${s.period}`;
        const n = have.get(k) ?? 0;
        if (n > 0) {
          have.set(k, n - 1);
          filled++;
          continue;
        }
        rows.push({ orgId: o.id, type: s.type, title: `${body.year}年${Number(s.plannedDate.slice(5, 7))}月${MEETING_TYPES[s.type]}`, plannedDate: s.plannedDate });
      }
    }
    await repo.insertPlannedMeetings(t, rows, ctx.actor.accountId);
    const source = pickRule(versions, root.path)!.source;
    await auditInTx(t, ctx, { action: 'meeting.plan', objectType: 'org', objectId: root.id, orgId: root.id, detail: { year: body.year, created: rows.length, existing: filled } });
    return { orgs: new Set(rows.map((r) => r.orgId)).size, created: rows.length, existing: filled, source };
  });
}
