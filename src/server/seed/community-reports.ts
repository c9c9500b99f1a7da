import crypto from 'node:crypto';
import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { rebuildCommunityReportCounters } from '../domains/community-report';
import type { Rng } from './random';

// Demo 双报到 (issue 17): the party organisations of the county's units
// (机关, 企业, 事业单位: every branch that is not a community's) reported to a
// community of their own town, and about one in eight of their members
// reported to the community where they live, over the past fourteen months;
// the communities accepted most (a grid, a 服务岗位, tasks), declined a few, and
// a few wait; the accepted record services through the year; last year's
// member reports carry the community's evaluation, which the member's branch
// reads for 民主评议. Written in bulk; the counters are then rebuilt.

const IN_SERVICE = ['government', 'institution', 'soe', 'private', 'social', 'school'];
const ROLES = ['楼栋长', '网格协管员', '政策宣讲员', '矛盾调解员', '志愿服务队员', '关爱帮扶员'] as const;
const TASKS = ['认领困难群众结对帮扶', '参与小区环境整治', '每月一次入户走访', '协助疫情防控和应急值守', '开展政策宣讲', '协助调解邻里纠纷'] as const;
const SERVICES = ['入户走访独居老人', '参加小区环境整治', '在党群服务站值班', '开展政策宣讲', '协助社区文明创建', '为群众代办事项'] as const;
const COMMENTS: Record<string, readonly string[]> = {
  excellent: ['主动认领任务，服务群众热情周到', '全年服务时长多，群众评价高'],
  good: ['能按要求参加社区活动', '服务较积极'],
  fair: ['参加活动次数偏少'],
  poor: ['全年很少参加社区服务'],
};

/** An instant on a Beijing day at a Beijing hour. */
const at = (day: string, hour: number) => new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();

