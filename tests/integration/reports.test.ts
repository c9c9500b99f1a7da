import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { deliverScheduledReports } from '../../src/server/domains/reports';
import { rebuildRollups as rebuildDuesRollups } from '../../src/server/domains/dues';
import { REPORT_SUBJECT_PERMISSIONS, type ReportDelivery, type ReportResult, type ReportSubject, type SavedReport } from '../../src/contracts/reports';
import { reportSubjects } from '../../src/server/platform/report-subjects';
import { createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeCandidate, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { heldMeeting } from '../helpers/index-world';
import { pdfText } from '../helpers/pdf';
import { docxText } from '../helpers/docx';
import { cellsOf, sheetsOf } from '../helpers/xlsx';

// The report builder on a hand-built county R with branches A and B:
//   A: a1 woman born 1990, a2 man born 1960, a3 woman born 1985 probationary (joined 2026-03-01)
//   B: b1 man born 1990, b2 woman born 2000 of the 壮族
// dues: 2026-10 and 2026-11 bills of a1 (5000 fen each, October paid), b1 (2000, both unpaid), b2 (0: exempt, November)
// meetings: A held a 支部党员大会 on 2026-10-10 (a1 present, a2 absent), B a 党课 on 2026-11-05 (b1 present)

let h: Harness;
let county: Client;
let secretaryA: Client;
let r: { id: string; path: string; region_key: string | null };
let a: { id: string };
let b: { id: string };
const p: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness();
  r = await makeRoot(h.deps, '报表测试县委');
  a = await makeOrg(h.deps, r, 'branch', '报表甲支部');
  b = await makeOrg(h.deps, r, 'branch', '报表乙支部');
  const add = async (key: string, orgId: string, over: Parameters<typeof makeMember>[2]) => (p[key] = (await makeMember(h.deps, orgId, { name: `报表${key}`, since: '2024-01-01', ...over })).id);
  await add('a1', a.id, { sex: 'female', birth: '1990-02-01', joinDate: '2015-07-01' });
  await add('a2', a.id, { birth: '1960-02-01' });
  await add('a3', a.id, { sex: 'female', birth: '1985-02-01', status: 'probationary', joinDate: '2026-03-01', since: '2026-03-01', reason: 'recruited' });
  await add('b1', b.id, { birth: '1990-02-01', joinDate: '2015-07-01' });
  await add('b2', b.id, { sex: 'female', birth: '2000-02-01', ethnicity: '壮族', joinDate: '2022-07-01' });
  const bill = (person: string, orgId: string, month: string, fen: number, paid: string | null) =>
    h.db.exec(sql`INSERT INTO dues_bill (person_id, org_id, month, category, computed_fen, due_fen, rule_version_id, paid_on)
      SELECT ${person}, ${orgId}, ${month}::date, 'in_service', ${fen}, ${fen}, id, ${paid}::date FROM rule_version WHERE domain = 'dues' ORDER BY effective_from LIMIT 1`);
  await bill(p.a1, a.id, '2026-10-01', 5000, '2026-10-20');
  await bill(p.a1, a.id, '2026-11-01', 5000, null);
  await bill(p.b1, b.id, '2026-10-01', 2000, null);
  await bill(p.b1, b.id, '2026-11-01', 2000, null);
  await bill(p.b2, b.id, '2026-11-01', 0, null);
  await heldMeeting(h, a.id, 'branch_assembly', '2026-10-10', { attendees: [{ personId: p.a1, attendance: 'present' }, { personId: p.a2, attendance: 'absent' }] });
  await heldMeeting(h, b.id, 'party_lecture', '2026-11-05', { attendees: [{ personId: p.b1, attendance: 'present' }] });
  county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: r.id, scope: 'subtree' }])).username, PASSWORD);
  secretaryA = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: a.id, scope: 'subtree' }])).username, PASSWORD);
});
afterAll(async () => h.close());

