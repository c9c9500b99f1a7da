import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import type { StatisticsForm, StatisticsReconciliation } from '../../src/contracts/statistics';
import { createDemoHarness, createHarness, login, type Client, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { cellsOf, printLayout, sheetsOf, unzipPart } from '../helpers/xlsx';

// The annual statistics forms (RULES §6) on a hand-built subtree whose 2025
// figures are written below, member by member: the county R with branches A
// and B, and another county X that members move to and from.
//   m1  A since 2024-03-01, woman born 1990, joined 2012-07-01 (the others 2005-07-01 unless said)
//   m2  A since 2024-05-01, died 2025-06-10
//   m3  B registered 2025-02-01, born 1985
//   m4  A since 2024-01-01, moved to B 2025-04-01 (inside R: neither in nor out for R)
//   m5  A since 2024-01-01, transferred out to X 2025-08-01
//   m6  X since 2024-01-01, woman born 1960, transferred into B 2025-09-01
//   m7  A admitted (发展) 2025-07-01, born 2000, probationary
//   m8  A since 2024-01-01, relation ended 2025-10-01 with no event (the hand-injected mismatch)
//   m9  B since 2024-01-01, expelled 2025-11-01
//   m10 A probationary since 2024-09-01, converted 2025-09-01

let h: Harness;
let county: Client;
let r: { id: string; path: string };
let a: { id: string };
let b: { id: string };
const m: Record<string, string> = {};

beforeAll(async () => {
  h = await createHarness();
  const root = await makeRoot(h.deps, '统计测试县委');
  r = root;
  const ba = await makeOrg(h.deps, root, 'branch', '甲支部');
  const bb = await makeOrg(h.deps, root, 'branch', '乙支部');
  a = ba;
  b = bb;
  const x = await makeRoot(h.deps, '外县县委');
  const xa = await makeOrg(h.deps, x, 'branch', '外县支部');
  const add = async (key: string, org: { id: string }, over: Parameters<typeof makeMember>[2]) => (m[key] = (await makeMember(h.deps, org.id, { name: `统计${key}`, ...over })).id);
  await add('m1', ba, { since: '2024-03-01', sex: 'female', birth: '1990-03-01', joinDate: '2012-07-01' });
  await add('m2', ba, { since: '2024-05-01' });
  await add('m3', bb, { since: '2025-02-01', birth: '1985-01-01' });
  await add('m4', ba, { since: '2024-01-01', birth: '1970-01-01' });
  await add('m5', ba, { since: '2024-01-01' });
  await add('m6', xa, { since: '2024-01-01', sex: 'female', birth: '1960-01-01' });
  await add('m7', ba, { since: '2025-07-01', birth: '2000-01-01', status: 'probationary', joinDate: '2025-07-01', reason: 'recruited' });
  await add('m8', ba, { since: '2024-01-01' });
  await add('m9', bb, { since: '2024-01-01' });
  await add('m10', ba, { since: '2024-09-01', status: 'probationary', joinDate: '2024-09-01' });
  county = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: root.id, scope: 'subtree' }])).username, PASSWORD);
  const event = async (key: string, reason: string, eventDate: string) => {
    const v = await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${m[key]}`);
    const res = await county.post(`/api/v1/members/${m[key]}/events`, { reason, eventDate, version: v.version });
    expect(res.statusCode, res.body).toBe(200);
  };
  await event('m2', 'deceased', '2025-06-10');
  await event('m9', 'expelled', '2025-11-01');
  await event('m10', 'converted', '2025-09-01');
  // transfers as the transfer module leaves them: the old relation ends the day before the new one starts, an event on each side
  const move = async (key: string, from: { id: string }, to: { id: string }, on: string) => {
    await h.db.exec(sql`UPDATE membership SET valid_to = ${on}::date - 1 WHERE person_id = ${m[key]} AND valid_to IS NULL`);
    await h.db.exec(sql`INSERT INTO membership (person_id, org_id, valid_from) VALUES (${m[key]}, ${to.id}, ${on})`);
    await h.db.exec(sql`UPDATE person SET org_id = ${to.id} WHERE id = ${m[key]}`);
    await h.db.exec(sql`INSERT INTO member_event (person_id, org_id, direction, reason, event_date, from_status, to_status) VALUES
      (${m[key]}, ${from.id}, 'decrease', 'transfer_out', ${on}, 'full', 'full'), (${m[key]}, ${to.id}, 'increase', 'transfer_in', ${on}, 'full', 'full')`);
  };
  await move('m4', ba, bb, '2025-04-01');
  await move('m5', ba, xa, '2025-08-01');
  await move('m6', xa, bb, '2025-09-01');
  // the injected mismatch: a relation ended without the change event that should explain it
  await h.db.exec(sql`UPDATE membership SET valid_to = '2025-10-01' WHERE person_id = ${m.m8} AND valid_to IS NULL`);
});
afterAll(async () => h.close());

async function form(key: string, orgId: string, year = 2025): Promise<StatisticsForm> {
  const res = await county.get(`/api/v1/statistics/forms/${key}?orgId=${orgId}&year=${year}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as StatisticsForm;
}
const value = (f: StatisticsForm, key: string, col = 0) => {
  const row = f.rows.find((x) => x.key === key);
  if (!row) throw new Error(`no row ${key} in ${f.rows.map((x) => x.key).join(', ')}`);
  return row.values[col];
};

