import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { meetingRollupDifferences, rebuildMeetingRollups, remindMeetings } from '../../src/server/domains/meeting';
import mammoth from 'mammoth';
import { toneWav } from '../helpers/audio';
import { multipartFile, PNG_1PX } from './security/support';
import type { MeetingKeywords, TranscriptView } from '../../src/contracts/meeting';
import type { MeetingCompliance, MeetingDetail, MeetingPlanResult, MyMeetings, SignInCode } from '../../src/contracts/meeting';

// 三会一课 (RULES §3, §8): a meeting from notice to locked minutes, sign-in
// rules, leave, compliance at period boundaries, the plan, the calendar feed.

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  // the tone engine: deterministic text, timestamps from the audio itself
  h = await createHarness({ ASR_ENGINE: 'tone-test' }, { clock });
});
afterAll(async () => h.close());

async function as(role: 'secretary' | 'org_admin' | 'party_worker', orgId: string): Promise<Client> {
  return login(h.app, (await makeAccount(h.deps, [{ role, orgId, scope: 'subtree' }])).username, PASSWORD);
}
async function memberClient(orgId: string, personId: string): Promise<Client> {
  return login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId, scope: 'self' }], personId)).username, PASSWORD);
}
async function detail(c: Client, id: string): Promise<MeetingDetail> {
  const res = await c.get(`/api/v1/meetings/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as MeetingDetail;
}
async function create(c: Client, body: Record<string, unknown>): Promise<string> {
  const res = await c.post('/api/v1/meetings', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
async function withCommittee(orgId: string, personIds: string[]) {
  const c = await h.db.one<{ id: string }>(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on) VALUES (${orgId}, '2025-01-01', 3, '2028-01-01') RETURNING id`);
  for (const [i, p] of personIds.entries()) await h.db.exec(sql`INSERT INTO committee_post (committee_id, person_id, holder_name, post) VALUES (${c.id}, ${p}, '委员', ${i === 0 ? 'secretary' : 'member'})`);
}

/** A town committee with one branch: a secretary, five full members, one probationary; and a neighbouring branch. */
async function setup() {
  clock.set('2026-12-04T04:00:00Z');
  const county = await makeRoot(h.deps, '会议测试县委');
  const town = await makeOrg(h.deps, county, 'committee', '会议测试镇党委');
  const branch = await makeOrg(h.deps, town, 'branch', '第一党支部');
  const other = await makeOrg(h.deps, town, 'branch', '第二党支部');
  const host = await makeMember(h.deps, branch.id, { name: '王书记' });
  const recorder = await makeMember(h.deps, branch.id, { name: '李记录' });
  const members = [await makeMember(h.deps, branch.id, { name: '张一' }), await makeMember(h.deps, branch.id, { name: '张二' }), await makeMember(h.deps, branch.id, { name: '张三' })];
  const probationary = await makeMember(h.deps, branch.id, { name: '预备甲', status: 'probationary' });
  const stranger = await makeMember(h.deps, other.id, { name: '外支部' });
  return {
    county, town, branch, other, host, recorder, members, probationary, stranger,
    sec: await as('secretary', branch.id), otherSec: await as('secretary', other.id), townAdmin: await as('org_admin', town.id),
  };
}

