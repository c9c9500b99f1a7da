import crypto from 'node:crypto';
import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { NEED_CATEGORIES, type NeedCategory } from '../../contracts/need';
import { VOLUNTEER_SKILLS } from '../../contracts/volunteer';
import { rebuildNeedCounters } from '../domains/need';
import { slotsOf } from '../domains/need/need.service';
import type { Rng } from './random';

// Demo needs (群众需求 / 微心愿, issue 17): in every community, about a third
// of the members and a fifth of the residents said they take needs (接单意愿:
// skills, times, the grid where they live); over the past thirteen months the
// residents published two to four needs a month, each pushed to a few
// volunteers nearby, claimed, completed and mostly rated (a few withdrawn);
// today a community has one or two needs waiting (one unclaimed past the
// escalation hours) and one in hand. The demo accounts member1 and resident1
// keep no 接单意愿, so the tour starts from an empty form. Written in bulk; the
// profiles' counters are then rebuilt from the needs.

const TITLES: Record<NeedCategory, readonly string[]> = {
  elderly: ['独居老人需要陪同去医院复查', '想请人陪老伴聊聊天、读读报', '腿脚不便，需要代取药品'],
  repair: ['厨房水龙头漏水请帮忙修理', '家里电视机顶盒没有信号', '楼道灯坏了好几天'],
  health: ['想请医生上门量血压', '孩子最近情绪低落想找人聊聊'],
  study: ['孩子数学作业需要辅导', '想请人教孩子练毛笔字'],
  legal: ['房屋租赁合同想请人把把关', '工资被拖欠想咨询怎么办'],
  environment: ['楼下堆放杂物需要清理', '小区绿化带垃圾较多'],
  errand: ['行动不便需要代购米面油', '需要帮忙接送孩子放学'],
  digital: ['不会用手机挂号，想请人教一下', '想学用手机视频通话'],
  other: ['想请人帮忙搬一下旧家具', '社区活动想找人帮忙拍照'],
};
const PLACES = ['幸福小区', '和平家园', '建设新村', '人民路小区', '光明苑'] as const;
const NOTES = ['已上门处理完毕，群众表示满意', '已陪同办理，事情办妥', '已完成，约好下周再去看看', '问题已解决，留了联系方式方便以后联系'] as const;
const COMMENTS = ['非常及时，谢谢党员同志', '态度很好，解决了大问题', '很满意', '来得有点晚，但办得不错', ''] as const;
const SLOTS = ['weekday_day', 'weekday_evening', 'weekend'] as const;
const SKILLS = Object.keys(VOLUNTEER_SKILLS);
const CATEGORIES = Object.keys(NEED_CATEGORIES) as NeedCategory[];

/** An instant on a Beijing day at a Beijing hour. */
const at = (day: string, hour: number, minute = 0) => new Date(Date.parse(`${day}T00:00:00Z`) + ((hour - 8) * 60 + minute) * 60_000);

interface Place {
  grid: string | null;
  lng: number | null;
  lat: number | null;
}