export async function generateCommunityReports(db: Db, rng: Rng, opts: { rootId: string; today: string; accountId: string }) {
  const orgs = await db.query<{ id: string; path: string; unit_kind: string; town: string }>(sql`
    SELECT o.id, o.path::text AS path, o.unit_kind, subpath(o.path, 0, least(nlevel(o.path), 2))::text AS town FROM org o JOIN org r ON r.id = ${opts.rootId}::uuid
    WHERE o.path <@ r.path AND o.dissolved_on IS NULL AND o.type IN ('branch', 'general_branch') ORDER BY o.seq`);
  const communities = orgs.filter((o) => o.unit_kind === 'community' || o.unit_kind === 'village');
  // in-service units: 机关, 事业单位, enterprises, 社会组织, schools — not the communities themselves
  const units = orgs.filter((o) => IN_SERVICE.includes(o.unit_kind));
  if (!communities.length) return { reports: 0, services: 0, evaluations: 0 };
  const grids = await db.query<{ id: string; responsible_path: string }>(sql`
    SELECT a.id, o.path::text AS responsible_path FROM map_area a JOIN org o ON o.id = a.responsible_org_id WHERE a.kind = 'grid' AND a.deleted_at IS NULL ORDER BY a.code`);
  const gridOf = (c: { path: string }) => {
    const own = grids.filter((g) => g.responsible_path === c.path || g.responsible_path.startsWith(`${c.path}.`));
    return own.length && rng.chance(0.8) ? rng.pick(own).id : null;
  };
  const near = (u: { town: string }) => {
    const same = communities.filter((c) => c.town === u.town);
    return rng.pick(same.length ? same : communities);
  };
  const lastYear = Number(opts.today.slice(0, 4)) - 1;
  const reports: Array<{ id: string; kind: 'org' | 'member'; reporter: string; person: string | null; community: string; grid: string | null; address: string | null; status: string; role: string | null; tasks: string | null; decline: string | null; reportedAt: string; acceptedAt: string | null }> = [];
  const add = (kind: 'org' | 'member', reporter: string, person: string | null, c: { id: string; path: string }) => {
    const day = addDays(opts.today, -rng.int(3, 420));
    const recent = day > addDays(opts.today, -20);
    const status = recent && rng.chance(0.5) ? 'pending' : rng.chance(0.05) ? 'declined' : 'accepted';
    reports.push({
      id: crypto.randomUUID(), kind, reporter, person, community: c.id, grid: status === 'accepted' ? gridOf(c) : null, address: kind === 'member' ? `${rng.pick(['幸福', '和平', '建设', '光明'])}小区${rng.int(1, 30)}栋${rng.int(1, 6)}单元` : null,
      status, role: status === 'accepted' ? rng.pick(ROLES) : null, tasks: status === 'accepted' ? rng.pick(TASKS) : null, decline: status === 'declined' ? '报到地址不在本社区，请向居住地所在社区报到' : null,
      reportedAt: at(day, rng.int(9, 17)), acceptedAt: status === 'accepted' ? at(addDays(day, rng.int(1, 5)) > opts.today ? opts.today : addDays(day, rng.int(1, 5)), 10) : null,
    });
  };
  for (const u of units) {
    add('org', u.id, null, near(u));
    const members = await db.query<{ id: string }>(sql`SELECT id FROM person WHERE org_id = ${u.id}::uuid AND is_current AND status IN ('probationary', 'full') ORDER BY id`);
    for (const m of members) if (rng.chance(0.12)) add('member', u.id, m.id, near(u));
  }
  const services: Array<{ report: string; on: string; minutes: number; content: string; at: string }> = [];
  const evaluations: Array<{ report: string; year: number; grade: string; comment: string; at: string }> = [];
  for (const r of reports) {
    if (r.status !== 'accepted') continue;
    const from = r.acceptedAt!.slice(0, 10);
    for (let day = addDays(from, rng.int(3, 30)); day < opts.today; day = addDays(day, rng.int(20, 60))) {
      services.push({ report: r.id, on: day, minutes: rng.pick([60, 90, 120, 180, 240]), content: rng.pick(SERVICES), at: at(addDays(day, rng.int(0, 3)) > opts.today ? opts.today : addDays(day, rng.int(0, 3)), 16) });
    }
    if (r.kind === 'member' && from < `${lastYear}-12-01`) {
      const grade = rng.pick(['excellent', 'good', 'good', 'good', 'fair', 'poor'] as const);
      evaluations.push({ report: r.id, year: lastYear, grade, comment: rng.pick(COMMENTS[grade]), at: at(`${lastYear + 1}-01-${String(rng.int(5, 25)).padStart(2, '0')}`, 10) });
    }
  }
  const c = <T, K extends keyof T>(rows: T[], k: K) => rows.map((x) => x[k]);
  for (let i = 0; i < reports.length; i += 2000) {
    const p = reports.slice(i, i + 2000);
    await db.exec(sql`INSERT INTO community_report (id, kind, reporter_org_id, person_id, community_org_id, grid_id, address, status, role, tasks, decline_reason, reported_at, accepted_at, accepted_by, created_at, updated_at)
      SELECT x.id, x.kind, x.reporter, x.person, x.community, x.grid, x.address, x.status, x.role, x.tasks, x.decline, x.reported_at, x.accepted_at,
        CASE WHEN x.accepted_at IS NULL THEN NULL ELSE ${opts.accountId}::uuid END, x.reported_at, coalesce(x.accepted_at, x.reported_at)
      FROM unnest(${c(p, 'id')}::uuid[], ${c(p, 'kind')}::text[], ${c(p, 'reporter')}::uuid[], ${c(p, 'person')}::uuid[], ${c(p, 'community')}::uuid[], ${c(p, 'grid')}::uuid[],
        ${c(p, 'address')}::text[], ${c(p, 'status')}::text[], ${c(p, 'role')}::text[], ${c(p, 'tasks')}::text[], ${c(p, 'decline')}::text[], ${c(p, 'reportedAt')}::timestamptz[],
        ${c(p, 'acceptedAt')}::timestamptz[]) AS x(id, kind, reporter, person, community, grid, address, status, role, tasks, decline, reported_at, accepted_at)`);
  }
  for (let i = 0; i < services.length; i += 5000) {
    const p = services.slice(i, i + 5000);
    await db.exec(sql`INSERT INTO community_service (report_id, served_on, minutes, content, recorded_by, created_at)
      SELECT x.report, x.served, x.minutes, x.content, ${opts.accountId}::uuid, x.at
      FROM unnest(${c(p, 'report')}::uuid[], ${c(p, 'on')}::date[], ${c(p, 'minutes')}::int[], ${c(p, 'content')}::text[], ${c(p, 'at')}::timestamptz[]) AS x(report, served, minutes, content, at)`);
  }
  await db.exec(sql`INSERT INTO community_evaluation (report_id, year, grade, comment, evaluated_by, evaluated_at)
    SELECT x.report, x.year, x.grade, x.comment, ${opts.accountId}::uuid, x.at
    FROM unnest(${c(evaluations, 'report')}::uuid[], ${c(evaluations, 'year')}::int[], ${c(evaluations, 'grade')}::text[], ${c(evaluations, 'comment')}::text[], ${c(evaluations, 'at')}::timestamptz[])
      AS x(report, year, grade, comment, at)`);
  await rebuildCommunityReportCounters(db);
  return { reports: reports.length, services: services.length, evaluations: evaluations.length };
}
