import type { Db } from '../platform/db';
import { sql } from '../platform/sql';
import { addDays } from '../platform/dates';
import { awardFactsIn, type PointFact } from '../domains/points';
import { rebuildVolunteerCounters, volunteerPointSource } from '../domains/volunteer';
import type { Rng } from './random';

// Demo volunteer service (志愿服务, issue 17): every community branch has run
// two activities a month for the past thirteen months — members of the branch
// and residents of the community signed up, most were attested by the
// organiser (a few absent), the whole hours of the members became points —
// and has two or three announced for the coming three weeks, partly filled.
// Activities that ended in the last days are left unattested (the warning
// centre shows them). Written in bulk; the counters are then rebuilt from the
// sign-ups, and the members' hours awarded through the ledger. Each community's latest past activity
// (one to five days ago) still waits for the organiser's attestation.

const ACTIVITIES = [
  { title: '敬老院义务清扫', place: '社区敬老院', skills: ['cleaning', 'elderly'], hours: [2, 3] },
  { title: '党员义剪进社区', place: '社区党群服务站', skills: ['haircut'], hours: [2, 3] },
  { title: '家电义务维修', place: '社区广场', skills: ['repair'], hours: [3, 4] },
  { title: '老年人智能手机课堂', place: '社区党群服务站活动室', skills: ['digital', 'elderly'], hours: [2, 2] },
  { title: '小区环境整治', place: '小区各楼栋', skills: ['cleaning'], hours: [2, 4] },
  { title: '文明交通劝导', place: '人民路与建设路交叉口', skills: ['traffic'], hours: [2, 3] },
  { title: '青少年课业辅导', place: '社区四点半课堂', skills: ['tutoring'], hours: [2, 2] },
  { title: '义诊与健康讲座', place: '社区卫生服务站', skills: ['medical'], hours: [3, 4] },
  { title: '法律咨询进社区', place: '社区党群服务站', skills: ['legal'], hours: [2, 3] },
  { title: '文艺演出志愿服务', place: '社区文化广场', skills: ['culture'], hours: [3, 4] },
] as const;

/** An instant on a Beijing day at a Beijing hour. */
const at = (day: string, hour: number, minute = 0) => new Date(Date.parse(`${day}T00:00:00Z`) + ((hour - 8) * 60 + minute) * 60_000);