describe('a branch assembly from notice to locked minutes', () => {
  it('materialises the expected attendees, signs members in by QR in the window, nets leave out, and locks the minutes after both confirmations', async () => {
    const s = await setup();
    const id = await create(s.sec, {
      orgId: s.branch.id, type: 'branch_assembly', plannedDate: '2026-12-10', startsAt: '2026-12-10T06:00:00Z', endsAt: '2026-12-10T08:00:00Z', location: '党员活动室',
      hostPersonId: s.host.id, recorderPersonId: s.recorder.id, sendNotice: true,
    });
    let d = await detail(s.sec, id);
    expect(d).toMatchObject({ status: 'planned', title: '2026年12月支部党员大会', hostName: '王书记', recorderName: '李记录' });
    expect(d.noticeSentAt).not.toBeNull();
    // the roll: six members (probationary without a vote); the other branch's member is not expected
    expect(d.attendeeList.map((a) => a.name).sort()).toEqual(['张一', '张三', '张二', '李记录', '王书记', '预备甲'].sort());
    expect(d.attendeeList.find((a) => a.name === '预备甲')).toMatchObject({ kind: 'probationary', canVote: false });
    const notices = await h.db.query<{ title: string }>(sql`SELECT n.title FROM notification n JOIN account a ON a.id = n.account_id WHERE a.person_id = ${s.members[0].id}`);
    expect(notices).toEqual([]); // members without an account get the SMS only
    const m0 = await memberClient(s.branch.id, s.members[0].id);
    const m1 = await memberClient(s.branch.id, s.members[1].id);
    const m2 = await memberClient(s.branch.id, s.members[2].id);
    const prob = await memberClient(s.branch.id, s.probationary.id);
    const outsider = await memberClient(s.other.id, s.stranger.id);

    // the member asks for leave on the phone; the secretary approves
    expect((await m2.post(`/api/v1/meetings/${id}/leave`, { reason: '外出务工' })).statusCode).toBe(200);
    expect((await s.sec.post(`/api/v1/meetings/${id}/leave/decide`, { personId: s.members[2].id, approve: true, note: '同意' })).statusCode).toBe(200);
    expect((await s.sec.post(`/api/v1/meetings/${id}/leave/decide`, { personId: s.members[2].id, approve: true })).json().error.code).toBe('MEETING_STATE');

    // before the window the host cannot show a code
    const early = await s.sec.get(`/api/v1/meetings/${id}/sign-in-code`);
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('SIGNIN_CLOSED');

    clock.set('2026-12-10T06:05:00Z');
    const code = (await s.sec.get(`/api/v1/meetings/${id}/sign-in-code`)).json() as SignInCode;
    expect(code.url).toContain(`/m/meetings/${id}/sign-in?t=`);
    const ok = await m0.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token });
    expect(ok.statusCode, ok.body).toBe(200);
    const twice = await m0.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'SIGNIN_DUPLICATE']);
    const notExpected = await outsider.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token });
    expect([notExpected.statusCode, notExpected.json().error.code]).toEqual([422, 'SIGNIN_NOT_EXPECTED']);
    const forged = await prob.post(`/api/v1/meetings/${id}/sign-in`, { token: `${code.token.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAAAA` });
    expect(forged.json().error.code).toBe('SIGNIN_TOKEN_INVALID');
    expect((await prob.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token })).statusCode).toBe(200);
    // the code a member photographed stops working two slots later
    clock.set('2026-12-10T06:08:00Z');
    const stale = await m1.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token });
    expect([stale.statusCode, stale.json().error.code]).toEqual([422, 'SIGNIN_TOKEN_INVALID']);
    // after the window nobody signs in, whatever the token
    clock.set('2026-12-10T08:31:00Z');
    const late = await m1.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token });
    expect(late.json().error.code).toBe('SIGNIN_CLOSED');
    // a member already present who reopens the old code hears that they are signed in
    expect((await m0.post(`/api/v1/meetings/${id}/sign-in`, { token: code.token })).json().error.code).toBe('SIGNIN_DUPLICATE');

    // the recorder marks the host and themselves present (signing in is optional)
    expect((await s.sec.post(`/api/v1/meetings/${id}/attendance`, { marks: [{ personId: s.host.id, attendance: 'present' }, { personId: s.recorder.id, attendance: 'present' }] })).statusCode).toBe(200);
    d = await detail(s.sec, id);
    expect(d.status).toBe('held');
    expect(d.heldOn).toBe('2026-12-10');
    // 6 expected, 1 on approved leave: 5 net; present 4 (张一, 预备甲, 王书记, 李记录); 张二 absent
    expect(d.summary).toEqual({ expected: 6, onLeave: 1, netExpected: 5, present: 4, absent: 1, rate: 0.8, votingPresent: 3 });

    // minutes: saved by the secretary's side, scripts removed, confirmed by both, then locked
    const save = await s.sec.put(`/api/v1/meetings/${id}/minutes`, {
      version: 0, heldOn: '2026-12-10', hostPersonId: s.host.id, recorderPersonId: s.recorder.id, agenda: '一、学习党的二十大精神；二、讨论发展对象',
      resolutions: ['同意张某某列为发展对象'], record: '<p>会议由<strong>王书记</strong>主持。</p><script>alert(1)</script><img src=x onerror=alert(1)>',
    });
    expect(save.statusCode, save.body).toBe(200);
    d = await detail(s.sec, id);
    expect(d.minutes?.record).toBe('<p>会议由<strong>王书记</strong>主持。</p>');
    // only the host in person confirms as host
    expect((await s.sec.post(`/api/v1/meetings/${id}/minutes/confirm`, { version: d.minutes!.version, as: 'host' })).json().error.code).toBe('MINUTES_CONFIRMER');
    const hostClient = await memberClient(s.branch.id, s.host.id);
    const recClient = await memberClient(s.branch.id, s.recorder.id);
    expect((await hostClient.get(`/api/v1/meetings/${id}`)).json().me.canConfirmAsHost).toBe(true);
    expect((await hostClient.post(`/api/v1/meetings/${id}/minutes/confirm`, { version: d.minutes!.version, as: 'host' })).statusCode).toBe(200);
    d = await detail(s.sec, id);
    expect(d.minutes?.lockedAt).toBeNull();
    expect((await recClient.post(`/api/v1/meetings/${id}/minutes/confirm`, { version: d.minutes!.version, as: 'recorder' })).statusCode).toBe(200);
    d = await detail(s.sec, id);
    expect(d.minutes?.lockedAt).not.toBeNull();
    expect(d.minutesLocked).toBe(true);

    // locked: no overwrite, no new marks, no leave; corrections are appended
    const again = await s.sec.put(`/api/v1/meetings/${id}/minutes`, { version: d.minutes!.version, heldOn: '2026-12-10', hostPersonId: s.host.id, recorderPersonId: s.recorder.id, agenda: '改', resolutions: [], record: '<p>改</p>' });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'MINUTES_LOCKED']);
    expect((await s.sec.post(`/api/v1/meetings/${id}/attendance`, { marks: [{ personId: s.members[1].id, attendance: 'present' }] })).json().error.code).toBe('MINUTES_LOCKED');
    expect((await s.sec.post(`/api/v1/meetings/${id}/corrections`, { body: '第二项决议中“张某某”应为“张一”。' })).statusCode).toBe(200);
    d = await detail(s.sec, id);
    expect(d.corrections.map((c) => c.body)).toEqual(['第二项决议中“张某某”应为“张一”。']);
    await expect(h.db.exec(sql`UPDATE meeting_correction SET body = 'x' WHERE meeting_id = ${id}`)).rejects.toThrow(/append-only/);

    // rollups: the branch and its ancestors count the meeting held with its attendance, and agree with a raw recomputation
    const r = await h.db.query<{ org_id: string; held: number; expected: number; present: number; on_leave: number; minutes_done: number }>(sql`
      SELECT org_id, held, expected, present, on_leave, minutes_done FROM meeting_rollup WHERE month = '2026-12-01' AND type = 'branch_assembly' AND org_id = ANY(${[s.branch.id, s.town.id, s.county.id]}::uuid[])`);
    expect(r).toHaveLength(3);
    for (const row of r) expect(row).toMatchObject({ held: 1, expected: 5, present: 4, on_leave: 1, minutes_done: 1 });
    expect(await meetingRollupDifferences(h.deps)).toEqual({ rollup: [], compliance: [] });

    // the other branch's secretary does not find the meeting; the town's committee does
    expect((await s.otherSec.get(`/api/v1/meetings/${id}`)).statusCode).toBe(404);
    expect((await s.townAdmin.get(`/api/v1/meetings/${id}`)).statusCode).toBe(200);
    // a member who was expected reads the meeting but only their own line of the roll
    const mine = await detail(m0, id);
    expect(mine.attendeeList.map((a) => a.name)).toEqual(['张一']);
    expect(mine.me.attendee?.attendance).toBe('present');
  });

  it('refuses bad input with stable codes', async () => {
    const s = await setup();
    const noCommittee = await s.sec.post('/api/v1/meetings', { orgId: s.branch.id, type: 'committee_meeting', plannedDate: '2026-12-12' });
    expect([noCommittee.statusCode, noCommittee.json().error.code]).toEqual([422, 'MEETING_RULE']);
    const atTown = await s.townAdmin.post('/api/v1/meetings', { orgId: s.town.id, type: 'branch_assembly', plannedDate: '2026-12-12' });
    expect(atTown.json().error.code).toBe('MEETING_RULE');
    const badTimes = await s.sec.post('/api/v1/meetings', { orgId: s.branch.id, type: 'theme_day', plannedDate: '2026-12-12', startsAt: '2026-12-12T06:00:00Z', endsAt: '2026-12-12T05:00:00Z' });
    expect([badTimes.statusCode, badTimes.json().error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const foreignHost = await s.sec.post('/api/v1/meetings', { orgId: s.branch.id, type: 'theme_day', plannedDate: '2026-12-12', hostPersonId: s.stranger.id });
    expect(foreignHost.json().error.code).toBe('VALIDATION_FAILED');
    const lecture = await create(s.sec, { orgId: s.branch.id, type: 'party_lecture', plannedDate: '2026-12-03' });
    const noLecturer = await s.sec.put(`/api/v1/meetings/${lecture}/minutes`, { version: 0, heldOn: '2026-12-03', hostPersonId: s.host.id, recorderPersonId: s.recorder.id, agenda: '', resolutions: [], record: '' });
    expect(noLecturer.json().error.code).toBe('VALIDATION_FAILED');
    const future = await s.sec.put(`/api/v1/meetings/${lecture}/minutes`, { version: 0, heldOn: '2026-12-20', hostPersonId: s.host.id, recorderPersonId: s.recorder.id, lecturer: '王书记', topic: '党史', agenda: '', resolutions: [], record: '' });
    expect(future.json().error.code).toBe('VALIDATION_FAILED');
    // another branch's secretary cannot create in this branch (not found)
    expect((await s.otherSec.post('/api/v1/meetings', { orgId: s.branch.id, type: 'theme_day', plannedDate: '2026-12-12' })).statusCode).toBe(404);
    // a planned meeting is cancelled with a reason; a cancelled one cannot be cancelled again
    const v = (await detail(s.sec, lecture)).version;
    expect((await s.sec.post(`/api/v1/meetings/${lecture}/cancel`, { version: v, reason: '改期' })).statusCode).toBe(200);
    expect((await s.sec.post(`/api/v1/meetings/${lecture}/cancel`, { version: v + 1, reason: '改期' })).json().error.code).toBe('MEETING_STATE');
  });
});

