import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mammoth from 'mammoth';
import { sql } from '../../src/server/platform/sql';
import { createHarness, login, type Client, type Harness, TEST_TODAY } from '../helpers/harness';
import { makeAccount, makeCandidate, makeIdNumber, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { multipartFile } from './security/support';
import { refreshAllDeadlines, sendDeadlineReminders } from '../../src/server/domains/development';

// Member development through the HTTP API (RULES §1): a candidate taken from
// application to archived conversion, refused with a rule code and a Chinese
// reason whenever a rule would be broken, with the vote arithmetic, the
// deadline projection, reminders, the member events of admission and
// conversion, the documents read back, and scope.

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

async function setup() {
  const root = await makeRoot(h.deps);
  const branch = await makeOrg(h.deps, root, 'branch');
  const other = await makeOrg(h.deps, root, 'branch');
  const secretary = await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'node' }]);
  const superior = await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }]);
  const otherSecretary = await makeAccount(h.deps, [{ role: 'secretary', orgId: other.id, scope: 'node' }]);
  // 16 full members on the roll since 2010, so the registry gives 16 voting members
  const members: string[] = [];
  for (let i = 0; i < 16; i++) members.push((await makeMember(h.deps, branch.id, { name: `党员${i}`, since: '2010-01-01' })).id);
  const probationary = (await makeMember(h.deps, branch.id, { name: '预备甲', status: 'probationary', since: '2010-01-01' })).id;
  return {
    root, branch, other, members, probationary,
    sec: await login(h.app, secretary.username, PASSWORD),
    sup: await login(h.app, superior.username, PASSWORD),
    otherSec: await login(h.app, otherSecretary.username, PASSWORD),
  };
}

async function create(c: Client, orgId: string, over: Record<string, unknown> = {}) {
  return c.post('/api/v1/development/candidates', {
    orgId, appliedOn: '2024-01-08', name: '李向阳', sex: 'male', ethnicity: '汉族', idNumber: makeIdNumber('1998-06-15', 'male'),
    education: 'bachelor', occupation: 'enterprise_staff', unitName: '和平社区服务中心', ...over,
  });
}