export async function generateVolunteer(db: Db, rng: Rng, opts: { rootId: string; today: string; accountId: string }) {
  const communities = await db.query<{ id: string; path: string; region_key: string | null; name: string }>(sql`
    SELECT o.id, o.path::text AS path, o.region_key, o.name FROM org o JOIN org r ON r.id = ${opts.rootId}::uuid
    WHERE o.path <@ r.path AND o.unit_kind = 'community' AND o.dissolved_on IS NULL AND o.type = 'branch' ORDER BY o.seq`);
  const now = at(opts.today, 12);
  let activities = 0;
  let signups = 0;
  for (const c of communities) {
    const [members, residents] = await Promise.all([
      db.query<{ id: string; name: string }>(sql`SELECT id, name FROM person WHERE org_id = ${c.id}::uuid AND status IN ('probationary','full') ORDER BY id`),
      db.query<{ id: string; name: string }>(sql`SELECT id, name FROM resident WHERE community_org_id = ${c.id}::uuid ORDER BY id`),
    ]);
    const pool = [...members.map((m) => ({ personId: m.id, residentId: null as string | null, name: m.name })), ...residents.map((r) => ({ personId: null as string | null, residentId: r.id, name: r.name }))];
    if (pool.length < 4) continue;
    // two a month for thirteen months back, and three in the coming three weeks
    const days: string[] = [];
    // the latest, one to five days ago, still waits for the organiser's attestation
    for (let k = 0; k < 26; k++) days.push(addDays(opts.today, -(k === 0 ? rng.int(1, 5) : k * 15 + rng.int(1, 10))));
    for (const ahead of [3, 10, 18]) days.push(addDays(opts.today, ahead));
    for (const day of days) {
      const a = rng.pick(ACTIVITIES);
      const startHour = rng.pick([8, 9, 14, 15]);
      const span = rng.int(a.hours[0], a.hours[1]);
      const startsAt = at(day, startHour, startHour === 8 ? 30 : 0);
      const endsAt = new Date(startsAt.getTime() + span * 3_600_000);
      const capacity = rng.pick([6, 8, 10, 12, 15]);
      const createdAt = new Date(startsAt.getTime() - rng.int(5, 12) * 86_400_000);
      const id = (await db.one<{ id: string }>(sql`INSERT INTO volunteer_activity (org_id, audience_org_id, title, description, place, starts_at, ends_at, capacity, skills, region_key, created_by, created_at, updated_at)
        VALUES (${c.id}::uuid, ${c.id}::uuid, ${a.title}, ${`${c.name.replace(/党支部$/, '')}组织的志愿服务，欢迎党员和居民报名参加。`}, ${`${c.name.replace(/党支部$/, '')}${a.place}`},
          ${startsAt.toISOString()}::timestamptz, ${endsAt.toISOString()}::timestamptz, ${capacity}, ${a.skills as unknown as string[]}::text[], ${c.region_key}::uuid, ${opts.accountId}::uuid,
          ${createdAt.toISOString()}::timestamptz, ${createdAt.toISOString()}::timestamptz) RETURNING id`)).id;
      activities++;
      const upcoming = startsAt > now;
      const want = upcoming ? rng.int(0, Math.ceil(capacity * 0.7)) : rng.int(Math.ceil(capacity * 0.5), capacity);
      const chosen = new Set<number>();
      while (chosen.size < Math.min(want, pool.length)) chosen.add(rng.int(0, pool.length - 1));
      // the organiser attests within three days of the end; the last days' are still waiting
      const attestedAt = new Date(endsAt.getTime() + rng.int(2, 70) * 3_600_000);
      const attest = !upcoming && attestedAt < now && day !== days[0];
      const rows = [...chosen].map((i) => {
        const v = pool[i];
        const signedAt = new Date(createdAt.getTime() + rng.int(1, 4 * 24) * 3_600_000);
        const absent = attest && rng.chance(0.08);
        const lateIn = rng.int(0, 20);
        const earlyOut = rng.chance(0.2) ? rng.int(10, 60) : 0;
        const checkIn = new Date(startsAt.getTime() + lateIn * 60_000);
        const checkOut = new Date(endsAt.getTime() - earlyOut * 60_000);
        const status = !attest ? 'signed_up' : absent ? 'absent' : 'attested';
        return {
          personId: v.personId, residentId: v.residentId, name: v.name, status, signedAt: (signedAt < startsAt ? signedAt : createdAt).toISOString(),
          checkIn: status === 'attested' ? checkIn.toISOString() : null, checkOut: status === 'attested' ? checkOut.toISOString() : null,
          minutes: status === 'attested' ? Math.min(Math.floor((checkOut.getTime() - checkIn.getTime()) / 60_000), 8 * 60) : null, attestedAt: attest ? attestedAt.toISOString() : null,
        };
      });
      if (!rows.length) continue;
      await db.exec(sql`INSERT INTO volunteer_signup (activity_id, person_id, resident_id, name, status, check_in_at, check_out_at, minutes, attested_by, attested_at, created_at, updated_at)
        SELECT ${id}::uuid, x.person_id, x.resident_id, x.name, x.status, x.check_in_at, x.check_out_at, x.minutes, CASE WHEN x.attested_at IS NULL THEN NULL ELSE ${opts.accountId}::uuid END, x.attested_at, x.created_at, x.created_at
        FROM unnest(${rows.map((r) => r.personId)}::uuid[], ${rows.map((r) => r.residentId)}::uuid[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.status)}::text[],
          ${rows.map((r) => r.checkIn)}::timestamptz[], ${rows.map((r) => r.checkOut)}::timestamptz[], ${rows.map((r) => r.minutes)}::int[], ${rows.map((r) => r.attestedAt)}::timestamptz[], ${rows.map((r) => r.signedAt)}::timestamptz[])
          AS x(person_id, resident_id, name, status, check_in_at, check_out_at, minutes, attested_at, created_at)`);
      signups += rows.length;
    }
  }
  await rebuildVolunteerCounters(db);
  // the members' whole hours, as the attestations would have awarded them
  const facts: PointFact[] = (await volunteerPointSource.facts(db, addDays(opts.today, -400), opts.today)).sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : a.factDate < b.factDate ? -1 : a.factDate > b.factDate ? 1 : a.sourceId < b.sourceId ? -1 : 1));
  let awarded = 0;
  for (let i = 0; i < facts.length; i += 500) for (const o of await awardFactsIn(db, now, facts.slice(i, i + 500))) if (o === 'awarded') awarded++;
  return { activities, signups, awarded };
}
