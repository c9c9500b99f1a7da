import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { awardFactsIn, type PointFact } from '../domains/points';
import { duesPointSource } from '../domains/dues';
import { meetingPointSource } from '../domains/meeting';
import type { Rng } from './random';

// Demo points: most branches passed their 积分细则 (from the template) at a
// 支部党员大会 at the start of the window — the vote recorded with its figures
// — and a few have not yet (one with a draft waiting for the vote), so a
// newcomer sees both. Then the facts of the window (dues paid on time,
// meetings attended with locked minutes) are awarded through the ledger's own
// batch path: chains, balances and rollups exactly as the daily job makes them.

const BATCH = 500;

export async function generatePoints(db: Db, rng: Rng, opts: { rootPath: string; today: string; months: number; keepWithRules: ReadonlySet<string> }): Promise<{ branches: number; awards: number }> {
  const y = Number(opts.today.slice(0, 4));
  const m = Number(opts.today.slice(5, 7));
  const startMonth = new Date(Date.UTC(y, m - 1 - opts.months, 1)).toISOString().slice(0, 10);
  const template = (await db.one<{ body: unknown }>(sql`SELECT body FROM rule_version WHERE domain = 'points' AND key = 'member.template' ORDER BY effective_from DESC LIMIT 1`)).body;
  const branches = await db.query<{ id: string; name: string; full: number }>(sql`
    SELECT o.id, o.name, (SELECT count(*)::int FROM person p WHERE p.org_id = o.id AND p.is_current AND p.status = 'full') AS full
    FROM org o WHERE o.path <@ ${opts.rootPath}::ltree AND o.dissolved_on IS NULL AND o.type IN ('branch', 'general_branch', 'joint_branch', 'temporary_branch')
      AND EXISTS (SELECT 1 FROM person p WHERE p.org_id = o.id AND p.is_current) ORDER BY o.seq`);
  const passed: Array<{ id: string; name: string; votedOn: string; expected: number; present: number; yes: number; no: number; abstain: number }> = [];
  const waiting: string[] = [];
  for (const b of branches) {
    const draw = rng.next();
    if (!opts.keepWithRules.has(b.id) && draw < 0.06) {
      // no rules yet; every other one has a draft waiting for its 支部党员大会
      if (draw < 0.03) waiting.push(b.id);
      continue;
    }
    const expected = Math.max(1, b.full);
    const present = expected <= 2 ? expected : Math.max(Math.floor(expected / 2) + 1, Math.round(expected * (0.75 + 0.2 * rng.next())));
    const no = present >= 6 && rng.next() < 0.3 ? 1 : 0;
    const abstain = present >= 8 && rng.next() < 0.2 ? 1 : 0;
    // the vote is on a working day in the window's first week
    const votedOn = new Date(Date.parse(`${startMonth}T00:00:00Z`) + Math.floor(rng.next() * 5) * 86_400_000).toISOString().slice(0, 10);
    passed.push({ id: b.id, name: b.name, votedOn, expected, present, yes: present - no - abstain, no, abstain });
  }
  if (passed.length) {
    const ids = await db.query<{ id: string }>(sql`INSERT INTO point_rule_proposal (org_id, status, effective_from, body, note, voted_on, expected, present, written, yes, no, abstain, decided_at, version)
      SELECT x.org_id, 'approved', x.voted_on, ${JSON.stringify(template)}::jsonb, '依据县委组织部印发的党员积分管理模板，结合本支部实际制定', x.voted_on, x.expected, x.present, 0, x.yes, x.no, x.abstain, x.voted_on::timestamptz, 1
      FROM unnest(${passed.map((p) => p.id)}::uuid[], ${passed.map((p) => p.votedOn)}::date[], ${passed.map((p) => p.expected)}::int[], ${passed.map((p) => p.present)}::int[],
        ${passed.map((p) => p.yes)}::int[], ${passed.map((p) => p.no)}::int[], ${passed.map((p) => p.abstain)}::int[]) WITH ORDINALITY AS x(org_id, voted_on, expected, present, yes, no, abstain, ord)
      ORDER BY x.ord RETURNING id`);
    await db.exec(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, source, body, approval_id)
      SELECT 'points', 'member', x.org_id, x.voted_on, x.source, ${JSON.stringify(template)}::jsonb, x.approval_id
      FROM unnest(${passed.map((p) => p.id)}::uuid[], ${passed.map((p) => p.votedOn)}::date[], ${passed.map((p) => `${p.name}支部党员大会 ${p.votedOn} 表决通过（应到${p.expected}人，实到${p.present}人，赞成${p.yes}票）`)}::text[],
        ${ids.map((r) => r.id)}::uuid[]) AS x(org_id, voted_on, source, approval_id)`);
  }
  if (waiting.length) {
    await db.exec(sql`INSERT INTO point_rule_proposal (org_id, status, effective_from, body, note)
      SELECT x, 'proposed', ${opts.today}::date, ${JSON.stringify(template)}::jsonb, '支委会已讨论，待提交支部党员大会表决' FROM unnest(${waiting}::uuid[]) AS x`);
  }

  // the window's facts, awarded as the daily job awards them
  const facts: PointFact[] = [];
  for (const s of [duesPointSource, meetingPointSource]) facts.push(...(await s.facts(db, startMonth, opts.today)).filter((f) => f.orgPath === opts.rootPath || f.orgPath.startsWith(`${opts.rootPath}.`)));
  facts.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.factDate < b.factDate ? -1 : a.factDate > b.factDate ? 1 : a.sourceId < b.sourceId ? -1 : 1));
  let awards = 0;
  const now = new Date(`${opts.today}T04:00:00Z`);
  for (let i = 0; i < facts.length; i += BATCH) {
    for (const o of await awardFactsIn(db, now, facts.slice(i, i + BATCH))) if (o === 'awarded') awards++;
  }
  return { branches: passed.length, awards };
}

/** The quarters and years the demo's index history covers: those overlapping the last `months` months up to today. */
export function indexPeriods(today: string, months: number): string[] {
  const out: string[] = [];
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7));
  for (let k = months - 1; k >= 0; k--) {
    const d = new Date(Date.UTC(y, m - 1 - k, 1));
    const q = `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
    if (!out.includes(q)) out.push(q);
  }
  for (const year of [...new Set(out.map((q) => q.slice(0, 4)))]) out.push(year);
  return out;
}
