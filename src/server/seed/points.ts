import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { awardFactsIn, type PointFact } from '../domains/points';
import { duesPointSource } from '../domains/dues';
import { meetingPointSource } from '../domains/meeting';
import { developmentPointSource } from '../domains/development';
import type { Rng } from './random';

// Demo points: most branches passed their 积分细则 (from the template) at a
// 支部党员大会 at the start of the history — the vote recorded with its figures
// — and a few have not yet (one with a draft waiting for the vote), so a
// newcomer sees both. Then the facts of the last months (dues paid on time,
// meetings attended with locked minutes, contact duties) are awarded through
// the ledger's own batch path: chains, balances and rollups exactly as the
// daily job makes them. The earlier years of the history cost ~10 s a year
// through that path, more than a first start may take (B13): they are
// returned as a range for the points.backfill job, which `npm start` queues
// after seeding (the same awards, in the background, then expiry).

const BATCH = 500;

export interface PointsBackfill {
  from: string;
  to: string;
}

export async function generatePoints(
  db: Db, rng: Rng, opts: { rootPath: string; today: string; months: number; historyMonths: number; keepWithRules: ReadonlySet<string> },
): Promise<{ branches: number; awards: number; backfill: PointsBackfill | null }> {
  const y = Number(opts.today.slice(0, 4));
  const m = Number(opts.today.slice(5, 7));
  const monthStart = (back: number) => new Date(Date.UTC(y, m - 1 - back, 1)).toISOString().slice(0, 10);
  // the rules passed at the start of the whole history; the last `months` awarded now, the earlier ones left to a job
  const historyStart = monthStart(Math.max(opts.months, opts.historyMonths));
  const startMonth = monthStart(opts.months);
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
    const votedOn = new Date(Date.parse(`${historyStart}T00:00:00Z`) + Math.floor(rng.next() * 5) * 86_400_000).toISOString().slice(0, 10);
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
  let facts: PointFact[] = [];
  for (const s of [duesPointSource, meetingPointSource, developmentPointSource]) facts = facts.concat((await s.facts(db, startMonth, opts.today)).filter((f) => f.orgPath === opts.rootPath || f.orgPath.startsWith(`${opts.rootPath}.`)));
  facts.sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.factDate < b.factDate ? -1 : a.factDate > b.factDate ? 1 : a.sourceId < b.sourceId ? -1 : 1));
  // Two halves at once on two connections (B13, a fresh start), split between two members: each
  // member's facts stay in one half, in date order, so the chains are as one run leaves them. The
  // branch pools (unchained, never locked) exist beforehand, so the halves never create one together;
  // member accounts are locked in id order and rollup rows in (org, month) order, as the daily job does.
  const orgs = [...new Set(facts.map((f) => f.orgId))].sort();
  await db.exec(sql`INSERT INTO point_account (kind, org_id) SELECT 'pool', o FROM unnest(${orgs}::uuid[]) AS o ON CONFLICT (org_id) WHERE kind = 'pool' DO NOTHING`);
  let cut = Math.floor(facts.length / 2);
  while (cut > 0 && cut < facts.length && facts[cut].personId === facts[cut - 1].personId) cut++;
  const now = new Date(`${opts.today}T04:00:00Z`);
  const award = async (part: PointFact[]) => {
    let n = 0;
    for (let i = 0; i < part.length; i += BATCH) {
      for (const o of await awardFactsIn(db, now, part.slice(i, i + BATCH))) if (o === 'awarded') n++;
    }
    return n;
  };
  const awards = (await Promise.all([award(facts.slice(0, cut)), award(facts.slice(cut))])).reduce((a, b) => a + b, 0);
  const backfill = historyStart < startMonth ? { from: historyStart, to: new Date(Date.parse(`${startMonth}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) } : null;
  return { branches: passed.length, awards, backfill };
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

const SCHEME_ITEMS = [
  { key: 'org_life', label: '组织生活规范', maxPoints: 30, basis: '查阅会议记录：按季度召开支部党员大会、每月召开支委会、按时上党课，记录完整并经确认' },
  { key: 'education', label: '党员教育管理', maxPoints: 20, basis: '党员学习教育、民主评议党员、谈心谈话开展情况' },
  { key: 'development', label: '发展党员工作', maxPoints: 15, basis: '发展程序规范、时限符合要求、材料齐全' },
  { key: 'dues', label: '党费收缴管理', maxPoints: 15, basis: '按月足额收缴、按时上缴，账目清楚' },
  { key: 'role', label: '作用发挥', maxPoints: 20, basis: '服务群众、完成中心工作情况，结合年度述职和群众评价' },
];
const EVIDENCE: Record<string, string[]> = {
  org_life: ['查阅会议记录，“三会一课”按时召开，记录完整', '个别月份支委会记录确认不及时', '党课内容充实，书记带头讲党课'],
  education: ['民主评议党员按时开展，评议结果经支部党员大会通过', '集中学习有计划、有记录', '谈心谈话覆盖全体党员'],
  development: ['发展程序规范，材料齐全', '培养联系人履职到位', '个别环节时限接近届满'],
  dues: ['按月足额收缴，按时上缴', '有个别党员补交情况，已说明', '账目清楚，公示及时'],
  role: ['年度述职评议良好，群众反映较好', '志愿服务活动组织有力', '完成中心工作任务'],
};

/**
 * The county's yearly assessment of its branches (the seed: branch points =
 * the members' average + the superior's assessment): last year's and this
 * year's schemes published by the root committee in February, agreed by most
 * branches at a 支部党员大会 in March, last year's scored in full in January,
 * this year's scored for about half so far. secretary1's branch agreed this
 * year's scheme and is not yet scored (the county account can score it).
 */
export async function generateAssessments(db: Db, rng: Rng, opts: { rootId: string; today: string; scorerId: string; unscored: string }) {
  const year = Number(opts.today.slice(0, 4));
  const root = await db.one<{ path: string; name: string }>(sql`SELECT path::text AS path, name FROM org WHERE id = ${opts.rootId}::uuid`);
  const branches = await db.query<{ id: string; full: number }>(sql`
    SELECT o.id, (SELECT count(*)::int FROM person p WHERE p.org_id = o.id AND p.is_current AND p.status = 'full') AS full
    FROM org o WHERE o.path <@ ${root.path}::ltree AND o.type IN ('branch', 'joint_branch', 'general_branch') AND o.dissolved_on IS NULL ORDER BY o.path`);
  let agreed = 0;
  let scored = 0;
  for (const y of [year - 1, year]) {
    const published = `${y}-02-20`;
    const scheme = await db.one<{ id: string }>(sql`INSERT INTO rule_version (domain, key, scope_org_id, effective_from, effective_to, source, body)
      VALUES ('points', 'assessment', ${opts.rootId}::uuid, ${published}::date, ${`${y + 1}-01-01`}::date,
        ${`${root.name}${y}年度党支部考核细则（${published}发布；经各支部党员大会同意后对该支部生效）`}, ${JSON.stringify({ items: SCHEME_ITEMS, note: null })}::jsonb) RETURNING id`);
    const votes: Array<{ org: string; on: string; expected: number; present: number; yes: number }> = [];
    const scores: Array<{ org: string; item: string; points: number; evidence: string; at: string }> = [];
    for (const b of branches) {
      if (b.id !== opts.unscored && rng.next() < 0.05) continue; // a few have not voted yet
      const expected = Math.max(1, b.full);
      const present = expected <= 2 ? expected : Math.max(Math.floor(expected / 2) + 1, Math.round(expected * (0.8 + 0.15 * rng.next())));
      votes.push({ org: b.id, on: `${y}-03-${String(5 + Math.floor(rng.next() * 20)).padStart(2, '0')}`, expected, present, yes: present });
      const scoreIt = y < year ? true : b.id !== opts.unscored && rng.next() < 0.5;
      if (!scoreIt) continue;
      const at = y < year ? `${y + 1}-01-${String(10 + Math.floor(rng.next() * 15)).padStart(2, '0')}T02:00:00Z` : `${opts.today}T01:00:00Z`;
      for (const it of SCHEME_ITEMS) {
        const share = 0.72 + 0.28 * rng.next();
        scores.push({ org: b.id, item: it.key, points: Math.round(it.maxPoints * share * 2) / 2, evidence: EVIDENCE[it.key][Math.floor(rng.next() * 3)], at });
      }
    }
    await db.exec(sql`INSERT INTO assessment_agreement (rule_version_id, org_id, voted_on, expected, present, written, yes, no, abstain, passed, recorded_by, recorded_at)
      SELECT ${scheme.id}::uuid, x.org, x.d, x.e, x.p, 0, x.y, 0, 0, true, ${opts.scorerId}::uuid, (x.d + time '10:00')::timestamptz
      FROM unnest(${votes.map((v) => v.org)}::uuid[], ${votes.map((v) => v.on)}::date[], ${votes.map((v) => v.expected)}::int[], ${votes.map((v) => v.present)}::int[], ${votes.map((v) => v.yes)}::int[]) AS x(org, d, e, p, y)`);
    await db.exec(sql`INSERT INTO assessment_score (rule_version_id, org_id, item, points, evidence, scored_by, scored_at)
      SELECT ${scheme.id}::uuid, x.org, x.item, x.points, x.evidence, ${opts.scorerId}::uuid, x.at
      FROM unnest(${scores.map((s) => s.org)}::uuid[], ${scores.map((s) => s.item)}::text[], ${scores.map((s) => s.points)}::numeric[], ${scores.map((s) => s.evidence)}::text[], ${scores.map((s) => s.at)}::timestamptz[])
        WITH ORDINALITY AS x(org, item, points, evidence, at, ord) ORDER BY x.ord`);
    agreed += votes.length;
    scored += new Set(scores.map((s) => s.org)).size;
  }
  return { agreed, scored };
}