describe('compliance at period boundaries', () => {
  async function holdOn(s: Awaited<ReturnType<typeof setup>>, type: string, date: string) {
    const id = await create(s.sec, { orgId: s.branch.id, type, plannedDate: date });
    clock.set(`${date}T10:00:00Z`);
    const res = await s.sec.put(`/api/v1/meetings/${id}/minutes`, { version: 0, heldOn: date, hostPersonId: s.host.id, recorderPersonId: s.recorder.id, lecturer: '王书记', topic: '专题党课', agenda: '议程', resolutions: [], record: '<p>记录</p>' });
    expect(res.statusCode, res.body).toBe(200);
    return id;
  }

  it('counts a meeting on Dec 31 in the fourth quarter and its year, and one on Jan 1 in the next', async () => {
    const s = await setup();
    await holdOn(s, 'branch_assembly', '2026-12-31');
    await holdOn(s, 'branch_assembly', '2027-01-01');
    clock.set('2027-02-01T04:00:00Z');
    const q4 = (await s.townAdmin.get(`/api/v1/meetings/compliance?orgId=${s.town.id}&period=2026-Q4`)).json() as MeetingCompliance;
    const assembly = (c: MeetingCompliance) => c.rows.find((r) => r.type === 'branch_assembly')!;
    // two branches are bound; the first met Q4, the second did not
    expect(assembly(q4)).toMatchObject({ obligated: 2, met: 1, held: 1, periods: ['2026年第四季度'] });
    const q1 = (await s.townAdmin.get(`/api/v1/meetings/compliance?orgId=${s.town.id}&period=2027-Q1`)).json() as MeetingCompliance;
    expect(assembly(q1)).toMatchObject({ obligated: 2, met: 1, held: 1 });
    const y2026 = (await s.townAdmin.get(`/api/v1/meetings/compliance?orgId=${s.town.id}&period=2026`)).json() as MeetingCompliance;
    // the year: four quarters × two branches bound, one met
    expect(assembly(y2026)).toMatchObject({ obligated: 8, met: 1, held: 1 });
    expect(y2026.children.map((c) => [c.orgName, c.held])).toEqual([['第一党支部', 1], ['第二党支部', 0]]);
    // a month inside the quarter judges the quarter's obligation
    const dec = (await s.townAdmin.get(`/api/v1/meetings/compliance?orgId=${s.branch.id}&period=2026-12`)).json() as MeetingCompliance;
    expect(assembly(dec)).toMatchObject({ obligated: 1, met: 1, periods: ['2026年第四季度'] });
    // a second assembly in the same quarter is held, but the obligation counts once
    await holdOn(s, 'branch_assembly', '2026-12-30');
    clock.set('2027-02-01T04:00:00Z');
    const q4b = (await s.townAdmin.get(`/api/v1/meetings/compliance?orgId=${s.town.id}&period=2026-Q4`)).json() as MeetingCompliance;
    expect(assembly(q4b)).toMatchObject({ met: 1, held: 2 });
    expect(await meetingRollupDifferences(h.deps)).toEqual({ rollup: [], compliance: [] });
    // a corrupted rollup is found, and the rebuild repairs it
    await h.db.exec(sql`UPDATE meeting_compliance SET met = met + 5 WHERE org_id = ${s.town.id}`);
    expect((await meetingRollupDifferences(h.deps)).compliance.length).toBeGreaterThan(0);
    await rebuildMeetingRollups(h.deps);
    expect(await meetingRollupDifferences(h.deps)).toEqual({ rollup: [], compliance: [] });
  });

  it('warns the branch before the quarter ends without an assembly, and the committee once it is over', async () => {
    const s = await setup();
    const secAccount = await makeAccount(h.deps, [{ role: 'secretary', orgId: s.other.id, scope: 'subtree' }]);
    const townAccount = await makeAccount(h.deps, [{ role: 'org_admin', orgId: s.town.id, scope: 'subtree' }]);
    clock.set('2027-03-20T04:00:00Z');
    await remindMeetings(h.deps);
    const titles = async (accountId: string) => (await h.db.query<{ title: string }>(sql`SELECT title FROM notification WHERE account_id = ${accountId} ORDER BY id`)).map((n) => n.title);
    expect(await titles(secAccount.id)).toContain('2027年第一季度尚未召开支部党员大会');
    await remindMeetings(h.deps); // once per period
    expect((await titles(secAccount.id)).filter((t) => t === '2027年第一季度尚未召开支部党员大会')).toHaveLength(1);
    clock.set('2027-04-02T04:00:00Z');
    await remindMeetings(h.deps);
    expect(await titles(townAccount.id)).toContain('2027年第一季度有2个组织未按期召开支部党员大会');
  });
});

