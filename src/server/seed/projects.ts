import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import type { ProjectType } from '../../contracts/project';
import type { Rng } from './random';

// Demo key projects (重点项目, issue 15), a year and more of them: the county's
// 重大工程 with its towns responsible for the milestones; for each of the first
// four towns a 书记项目 finished and accepted last year and a running one, on
// plan, behind plan (yellow) or with a milestone overdue (red); and a 创新项目
// of the first branch (secretary1's), whose next milestone falls due within the
// week (blue). Progress reports are dated along the roadmap as a branch would
// file them: half-way and at completion for the past milestones, a recent one
// for the running milestone.

interface MilestoneSpec { title: string; due: number; orgId: string }
interface ProjectSpec {
  ownerOrgId: string; type: ProjectType; name: string; rationale: string; goals: string;
  start: number; end: number; milestones: MilestoneSpec[];
  /** points the running milestone is behind its plan; 'overdue': the running milestone's predecessor is left unfinished */
  lag: number | 'overdue';
  accepted?: { on: number; grade: 'excellent' | 'good' | 'qualified'; score: number; opinion: string };
}

const TOWN_PROJECTS = [
  { name: '“红色网格”联户服务', goal: '网格党员联系服务群众全覆盖，群众诉求当日响应', steps: ['摸排网格党员与联系户', '建立党员联户台账', '开展“周走访”服务', '总结推广联户经验'] },
  { name: '产业党建联盟强村富民', goal: '组建村企党建联盟，带动村集体经济年增收10%以上', steps: ['调研村集体经济现状', '签订村企共建协议', '落地联建产业项目', '评估增收成效'] },
  { name: '“党建+物业”小区治理', goal: '推动小区党支部、业委会、物业公司“三方联动”', steps: ['组建小区党支部', '建立三方联席会议制度', '解决一批物业难点问题', '形成小区治理公约'] },
  { name: '党员教育“微课堂”', goal: '每月一次微党课，党员学习参与率达到95%', steps: ['制定微课堂计划', '组建宣讲队伍', '开展微党课进网格', '评选优秀微党课'] },
] as const;
const LAST_YEAR = [
  { name: '软弱涣散党组织整顿提升', goal: '整顿提升软弱涣散村党组织，年内全部销号', steps: ['逐村排查研判', '制定整顿方案', '验收销号'] },
  { name: '“三会一课”规范化建设', goal: '支部组织生活规范率达到100%', steps: ['制定规范化清单', '开展观摩交流', '督查通报'] },
] as const;

async function ownerPerson(db: Db, orgId: string): Promise<string> {
  const secretary = await db.maybeOne<{ person_id: string }>(sql`SELECT cp.person_id FROM committee_post cp JOIN org_committee c ON c.id = cp.committee_id
    JOIN person p ON p.id = cp.person_id AND p.is_current WHERE c.org_id = ${orgId}::uuid AND c.ended_on IS NULL AND cp.post = 'secretary' LIMIT 1`);
  if (secretary) return secretary.person_id;
  return (await db.one<{ id: string }>(sql`SELECT p.id FROM person p JOIN org o ON o.id = p.org_id JOIN org r ON r.id = ${orgId}::uuid
    WHERE p.is_current AND o.path <@ r.path ORDER BY nlevel(o.path), o.seq, p.id LIMIT 1`)).id;
}

