import crypto from 'node:crypto';
import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays, daysBetween } from '../platform/dates';
import { rebuildClubCounters } from '../domains/club';
import { rebuildVolunteerCounters } from '../domains/volunteer';
import type { Rng } from './random';

// Demo clubs (社团, issue 17): in every community with residents, two to four
// interest clubs founded by residents (or members with an account) over the
// past fourteen months and approved by the community within days; neighbours
// joined over time; each club met every two to six weeks (activities of the
// volunteer model, marked with the club, members signed up); a few
// applications were refused, one club was dissolved here and there, and some
// communities have an application waiting today (one of them past the review
// days, so the warning centre shows it). resident1 belongs to a club and
// founded none, so the tour can apply for one. Written in bulk; the clubs' and
// activities' counters are then rebuilt.

const CLUBS = [
  { name: '墨香书法社', category: 'calligraphy', description: '每周六上午在党群服务中心练习书法，春节前为邻居写春联、送福字。', activity: '书法练习', place: '党群服务中心书画室' },
  { name: '夕阳红合唱团', category: 'music', description: '退休居民组成的合唱团，每周两次排练红色经典歌曲，参加节日演出。', activity: '合唱排练', place: '社区活动室' },
  { name: '健步走队', category: 'sports', description: '每天傍晚沿河堤健步走五公里，倡导健康生活方式，欢迎各年龄段邻居。', activity: '河堤健步走', place: '河堤公园北门' },
  { name: '邻里读书会', category: 'reading', description: '每月共读一本书，分享读书心得，也为社区孩子讲绘本故事。', activity: '共读分享会', place: '社区书屋' },
  { name: '广场舞队', category: 'music', description: '晚饭后在文化广场跳广场舞，音量控制在规定以内，不扰民。', activity: '广场舞练习', place: '文化广场' },
  { name: '太极拳队', category: 'sports', description: '清晨练习二十四式太极拳，有老队员带新人，零基础也能学。', activity: '太极拳晨练', place: '小区中心花园' },
  { name: '亲子手工坊', category: 'parenting', description: '周末组织家长和孩子一起做手工、种花草，增进亲子关系和邻里感情。', activity: '亲子手工', place: '党群服务中心儿童之家' },
  { name: '科普兴趣小组', category: 'tech', description: '邀请退休教师和工程师讲科普知识，带孩子做小实验、认识身边的科学。', activity: '科普小课堂', place: '社区书屋' },
  { name: '养生保健协会', category: 'health', description: '请社区医生讲健康知识，交流养生经验，定期组织测血压血糖。', activity: '健康讲座', place: '社区卫生服务站' },
] as const;

const REJECT_NOTES = ['本社区已有同类社团，建议加入已有社团', '活动场地暂不能满足，请完善活动方案后重新申请'] as const;

/** An instant on a Beijing day at a Beijing hour. */
const at = (day: string, hour: number) => new Date(Date.parse(`${day}T00:00:00Z`) + (hour - 8) * 3_600_000).toISOString();

interface Person {
  account: string;
  person: string | null;
  resident: string | null;
  name: string;
}

