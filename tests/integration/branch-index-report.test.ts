import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/server/platform/sql';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, login, type Harness } from '../helpers/harness';
import { makeAccount, makeMember, makeOrg, makeRoot, PASSWORD } from '../helpers/factory';
import { pdfText } from '../helpers/pdf';
import { rebuildAllMeetingRollups } from '../../src/server/domains/meeting';

// The branch report (issue 14), read back with readers other than its writers:
// the PDF (pdfkit) with pdf.js, the .docx (docx) as a zip of XML. The world is
// the hand-built branch of branch-index.test.ts, whose figures are worked out
// there by hand: composite 82.1, 较好, 组织建设 87.5, 思想建设 without a source.

const clock = fixedClock('2026-12-04T04:00:00Z');
let h: Harness;
beforeAll(async () => {
  h = await createHarness({}, { clock });
});
afterAll(async () => h.close());

async function meeting(orgId: string, type: string, heldOn: string, opts: { locked?: boolean; attendees?: Array<{ personId: string; attendance: string; leave?: string }> } = {}) {
  const m = await h.db.one<{ id: string }>(sql`INSERT INTO meeting (org_id, type, status, title, planned_date, held_on) VALUES (${orgId}, ${type}, 'held', ${`${type} ${heldOn}`}, ${heldOn}, ${heldOn}) RETURNING id`);
  if (opts.locked) await h.db.exec(sql`INSERT INTO meeting_minutes (meeting_id, locked_at) VALUES (${m.id}, now())`);
  for (const a of opts.attendees ?? []) {
    await h.db.exec(sql`INSERT INTO meeting_attendee (meeting_id, person_id, person_name, kind, can_vote, attendance, leave_status)
      VALUES (${m.id}, ${a.personId}, '党员', 'member', true, ${a.attendance}, ${a.leave ?? null})`);
  }
}

async function world() {
  const county = await makeRoot(h.deps, '报告测试县委');
  // a branch with 8 full members and a committee whose term runs to 2027-03-01
  const branch = await makeOrg(h.deps, county, 'branch', '报告测试第一支部');
  const members = [];
  for (let i = 0; i < 8; i++) members.push(await makeMember(h.deps, branch.id, { name: `报告党员${i}` }));
  const c = await h.db.one<{ id: string }>(sql`INSERT INTO org_committee (org_id, elected_on, term_years, term_ends_on) VALUES (${branch.id}, '2024-03-01', 3, '2027-03-01') RETURNING id`);
  await h.db.exec(sql`INSERT INTO committee_post (committee_id, person_id, holder_name, post) VALUES (${c.id}, ${members[0].id}, '报告党员0', 'secretary')`);
  // a small branch (3 members, no committee) that held nothing
  const idle = await makeOrg(h.deps, county, 'branch', '报告测试第二支部');
  for (let i = 0; i < 3; i++) await makeMember(h.deps, idle.id, { name: `二支部党员${i}` });

  // 2026-Q3 of the first branch, as in branch-index.test.ts: 支部党员大会 on 08-10 (6 present, 1 on approved leave, 1 absent; minutes locked),
  // 支委会 in July and September (July's minutes locked), 主题党日 every month (July's and August's minutes locked), no 党课
  await meeting(branch.id, 'branch_assembly', '2026-08-10', {
    locked: true,
    attendees: members.map((m, i) => ({ personId: m.id, attendance: i < 6 ? 'present' : 'absent', leave: i === 6 ? 'approved' : undefined })),
  });
  await meeting(branch.id, 'committee_meeting', '2026-07-06', { locked: true });
  await meeting(branch.id, 'committee_meeting', '2026-09-07');
  await meeting(branch.id, 'theme_day', '2026-07-15', { locked: true });
  await meeting(branch.id, 'theme_day', '2026-08-15', { locked: true });
  await meeting(branch.id, 'theme_day', '2026-09-15');
  await rebuildAllMeetingRollups(h.db);
  // dues of the quarter: due 100 yuan a month, paid 90, 90, 100; 8 bills a month, 7, 6 and 8 on time
  for (const [month, paid, onTime] of [['2026-07-01', 9000, 7], ['2026-08-01', 9000, 6], ['2026-09-01', 10000, 8]] as const) {
    await h.db.exec(sql`INSERT INTO dues_rollup (org_id, month, bills, due_fen, paid_fen, paid_on_time_fen, bills_paid, bills_on_time)
      VALUES (${branch.id}, ${month}, 8, 10000, ${paid}, ${paid}, 8, ${onTime})`);
  }
  const sec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: branch.id, scope: 'subtree' }])).username, PASSWORD);
  const idleSec = await login(h.app, (await makeAccount(h.deps, [{ role: 'secretary', orgId: idle.id, scope: 'subtree' }])).username, PASSWORD);
  const countyAdmin = await login(h.app, (await makeAccount(h.deps, [{ role: 'org_admin', orgId: county.id, scope: 'subtree' }])).username, PASSWORD);
  return { county, branch, idle, sec, idleSec, countyAdmin };
}