async function detail(c: Client, id: string) {
  const r = await c.get(`/api/v1/development/candidates/${id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

async function step(c: Client, id: string, body: Record<string, unknown>) {
  const version = (await detail(c, id)).version;
  return c.post(`/api/v1/development/candidates/${id}/steps`, { version, ...body });
}

async function ok(c: Client, id: string, body: Record<string, unknown>) {
  const r = await step(c, id, body);
  expect(r.statusCode, `step ${body.step}: ${r.body}`).toBe(200);
}

async function vote(c: Client, id: string, body: Record<string, unknown>) {
  const version = (await detail(c, id)).version;
  return c.post(`/api/v1/development/candidates/${id}/votes`, { version, ...body });
}

function refused(r: { statusCode: number; json(): { error: { code: string; message: string; details?: { rule?: string } } } }, rule: string, text: string) {
  expect(r.statusCode).toBe(422);
  const e = r.json().error;
  expect(e.code).toBe('DEVELOPMENT_RULE');
  expect(e.details?.rule).toBe(rule);
  expect(e.message).toContain(text);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n');

function uploadReport(cookie: string, url: string, title: string, data = PDF, name = 'report.pdf') {
  const mp = multipartFile(name, data, 'application/octet-stream', { title });
  return h.app.inject({ method: 'POST', url, headers: { cookie, ...mp.headers }, payload: mp.payload });
}

/** The harness's business date as numbers, without the code under test. */
function businessTodayUtc(): [number, number, number] {
  const [y, m, d] = TEST_TODAY.split('-').map(Number);
  return [y, m, d];
}

async function docText(c: Client, id: string, kind: string) {
  const r = await c.get(`/api/v1/development/candidates/${id}/documents/${kind}`);
  expect(r.statusCode, r.body).toBe(200);
  expect(r.headers['content-type']).toContain('wordprocessingml');
  return (await mammoth.extractRawText({ buffer: r.rawPayload })).value;
}

describe('member development', () => {
  it('takes a candidate through all 25 steps, refusing every broken rule on its boundary', async () => {
    const s = await setup();
    // under 18 on the application date: born 2006-01-09 is 18 on 2024-01-09
    const young = makeIdNumber('2006-01-09', 'female');
    refused(await create(s.sec, s.branch.id, { idNumber: young, sex: 'female', appliedOn: '2024-01-08' }), 'applicant_under_age', '年满18周岁');
    const r1 = await create(s.sec, s.branch.id);
    expect(r1.statusCode, r1.body).toBe(201);
    const id = r1.json().id as string;
    let d = await detail(s.sec, id);
    expect(d.status).toBe('applicant');
    expect(d.stage).toBe(1);
    // talk due one month after the application
    expect(d.deadlines.map((x: { kind: string; due: string }) => [x.kind, x.due])).toEqual([['talk', '2024-02-08']]);

    // out of order: 确定积极分子 before the talk
    refused(await step(s.sec, id, { step: 3, date: '2024-03-01', recommendation: 'member', decisionBody: '支部委员会' }), 'step_out_of_order', '党组织派人谈话');
    await ok(s.sec, id, { step: 2, date: '2024-01-20', talkers: ['王书记'] });
    await ok(s.sec, id, { step: 3, date: '2024-03-01', recommendation: 'member', decisionBody: '支部委员会' });
    d = await detail(s.sec, id);
    expect(d.status).toBe('activist');
    // assessment every 6 months, 思想汇报 every quarter [local], the 1-year point
    expect(Object.fromEntries(d.deadlines.map((x: { kind: string; due: string }) => [x.kind, x.due]))).toEqual({ assessment: '2024-09-01', candidate_eligible: '2025-03-01', thought_report: '2024-06-01' });
    await ok(s.sec, id, { step: 4, date: '2024-03-10' });
    // 培养联系人: 1–2 full members; a 预备党员 cannot be one
    refused(await step(s.sec, id, { step: 5, date: '2024-03-10', contactIds: [s.probationary] }), 'contacts_invalid', '不是正式党员');
    refused(await step(s.sec, id, { step: 5, date: '2024-03-10', contactIds: s.members.slice(0, 3) }), 'contacts_invalid', '1至2名');
    await ok(s.sec, id, { step: 5, date: '2024-03-10', contactIds: [s.members[0]] });
    await ok(s.sec, id, { step: 6, date: '2024-09-01', conclusion: '表现良好' });
    await ok(s.sec, id, { step: 6, date: '2025-02-28', conclusion: '表现良好' });
    // one year as activist: 2025-02-28 is a day short, 2025-03-01 is the day
    refused(await step(s.sec, id, { step: 7, date: '2025-02-28', decisionBody: '支部委员会' }), 'activist_period_too_short', '最早 2025-03-01');
    await ok(s.sec, id, { step: 7, date: '2025-03-01', decisionBody: '支部委员会' });
    expect((await detail(s.sec, id)).status).toBe('candidate');
    // steps 8–11 have no order among themselves: recorded in reverse, two on the same day
    await ok(s.sec, id, { step: 11, date: '2025-05-10', trainingDays: 2, trainingHours: 24, trainingName: '发展对象培训班' });
    await ok(s.sec, id, { step: 10, date: '2025-04-01', conclusion: '政治审查合格' });
    // introducers: exactly two full members, none under 留党察看
    refused(await step(s.sec, id, { step: 9, date: '2025-03-05', introducerIds: [s.members[1]] }), 'introducers_count', '2名正式党员');
    refused(await step(s.sec, id, { step: 9, date: '2025-03-05', introducerIds: [s.members[1], s.probationary] }), 'introducer_not_full_member', '预备甲');
    // standing on the step's date: a member converted on 2025-03-06 was not yet a full member on 2025-03-05
    await h.db.exec(sql`UPDATE person SET conversion_date = '2025-03-06' WHERE id = ${s.members[4]}`);
    refused(await step(s.sec, id, { step: 9, date: '2025-03-05', introducerIds: [s.members[1], s.members[4]] }), 'introducer_not_full_member', '党员4');
    await h.deps.db.exec(sql`INSERT INTO member_event (person_id, org_id, direction, reason, event_date) VALUES (${s.members[2]}, ${s.branch.id}, 'change', 'party_probation', '2025-01-10')`);
    refused(await step(s.sec, id, { step: 9, date: '2025-03-05', introducerIds: [s.members[1], s.members[2]] }), 'introducer_on_probation_discipline', '留党察看');
    await ok(s.sec, id, { step: 9, date: '2025-03-05', introducerIds: [s.members[1], s.members[3]] });
    await ok(s.sec, id, { step: 8, date: '2025-03-05' });
    // 公示 from Mon 2025-09-29: 29, 30 Sep, then the National Day holiday to 8 Oct, Thu 9, Fri 10 and the make-up Saturday 11 Oct = 5 working days
    await ok(s.sec, id, { step: 12, date: '2025-09-26', conclusion: '同意', publicNoticeStart: '2025-09-29' });
    d = await detail(s.sec, id);
    expect(d.deadlines).toEqual([expect.objectContaining({ kind: 'thought_report', due: '2024-06-01', overdue: true }), expect.objectContaining({ kind: 'public_notice_end', due: '2025-10-11', provisional: false })]);
    // the secretary cannot record the superior's 预审
    expect((await step(s.sec, id, { step: 13, date: '2025-10-12', approved: true })).statusCode).toBe(403);
    refused(await step(s.sup, id, { step: 13, date: '2025-10-11', approved: true }), 'public_notice_too_short', '2025-10-11 期满');
    await ok(s.sup, id, { step: 13, date: '2025-10-12', approved: true });
    await ok(s.sec, id, { step: 14, date: '2025-10-20', formNumber: 'ZY-001' });

    // 支部大会: the registry gives 16 voting members (the 预备党员 has no vote; the one under 留党察看 neither)
    const vm = await s.sec.get(`/api/v1/development/candidates/${id}/voting-members?date=2025-10-28`);
    expect(vm.json().registryCount).toBe(15);
    const noNote = await vote(s.sec, id, { kind: 'admission', meetingDate: '2025-10-28', expected: 16, present: 12, written: 1, yes: 9, no: 2, abstain: 1 });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().error.message).toContain('15 名');
    // 8 of 16 present is not more than half: no quorum
    refused(await vote(s.sec, id, { kind: 'admission', meetingDate: '2025-10-28', expected: 15, present: 7, written: 0, yes: 7, no: 0, abstain: 0 }), 'vote_figures_invalid', '未超过应到会人数（15）的半数');
    const v = await vote(s.sec, id, { kind: 'admission', meetingDate: '2025-10-28', expected: 15, present: 12, written: 2, yes: 10, no: 2, abstain: 1 });
    expect(v.statusCode, v.body).toBe(200);
    expect(v.json()).toMatchObject({ isQuorate: true, isPassed: true, registryCount: 15 });
    expect(v.json().arithmetic.join('\n')).toContain('赞成 10 票');
    d = await detail(s.sec, id);
    expect(d.lastStep).toBe(15);
    expect(Object.fromEntries(d.deadlines.map((x: { kind: string; due: string }) => [x.kind, x.due]))).toEqual({ approval: '2026-01-28', thought_report: '2024-06-01' });
    // one vote per candidate
    expect((await vote(s.sec, id, { kind: 'admission', meetingDate: '2025-10-29', expected: 15, present: 12, written: 0, yes: 12, no: 0, abstain: 0 })).statusCode).toBe(422);

    await ok(s.sec, id, { step: 16, date: '2025-11-10', talkers: ['镇党委组织委员'] });
    await ok(s.sup, id, { step: 17, date: '2025-11-20', approved: true });
    d = await detail(s.sec, id);
    expect(d.status).toBe('probationary');
    expect(d.probationEnd).toBe('2026-10-28');
    const person = await h.deps.db.one<{ join_date: string; status: string }>(sql`SELECT join_date, status FROM person WHERE id = ${d.personId}`);
    expect(person).toEqual({ join_date: '2025-10-28', status: 'probationary' });
    await ok(s.sec, id, { step: 18, date: '2025-11-25' });
    await ok(s.sec, id, { step: 19, date: '2025-11-25', groupName: '第一党小组' });
    await ok(s.sec, id, { step: 20, date: '2025-12-01' });
    await ok(s.sec, id, { step: 21, date: '2026-05-01', conclusion: '表现良好' });
    await ok(s.sec, id, { step: 22, date: '2026-10-20' });
    // conversion only when the probation has ended: 2026-10-27 is a day early
    refused(await vote(s.sec, id, { kind: 'conversion', meetingDate: '2026-10-27', expected: 15, present: 14, written: 0, yes: 14, no: 0, abstain: 0, outcome: 'convert' }), 'probation_not_ended', '2026-10-28');
    const cv = await vote(s.sec, id, { kind: 'conversion', meetingDate: '2026-10-28', expected: 16, expectedNote: '预备甲已转正', present: 14, written: 0, yes: 14, no: 0, abstain: 0, outcome: 'convert' });
    expect(cv.statusCode, cv.body).toBe(200);
    expect((await detail(s.sec, id)).deadlines.map((x: { kind: string }) => x.kind)).toEqual(['thought_report', 'conversion_approval']);
    await ok(s.sup, id, { step: 24, date: '2026-11-10', approved: true });
    await ok(s.sec, id, { step: 25, date: '2026-11-20', archiveLocation: '县委组织部人事档案室' });
    d = await detail(s.sec, id);
    expect(d.state).toBe('archived');
    expect(d.status).toBe('full');
    expect(d.deadlines).toEqual([]);
    // 党龄 counts from the 转正 date = the end of probation; the member events for statistics
    const after = await h.deps.db.one<{ conversion_date: string; status: string }>(sql`SELECT conversion_date, status FROM person WHERE id = ${d.personId}`);
    expect(after).toEqual({ conversion_date: '2026-10-28', status: 'full' });
    const events = await h.deps.db.query<{ reason: string; event_date: string }>(sql`SELECT reason, event_date FROM member_event WHERE person_id = ${d.personId} ORDER BY id`);
    expect(events).toEqual([{ reason: 'recruited', event_date: '2025-11-20' }, { reason: 'converted', event_date: '2026-10-28' }]);
    const member = await s.sec.get(`/api/v1/members/${d.personId}`);
    expect(member.json()).toMatchObject({ status: 'full', joinDate: '2025-10-28', conversionDate: '2026-10-28' });
    // a closed file takes no more steps
    expect((await step(s.sec, id, { step: 21, date: '2026-11-21', conclusion: 'x' })).json().error.code).toBe('DEVELOPMENT_RULE');

    // documents, read back
    const notice = await docText(s.sec, id, 'public_notice');
    expect(notice).toContain('李向阳');
    expect(notice).toContain('2025年9月29日');
    expect(notice).toContain('2025年10月11日');
    const admission = await docText(s.sec, id, 'admission_resolution');
    expect(admission).toContain('赞成10票');
    const conversion = await docText(s.sec, id, 'conversion_resolution');
    expect(conversion).toContain('2026年10月28日');
    const talk = await docText(s.sec, id, 'talk_record');
    expect(talk).toContain('王书记');
    const filing = await docText(s.sec, id, 'filing_report');
    expect(filing).toContain('2025年3月1日');
    const review = await docText(s.sec, id, 'political_review');
    expect(review).toContain('关于李向阳同志的政治审查报告');
    expect(review).toContain('审查结论：');
  });

  it('closes the file when the admission vote fails, and allows a new application only after 6 months', async () => {
    const s = await setup();
    const idNumber = makeIdNumber('1990-02-02', 'female');
    const id = (await create(s.sec, s.branch.id, { idNumber, sex: 'female', name: '周晓' })).json().id as string;
    await h.deps.db.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date) SELECT ${id}::uuid, n, '2025-06-01' FROM generate_series(2, 14) n`);
    await h.deps.db.exec(sql`UPDATE dev_file SET stage = 4, last_step = 14 WHERE id = ${id}`);
    // yes votes equal to half of those expected do not pass
    const r = await vote(s.sec, id, { kind: 'admission', meetingDate: '2025-07-01', expected: 16, expectedNote: '含1名外出党员', present: 12, written: 0, yes: 8, no: 4, abstain: 0 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ isQuorate: true, isPassed: false });
    const d = await detail(s.sec, id);
    expect(d).toMatchObject({ state: 'rejected', status: 'masses', closeReason: '支部大会表决未通过' });
    // re-application: within 6 months refused, on the day allowed — the same person row
    refused(await create(s.sec, s.branch.id, { idNumber, sex: 'female', name: '周晓', appliedOn: '2025-12-31' }), 'resubmit_too_soon', '2026-01-01');
    const again = await create(s.sec, s.branch.id, { idNumber, sex: 'female', name: '周晓', appliedOn: '2026-01-01' });
    expect(again.statusCode, again.body).toBe(201);
    expect((await detail(s.sec, again.json().id)).personId).toBe(d.personId);
    // a second open file for a living applicant is a duplicate
    expect((await create(s.sec, s.branch.id, { idNumber, sex: 'female', name: '周晓' })).json().error.code).toBe('DUPLICATE_ID_NUMBER');
  });

  it('extends probation once by 6 to 12 months, then converts at the extended end', async () => {
    const s = await setup();
    const id = (await create(s.sec, s.branch.id, { idNumber: makeIdNumber('1992-03-03', 'male') })).json().id as string;
    await h.deps.db.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date) SELECT ${id}::uuid, n, '2024-06-01' FROM generate_series(2, 14) n`);
    await h.deps.db.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date) VALUES (${id}, 15, '2024-07-01'), (${id}, 16, '2024-07-10'), (${id}, 17, '2024-08-01'), (${id}, 22, '2025-06-20')`);
    await h.deps.db.exec(sql`UPDATE dev_file SET stage = 5, last_step = 22 WHERE id = ${id}`);
    const base = { kind: 'conversion', expected: 16, expectedNote: '核对', present: 12, written: 0, yes: 10, no: 1, abstain: 1 };
    refused(await vote(s.sec, id, { ...base, meetingDate: '2025-07-01', outcome: 'extend', extensionMonths: 5 }), 'extension_invalid', '不能少于6个月');
    refused(await vote(s.sec, id, { ...base, meetingDate: '2025-07-01', outcome: 'extend', extensionMonths: 13 }), 'extension_invalid', '不超过12个月');
    expect((await vote(s.sec, id, { ...base, meetingDate: '2025-07-01', outcome: 'extend', extensionMonths: 6 })).statusCode).toBe(200);
    await ok(s.sup, id, { step: 24, date: '2025-07-15', approved: true });
    let d = await detail(s.sec, id);
    expect(d.probationEnd).toBe('2026-01-01');
    expect(d.extensions).toEqual([6]);
    await ok(s.sec, id, { step: 22, date: '2025-12-20' });
    refused(await vote(s.sec, id, { ...base, meetingDate: '2025-12-31', outcome: 'convert' }), 'probation_not_ended', '2026-01-01');
    refused(await vote(s.sec, id, { ...base, meetingDate: '2026-01-05', outcome: 'extend', extensionMonths: 6 }), 'extension_repeated', '只能延长1次');
    expect((await vote(s.sec, id, { ...base, meetingDate: '2026-01-05', outcome: 'convert' })).statusCode).toBe(200);
    await ok(s.sup, id, { step: 24, date: '2026-01-20', approved: true });
    d = await detail(s.sec, id);
    expect(d.status).toBe('full');
    const p = await h.deps.db.one<{ conversion_date: string }>(sql`SELECT conversion_date FROM person WHERE id = ${d.personId}`);
    expect(p.conversion_date).toBe('2026-01-01');
  });

  it('refuses a superior approval beyond 6 months and asks for a reason beyond 3', async () => {
    const s = await setup();
    const id = (await create(s.sec, s.branch.id, { idNumber: makeIdNumber('1993-04-04', 'male') })).json().id as string;
    await h.deps.db.exec(sql`INSERT INTO dev_step (file_id, step_no, step_date) SELECT ${id}::uuid, n, '2025-01-01' FROM generate_series(2, 16) n`);
    await h.deps.db.exec(sql`UPDATE dev_file SET stage = 4, last_step = 16 WHERE id = ${id}`);
    refused(await step(s.sup, id, { step: 17, date: '2025-07-02', approved: true }), 'approval_too_late', '最迟 2025-07-01');
    refused(await step(s.sup, id, { step: 17, date: '2025-04-02', approved: true }), 'approval_extension_reason', '2025-04-01');
    await ok(s.sup, id, { step: 17, date: '2025-04-02', approved: true, extensionReason: '本人外出培训，推迟谈话' });
  });

  it('lists deadlines by subtree and reminds the branch once ahead and once overdue', async () => {
    const s = await setup();
    const id = (await create(s.sec, s.branch.id, { idNumber: makeIdNumber('1994-05-05', 'male'), appliedOn: '2026-11-01' })).json().id as string;
    const list = await s.sec.get(`/api/v1/development/deadlines?before=2026-12-31`);
    expect(list.json().items).toEqual([expect.objectContaining({ fileId: id, kind: 'talk', due: '2026-12-01' })]);
    // the other branch's secretary sees neither the file nor its deadline
    expect((await s.otherSec.get(`/api/v1/development/candidates/${id}`)).statusCode).toBe(404);
    expect((await s.otherSec.get(`/api/v1/development/deadlines`)).json().items).toEqual([]);
    expect((await s.otherSec.get(`/api/v1/development/candidates`)).json().items).toEqual([]);
    // the superior sees it in the overview of its subtree
    const ov = (await s.sup.get(`/api/v1/development/overview?orgId=${s.root.id}`)).json();
    expect(ov.stages[0]).toMatchObject({ stage: 1, count: 1 });
    expect(ov.children.find((c: { orgId: string }) => c.orgId === s.branch.id)).toMatchObject({ open: 1, byStage: [1, 0, 0, 0, 0] });

    const inbox = async () => (await s.sec.get('/api/v1/notifications')).json().items.filter((n: { title: string }) => n.title.includes('李向阳')).map((n: { title: string }) => n.title);
    await sendDeadlineReminders(h.deps, '2026-11-23');
    expect(await inbox()).toEqual([]);
    await sendDeadlineReminders(h.deps, '2026-11-24');
    await sendDeadlineReminders(h.deps, '2026-11-24');
    expect(await inbox()).toEqual(['7天后到期：李向阳 派人谈话（收到入党申请书后1个月内）']);
    await sendDeadlineReminders(h.deps, '2026-12-02');
    await sendDeadlineReminders(h.deps, '2026-12-03');
    expect((await inbox()).sort()).toEqual(['7天后到期：李向阳 派人谈话（收到入党申请书后1个月内）', '已逾期：李向阳 派人谈话（收到入党申请书后1个月内）'].sort());
  });

  it('sorts the list by name (pinyin), application date and next deadline', async () => {
    const s = await setup();
    const id = (await create(s.sec, s.branch.id, { idNumber: makeIdNumber('1994-05-05', 'male'), appliedOn: '2026-11-01' })).json().id as string;
    const second = (await create(s.sec, s.branch.id, { idNumber: makeIdNumber('1991-01-01', 'female'), sex: 'female', name: '艾琳', appliedOn: '2026-10-01' })).json().id as string;
    const order = async (q: string) => (await s.sec.get(`/api/v1/development/candidates?${q}`)).json().items.map((x: { id: string }) => x.id);
    expect(await order('sort=name&order=asc')).toEqual([second, id]); // Ai… before Li…
    expect(await order('sort=appliedOn&order=desc')).toEqual([id, second]);
    expect(await order('sort=nextDue&order=asc')).toEqual([second, id]); // talk due 11-01 before 12-01
    expect((await s.sec.get('/api/v1/development/candidates?sort=bogus')).statusCode).toBe(400);
  });

  it('shows an applicant their own progress and takes their 思想汇报', async () => {
    const s = await setup();
    const id = (await create(s.sec, s.branch.id, { idNumber: makeIdNumber('1996-07-07', 'female'), sex: 'female', name: '陈思' })).json().id as string;
    const personId = (await detail(s.sec, id)).personId as string;
    const acc = await makeAccount(h.deps, [{ role: 'member', orgId: s.branch.id, scope: 'self' }], personId);
    const me = await login(h.app, acc.username, PASSWORD);
    const mine = (await me.get('/api/v1/me/development')).json();
    expect(mine.file).toMatchObject({ id, status: 'applicant', stage: 1 });
    expect(mine.next.map((n: { step: number }) => n.step)).toEqual([2]);
    const up = await uploadReport(me.cookie, '/api/v1/me/development/reports', '2026年第四季度思想汇报');
    expect(up.statusCode, up.body).toBe(201);
    expect((await me.get('/api/v1/me/development')).json().reports).toEqual([expect.objectContaining({ title: '2026年第四季度思想汇报' })]);
    expect((await detail(s.sec, id)).reports).toEqual([expect.objectContaining({ title: '2026年第四季度思想汇报', fileName: 'report.pdf' })]);
    // the applicant cannot read the branch's files
    expect((await me.get(`/api/v1/development/candidates/${id}`)).statusCode).toBe(403);
  });

  it('moves the quarterly 思想汇报 deadline when a report comes in', async () => {
    const s = await setup();
    const { fileId, personId } = await makeCandidate(h.deps, s.branch.id, 3, '2026-06-10', '吴青');
    await refreshAllDeadlines(h.deps);
    const due = async () => (await detail(s.sec, fileId)).deadlines.find((x: { kind: string }) => x.kind === 'thought_report');
    expect(await due()).toMatchObject({ due: '2026-09-10' });
    const acc = await makeAccount(h.deps, [{ role: 'member', orgId: s.branch.id, scope: 'self' }], personId);
    const me = await login(h.app, acc.username, PASSWORD);
    const up = await uploadReport(me.cookie, '/api/v1/me/development/reports', '第三季度思想汇报');
    expect(up.statusCode, up.body).toBe(201);
    // three months after today's report, counted independently of the code under test
    const [y, m, dd] = businessTodayUtc();
    const target = new Date(Date.UTC(y, m - 1 + 3, 1));
    const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    const expected = `${target.getUTCFullYear()}-${String(target.getUTCMonth() + 1).padStart(2, '0')}-${String(Math.min(dd, last)).padStart(2, '0')}`;
    expect(await due()).toMatchObject({ due: expected, overdue: false });
    // the applicant downloads their own report; nobody else's
    const mine = (await me.get('/api/v1/me/development')).json().reports[0];
    const dl = await me.get(`/api/v1/me/development/reports/${mine.id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const other = await makeAccount(h.deps, [{ role: 'member', orgId: s.branch.id, scope: 'self' }], s.members[5]);
    expect((await (await login(h.app, other.username, PASSWORD)).get(`/api/v1/me/development/reports/${mine.id}`)).statusCode).toBe(404);
    // a spreadsheet is not a 思想汇报
    const xlsx = await uploadReport(me.cookie, '/api/v1/me/development/reports', '表格', Buffer.from('504b030414000600080000002100', 'hex'), 'a.xlsx');
    expect(xlsx.statusCode).toBe(415);
  });

  it('keeps the annual plan against admissions', async () => {
    const s = await setup();
    const put = await h.app.inject({ method: 'PUT', url: '/api/v1/development/plans', headers: { cookie: s.sup.cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ orgId: s.branch.id, year: 2025, planned: 2 }) });
    expect(put.statusCode, put.body).toBe(200);
    const denied = await h.app.inject({ method: 'PUT', url: '/api/v1/development/plans', headers: { cookie: s.sec.cookie, 'content-type': 'application/json' }, payload: JSON.stringify({ orgId: s.branch.id, year: 2025, planned: 9 }) });
    expect(denied.statusCode).toBe(403);
    await h.deps.db.exec(sql`INSERT INTO member_event (person_id, org_id, direction, reason, event_date) VALUES (${s.members[4]}, ${s.branch.id}, 'increase', 'recruited', '2025-05-01')`);
    const plan = (await s.sup.get(`/api/v1/development/plans?orgId=${s.root.id}&year=2025`)).json();
    expect(plan.canEdit).toBe(true);
    expect(plan.rows.find((r: { orgId: string }) => r.orgId === s.branch.id)).toMatchObject({ planned: 2, admitted: 1 });
    expect(plan.rows.find((r: { isRoot: boolean }) => r.isRoot)).toMatchObject({ admitted: 1 });
  });
});