export async function generateClubs(db: Db, rng: Rng, opts: { rootId: string; today: string; accountId: string }) {
  const communities = await db.query<{ id: string; region_key: string | null }>(sql`SELECT o.id, o.region_key FROM org o JOIN org r ON r.id = ${opts.rootId}::uuid
    WHERE o.path <@ r.path AND o.dissolved_on IS NULL AND o.unit_kind IN ('community', 'village') ORDER BY o.seq`);
  const clubs: Array<{ id: string; community: string; name: string; category: string; description: string; founder: Person; status: string; note: string | null; reviewedAt: string | null; dissolvedAt: string | null; dissolveReason: string | null; createdAt: string; region: string | null }> = [];
  const members: Array<{ club: string; who: Person; role: string; status: string; joinedAt: string; leftAt: string | null }> = [];
  const activities: Array<{ id: string; club: string; community: string; title: string; place: string; startsAt: string; endsAt: string; capacity: number; status: string; cancel: string | null; by: string; createdAt: string; region: string | null }> = [];
  const signups: Array<{ activity: string; who: Person; at: string }> = [];
  let waitingPastDays = false;
  for (const c of communities) {
    const people: Person[] = [
      ...(await db.query<{ account: string; resident: string; name: string }>(sql`SELECT r.account_id AS account, r.id AS resident, r.name FROM resident r
        WHERE r.community_org_id = ${c.id}::uuid ORDER BY r.id`)).map((r) => ({ account: r.account, person: null, resident: r.resident, name: r.name })),
      ...(await db.query<{ account: string; person: string; name: string }>(sql`SELECT a.id AS account, p.id AS person, p.name FROM person p JOIN account a ON a.person_id = p.id
        WHERE p.org_id = ${c.id}::uuid AND p.status IN ('probationary','full') AND NOT a.is_disabled ORDER BY p.id`)).map((p) => ({ account: p.account, person: p.person, resident: null, name: p.name })),
    ];
    const resident1 = await db.maybeOne<{ account: string }>(sql`SELECT r.account_id AS account FROM resident r JOIN account a ON a.id = r.account_id
      WHERE a.username = 'resident1' AND r.community_org_id = ${c.id}::uuid`);
    const founders = people.filter((p) => p.account !== resident1?.account);
    if (founders.length < 3) continue;
    const picks = sample(rng, CLUBS, rng.int(2, 4));
    const used = new Set<string>();
    picks.forEach((k, i) => {
      const free = founders.filter((f) => !used.has(f.account));
      const founder = free.length ? rng.pick(free) : founders[0]!;
      used.add(founder.account);
      const founded = addDays(opts.today, -rng.int(60, 420));
      const reviewed = addDays(founded, rng.int(1, 5));
      // the last club of some communities: refused, or dissolved after a while
      const fate = i === picks.length - 1 ? (rng.chance(0.15) ? 'rejected' : rng.chance(0.1) ? 'dissolved' : 'active') : 'active';
      const id = crypto.randomUUID();
      const dissolvedOn = fate === 'dissolved' ? addDays(reviewed, rng.int(10, daysBetween(reviewed, opts.today) - 5)) : null;
      clubs.push({
        id, community: c.id, name: k.name, category: k.category, description: k.description, founder, status: fate, note: fate === 'rejected' ? rng.pick(REJECT_NOTES) : null,
        reviewedAt: at(reviewed, 10), dissolvedAt: dissolvedOn ? at(dissolvedOn, 15) : null, dissolveReason: dissolvedOn ? '负责人搬离本社区，成员同意解散' : null, createdAt: at(founded, rng.int(9, 20)), region: c.region_key,
      });
      if (fate === 'rejected') return;
      members.push({ club: id, who: founder, role: 'leader', status: 'active', joinedAt: at(reviewed, 10), leftAt: null });
      const joined: Person[] = [founder];
      const last = dissolvedOn ?? opts.today;
      for (const p of people) {
        if (p.account === founder.account || !rng.chance(p.account === resident1?.account && i === 0 ? 1 : 0.3)) continue;
        const day = addDays(reviewed, rng.int(0, Math.max(0, daysBetween(reviewed, last) - 1)));
        const left = fate === 'active' && rng.chance(0.08);
        members.push({ club: id, who: p, role: 'member', status: left ? 'left' : 'active', joinedAt: at(day, 19), leftAt: left ? at(addDays(day, 30) < opts.today ? addDays(day, 30) : opts.today, 19) : null });
        if (!left) joined.push(p);
      }
      // meetings every two to six weeks, and one or two ahead
      for (let day = addDays(reviewed, rng.int(7, 21)); day < addDays(last, fate === 'active' ? 30 : 0); day = addDays(day, rng.int(14, 42))) {
        const future = day > opts.today;
        const cancelled = fate === 'dissolved' && day > dissolvedOn!;
        const hour = rng.pick([9, 14, 19]);
        const aid = crypto.randomUUID();
        activities.push({
          id: aid, club: id, community: c.id, title: k.activity, place: k.place, startsAt: at(day, hour), endsAt: at(day, hour + 2), capacity: rng.pick([20, 30, 40]),
          status: cancelled ? 'cancelled' : 'open', cancel: cancelled ? '社团已解散：负责人搬离本社区，成员同意解散' : null, by: founder.account, createdAt: at(addDays(day, -rng.int(3, 10)), 20), region: c.region_key,
        });
        if (cancelled) continue;
        for (const p of joined) if (rng.chance(future ? 0.3 : 0.6)) signups.push({ activity: aid, who: p, at: at(addDays(day, -rng.int(1, 3)), 20) });
      }
    });
    // applications waiting today (one in a few communities past the review days)
    if (rng.chance(0.35)) {
      const k = CLUBS.find((x) => !picks.some((p) => p.name === x.name))!;
      const founder = founders.find((f) => !used.has(f.account));
      if (founder) {
        const ago = !waitingPastDays ? 9 : rng.int(0, 4);
        waitingPastDays = true;
        clubs.push({
          id: crypto.randomUUID(), community: c.id, name: k.name, category: k.category, description: k.description, founder, status: 'pending', note: null, reviewedAt: null, dissolvedAt: null,
          dissolveReason: null, createdAt: at(addDays(opts.today, -ago), 10), region: c.region_key,
        });
      }
    }
  }
  const col = <T, K extends keyof T>(rows: T[], k: K) => rows.map((x) => x[k]);
  const who = <T extends { who: Person }>(rows: T[], k: keyof Person) => rows.map((x) => x.who[k]);
  await db.exec(sql`INSERT INTO club (id, community_org_id, name, category, description, founder_account_id, founder_person_id, founder_resident_id, founder_name, status, review_note,
      reviewed_by, reviewed_at, dissolved_at, dissolve_reason, region_key, created_at, updated_at)
    SELECT x.id, x.community, x.name, x.category, x.description, x.account, x.person, x.resident, x.founder, x.status, x.note,
      CASE WHEN x.reviewed IS NULL THEN NULL ELSE ${opts.accountId}::uuid END, x.reviewed, x.dissolved, x.reason, x.region, x.created, coalesce(x.dissolved, x.reviewed, x.created)
    FROM unnest(${col(clubs, 'id')}::uuid[], ${col(clubs, 'community')}::uuid[], ${col(clubs, 'name')}::text[], ${col(clubs, 'category')}::text[], ${col(clubs, 'description')}::text[],
      ${clubs.map((x) => x.founder.account)}::uuid[], ${clubs.map((x) => x.founder.person)}::uuid[], ${clubs.map((x) => x.founder.resident)}::uuid[], ${clubs.map((x) => x.founder.name)}::text[],
      ${col(clubs, 'status')}::text[], ${col(clubs, 'note')}::text[], ${col(clubs, 'reviewedAt')}::timestamptz[], ${col(clubs, 'dissolvedAt')}::timestamptz[], ${col(clubs, 'dissolveReason')}::text[],
      ${col(clubs, 'region')}::uuid[], ${col(clubs, 'createdAt')}::timestamptz[])
      AS x(id, community, name, category, description, account, person, resident, founder, status, note, reviewed, dissolved, reason, region, created)`);
  for (let i = 0; i < members.length; i += 5000) {
    const p = members.slice(i, i + 5000);
    await db.exec(sql`INSERT INTO club_member (club_id, account_id, person_id, resident_id, name, role, status, joined_at, left_at)
      SELECT * FROM unnest(${col(p, 'club')}::uuid[], ${who(p, 'account')}::uuid[], ${who(p, 'person')}::uuid[], ${who(p, 'resident')}::uuid[], ${who(p, 'name')}::text[],
        ${col(p, 'role')}::text[], ${col(p, 'status')}::text[], ${col(p, 'joinedAt')}::timestamptz[], ${col(p, 'leftAt')}::timestamptz[])`);
  }
  for (let i = 0; i < activities.length; i += 5000) {
    const p = activities.slice(i, i + 5000);
    await db.exec(sql`INSERT INTO volunteer_activity (id, org_id, audience_org_id, club_id, title, place, starts_at, ends_at, capacity, status, cancel_reason, region_key, created_by, created_at, updated_at)
      SELECT x.id, x.community, x.community, x.club, x.title, x.place, x.starts, x.ends, x.capacity, x.status, x.cancel, x.region, x.by, x.created, x.created
      FROM unnest(${col(p, 'id')}::uuid[], ${col(p, 'community')}::uuid[], ${col(p, 'club')}::uuid[], ${col(p, 'title')}::text[], ${col(p, 'place')}::text[], ${col(p, 'startsAt')}::timestamptz[],
        ${col(p, 'endsAt')}::timestamptz[], ${col(p, 'capacity')}::int[], ${col(p, 'status')}::text[], ${col(p, 'cancel')}::text[], ${col(p, 'region')}::uuid[], ${col(p, 'by')}::uuid[],
        ${col(p, 'createdAt')}::timestamptz[]) AS x(id, community, club, title, place, starts, ends, capacity, status, cancel, region, by, created)`);
  }
  // places up to each activity's capacity (the first to sign up)
  const taken = new Map<string, number>();
  const capacity = new Map(activities.map((a) => [a.id, a.capacity]));
  const kept = signups.filter((s) => {
    const n = (taken.get(s.activity) ?? 0) + 1;
    taken.set(s.activity, n);
    return n <= capacity.get(s.activity)!;
  });
  for (let i = 0; i < kept.length; i += 5000) {
    const p = kept.slice(i, i + 5000);
    await db.exec(sql`INSERT INTO volunteer_signup (activity_id, account_id, person_id, resident_id, name, created_at, updated_at)
      SELECT x.activity, x.account, x.person, x.resident, x.name, x.at, x.at
      FROM unnest(${col(p, 'activity')}::uuid[], ${who(p, 'account')}::uuid[], ${who(p, 'person')}::uuid[], ${who(p, 'resident')}::uuid[], ${who(p, 'name')}::text[], ${col(p, 'at')}::timestamptz[])
        AS x(activity, account, person, resident, name, at)`);
  }
  await rebuildVolunteerCounters(db);
  await rebuildClubCounters(db);
  return { clubs: clubs.length, members: members.length, activities: activities.length, signups: kept.length };
}

/** `n` distinct items, in the order drawn. */
function sample<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const left = [...items];
  return Array.from({ length: Math.min(n, left.length) }, () => left.splice(rng.int(0, left.length - 1), 1)[0]!);
}