describe('the year plan', () => {
  it('plans what the cadence asks of each branch, and a second run adds nothing', async () => {
    const s = await setup();
    await withCommittee(s.branch.id, [s.host.id, s.recorder.id, s.members[0].id]);
    const res = await s.townAdmin.post('/api/v1/meetings/plan', { orgId: s.town.id, year: 2027 });
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json() as MeetingPlanResult;
    // per branch: 4 assemblies, 4 lectures, 12 theme days, 1 life meeting, 1 review = 22; the branch with a committee 12 more
    expect(plan).toMatchObject({ created: 22 * 2 + 12, existing: 0, orgs: 2 });
    const rerun = (await s.townAdmin.post('/api/v1/meetings/plan', { orgId: s.town.id, year: 2027 })).json() as MeetingPlanResult;
    expect(rerun).toMatchObject({ created: 0, existing: 56 });
    const themeDays = await h.db.query<{ d: string }>(sql`SELECT to_char(planned_date, 'YYYY-MM-DD') AS d FROM meeting WHERE org_id = ${s.branch.id} AND type = 'theme_day' ORDER BY planned_date`);
    expect(themeDays.map((t) => t.d)).toEqual(['2027-01-15', '2027-02-15', '2027-03-15', '2027-04-15', '2027-05-15', '2027-06-15', '2027-07-15', '2027-08-15', '2027-09-15', '2027-10-15', '2027-11-15', '2027-12-15']);
    // a branch secretary cannot plan for the town
    expect((await s.sec.post('/api/v1/meetings/plan', { orgId: s.town.id, year: 2027 })).statusCode).toBe(404);
  });
});

