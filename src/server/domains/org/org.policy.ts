import type { OrgType, UnitKind } from '../../../contracts/dict';
import { ALLOWED_PARENT_TYPES, BRANCH_TYPES } from '../../../contracts/dict';
import type { SetupWarning } from '../../../contracts/org';
import { addDays, daysBetween } from '../../platform/dates';

export function canBeChildOf(child: OrgType, parent: OrgType): boolean {
  return ALLOWED_PARENT_TYPES[child].includes(parent);
}

export function isBranchType(t: OrgType): boolean {
  return BRANCH_TYPES.includes(t);
}

/** RULES §3 numbers, as stored in rule_version org.setup. */
export interface SetupRule {
  minFullMembers: number;
  maxMembers: number;
  committeeFromFullMembers: number;
  termYearsVillageCommunity: number;
  termYearsOther: number;
  termWarningDays: number;
}

export function termYearsFor(rule: SetupRule, unitKind: UnitKind): number {
  return unitKind === 'village' || unitKind === 'community' ? rule.termYearsVillageCommunity : rule.termYearsOther;
}

export interface SetupFacts {
  type: OrgType;
  isDissolved: boolean;
  fullMembers: number;
  probationaryMembers: number;
  hasCommittee: boolean;
  committeePostCount: number;
  /** whether the registered committee has a 书记 still on the roll (linked to a current member, or not linked) — absent: not checked */
  hasSecretary?: boolean;
  termEndsOn: string | null;
}

/** The setup checks of RULES §3, evaluated on `today`. Pure. */
export function evaluateSetup(f: SetupFacts, rule: SetupRule, source: string, today: string): SetupWarning[] {
  const out: SetupWarning[] = [];
  if (f.isDissolved || f.type === 'party_group') return out;
  const total = f.fullMembers + f.probationaryMembers;
  if (isBranchType(f.type)) {
    if (f.fullMembers < rule.minFullMembers) {
      out.push({ code: 'too_few_full_members', level: 'error', source,
        message: `正式党员仅 ${f.fullMembers} 名，少于 ${rule.minFullMembers} 名，不具备单独成立党支部的条件，可考虑成立联合党支部` });
    }
    if (total > rule.maxMembers) {
      out.push({ code: 'too_many_members', level: 'warning', source,
        message: `党员 ${total} 名，超过 ${rule.maxMembers} 名，一般应分设党支部或成立党总支` });
    }
    if (f.fullMembers >= rule.committeeFromFullMembers && f.committeePostCount < 3) {
      out.push({ code: 'committee_required', level: 'warning', source,
        message: `正式党员 ${f.fullMembers} 名，达到 ${rule.committeeFromFullMembers} 名以上，应设立支部委员会（3–5人）` });
    }
  }
  if (f.hasCommittee && f.hasSecretary === false) {
    out.push({ code: 'no_secretary', level: 'warning', source, message: '班子中没有在册的书记（书记已转出、出党或去世），请按程序补选' });
  }
  if (f.termEndsOn) {
    const days = daysBetween(today, f.termEndsOn);
    if (days < 0) {
      out.push({ code: 'term_overdue', level: 'error', source, message: `本届任期已于 ${f.termEndsOn} 届满，已超期 ${-days} 天未换届` });
    } else if (today >= addDays(f.termEndsOn, -rule.termWarningDays)) {
      out.push({ code: 'term_expiring', level: 'warning', source, message: `本届任期将于 ${f.termEndsOn} 届满（还有 ${days} 天），请做好换届准备` });
    }
  } else if (isBranchType(f.type) && total > 0) {
    out.push({ code: 'no_committee_term', level: 'warning', source, message: '尚未登记班子及任期，无法提醒换届' });
  }
  return out;
}