async function insertProject(db: Db, rng: Rng, today: string, spec: ProjectSpec, reporterId: string, acceptorId: string, acceptOrgId: string) {
  const d = (n: number) => addDays(today, n);
  const owner = await db.one<{ region_key: string | null }>(sql`SELECT region_key FROM org WHERE id = ${spec.ownerOrgId}::uuid`);
  const person = await ownerPerson(db, spec.ownerOrgId);
  const created = d(spec.start - 5);
  const { id } = await db.one<{ id: string }>(sql`
    INSERT INTO project (owner_org_id, owner_person_id, type, name, rationale, goals, start_on, end_on, region_key, created_by, created_at, updated_at)
    VALUES (${spec.ownerOrgId}::uuid, ${person}::uuid, ${spec.type}, ${spec.name}, ${spec.rationale}, ${spec.goals}, ${d(spec.start)}::date, ${d(spec.end)}::date,
            ${owner.region_key}::uuid, ${reporterId}::uuid, ${created}::date, ${created}::date)
    RETURNING id`);
  let stretchStart = spec.start;
  for (let i = 0; i < spec.milestones.length; i++) {
    const m = spec.milestones[i];
    const { id: mid } = await db.one<{ id: string }>(sql`
      INSERT INTO project_milestone (project_id, seq, title, due_on, weight, responsible_org_id, responsible_person_id, created_at)
      VALUES (${id}::uuid, ${i + 1}, ${m.title}, ${d(m.due)}::date, 25, ${m.orgId}::uuid, ${await ownerPerson(db, m.orgId)}::uuid, ${created}::date) RETURNING id`);
    const report = (on: number, percent: number, note: string) => db.exec(sql`
      INSERT INTO project_progress (project_id, milestone_id, reported_on, percent, note, org_id, reported_by, recorded_at)
      VALUES (${id}::uuid, ${mid}::uuid, ${d(on)}::date, ${percent}, ${note}, ${m.orgId}::uuid, ${reporterId}::uuid, ${d(on)}::date)`);
    const len = m.due - stretchStart;
    const unfinishedOverdue = spec.lag === 'overdue' && m.due < 0 && (i + 1 === spec.milestones.length || spec.milestones[i + 1].due >= 0);
    if (i === 0 && spec.start + 10 < Math.min(0, m.due)) await report(spec.start + 10, rng.int(8, 15), `项目启动，「${m.title}」已部署`);
    if (m.due < 0 && !unfinishedOverdue) {
      // a past milestone: half-way, then done a few days before its date
      await report(stretchStart + Math.floor(len / 2), rng.int(45, 60), `「${m.title}」按计划推进，已完成过半`);
      const doneOn = m.due - rng.int(1, 6);
      await report(doneOn, 100, `「${m.title}」已完成，相关材料已归档`);
      await db.exec(sql`UPDATE project_milestone SET done_on = ${d(doneOn)}::date WHERE id = ${mid}::uuid`);
    } else if (unfinishedOverdue) {
      await report(stretchStart + Math.floor(len / 2), 40, `「${m.title}」推进中，部分村（社区）进度滞后`);
      await report(-3, 70, `「${m.title}」尚未完成，正在督促整改`);
    } else if (stretchStart < 0) {
      // the running milestone: a recent report at its plan, less the lag
      const on = Math.max(stretchStart + 1, -4);
      const planned = Math.round((100 * (0 - stretchStart)) / len);
      const percent = Math.max(5, Math.min(95, planned - (typeof spec.lag === 'number' ? spec.lag : 0) + 3));
      await report(on, percent, `「${m.title}」推进中，已完成约${percent}%`);
    }
    stretchStart = m.due;
  }
  if (spec.accepted) {
    await db.exec(sql`UPDATE project SET status = 'accepted', accepted_on = ${d(spec.accepted.on)}::date, accept_grade = ${spec.accepted.grade}, accept_score = ${spec.accepted.score},
      accept_opinion = ${spec.accepted.opinion}, accept_org_id = ${acceptOrgId}::uuid, accepted_by = ${acceptorId}::uuid, version = 2 WHERE id = ${id}::uuid`);
  }
}