describe('the member side and the calendar feed', () => {
  it('lists my meetings and serves an iCalendar feed that an independent parser reads with the right instants', async () => {
    const s = await setup();
    const id = await create(s.sec, { orgId: s.branch.id, type: 'theme_day', plannedDate: '2026-12-15', startsAt: '2026-12-15T01:30:00Z', endsAt: '2026-12-15T03:30:00Z', location: '村委会', sendNotice: true });
    const me = await memberClient(s.branch.id, s.members[0].id);
    const mine = (await me.get('/api/v1/me/meetings')).json() as MyMeetings;
    expect(mine.upcoming.map((m) => m.id)).toEqual([id]);
    expect(mine.calendarFeed).toBe(false);
    const feed = (await me.post('/api/v1/me/calendar-feed')).json();
    expect(feed.url).toMatch(/^\/api\/v1\/calendar\/[A-Za-z0-9_-]+\.ics$/);
    const ics = await h.app.inject({ method: 'GET', url: feed.url });
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    const comp = new ICAL.Component(ICAL.parse(ics.body));
    const events = comp.getAllSubcomponents('vevent').map((e) => new ICAL.Event(e));
    const e = events.find((x) => x.uid === `${id}@dangjian-cloud`)!;
    expect(e.summary).toBe('主题党日：2026年12月主题党日');
    expect(e.location).toBe('村委会');
    // 09:30 in Asia/Shanghai is 01:30 UTC
    expect(e.startDate.toJSDate().toISOString()).toBe('2026-12-15T01:30:00.000Z');
    expect(e.endDate.toJSDate().toISOString()).toBe('2026-12-15T03:30:00.000Z');
    // rotating replaces the URL; revoking ends it
    const rotated = (await me.post('/api/v1/me/calendar-feed')).json();
    expect(rotated.url).not.toBe(feed.url);
    expect((await h.app.inject({ method: 'GET', url: feed.url })).statusCode).toBe(404);
    expect((await me.del('/api/v1/me/calendar-feed')).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: rotated.url })).statusCode).toBe(404);
  });
});

