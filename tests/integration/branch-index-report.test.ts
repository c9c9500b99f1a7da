import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/server/platform/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { heldMeeting, indexWorld } from '../helpers/index-world';
import { makeMember, makeOrg } from '../helpers/factory';
import { pdfText } from '../helpers/pdf';
import { docxText } from '../helpers/docx';
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

const meeting = (orgId: string, type: string, heldOn: string, opts: Parameters<typeof heldMeeting>[4] = {}) => heldMeeting(h, orgId, type, heldOn, opts);
const world = () => indexWorld(h, '报告测试');


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