const spec = (over: Record<string, unknown>) => ({ subject: 'members', orgId: r.id, rows: 'org', measures: ['count'], filters: {}, from: '2026-01-01', to: '2026-12-04', ...over });
async function run(client: Client, over: Record<string, unknown>): Promise<ReportResult> {
  const res = await client.post('/api/v1/reports/run', spec(over));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ReportResult;
}
const table = (x: ReportResult) => x.rows.map((row) => [row.label, ...row.cells.map((c) => c.value)]);

describe('自定义报表', () => {
  it('offers the subjects the viewer may count, with their dimensions and measures', async () => {
    const subjects = (await county.get('/api/v1/reports/subjects')).json().items as ReportSubject[];
    expect(subjects.map((s) => s.key)).toEqual(['members', 'development', 'dues', 'meetings', 'transfers', 'points']);
    // the menu's list of the subjects' permissions holds every registered subject's
    for (const s of reportSubjects()) expect(REPORT_SUBJECT_PERMISSIONS, s.key).toContain(s.permission);
    expect(subjects[0].dimensions[0]).toEqual({ key: 'org', label: '下级组织', values: null });
    expect(subjects[0].measures.map((m) => m.key)).toEqual(['count', 'female_rate', 'minority_rate']);
    const sysadmin = await login(h.app, (await makeAccount(h.deps, [{ role: 'sysadmin', orgId: null, scope: 'subtree' }])).username, PASSWORD);
    // the system administrator sees the org tree, no member data: no subject, and counting members is refused
    expect((await sysadmin.get('/api/v1/reports/subjects')).json().items).toEqual([]);
    const refused = await sysadmin.post('/api/v1/reports/run', spec({}));
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.issues[0]).toEqual({ field: 'subject', message: '您没有统计“党员”的权限' });
    const member = await login(h.app, (await makeAccount(h.deps, [{ role: 'member', orgId: a.id, scope: 'self' }], p.a1)).username, PASSWORD);
    expect((await member.get('/api/v1/reports/subjects')).statusCode).toBe(403);
  });

  it('counts members by subordinate org with rates and totals, each figure linked to the roster behind it', async () => {
    const x = await run(county, { measures: ['count', 'female_rate', 'minority_rate'] });
    expect(x.columns.map((c) => [c.label, c.unit])).toEqual([['人数', '人'], ['女党员比例', '%'], ['少数民族比例', '%']]);
    expect(table(x)).toEqual([['报表甲支部', 3, 66.7, 0], ['报表乙支部', 2, 50, 50]]);
    expect(x.total).toEqual([5, 60, 20]);
    expect(x.rows[0].cells[0].link).toBe(`/admin/members?orgId=${a.id}`);
    expect(x.caption).toBe('党员｜报表测试县委及以下｜2026-01-01 至 2026-12-04');
  });

  it('cross-tabulates, filters, and counts at the period end', async () => {
    const x = await run(county, { rows: 'sex', columns: 'org' });
    expect(x.columns.map((c) => c.label)).toEqual(['报表甲支部', '报表乙支部']);
    expect(table(x)).toEqual([['男', 1, 1], ['女', 2, 1]]);
    expect(x.total).toEqual([3, 2]);
    expect(x.rows[1].cells[0].link).toBe(`/admin/members?orgId=${a.id}&sex=female`);
    // women only, by age band reached in 2026: a1 36, a3 41, b2 26
    const women = await run(county, { rows: 'age', filters: { sex: ['female'] } });
    expect(women.rows.filter((row) => row.cells[0].value > 0).map((row) => [row.key, row.cells[0].value])).toEqual([['26_30', 1], ['36_40', 1], ['41_45', 1]]);
    expect(women.rows.length).toBe(9);
    expect(women.caption).toBe('党员｜报表测试县委及以下｜2026-01-01 至 2026-12-04｜性别：女');
    // at the end of 2025 a3 was not yet on the roll; the roster (today's) is no list of that day
    const before = await run(county, { rows: 'status', to: '2025-12-31', from: '2025-01-01' });
    expect(table(before)).toEqual([['正式党员', 4], ['预备党员', 0]]);
    expect(before.rows[0].cells[0].link).toBeNull();
  });

  it('reports dues and meetings by month, with amounts in yuan and rates', async () => {
    // the bills were written straight into the table: the rollups are rebuilt from them, as after a bulk load
    await rebuildDuesRollups(h.db, ['2026-10', '2026-11']);
    const dues = await run(county, { subject: 'dues', rows: 'month', measures: ['bills', 'due', 'paid', 'pay_rate'], from: '2026-10-01', to: '2026-11-30' });
    expect(table(dues)).toEqual([['2026-10', 2, 70, 50, 71.4], ['2026-11', 3, 70, 0, 0]]);
    expect(dues.total).toEqual([5, 140, 50, 35.7]);
    // the county sees its whole subtree: read from the rollups, the same figures as from the bills (a filter forces the bills)
    const byOrg = await run(county, { subject: 'dues', rows: 'org', measures: ['bills', 'due', 'pay_rate'], from: '2026-10-01', to: '2026-11-30' });
    const byOrgRaw = await run(county, { subject: 'dues', rows: 'org', measures: ['bills', 'due', 'pay_rate'], from: '2026-10-01', to: '2026-11-30', filters: { category: ['in_service'] } });
    expect(table(byOrg)).toEqual([['报表甲支部', 2, 100, 50], ['报表乙支部', 3, 40, 0]]);
    expect(table(byOrgRaw)).toEqual(table(byOrg));
    // a bill kept by the county itself shows as its own row (total less the children)
    await h.db.exec(sql`INSERT INTO dues_bill (person_id, org_id, month, category, computed_fen, due_fen, rule_version_id)
      SELECT ${p.a2}, ${r.id}, '2026-10-01', 'in_service', 1000, 1000, id FROM rule_version WHERE domain = 'dues' ORDER BY effective_from LIMIT 1`);
    await rebuildDuesRollups(h.db, ['2026-10']);
    const withOwn = await run(county, { subject: 'dues', rows: 'org', columns: 'month', measures: ['due'], from: '2026-10-01', to: '2026-11-30' });
    expect(table(withOwn)).toEqual([['报表测试县委（本级）', 10, 0], ['报表甲支部', 50, 50], ['报表乙支部', 20, 20]]);
    const standing = await run(county, { subject: 'dues', rows: 'standing', measures: ['bills'], from: '2026-10-01', to: '2026-11-30' });
    expect(table(standing)).toEqual([['已交', 1], ['未交', 4], ['免交', 1]]); // with the county's own bill
    const meetings = await run(county, { subject: 'meetings', rows: 'type', columns: 'org', measures: ['meetings'], from: '2026-10-01', to: '2026-11-30' });
    expect(table(meetings).filter((row) => row[1] || row[2])).toEqual([['支部党员大会', 1, 0], ['党课', 0, 1]]);
    // two letters out of A in October: one accepted, one still open; one of B in 2025 (outside the period)
    const letter = (orgId: string, status: string, issuedOn: string) =>
      h.db.exec(sql`INSERT INTO transfer (kind, scope, status, person_name, member_status, from_org_id, from_org_name, to_org_name, reason, issued_on)
        VALUES ('outgoing', 'national', ${status}, '转出人', 'full', ${orgId}, '支部', '外地支部', '工作调动', ${issuedOn})`);
    await letter(a.id, 'accepted', '2026-10-08');
    await letter(a.id, 'issued', '2026-10-20');
    await letter(b.id, 'accepted', '2025-10-20');
    const transfers = await run(county, { subject: 'transfers', rows: 'org', measures: ['letters', 'accepted_rate'], from: '2026-10-01', to: '2026-11-30' });
    expect(table(transfers)).toEqual([['报表甲支部', 2, 50], ['报表乙支部', 0, 0]]);
    const attendance = await run(county, { subject: 'meetings', rows: 'org', measures: ['meetings', 'attendance_rate'], from: '2026-10-01', to: '2026-11-30' });
    expect(table(attendance)).toEqual([['报表甲支部', 1, 50], ['报表乙支部', 1, 100]]);
    expect(attendance.total).toEqual([2, 66.7]);
  });

  it('links each dues, meetings and transfers figure to the list behind it, where a list shows exactly those rows', async () => {
    const dues = await run(county, { subject: 'dues', rows: 'month', columns: 'standing', measures: ['bills'], from: '2026-10-01', to: '2026-11-30' });
    expect(dues.columns.map((c) => c.key)).toEqual(['paid', 'unpaid', 'exempt']);
    // 党费账单 lists a month's unpaid bills or all of them; paid ones it lists with the exempt (no exact list)
    expect(dues.rows[0].cells.map((c) => c.link)).toEqual([null, `/admin/dues/bills?orgId=${r.id}&month=2026-10&status=unpaid`, null]);
    const byOrg = await run(county, { subject: 'dues', rows: 'org', measures: ['bills'], from: '2026-11-01', to: '2026-11-30', filters: { category: ['in_service'] } });
    expect(byOrg.rows[0].cells[0].link).toBeNull(); // the list has no category filter
    const november = await run(county, { subject: 'dues', rows: 'org', measures: ['bills'], from: '2026-11-01', to: '2026-11-30' });
    expect(november.rows[1].cells[0].link).toBe(`/admin/dues/bills?orgId=${b.id}&month=2026-11&status=all`);
    // over two months no single month's list is behind an org's figure
    expect((await run(county, { subject: 'dues', rows: 'org', measures: ['bills'], from: '2026-10-01', to: '2026-11-30' })).rows[0].cells[0].link).toBeNull();

    const meetings = await run(county, { subject: 'meetings', rows: 'type', columns: 'month', measures: ['meetings'], from: '2026-10-05', to: '2026-11-30' });
    const assembly = meetings.rows.find((row) => row.key === 'branch_assembly')!;
    expect(meetings.columns.map((c) => c.key)).toEqual(['2026-10', '2026-11']);
    expect(assembly.cells[0].link).toBe(`/admin/meetings?orgId=${r.id}&status=held&from=2026-10-05&to=2026-10-31&type=branch_assembly`);
    const meetingsByOrg = await run(county, { subject: 'meetings', rows: 'org', measures: ['meetings'], from: '2026-10-01', to: '2026-11-30' });
    expect(meetingsByOrg.rows[0].cells[0].link).toBe(`/admin/meetings?orgId=${a.id}&status=held&from=2026-10-01&to=2026-11-30`);
    // the list behind it holds the one meeting counted
    const listed = await county.get(`/api/v1/meetings?orgId=${a.id}&status=held&from=2026-10-01&to=2026-11-30`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().total).toBe(meetingsByOrg.rows[0].cells[0].value);

    const transfers = await run(county, { subject: 'transfers', rows: 'org', columns: 'status', measures: ['letters'], from: '2026-10-01', to: '2026-11-30' });
    const accepted = transfers.columns.findIndex((c) => c.key === 'accepted');
    expect(transfers.rows[0].cells[accepted].link).toBe(`/admin/transfers?view=all&orgId=${a.id}&orgRole=recorded&issuedFrom=2026-10-01&issuedTo=2026-11-30&status=accepted`);
  });

  it('counts development files, admissions and conversions in the period, and awards and deductions of points, with the lists behind them', async () => {
    // a county of its own (the other tests count members of R): X and Y
    //   c1 in X: applied and admitted (step 17) on 2026-06-01; c2 in X: an activist since 2025-05-01
    //   c3 in Y: applied, admitted and converted (step 24) on 2026-02-01; c4 in Y: applied 2024-03-01, withdrew 2025-06-30
    const r2 = await makeRoot(h.deps, '发展积分测试县委');
    const x = await makeOrg(h.deps, r2, 'branch', '测试丙支部');
    const y = await makeOrg(h.deps, r2, 'branch', '测试丁支部');
    await makeCandidate(h.deps, x.id, 17, '2026-06-01', '申请人一');
    await makeCandidate(h.deps, x.id, 3, '2025-05-01', '申请人二');
    await makeCandidate(h.deps, y.id, 24, '2026-02-01', '申请人三');
    const c4 = await makeCandidate(h.deps, y.id, 1, '2024-03-01', '申请人四');
    await h.db.exec(sql`UPDATE dev_file SET state = 'withdrawn', closed_on = '2025-06-30' WHERE id = ${c4.fileId}`);
    const county2 = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: r2.id, scope: 'subtree' }])).username, PASSWORD);
    const dev = (over: Record<string, unknown>) => run(county2, { subject: 'development', orgId: r2.id, measures: ['files', 'applied', 'admitted', 'converted'], ...over });

    const byOrg = await dev({});
    expect(table(byOrg)).toEqual([['测试丙支部', 2, 1, 1, 0], ['测试丁支部', 1, 1, 1, 1]]);
    expect(byOrg.total).toEqual([3, 2, 2, 1]);
    const byStage = await dev({ rows: 'stage', measures: ['files'] });
    expect(table(byStage)).toEqual([['入党申请', 0], ['入党积极分子的确定和教育培养', 1], ['发展对象的确定和考察', 0], ['预备党员的接收', 1], ['预备党员的教育考察和转正', 1]]);
    expect(byStage.rows[1].cells[0].link).toBe(`/admin/development/candidates?orgId=${r2.id}&stage=2&state=all`);
    // 2025: c2 applied, c4 open until June; the stage and state each had on 31 December, and no list of that day
    const lastYear = await dev({ rows: 'state', columns: 'stage', measures: ['files'], from: '2025-01-01', to: '2025-12-31' });
    expect(table(lastYear).filter((row) => row.slice(1).some(Boolean))).toEqual([['进行中', 0, 1, 0, 0, 0], ['已撤回', 1, 0, 0, 0, 0]]);
    expect(lastYear.rows[0].cells[1].link).toBeNull();
    // up to May: c1 had not yet applied; c3 had applied, been admitted and converted in February
    const firstHalf = await dev({ rows: 'org', from: '2026-01-01', to: '2026-05-31' });
    expect(table(firstHalf)).toEqual([['测试丙支部', 1, 0, 0, 0], ['测试丁支部', 1, 1, 1, 1]]);

    // points: p1 in X earned 2 (meeting, October) and 3 (dues, November) and lost 5 (November); p2 in Y earned 2 (October) and 1 in 2025
    const p1 = (await makeMember(h.deps, x.id, { name: '积分甲' })).id;
    const p2 = (await makeMember(h.deps, y.id, { name: '积分乙' })).id;
    const txn = (person: string, orgId: string, kind: string, points: number, item: string, day: string) =>
      h.db.exec(sql`INSERT INTO point_txn (kind, person_id, org_id, points, item, fact_date, reason) VALUES (${kind}, ${person}, ${orgId}, ${points}, ${item}, ${day}::date, '测试')`);
    await txn(p1, x.id, 'award', 2, 'meeting.attended', '2026-10-10');
    await txn(p1, x.id, 'award', 3, 'dues.on_time', '2026-11-02');
    await txn(p1, x.id, 'deduction', -5, 'manual.deduction', '2026-11-15');
    await txn(p2, y.id, 'award', 2, 'meeting.attended', '2026-10-20');
    await txn(p2, y.id, 'award', 1, 'meeting.attended', '2025-12-30');
    const points = (over: Record<string, unknown>) => run(county2, { subject: 'points', orgId: r2.id, measures: ['awarded', 'deducted', 'records'], ...over });
    const pointsByOrg = await points({});
    expect(table(pointsByOrg)).toEqual([['测试丙支部', 5, 5, 3], ['测试丁支部', 2, 0, 1]]);
    expect(pointsByOrg.total).toEqual([7, 5, 4]);
    const byItem = await points({ rows: 'item', columns: 'month', measures: ['awarded'], from: '2026-10-01', to: '2026-11-30' });
    expect(byItem.columns.map((c) => c.key)).toEqual(['2026-10', '2026-11']);
    expect(table(byItem).filter((row) => row.slice(1).some(Boolean))).toEqual([['参加三会一课', 4, 0], ['按时足额交纳党费', 0, 3]]);
    const link = byItem.rows.find((row) => row.key === 'meeting.attended')!.cells[0].link!;
    expect(link).toBe(`/admin/points?orgId=${r2.id}&from=2026-10-01&to=2026-10-31&item=meeting.attended`);
    // the list behind the figure: the two October meeting awards
    const listed = await county2.get(`/api/v1/points/entries?${link.split('?')[1]}`);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((t: { points: number; personName: string }) => [t.personName, t.points]).sort()).toEqual([['积分乙', 2], ['积分甲', 2]]);

    // transfers recorded under an org: its letters out, and a paper letter it received (but not a letter into it from elsewhere)
    const letter = (kind: string, fromOrg: string | null, toOrg: string | null, issuedOn: string) =>
      h.db.exec(sql`INSERT INTO transfer (kind, scope, status, person_name, member_status, from_org_id, from_org_name, to_org_id, to_org_name, reason, issued_on)
        VALUES (${kind}, 'national', 'accepted', '转接人', 'full', ${fromOrg}, '支部', ${toOrg}, '支部', '工作调动', ${issuedOn})`);
    await letter('outgoing', x.id, null, '2026-09-01');
    await letter('incoming', null, x.id, '2026-09-10');
    await letter('internal', y.id, x.id, '2026-09-20');
    const transfers = await run(county2, { subject: 'transfers', orgId: r2.id, rows: 'org', measures: ['letters'], from: '2026-09-01', to: '2026-09-30' });
    expect(table(transfers)).toEqual([['测试丙支部', 2], ['测试丁支部', 1]]);
    const behind = transfers.rows[0].cells[0].link!;
    expect(behind).toBe(`/admin/transfers?view=all&orgId=${x.id}&orgRole=recorded&issuedFrom=2026-09-01&issuedTo=2026-09-30`);
    const letters = await county2.get(`/api/v1/transfers?${new URLSearchParams({ orgId: x.id, orgRole: 'recorded', issuedFrom: '2026-09-01', issuedTo: '2026-09-30' })}`);
    expect(letters.statusCode, letters.body).toBe(200);
    expect(letters.json().total).toBe(2);
    // without orgRole: every letter sent or received there (the internal one from Y too)
    expect((await county2.get(`/api/v1/transfers?orgId=${x.id}&issuedFrom=2026-09-01&issuedTo=2026-09-30`)).json().total).toBe(3);
  });

  it('keeps to the viewer scope: a branch secretary counts the branch alone and not the county', async () => {
    expect((await secretaryA.post('/api/v1/reports/run', spec({}))).statusCode).toBe(404);
    const x = await run(secretaryA, { orgId: a.id, rows: 'sex' });
    expect(table(x)).toEqual([['男', 1], ['女', 2]]);
    // without an org: the widest the secretary sees
    expect((await run(secretaryA, { orgId: undefined, rows: 'sex' })).org.id).toBe(a.id);
  });

  it('refuses a spec the subject cannot answer, in words', async () => {
    const refuse = async (over: Record<string, unknown>) => {
      const res = await county.post('/api/v1/reports/run', spec(over));
      expect(res.statusCode, res.body).toBe(400);
      return res.json().error.details.issues[0];
    };
    expect(await refuse({ subject: 'weather' })).toEqual({ field: 'subject', message: '请选择报表主题' });
    expect(await refuse({ rows: 'month' })).toEqual({ field: 'rows', message: '“党员”没有这个统计维度' });
    expect(await refuse({ measures: ['paid'] })).toEqual({ field: 'measures', message: '“党员”没有这项统计指标' });
    expect(await refuse({ measures: [] })).toEqual({ field: 'measures', message: '请至少选择一项统计指标' });
    expect(await refuse({ rows: 'sex', columns: 'sex' })).toEqual({ field: 'columns', message: '行和列不能选择同一维度' });
    expect(await refuse({ rows: 'sex', columns: 'org', measures: ['count', 'female_rate'] })).toEqual({ field: 'measures', message: '交叉表只能选择一项统计指标' });
    expect(await refuse({ filters: { sex: ['x'] } })).toEqual({ field: 'filters.sex', message: '“性别”没有“x”这个取值' });
    expect(await refuse({ filters: { org: ['1'] } })).toEqual({ field: 'filters.org', message: '“下级组织”不能作为筛选条件' });
    expect(await refuse({ from: '2026-12-05', to: '2026-12-04' })).toEqual({ field: 'to', message: '开始日期不能晚于结束日期' });
  });

  it('saves reports, lists the viewer own and those shared on orgs the viewer sees', async () => {
    const saved = await county.post('/api/v1/reports', { name: '各支部党员性别', shared: true, spec: spec({ rows: 'sex', columns: 'org' }) });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ name: '各支部党员性别', shared: true, mine: true, orgName: '报表测试县委', subjectLabel: '党员' });
    const own = await secretaryA.post('/api/v1/reports', { name: '本支部党费', spec: spec({ subject: 'dues', orgId: undefined, rows: 'month', measures: ['due'] }) });
    expect(own.statusCode, own.body).toBe(200);
    expect((own.json() as SavedReport).spec.orgId).toBe(a.id);
    // the secretary does not see the county report (its org is outside the branch), the county does not see the private one
    expect(((await secretaryA.get('/api/v1/reports')).json().items as SavedReport[]).map((x) => x.name)).toEqual(['本支部党费']);
    expect(((await county.get('/api/v1/reports')).json().items as SavedReport[]).map((x) => x.name)).toEqual(['各支部党员性别']);
    const colleague = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: r.id, scope: 'subtree' }])).username, PASSWORD);
    expect(((await colleague.get('/api/v1/reports')).json().items as SavedReport[]).map((x) => [x.name, x.mine])).toEqual([['各支部党员性别', false]]);
    const blank = await county.post('/api/v1/reports', { name: ' ', spec: spec({}) });
    expect(blank.json().error.details.issues[0]).toEqual({ field: 'name', message: '请填写报表名称' });
    const audits = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.save'`);
    expect(audits.n).toBe(2);
  });

  it('exports the report as Excel, PDF and Word with the chart drawn on the server, read back by other readers', async () => {
    const body = (format: string) => ({ format, name: '各支部党员', spec: spec({ measures: ['count', 'female_rate'] }) });
    const x = await county.post('/api/v1/reports/export', body('xlsx'));
    expect(x.statusCode, x.body.slice(0, 200)).toBe(200);
    const xlsx = Buffer.from(x.rawPayload);
    const sheets = sheetsOf(xlsx);
    expect(sheets.map((s) => s.name)).toEqual(['报表', '图表']);
    const cells = cellsOf(xlsx, sheets[0].part);
    expect(cells.get('A1')!.text).toBe('各支部党员\u3000党员｜报表测试县委及以下｜2026-01-01 至 2026-12-04');
    expect(['A2', 'B2', 'C2'].map((ref) => cells.get(ref)!.text)).toEqual(['下级组织', '人数（人）', '女党员比例（%）']);
    expect(['A3', 'B3', 'C3', 'A5', 'B5', 'C5'].map((ref) => cells.get(ref)!.text)).toEqual(['报表甲支部', '3', '66.7', '合计', '5', '60']);
    const zip = (await import('jszip')).default;
    const media = Object.keys((await zip.loadAsync(xlsx)).files).filter((f) => /^xl\/media\/.+\.png$/.test(f));
    expect(media.length).toBe(1);

    const pdf = await county.post('/api/v1/reports/export', body('pdf'));
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = (await pdfText(Buffer.from(pdf.rawPayload))).pages.join('\n');
    for (const s of ['各支部党员', '报表甲支部', '66.7', '合计']) expect(text, s).toContain(s);
    // the chart is vectors: its axis labels are text
    expect(text.split('报表乙支部').length).toBeGreaterThan(2);

    const word = await county.post('/api/v1/reports/export', body('docx'));
    expect(word.headers['content-type']).toContain('wordprocessingml');
    const doc = await docxText(Buffer.from(word.rawPayload));
    for (const s of ['各支部党员', '报表乙支部', '60']) expect(doc.text, s).toContain(s);
    expect(doc.pngs.length).toBe(1);
    expect(doc.pngs[0].subarray(1, 4).toString('latin1')).toBe('PNG');
    const audits = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.export'`);
    expect(audits.n).toBe(3);
    // out of scope: the same 404 as any other report
    expect((await secretaryA.post('/api/v1/reports/export', body('pdf'))).statusCode).toBe(404);
  });

  it('delivers a scheduled report for each month ended to the owner notification centre, once, catching up missed months', async () => {
    const saved = (await county.post('/api/v1/reports', { name: '月度党费', spec: spec({ subject: 'dues', rows: 'org', measures: ['due', 'pay_rate'] }) })).json() as SavedReport;
    const colleague = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: r.id, scope: 'subtree' }])).username, PASSWORD);
    expect((await colleague.post(`/api/v1/reports/${saved.id}/schedule`, { frequency: 'monthly', format: 'xlsx' })).statusCode).toBe(404);
    const scheduled = await county.post(`/api/v1/reports/${saved.id}/schedule`, { frequency: 'monthly', format: 'xlsx' });
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect((scheduled.json() as SavedReport).schedule).toEqual({ frequency: 'monthly', format: 'xlsx', nextRunOn: '2027-01-01' });
    // nothing is due before the month is over
    expect(await deliverScheduledReports(h.deps)).toBe(0);

    const on = (day: string) => ({ ...h.deps, clock: fixedClock(`${day}T02:00:00Z`) });
    expect(await deliverScheduledReports(on('2027-01-01'))).toBe(1);
    expect(await deliverScheduledReports(on('2027-01-01'))).toBe(0);
    const owner = await h.db.one<{ owner_id: string }>(sql`SELECT owner_id FROM saved_report WHERE id = ${saved.id}`);
    const notes = await h.db.query<{ kind: string; title: string; link: string }>(sql`SELECT kind, title, link FROM notification WHERE account_id = ${owner.owner_id} ORDER BY id`);
    expect(notes.map((n) => [n.kind, n.title])).toEqual([['report', '定期报表已生成：月度党费（2026年12月）']]);
    const deliveries = (await county.get('/api/v1/reports/deliveries')).json().items as ReportDelivery[];
    expect(deliveries.map((d) => [d.reportName, d.from, d.to, d.fileName])).toEqual([['月度党费', '2026-12-01', '2026-12-31', '月度党费（2026年12月）.xlsx']]);
    expect(notes[0].link).toBe(`/admin/reports?tab=deliveries&delivery=${deliveries[0].id}`);
    const file = await county.get(`/api/v1/reports/deliveries/${deliveries[0].id}/download`);
    expect(file.statusCode).toBe(200);
    const cells = cellsOf(Buffer.from(file.rawPayload), sheetsOf(Buffer.from(file.rawPayload))[0].part);
    expect(cells.get('A1')!.text).toBe('月度党费（2026年12月）\u3000党费｜报表测试县委及以下｜2026-12-01 至 2026-12-31');
    // nobody else downloads it
    expect((await colleague.get(`/api/v1/reports/deliveries/${deliveries[0].id}/download`)).statusCode).toBe(404);

    // two months later: January and February, then next on 1 April
    expect(await deliverScheduledReports(on('2027-03-05'))).toBe(2);
    expect(((await county.get('/api/v1/reports/deliveries')).json().items as ReportDelivery[]).map((d) => d.from).sort()).toEqual(['2026-12-01', '2027-01-01', '2027-02-01']);
    expect(((await county.get('/api/v1/reports')).json().items as SavedReport[]).find((x) => x.id === saved.id)!.schedule!.nextRunOn).toBe('2027-04-01');

    // quarterly from today: the quarter ending in December, delivered from 1 January; stopped, nothing more
    const q = (await county.post(`/api/v1/reports/${saved.id}/schedule`, { frequency: 'quarterly', format: 'pdf' })).json() as SavedReport;
    expect(q.schedule).toEqual({ frequency: 'quarterly', format: 'pdf', nextRunOn: '2027-01-01' });
    const stopped = (await county.post(`/api/v1/reports/${saved.id}/schedule`, { frequency: 'none' })).json() as SavedReport;
    expect(stopped.schedule).toBeNull();
    expect(await deliverScheduledReports(on('2027-06-01'))).toBe(0);
    const audits = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'report.schedule'`);
    expect(audits.n).toBe(3);
  });
});
