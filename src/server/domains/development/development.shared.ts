import type { ActorContext } from '../../platform/actor';
import { AppError, notFound } from '../../platform/errors';
import { orgInScope } from '../../platform/scope';
import { addDays } from '../../platform/dates';
import type { Queryable } from '../../platform/db';
import { ruleInForce, type RuleVersion } from '../../platform/rules';
import type { WorkCalendar } from '../../platform/workdays';
import * as repo from './development.repo';
import { fileDeadlines, type DevelopmentRule, type FileFacts, type Violation } from './development.policy';

// Member development use-cases (RULES §1). Every write runs in one
// transaction: the file row is locked, the rules are checked against the
// recorded facts and the rule version in force on the step's date, the step
// is appended, the person's status follows, the deadline projection is
// rebuilt and the audit row is written.
//
// The use-cases live in one file each (development.candidates, .steps,
// .votes, .plans, .reports); this file holds the helpers several of them share.

export function refuse(violations: readonly Violation[]): never {
  const [first] = violations;
  throw new AppError('DEVELOPMENT_RULE', first.message, { rule: first.code, source: first.source, issues: violations.map((x) => ({ rule: x.code, message: x.message, source: x.source })) });
}

export function check(violations: readonly Violation[]) {
  if (violations.length) refuse(violations);
}

export async function ruleFor(q: Queryable, date: string, orgPath: string | null): Promise<RuleVersion<DevelopmentRule>> {
  return ruleInForce<DevelopmentRule>(q, 'development', 'intervals', date, orgPath);
}

/** The calendar covering the years a file's dates can reach. */
export async function calendarFor(q: Queryable, from: string, to: string) {
  return repo.loadCalendar(q, Number(from.slice(0, 4)), Number(to.slice(0, 4)) + 1);
}

/**
 * Rebuilds one file's deadline projection from its steps. The daily job passes
 * the rule and a calendar loaded once for all files.
 */
export async function refreshDeadlines(q: Queryable, today: string, fileId: string, orgPath: string, state: string, preloaded?: { rule: DevelopmentRule; cal: WorkCalendar }) {
  if (state !== 'open') return repo.replaceDeadlines(q, fileId, []);
  const facts = await loadFacts(q, fileId);
  const rule = preloaded?.rule ?? (await ruleFor(q, today, orgPath)).body;
  const first = facts.steps.map((s) => s.date).sort()[0] ?? today;
  const cal = preloaded?.cal ?? (await calendarFor(q, first, addDays(today, 800)));
  await repo.replaceDeadlines(q, fileId, fileDeadlines(rule, cal, facts));
}

export async function loadFacts(q: Queryable, fileId: string): Promise<FileFacts & { stepRows: repo.StepRow[]; voteRows: repo.VoteRow[] }> {
  // sequential: q may be a transaction's single connection
  const stepRows = await repo.listSteps(q, fileId);
  const voteRows = await repo.listVotes(q, fileId);
  const reports = await repo.reportDates(q, fileId);
  return { steps: repo.toRecordedSteps(stepRows), votes: repo.toRecordedVotes(voteRows), reports, stepRows, voteRows };
}

export async function resolveOrgPath(q: Queryable, ctx: ActorContext, orgId: string | undefined): Promise<{ id: string; name: string; path: string } | null> {
  if (!orgId) return null;
  const o = await repo.findOrgInScope(q, orgId, orgInScope(ctx.actor, 'development.read'));
  if (!o) throw notFound();
  return o;
}