describe('党内统计年报表', () => {
  it('balances form 1 for the county: transfers inside it are neither in nor out, and the member behind the difference is named', async () => {
    const f = await form('balance', r.id);
    expect(f.title).toBe('党员数综合比较');
    expect(f.cutoff).toBe('2025-12-31');
    expect(value(f, 'start')).toBe(7); // m1 m2 m4 m5 m8 m9 m10
    expect(value(f, 'increase.registered')).toBe(1); // m3
    expect(value(f, 'increase.transfer_in')).toBe(1); // m6 (m4 moved inside)
    expect(value(f, 'increase.recruited')).toBe(1); // m7
    expect(value(f, 'increase')).toBe(3);
    expect(value(f, 'decrease.deceased')).toBe(1); // m2
    expect(value(f, 'decrease.transfer_out')).toBe(1); // m5
    expect(value(f, 'decrease.exit')).toBe(1); // m9
    expect(value(f, 'decrease.expelled')).toBe(1);
    expect(value(f, 'decrease')).toBe(3);
    expect(value(f, 'end')).toBe(6); // m1 m3 m4 m6 m7 m10
    expect(f.balance).toMatchObject({ start: 7, increases: 3, decreases: 3, expectedEnd: 7, end: 6, difference: -1 });
    expect(f.balance!.mismatches.map((x) => [x.name, x.atStart, x.atEnd, x.events.length])).toEqual([['统计m8', true, false, 0]]);
    expect(f.balance!.mismatches[0].explanation).toBe('上年底在册、本年底不在册，但本年没有登记相应的增加或减少变动');
  });

  it('counts the same moves from a branch: the move to the sister branch is a 转出 there', async () => {
    const f = await form('balance', a.id);
    expect(f.balance).toMatchObject({ start: 6, increases: 1, decreases: 3, expectedEnd: 4, end: 3, difference: -1 });
    expect(value(f, 'decrease.transfer_out')).toBe(2); // m4 and m5
    const fb = await form('balance', b.id);
    // B: m9 at the start; m3 registered, m4 and m6 transferred in; m9 expelled; m3 m4 m6 at the end
    expect(fb.balance).toMatchObject({ start: 1, increases: 3, decreases: 1, expectedEnd: 3, end: 3, difference: 0, mismatches: [] });
  });

  it('gives the basic figures, the join-time groups of RULES §6, development, exits and conversions as written', async () => {
    const basics = await form('basics', r.id);
    expect(basics.columns).toEqual(['人数', '占比（%）']);
    expect(value(basics, 'total')).toBe(6);
    expect(value(basics, 'female')).toBe(2); // m1 m6
    expect(value(basics, 'minority')).toBe(0);
    expect(value(basics, 'probationary')).toBe(1); // m7 (m10 converted)
    expect(value(basics, 'female', 1)).toBe(33.3);
    // ages reached in 2025: m1 35, m3 40, m4 55, m6 65, m7 25, m10 45
    expect(['age.upto25', 'age.31_35', 'age.36_40', 'age.41_45', 'age.51_55', 'age.61plus'].map((k) => value(basics, k))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(value(basics, 'education.bachelor')).toBe(6);

    const join = await form('join_time', r.id);
    const groups = join.rows.filter((x) => x.level === 1);
    expect(groups.map((x) => x.label)).toContain('2002年11月至2007年10月');
    // joined 2005-07-01: m3 m4 m6; 2012-07-01: m1; 2024-09-01: m10; 2025-07-01: m7
    expect(groups.find((x) => x.label === '2002年11月至2007年10月')!.values).toEqual([3, 1, 0]);
    expect(groups.find((x) => x.label === '2007年11月至2012年10月')!.values).toEqual([1, 1, 0]);
    expect(groups.find((x) => x.label === '2022年10月以后')!.values).toEqual([2, 0, 0]);
    expect(join.sources[0]).toContain('RULES §6');

    const dev = await form('development', r.id);
    expect([value(dev, 'total'), value(dev, 'probationary'), value(dev, 'age.upto25')]).toEqual([1, 1, 1]);

    const exits = await form('exits', r.id);
    expect(exits.rows.find((x) => x.key === 'total')!.values).toEqual([1, 1, 0]);
    expect(value(exits, 'expelled')).toBe(1);

    const conv = await form('conversion', r.id);
    expect([value(conv, 'converted'), value(conv, 'converted.on_time'), value(conv, 'converted.extended'), value(conv, 'probation_extended')]).toEqual([1, 1, 0, 0]);
  });

  it('counts 流动党员, the grassroots orgs with their committees, and the secretaries as written', async () => {
    // A's committee elected 2025-03-01 for 5 years, secretary m1; B's elected 2020-06-01 for 3 years (overdue), its
    // secretary without a member record; R has none registered; a 党小组 under A
    const committee = async (orgId: string, electedOn: string, years: number, holder: { personId: string | null; name: string }) => {
      const c = await h.db.one<{ id: string }>(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on)
        VALUES (${orgId}, ${electedOn}, ${years}, ${electedOn}::date + make_interval(years => ${years})) RETURNING id`);
      await h.db.exec(sql`INSERT INTO committee_post (committee_id, person_id, holder_name, post) VALUES (${c.id}, ${holder.personId}, ${holder.name}, 'secretary')`);
    };
    await committee(a.id, '2025-03-01', 5, { personId: m.m1, name: '统计m1' });
    await committee(b.id, '2020-06-01', 3, { personId: null, name: '外聘书记' });
    await makeOrg(h.deps, a as { id: string; path: string; region_key: string | null }, 'party_group', '甲支部第一党小组');
    // m3 away since 2025-05-01 (registered where they went), m4 away 2025-10-01 and back 2025-12-01, x1 of the other county hosted by A
    const other = await h.db.one<{ id: string }>(sql`SELECT id FROM org WHERE name = '外县支部'`);
    const x1 = (await makeMember(h.deps, other.id, { name: '外县x1', sex: 'female', since: '2024-01-01' })).id;
    let no = 0;
    const cert = async (personId: string, orgId: string, issued: string, o: { host?: string; registered?: string; returned?: string }) =>
      h.db.exec(sql`INSERT INTO flow_certificate (person_id, org_id, issuer_org_id, cert_year, cert_no, destination, host_org_id, reason, issued_on, valid_until, registered_on, returned_on, status)
        VALUES (${personId}, ${orgId}, ${orgId}, 2025, ${++no}, '外地', ${o.host ?? null}, '外出务工', ${issued}, ${issued}::date + 180, ${o.registered ?? null}, ${o.returned ?? null},
          ${o.returned ? 'returned' : o.registered ? 'registered' : 'issued'})`);
    await cert(m.m3, b.id, '2025-05-01', { host: other.id, registered: '2025-05-10' });
    await cert(m.m4, b.id, '2025-10-01', { returned: '2025-12-01' });
    await cert(x1, other.id, '2025-02-01', { host: a.id, registered: '2025-03-01' });

    const flow = await form('flow', r.id);
    expect(flow.rows.map((x) => [x.key, ...x.values])).toEqual([
      ['out', 1, 0], ['out.registered', 1, 0], ['out.unregistered', 0, 0], ['issued', 2, 0], ['returned', 1, 0], ['hosted', 1, 1],
    ]);

    const orgs = await form('orgs', r.id);
    const of = (key: string) => value(orgs, key);
    expect([of('total'), of('type.committee'), of('type.branch'), of('type.general_branch'), of('party_group')]).toEqual([3, 1, 2, 0, 1]);
    expect([of('unit.government'), of('unit.other')]).toEqual([1, 2]);
    expect([of('committee.current'), of('committee.elected'), of('committee.overdue'), of('committee.none'), of('committee.none.committees')]).toEqual([1, 1, 1, 1, 1]);

    const sec = await form('secretaries', r.id);
    const s = (key: string) => value(sec, key);
    // m1: a woman, 35 in 2025; the other secretary has no member record
    expect([s('total'), s('type.branch'), s('type.committee'), s('female'), s('age.31_35'), s('unlinked')]).toEqual([2, 2, 0, 1, 1, 1]);
    expect(sec.rows.find((x) => x.key === 'unlinked')!.values).toEqual([1, 50]);
  });

  it('cuts the running year off today, refuses a later year, and keeps to the scope', async () => {
    const now = await form('balance', r.id, 2026);
    expect(now.cutoff).toBe(h.deps.clock.today());
    // nothing changed in 2026: the 2025 end is the start and the end
    expect(now.balance).toMatchObject({ start: 6, end: 6, difference: 0 });
    // without a year: the last closed one, the annual report's
    expect(((await county.get(`/api/v1/statistics/forms/basics?orgId=${r.id}`)).json() as StatisticsForm).year).toBe(2025);
    // a death recorded today takes the member off the roll today: the running year still balances
    const v = await h.db.one<{ version: number }>(sql`SELECT version FROM person WHERE id = ${m.m1}`);
    expect((await county.post(`/api/v1/members/${m.m1}/events`, { reason: 'deceased', eventDate: h.deps.clock.today(), version: v.version })).statusCode).toBe(200);
    expect((await form('balance', r.id, 2026)).balance).toMatchObject({ start: 6, decreases: 1, end: 5, difference: 0 });
    const later = await county.get(`/api/v1/statistics/forms/balance?orgId=${r.id}&year=2027`);
    expect(later.statusCode).toBe(400);
    expect(later.json().error.details.issues).toEqual([{ field: 'year', message: '统计年度不能晚于2026年' }]);
    expect((await county.get(`/api/v1/statistics/forms/balance?orgId=${r.id}&year=1999`)).json().error.details.issues[0].message).toBe('统计年度不能早于2000年');
    const other = await h.db.one<{ id: string }>(sql`SELECT id FROM org WHERE name = '外县支部'`);
    expect((await county.get(`/api/v1/statistics/forms/balance?orgId=${other.id}&year=2025`)).statusCode).toBe(404);
    expect((await county.get(`/api/v1/statistics/forms/nonsense?orgId=${r.id}&year=2025`)).statusCode).toBe(400);
  });

  it('exports form 1 as the paper form with the members behind the difference, read back without exceljs', async () => {
    const res = await county.get(`/api/v1/statistics/forms/balance/export?orgId=${r.id}&year=2025`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const xlsx = Buffer.from(res.rawPayload);
    const sheets = sheetsOf(xlsx);
    expect(sheets.map((x) => x.name)).toEqual(['党员数综合比较', '差额涉及的党员']);
    const form = cellsOf(xlsx, sheets[0].part);
    expect(form.get('A1')!.text).toBe('党员数综合比较（2025年）\u3000填报单位：统计测试县委\u3000统计截止日期：2025-12-31');
    expect([form.get('A2')!.text, form.get('B2')!.text]).toEqual(['项目', '人数']);
    const rows = new Map([...form.values()].filter((c) => c.ref.startsWith('A')).map((c) => [c.text, form.get(`B${c.ref.slice(1)}`)?.text]));
    expect([rows.get('2024年底党员数'), rows.get('本年增加'), rows.get('转入'), rows.get('本年减少'), rows.get('2025年底党员数'), rows.get('差额')]).toEqual(['7', '3', '1', '3', '6', '-1']);
    const layout = printLayout(xlsx, '党员数综合比较');
    expect(layout.pageSetup?.orientation).toBe('landscape');
    expect(layout.printArea).toMatch(/^'?党员数综合比较'?!\$A\$1:\$B\$\d+$/);
    // the title across the form, and the notes merged across its width
    const merges = [...unzipPart(xlsx, sheets[0].part).matchAll(/<mergeCell ref="([^"]+)"/g)].map((x) => x[1]);
    expect(merges).toContain('A1:B1');
    expect(merges.filter((x) => /^A\d+:B\d+$/.test(x)).length).toBeGreaterThan(2);
    const list = cellsOf(xlsx, sheets[1].part);
    expect(['A3', 'C3', 'D3', 'E3'].map((ref) => list.get(ref)!.text)).toEqual(['统计m8', '是', '否', '无']);
    const audit = await h.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'statistics.form_export' AND org_id = ${r.id}`);
    expect(audit.n).toBe(1);
  });
});

describe('党内统计 on the generated demo county', () => {
  let demo: Harness;
  let admin: Client;
  let rootId: string;
  beforeAll(async () => {
    demo = await createDemoHarness();
    rootId = (await demo.db.one<{ id: string }>(sql`SELECT id FROM org WHERE parent_id IS NULL ORDER BY seq LIMIT 1`)).id;
    admin = await login(demo.app, (await makeAccount(demo.deps, [{ role: 'org_admin', orgId: rootId, scope: 'subtree' }])).username, PASSWORD);
  });
  afterAll(async () => demo?.close());

  it('balances every year of its history, and the running year ends with the members on the roll today', async () => {
    const thisYear = Number(demo.deps.clock.today().slice(0, 4));
    let previousEnd: number | null = null;
    for (let year = thisYear - 2; year <= thisYear; year++) {
      const f = (await admin.get(`/api/v1/statistics/forms/balance?orgId=${rootId}&year=${year}`)).json() as StatisticsForm;
      expect(f.balance, `${year}`).toMatchObject({ difference: 0, mismatches: [] });
      // a year of history: members admitted and members lost in each year
      expect(f.balance!.increases, `${year}`).toBeGreaterThan(0);
      if (year > thisYear - 2) expect(f.balance!.decreases, `${year}`).toBeGreaterThan(0);
      if (previousEnd !== null) expect(f.balance!.start, `${year} starts where ${year - 1} ended`).toBe(previousEnd);
      previousEnd = f.balance!.end;
    }
    const current = await demo.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM person p JOIN org o ON o.id = p.org_id JOIN org r ON r.id = ${rootId}::uuid WHERE p.is_current AND o.path <@ r.path`);
    expect(previousEnd).toBe(current.n);
  });

  it('has its statistics years closed as the county left them: the year before last by every committee, last year below the county', async () => {
    const thisYear = Number(demo.deps.clock.today().slice(0, 4));
    const committees = await demo.db.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM org WHERE type IN ('committee', 'working_committee', 'general_branch')`);
    const closed = await demo.db.query<{ year: number; n: number; root: boolean }>(sql`
      SELECT year, count(*)::int AS n, bool_or(org_id = ${rootId}::uuid) AS root FROM statistics_closing GROUP BY year ORDER BY year`);
    expect(closed).toEqual([
      { year: thisYear - 2, n: committees.n, root: true },
      { year: thisYear - 1, n: committees.n - 1, root: false },
    ]);
    for (const year of [thisYear - 2, thisYear - 1]) {
      const r = (await admin.get(`/api/v1/statistics/reconciliation?orgId=${rootId}&year=${year}`)).json() as StatisticsReconciliation;
      expect(r.openChildren, `${year}`).toEqual([]);
      expect(r.difference, `${year}`).toEqual({ start: 0, end: 0 });
      expect(r.closing === null, `${year}`).toBe(year === thisYear - 1);
      // closed in the following February, before today
      if (r.closing) expect(r.closing.closedAt.slice(0, 7)).toBe(`${year + 1}-02`);
    }
  });
});