export async function generateProjects(db: Db, rng: Rng, opts: { rootId: string; branchId: string; today: string; countyAccountId: string; branchAccountId: string }): Promise<number> {
  const towns = await db.query<{ id: string; name: string }>(sql`
    SELECT o.id, o.name FROM org o WHERE o.parent_id = ${opts.rootId}::uuid AND o.type = 'committee' AND (o.name LIKE '%镇委员会' OR o.name LIKE '%乡委员会')
    ORDER BY o.seq LIMIT 4`);
  const branchesOf = async (townId: string) => (await db.query<{ id: string }>(sql`
    SELECT o.id FROM org o JOIN org t ON t.id = ${townId}::uuid WHERE o.path <@ t.path AND o.type = 'branch' AND o.dissolved_on IS NULL ORDER BY o.seq LIMIT 4`)).map((r) => r.id);
  const root = await db.one<{ name: string }>(sql`SELECT name FROM org WHERE id = ${opts.rootId}::uuid`);
  const county = root.name.replace(/^中共/, '').replace(/委员会$/, '');
  let n = 0;

  // the county's 重大工程: one milestone per town, the last due in the week
  const steps = ['制定实施方案与任务清单', '建设镇村党群服务阵地', '推行网格化党建管理', '开展示范点评比验收'];
  await insertProject(db, rng, opts.today, {
    ownerOrgId: opts.rootId, type: 'major', name: `${county}党建引领基层治理示范工程`,
    rationale: '落实上级关于抓党建促基层治理能力提升的部署，县委将其列为年度重大工程', goals: '建成一批党建引领基层治理示范镇村，网格党组织覆盖率100%',
    start: -420, end: 150, lag: 0,
    milestones: steps.map((title, i) => ({ title, due: [-300, -160, -20, 120][i], orgId: towns[i % Math.max(1, towns.length)]?.id ?? opts.rootId })),
  }, opts.countyAccountId, opts.countyAccountId, opts.rootId);
  n++;

  for (let t = 0; t < towns.length; t++) {
    const town = towns[t];
    const short = town.name.replace(/^中共/, '').replace(/委员会$/, '');
    const branches = await branchesOf(town.id);
    const orgAt = (i: number) => branches[i % Math.max(1, branches.length)] ?? town.id;
    const last = LAST_YEAR[t % LAST_YEAR.length];
    await insertProject(db, rng, opts.today, {
      ownerOrgId: town.id, type: 'secretary', name: `${short}${last.name}`, rationale: `${short}党委书记领办，针对上年度考核发现的问题立项`, goals: last.goal,
      start: -400 + t * 7, end: -70, lag: 0, milestones: last.steps.map((title, i) => ({ title, due: [-300, -180, -75][i] + t, orgId: orgAt(i) })),
      accepted: { on: -45 + t, grade: (['excellent', 'good', 'qualified'] as const)[t % 3], score: [95, 86, 78][t % 3], opinion: '资料齐全，目标任务完成，群众满意度较高' },
    }, opts.countyAccountId, opts.countyAccountId, opts.rootId);
    const cur = TOWN_PROJECTS[t % TOWN_PROJECTS.length];
    await insertProject(db, rng, opts.today, {
      ownerOrgId: town.id, type: t === 3 ? 'innovation' : 'secretary', name: `${short}${cur.name}`, rationale: `${short}党委围绕群众急难愁盼问题确定的年度项目`, goals: cur.goal,
      // town 2 is 50 points behind on its running milestone (yellow), town 3 left its second milestone unfinished (red)
      start: -200, end: 160, lag: t === 1 ? 50 : t === 2 ? 'overdue' : 0,
      milestones: cur.steps.map((title, i) => ({ title, due: (t === 1 ? [-130, -70, 30, 155] : [-130, -40, 60, 155])[i], orgId: orgAt(i) })),
    }, opts.countyAccountId, opts.countyAccountId, opts.rootId);
    n += 2;
  }

  // the first branch's 创新项目: its second milestone falls due in four days
  const branch = await db.one<{ name: string }>(sql`SELECT name FROM org WHERE id = ${opts.branchId}::uuid`);
  await insertProject(db, rng, opts.today, {
    ownerOrgId: opts.branchId, type: 'innovation', name: '党员先锋岗“亮身份、作表率”', rationale: `${branch.name}支委会研究确定的年度创新项目`,
    goals: '每名党员认领一个岗位、办好一件实事', start: -90, end: 90, lag: 0,
    milestones: [{ title: '党员认岗定责', due: -45 }, { title: '先锋岗挂牌亮诺', due: 4 }, { title: '年终述岗评议', due: 85 }].map((m) => ({ ...m, orgId: opts.branchId })),
  }, opts.branchAccountId, opts.countyAccountId, opts.rootId);
  return n + 1;
}