describe('recordings, keywords and the report', () => {
  async function heldMeeting(s: Awaited<ReturnType<typeof setup>>, record: string) {
    const id = await create(s.sec, { orgId: s.branch.id, type: 'theme_day', plannedDate: '2026-12-03', title: '十二月主题党日' });
    const res = await s.sec.put(`/api/v1/meetings/${id}/minutes`, { version: 0, heldOn: '2026-12-03', hostPersonId: s.host.id, recorderPersonId: s.recorder.id, agenda: '重温入党誓词；志愿服务', resolutions: ['每月开展一次志愿服务'], record });
    expect(res.statusCode, res.body).toBe(200);
    return id;
  }
  const upload = (c: Client, url: string, name: string, data: Buffer, type: string) => {
    const mp = multipartFile(name, data, type);
    return h.app.inject({ method: 'POST', url, headers: { cookie: c.cookie, ...mp.headers }, payload: mp.payload });
  };

  it('transcribes an uploaded recording in a job, with the timestamps of the audio, and fails a corrupt one without touching the meeting', async () => {
    const s = await setup();
    const id = await heldMeeting(s, '<p>记录</p>');
    // three bursts of sound: 0.3–1.1 s, 1.6–2.4 s, 3.0–3.6 s
    const wav = toneWav({ totalMs: 4200, bursts: [{ startMs: 300, endMs: 1100, freqHz: 440 }, { startMs: 1600, endMs: 2400, freqHz: 660 }, { startMs: 3000, endMs: 3600, freqHz: 550 }] });
    const up = await upload(s.sec, `/api/v1/meetings/${id}/audio`, '会议录音.wav', wav, 'audio/wav');
    expect(up.statusCode, up.body).toBe(201);
    let t = (await s.sec.get(`/api/v1/meetings/${id}/transcript`)).json() as TranscriptView;
    expect(t.engine).toMatchObject({ ready: true, name: 'tone-test' });
    expect(t.transcript?.status).toBe('queued');
    await h.deps.jobs.runDue();
    t = (await s.sec.get(`/api/v1/meetings/${id}/transcript`)).json() as TranscriptView;
    expect(t.transcript).toMatchObject({ status: 'done', progress: 100, fileName: '会议录音.wav' });
    expect(Math.abs(t.transcript!.durationMs! - 4200)).toBeLessThanOrEqual(30);
    const segs = t.transcript!.segments;
    expect(segs.map((x) => x.text)).toEqual(['同志们，现在开会。', '今天的议题是学习党的二十大精神。', '请大家结合工作实际谈谈体会。']);
    for (const [i, [a, b]] of [[300, 1100], [1600, 2400], [3000, 3600]].entries()) {
      expect(Math.abs(segs[i].startMs - a)).toBeLessThanOrEqual(60);
      expect(Math.abs(segs[i].endMs - b)).toBeLessThanOrEqual(60);
    }
    // the transcript is editable
    const edited = segs.map((x, i) => (i === 0 ? { ...x, text: '同志们，现在开会（已校对）。' } : x));
    expect((await s.sec.put(`/api/v1/meetings/${id}/transcript`, { version: t.transcript!.version, segments: edited })).statusCode).toBe(200);
    t = (await s.sec.get(`/api/v1/meetings/${id}/transcript`)).json() as TranscriptView;
    expect(t.transcript?.segments[0].text).toBe('同志们，现在开会（已校对）。');
    expect(t.transcript?.editedAt).not.toBeNull();

    // a WAV whose header promises sound that is not there: the job fails with a clear message; the minutes stay as they were
    const before = await detail(s.sec, id);
    const broken = Buffer.concat([wav.subarray(0, 44), Buffer.alloc(0)]);
    const up2 = await upload(s.sec, `/api/v1/meetings/${id}/audio`, '坏录音.wav', broken, 'audio/wav');
    expect(up2.statusCode, up2.body).toBe(201);
    await h.deps.jobs.runDue();
    t = (await s.sec.get(`/api/v1/meetings/${id}/transcript`)).json() as TranscriptView;
    expect(t.transcript).toMatchObject({ status: 'failed', errorCode: 'AUDIO_CORRUPT' });
    expect(t.transcript?.errorMessage).toMatch(/[\u4e00-\u9fa5]/);
    const after = await detail(s.sec, id);
    expect(after.minutes).toEqual(before.minutes);
    expect(after.status).toBe('held');

    // a picture is not a recording
    const png = await upload(s.sec, `/api/v1/meetings/${id}/audio`, '照片.png', PNG_1PX, 'image/png');
    expect([png.statusCode, png.json().error.code]).toEqual([415, 'AUDIO_TYPE_NOT_ALLOWED']);
    // photos are attachments, optional
    const photo = await upload(s.sec, `/api/v1/meetings/${id}/files?kind=photo`, '会场.png', PNG_1PX, 'image/png');
    expect(photo.statusCode, photo.body).toBe(201);
    const file = await s.sec.get(`/api/v1/meetings/${id}/files/${photo.json().id}`);
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PNG_1PX)).toBe(true);
    expect((await s.otherSec.get(`/api/v1/meetings/${id}/files/${photo.json().id}`)).statusCode).toBe(404);
  });

  it('draws keywords a person would pick from the minutes, and a draft report that Word readers read back', async () => {
    const s = await setup();
    const record = '<p>本月主题党日，全体党员重温入党誓词，随后到敬老院开展志愿服务，为老人打扫卫生、检查用电安全。</p>'
      + '<p>支部书记强调，志愿服务要常态化，每名党员每季度至少参加一次志愿服务；党员要在乡村振兴中发挥先锋模范作用。</p>'
      + '<p>会上还收缴了本月党费，通报了志愿服务积分情况。</p>';
    const id = await heldMeeting(s, record);
    const k = (await s.sec.get(`/api/v1/meetings/${id}/keywords`)).json() as MeetingKeywords;
    expect(k.source).toMatchObject({ minutes: true, transcript: false });
    // written by a person reading the text: the day's activity and its subject
    // 志愿服务: four times in the record, once in the agenda, once in the resolution
    expect(k.highFrequency[0]).toEqual({ word: '志愿服务', count: 6 });
    const top = k.tfidf.slice(0, 8).map((x) => x.word);
    expect(top).toContain('志愿服务');
    expect(top).toContain('主题党日');
    for (const noise of ['我们', '一次', '要', '的']) expect(k.tfidf.map((x) => x.word)).not.toContain(noise);
    expect(k.textRank.map((x) => x.word).slice(0, 10)).toContain('志愿服务');

    const res = await s.sec.get(`/api/v1/meetings/${id}/report.docx`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const text = (await mammoth.extractRawText({ buffer: res.rawPayload })).value;
    expect(text).toContain('第一党支部主题党日情况报告');
    expect(text).toContain('主持人：王书记');
    expect(text).toContain('应到6人，请假0人，实到0人，缺席6人');
    expect(text).toContain('1. 每月开展一次志愿服务');
    expect(text).toMatch(/关键词：[^。]*志愿服务/);
    // a planned meeting has no report yet
    const planned = await create(s.sec, { orgId: s.branch.id, type: 'theme_day', plannedDate: '2026-12-20' });
    expect((await s.sec.get(`/api/v1/meetings/${planned}/report.docx`)).json().error.code).toBe('MEETING_STATE');
  });
});