export async function generateNeeds(db: Db, rng: Rng, opts: { rootId: string; today: string }) {
  const communities = await db.query<{ id: string; path: string; region_key: string | null; lng: number | null; lat: number | null }>(sql`
    SELECT o.id, o.path::text AS path, o.region_key, o.lng, o.lat FROM org o JOIN org r ON r.id = ${opts.rootId}::uuid
    WHERE o.path <@ r.path AND o.unit_kind = 'community' AND o.dissolved_on IS NULL AND o.type = 'branch' ORDER BY o.seq`);
  const grids = await db.query<{ id: string; responsible_path: string; lng: number; lat: number }>(sql`
    SELECT a.id, o.path::text AS responsible_path, a.center_lng AS lng, a.center_lat AS lat FROM map_area a JOIN org o ON o.id = a.responsible_org_id
    WHERE a.kind = 'grid' AND a.deleted_at IS NULL ORDER BY a.code`);
  const now = at(opts.today, 12);
  const profiles: Array<{ id: string; person: string | null; resident: string | null; name: string; community: string; place: Place; skills: string[]; availability: string[]; at: string }> = [];
  const needs: Array<Record<string, unknown>> = [];
  const pushes: Array<{ need: string; profile: string; rank: number; score: number; at: string }> = [];
  for (const c of communities) {
    const own = grids.filter((g) => g.responsible_path === c.path || g.responsible_path.startsWith(`${c.path}.`));
    const placeOf = (grid: string | null): Place => {
      const g = grid ? own.find((x) => x.id === grid) : own.length && rng.chance(0.8) ? rng.pick(own) : undefined;
      return g ? { grid: g.id, lng: g.lng, lat: g.lat } : { grid: null, lng: c.lng, lat: c.lat };
    };
    const [members, residents] = await Promise.all([
      db.query<{ id: string; name: string }>(sql`SELECT p.id, p.name FROM person p WHERE p.org_id = ${c.id}::uuid AND p.status IN ('probationary','full')
        AND NOT EXISTS (SELECT 1 FROM account a WHERE a.person_id = p.id AND a.username = 'member1') ORDER BY p.id`),
      db.query<{ id: string; name: string; grid_id: string | null }>(sql`SELECT r.id, r.name, r.grid_id FROM resident r
        WHERE r.community_org_id = ${c.id}::uuid ORDER BY r.id`),
    ]);
    const mine: typeof profiles = [];
    const profile = (person: string | null, resident: string | null, name: string, grid: string | null) => {
      const skills = [...new Set([rng.pick(SKILLS), rng.pick(SKILLS), rng.pick(SKILLS)])].slice(0, rng.int(1, 3));
      const availability = SLOTS.filter(() => rng.chance(0.55));
      const p = { id: crypto.randomUUID(), person, resident, name, community: c.id, place: placeOf(grid), skills, availability: availability.length ? availability : ['weekend'], at: at(addDays(opts.today, -rng.int(300, 420)), 10).toISOString() };
      profiles.push(p);
      mine.push(p);
    };
    for (const m of members) if (rng.chance(0.35)) profile(m.id, null, m.name, null);
    const publishers = residents;
    const demoResident = await db.maybeOne<{ id: string }>(sql`SELECT r.id FROM resident r JOIN account a ON a.id = r.account_id WHERE a.username = 'resident1' AND r.community_org_id = ${c.id}::uuid`);
    for (const r of residents) if (r.id !== demoResident?.id && rng.chance(0.2)) profile(null, r.id, r.name, r.grid_id);
    if (mine.length < 2 || publishers.length < 1) continue;

    // two to four needs a month for thirteen months, then today's: one or two waiting, one in hand
    const days: Array<{ day: string; fate: 'rated' | 'completed' | 'cancelled' | 'claimed' | 'open' | 'escalated' }> = [];
    for (let back = 400; back > 3; back -= rng.int(7, 15)) days.push({ day: addDays(opts.today, -back), fate: rng.chance(0.06) ? 'cancelled' : rng.chance(0.1) ? 'completed' : 'rated' });
    days.push({ day: addDays(opts.today, -2), fate: 'claimed' }, { day: addDays(opts.today, -2), fate: 'escalated' });
    if (rng.chance(0.6)) days.push({ day: opts.today, fate: 'open' });
    for (const { day, fate } of days) {
      const r = rng.pick(publishers);
      const category = rng.pick(CATEGORIES);
      const publishedAt = at(day, rng.int(8, 20), rng.int(0, 59));
      if (publishedAt > now) continue;
      const from = at(addDays(day, rng.int(1, 3)), rng.pick([9, 14, 19]));
      const to = new Date(from.getTime() + rng.int(1, 3) * 3_600_000);
      const place = placeOf(r.grid_id);
      const candidates = mine.filter((p) => p.resident !== r.id);
      if (!candidates.length) continue;
      const pushed = [...new Set(Array.from({ length: rng.int(2, 5) }, () => rng.pick(candidates)))];
      const claimer = fate === 'open' || fate === 'escalated' || fate === 'cancelled' ? null : pushed[0];
      const claimedAt = claimer ? new Date(publishedAt.getTime() + rng.int(10, 600) * 60_000) : null;
      const completedAt = claimer && fate !== 'claimed' ? new Date(Math.max(to.getTime(), claimedAt!.getTime()) + rng.int(0, 300) * 60_000) : null;
      const ratedAt = fate === 'rated' ? new Date(completedAt!.getTime() + rng.int(60, 2 * 24 * 60) * 60_000) : null;
      const id = crypto.randomUUID();
      needs.push({
        id, resident: r.id, community: c.id, grid: place.grid, lng: place.lng, lat: place.lat, category, title: rng.pick(TITLES[category]), detail: '',
        place: `${rng.pick(PLACES)}${rng.int(1, 20)}栋${rng.int(1, 4)}单元${rng.int(1, 18)}0${rng.int(1, 4)}室`, from: from.toISOString(), to: to.toISOString(),
        skills: [...NEED_CATEGORIES[category].skills], slots: slotsOf(from.toISOString(), to.toISOString()),
        status: fate === 'escalated' ? 'open' : fate, escalated: fate === 'escalated' ? new Date(publishedAt.getTime() + 24 * 3_600_000).toISOString() : null,
        claimedBy: claimer?.id ?? null, claimedAt: claimedAt?.toISOString() ?? null, completedAt: completedAt?.toISOString() ?? null,
        note: completedAt ? rng.pick(NOTES) : null, rating: ratedAt ? rng.pick([5, 5, 5, 4, 4, 3]) : null, comment: ratedAt ? rng.pick(COMMENTS) : null, ratedAt: ratedAt?.toISOString() ?? null,
        cancelledAt: fate === 'cancelled' ? new Date(publishedAt.getTime() + 3_600_000).toISOString() : null, cancelReason: fate === 'cancelled' ? '家人已经帮忙解决了' : null,
        regionKey: c.region_key, at: publishedAt.toISOString(),
      });
      pushed.forEach((p, i) => pushes.push({ need: id, profile: p.id, rank: i + 1, score: Math.round((90 - i * 8 - rng.int(0, 6)) * 10) / 10, at: publishedAt.toISOString() }));
    }
  }
  const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((r) => r[k]);
  await db.exec(sql`INSERT INTO volunteer_profile (id, person_id, resident_id, name, community_org_id, grid_id, lng, lat, skills, availability, created_at, updated_at)
    SELECT x.id, x.person, x.resident, x.name, x.community, x.grid, x.lng, x.lat, string_to_array(x.skills, ','), string_to_array(x.availability, ','), x.at, x.at
    FROM unnest(${col(profiles, 'id')}::uuid[], ${col(profiles, 'person')}::uuid[], ${col(profiles, 'resident')}::uuid[], ${col(profiles, 'name')}::text[], ${col(profiles, 'community')}::uuid[],
      ${profiles.map((p) => p.place.grid)}::uuid[], ${profiles.map((p) => p.place.lng)}::float8[], ${profiles.map((p) => p.place.lat)}::float8[],
      ${profiles.map((p) => p.skills.join(','))}::text[], ${profiles.map((p) => p.availability.join(','))}::text[], ${col(profiles, 'at')}::timestamptz[])
      AS x(id, person, resident, name, community, grid, lng, lat, skills, availability, at)`);
  for (let i = 0; i < needs.length; i += 2000) {
    const part = needs.slice(i, i + 2000);
    const p = <K extends string>(k: K) => part.map((r) => (r[k] ?? null) as never);
    const arr = (k: string) => part.map((r) => (r[k] as string[]).join(','));
    await db.exec(sql`INSERT INTO need (id, resident_id, community_org_id, grid_id, lng, lat, category, title, detail, place, window_from, window_to, skills, slots, status, escalated_at,
        claimed_by, claimed_at, completed_at, completion_note, rating, rating_comment, rated_at, cancelled_at, cancel_reason, region_key, created_at, updated_at)
      SELECT x.id, x.resident, x.community, x.grid, x.lng, x.lat, x.category, x.title, x.detail, x.place, x.wf, x.wt, string_to_array(x.skills, ','), string_to_array(nullif(x.slots, ''), ','),
        x.status, x.escalated, x.claimed_by, x.claimed_at, x.completed_at, x.note, x.rating, x.comment, x.rated_at, x.cancelled_at, x.cancel_reason, x.region_key, x.at, x.at
      FROM unnest(${p('id')}::uuid[], ${p('resident')}::uuid[], ${p('community')}::uuid[], ${p('grid')}::uuid[], ${p('lng')}::float8[], ${p('lat')}::float8[], ${p('category')}::text[],
        ${p('title')}::text[], ${p('detail')}::text[], ${p('place')}::text[], ${p('from')}::timestamptz[], ${p('to')}::timestamptz[], ${arr('skills')}::text[], ${arr('slots')}::text[],
        ${p('status')}::text[], ${p('escalated')}::timestamptz[], ${p('claimedBy')}::uuid[], ${p('claimedAt')}::timestamptz[], ${p('completedAt')}::timestamptz[], ${p('note')}::text[],
        ${p('rating')}::smallint[], ${p('comment')}::text[], ${p('ratedAt')}::timestamptz[], ${p('cancelledAt')}::timestamptz[], ${p('cancelReason')}::text[], ${p('regionKey')}::uuid[], ${p('at')}::timestamptz[])
        AS x(id, resident, community, grid, lng, lat, category, title, detail, place, wf, wt, skills, slots, status, escalated, claimed_by, claimed_at, completed_at, note, rating, comment, rated_at,
          cancelled_at, cancel_reason, region_key, at)`);
  }
  await db.exec(sql`INSERT INTO need_push (need_id, profile_id, rank, score, pushed_at)
    SELECT x.need, x.profile, x.rank, x.score, x.at FROM unnest(${col(pushes, 'need')}::uuid[], ${col(pushes, 'profile')}::uuid[], ${col(pushes, 'rank')}::int[], ${col(pushes, 'score')}::float8[],
      ${col(pushes, 'at')}::timestamptz[]) AS x(need, profile, rank, score, at)`);
  await rebuildNeedCounters(db);
  return { profiles: profiles.length, needs: needs.length };
}
