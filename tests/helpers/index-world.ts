import { sql } from '../../src/server/platform/sql';
import { rebuildAllMeetingRollups } from '../../src/server/domains/meeting';
import { login, type Harness } from './harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from './factory';

// The hand-built county of the branch index tests (branch-index.test.ts, whose
// figures are worked out there by hand, and branch-index-report.test.ts):
// a branch with 8 full members, a committee and 2026-Q3 meetings and dues;
// a small branch that held nothing. `prefix` names the orgs (指数测试第一支部 …).

/** A held meeting written straight into the tables (minutes locked if asked, attendees marked). */
export async function heldMeeting(h: Harness, orgId: string, type: string, heldOn: string, opts: { locked?: boolean; attendees?: Array<{ personId: string; attendance: string; leave?: string }> } = {}) {
  const m = await h.db.one<{ id: string }>(sql`INSERT INTO meeting (org_id, type, status, title, planned_date, held_on) VALUES (${orgId}, ${type}, 'held', ${`${type} ${heldOn}`}, ${heldOn}, ${heldOn}) RETURNING id`);
  if (opts.locked) await h.db.exec(sql`INSERT INTO meeting_minutes (meeting_id, locked_at) VALUES (${m.id}, now())`);
  for (const a of opts.attendees ?? []) {
    await h.db.exec(sql`INSERT INTO meeting_attendee (meeting_id, person_id, person_name, kind, can_vote, attendance, leave_status)
      VALUES (${m.id}, ${a.personId}, '党员', 'member', true, ${a.attendance}, ${a.leave ?? null})`);
  }
}

export async function indexWorld(h: Harness, prefix: string) {
  const county = await makeRoot(h.deps, `${prefix}县委`);
  // a branch with 8 full members and a committee whose term runs to 2027-03-01
  const branch = await makeOrg(h.deps, county, 'branch', `${prefix}第一支部`);
  const members = [];
  for (let i = 0; i < 8; i++) members.push(await makeMember(h.deps, branch.id, { name: `${prefix.slice(0, 2)}党员${i}` }));
  const c = await h.db.one<{ id: string }>(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on) VALUES (${branch.id}, '2024-03-01', 3, '2027-03-01') RETURNING id`);
  await h.db.exec(sql`INSERT INTO committee_post (committee_id, person_id, holder_name, post) VALUES (${c.id}, ${members[0].id}, ${`${prefix.slice(0, 2)}党员0`}, 'secretary')`);
  // a small branch (3 members, no committee) that held nothing
  const idle = await makeOrg(h.deps, county, 'branch', `${prefix}第二支部`);
  for (let i = 0; i < 3; i++) await makeMember(h.deps, idle.id, { name: `二支部党员${i}` });

  // 2026-Q3 of the first branch: 支部党员大会 on 08-10 (8 expected: 6 present, 1 on approved leave, 1 absent; minutes locked),
  // 支委会 in July and September (August missing; July's minutes locked), 主题党日 every month (July's and August's minutes locked), no 党课
  await heldMeeting(h, branch.id, 'branch_assembly', '2026-08-10', {
    locked: true,
    attendees: members.map((m, i) => ({ personId: m.id, attendance: i < 6 ? 'present' : 'absent', leave: i === 6 ? 'approved' : undefined })),
  });
  await heldMeeting(h, branch.id, 'committee_meeting', '2026-07-06', { locked: true });
  await heldMeeting(h, branch.id, 'committee_meeting', '2026-09-07');
  await heldMeeting(h, branch.id, 'theme_day', '2026-07-15', { locked: true });
  await heldMeeting(h, branch.id, 'theme_day', '2026-08-15', { locked: true });
  await heldMeeting(h, branch.id, 'theme_day', '2026-09-15');
  await rebuildAllMeetingRollups(h.db);
  // dues of the quarter: due 100 yuan a month, paid 90, 90, 100; 8 bills a month, 7, 6 and 8 on time
  for (const [month, paid, onTime] of [['2026-07-01', 9000, 7], ['2026-08-01', 9000, 6], ['2026-09-01', 10000, 8]] as const) {
    await h.db.exec(sql`INSERT INTO dues_rollup (org_id, month, bills, due_fen, paid_fen, paid_on_time_fen, bills_paid, bills_on_time)
      VALUES (${branch.id}, ${month}, 8, 10000, ${paid}, ${paid}, 8, ${onTime})`);
  }
  const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }])).username, PASSWORD);
  const idleSec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: idle.id, scope: 'subtree' }])).username, PASSWORD);
  const countyAdmin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: county.id, scope: 'subtree' }])).username, PASSWORD);
  const me = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: branch.id, scope: 'self' }], members[1].id)).username, PASSWORD);
  return { county, branch, idle, members, sec, idleSec, countyAdmin, me };
}