const TITLE = '报告测试第一支部2026年第三季度先锋指数报告';
// what both formats say of the hand-built branch (the figures of branch-index.test.ts)
const EXPECTED = [
  TITLE,
  '综合指数：82.1',
  '档次：较好',
  '基础分：82.1',
  '统计截至：2026年9月30日',
  '组织建设：87.5分（权重20）',
  '思想建设：无数据（权重10）',
  '三会一课完成率',
  '6/8',
  '五、趋势',
  '六、组织画像',
  // the weakest items' suggestions from the rule version's library, numbered, with the figure behind each
  '1.',
  '三会一课完成率（75%，6/8）',
  '书记带头讲党课，每季度至少一次',
  '本报告由系统根据已登记的组织生活、党费、班子等记录自动生成，不作排名。',
];

/** The text of a .docx: document.xml's runs, a line per paragraph, entities decoded. */
async function docxText(data: Buffer) {
  const zip = await JSZip.loadAsync(data);
  const xml = await zip.file('word/document.xml')!.async('string');
  const text = xml.replace(/<\/w:p>/g, '\n').replace(/<w:tab\/>/g, '\t').replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const media = Object.keys(zip.files).filter((f) => /^word\/media\/[^/]+\.png$/.test(f));
  const pngs = await Promise.all(media.map((f) => zip.file(f)!.async('nodebuffer')));
  return { text, media, pngs };
}

describe('the branch report', () => {
  it('writes the figures, the trend, the portrait and the suggestions as an A4 PDF', async () => {
    const w = await world();
    const r = await w.sec.get(`/api/v1/index/report?orgId=${w.branch.id}&period=2026-Q3&format=pdf`);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent(`${TITLE}.pdf`)}`);
    const data = r.rawPayload;
    expect(data.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { pages, pageSizes } = await pdfText(data);
    expect(pages.length).toBeGreaterThan(1);
    for (const size of pageSizes) expect(size).toEqual([595, 842]);
    const text = pages.join('\n');
    for (const s of EXPECTED) expect(text, s).toContain(s);
    // the charts' labels are text in the PDF too (vector charts, Noto Sans SC)
    expect(text).toContain('2024年第四季度');
    expect(text).toContain('同类支部中位数');
    // the deductions: one without a data source says so
    expect(text).toContain('发展党员不规范（扣15分）：无数据');
  });

  it('writes the same content as a .docx with the charts as PNG images, against the peers when there are three', async () => {
    const w = await world();
    // a third branch under the county (主题党日 in July and August only: 政治建设 66.7) makes a comparison
    const third = await makeOrg(h.deps, w.county, 'branch', '报告测试第三支部');
    for (let i = 0; i < 3; i++) await makeMember(h.deps, third.id, { name: `三支部党员${i}` });
    await meeting(third.id, 'theme_day', '2026-07-15');
    await meeting(third.id, 'theme_day', '2026-08-15');
    await rebuildAllMeetingRollups(h.db);
    expect((await w.countyAdmin.post('/api/v1/index/recompute', { orgId: w.county.id, period: '2026-Q3' })).json()).toMatchObject({ branches: 3 });
    const r = await w.sec.get(`/api/v1/index/report?orgId=${w.branch.id}&period=2026-Q3&format=docx`);
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(r.headers['content-disposition']).toContain(encodeURIComponent(`${TITLE}.docx`));
    const { text, media, pngs } = await docxText(r.rawPayload);
    for (const s of EXPECTED) expect(text, s).toContain(s);
    expect(text).toContain('发展党员不规范（扣15分）：无数据');
    // the portrait against the peers: 政治建设 of the three is 0, 66.7 and 100 (median 66.7)
    expect(text).toContain('对比范围：同一上级党组织下的同类党支部3个（含本支部）');
    expect(text).toContain('政治建设100分，处于同类支部前列（同类支部中位数66.7）');
    // the trend and the radar
    expect(media.length).toBeGreaterThanOrEqual(2);
    for (const png of pngs) {
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR: rendered at twice the chart's size
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('answers a committee with a sentence, another branch with not found, and a bad format in words', async () => {
    const w = await world();
    const committee = await w.countyAdmin.get(`/api/v1/index/report?orgId=${w.county.id}&period=2026-Q3&format=pdf`);
    expect(committee.statusCode).toBe(400);
    expect(committee.json().error.code).toBe('VALIDATION_FAILED');
    expect(committee.json().error.message).toContain('请选择一个党支部');
    // the county sees the branch's report
    expect((await w.countyAdmin.get(`/api/v1/index/report?orgId=${w.branch.id}&period=2026-Q3&format=docx`)).statusCode).toBe(200);
    // another branch's secretary does not see this branch
    expect((await w.idleSec.get(`/api/v1/index/report?orgId=${w.branch.id}&period=2026-Q3&format=pdf`)).statusCode).toBe(404);
    const bad = await w.sec.get(`/api/v1/index/report?orgId=${w.branch.id}&period=2026-Q3&format=xls`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('请选择报告格式');
  });
});
