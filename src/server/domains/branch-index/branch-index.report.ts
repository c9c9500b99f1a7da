import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { AppError } from '../../platform/errors';
import { chartSvg } from '../../platform/charts';
import { DOCX_TYPE as DOCX, writeDocx, writePdf, type Block } from '../../platform/documents';
import type { BranchIndex, IndexItem, OrgPortrait } from '../../../contracts/branch-index';
import { getBranchIndex, getOrgPortrait } from './branch-index.service';
import { radarOption, trendOption } from './branch-index.charts';

// The branch report (issue 14): a branch's index for a period as a .docx or a
// PDF — the figures and where they come from, the trend, the portrait against
// the peers, and the suggestions the rule version's library gives for the
// weakest items. One content (blocks) written by two writers; the charts are
// ECharts SVG drawn on the server (platform/charts.ts): vectors in the PDF, PNG
// images in the .docx. Never a ranking (RULES §8).

export type ReportFormat = 'docx' | 'pdf';

const CLOSING = '本报告由系统根据已登记的组织生活、党费、班子等记录自动生成，不作排名。';
const NO_DATA = '无数据';

// ---------------------------------------------------------------- content

const cnDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const num = (n: number) => String(Number(n.toFixed(2)));
const percent = (v: number | null) => (v === null ? NO_DATA : `${Number((v * 100).toFixed(1))}%`);
const fraction = (it: IndexItem) => (it.numerator === null || it.denominator === null ? NO_DATA : `${num(it.numerator)}/${num(it.denominator)}`);
const score = (s: number | null) => (s === null ? NO_DATA : `${s}分`);
const bulleted = (lines: string[]) => ({ kind: 'list' as const, items: lines.map((text) => ({ marker: '·', text })) });

const TREND_W = 640;
const TREND_H = 280;
const RADAR_W = 560;
const RADAR_H = 380;

function content(idx: BranchIndex, portrait: OrgPortrait, today: string): { title: string; blocks: Block[] } {
  const cur = idx.current;
  if (!cur) throw new AppError('NOT_FOUND', '该支部在这一统计期没有指数');
  const title = `${idx.org.name}${cur.periodLabel}先锋指数报告`;
  const items = new Map(cur.subIndices.flatMap((s) => s.items).map((it) => [it.key, it]));
  const blocks: Block[] = [{ kind: 'title', text: title }];

  // 一、基本情况
  blocks.push(
    { kind: 'heading', text: '一、基本情况' },
    { kind: 'para', text: `综合指数：${cur.composite ?? NO_DATA}${cur.vetoed ? '（触发否决项）' : ''}` },
    { kind: 'para', text: `档次：${cur.bandLabel ?? NO_DATA}` },
    { kind: 'para', text: `基础分：${cur.base ?? NO_DATA}（各分项指数按权重加权平均，无数据的分项不计入权重；综合指数为基础分减去扣分）` },
    { kind: 'para', text: `统计期：${cur.periodLabel}；统计截至：${cnDate(cur.asOf)}` },
    { kind: 'para', text: `本年党员人均获得积分：${idx.points.averageMemberPoints}分（${cur.asOf.slice(0, 4)}年1月至${Number(cur.asOf.slice(5, 7))}月累计，党员${idx.points.members}名）` },
    { kind: 'para', text: `上级考核得分：${idx.points.assessmentPoints ?? '尚未评分'}${idx.points.assessmentPoints === null ? '' : '分'}；支部积分：${idx.points.total}分（党员人均获得积分 + 上级考核得分）` },
    { kind: 'para', text: `计算方法：${cur.source}`, note: true },
  );

  // 二、分项指数
  blocks.push(
    { kind: 'heading', text: '二、分项指数' },
    {
      kind: 'table',
      columns: [{ title: '分项指数', width: 0.5 }, { title: '权重', width: 0.2, align: 'center' }, { title: '得分', width: 0.3, align: 'center' }],
      rows: cur.subIndices.map((s) => [s.label, String(s.weight), s.score === null ? NO_DATA : String(s.score)]),
    },
    { kind: 'para', text: '分项得分为其下各项指标完成率按权重加权平均后乘以100；平台尚无数据来源的指标为“无数据”，不计入权重，不按零分计。', note: true },
  );

  // 三、分项指标明细
  blocks.push({ kind: 'heading', text: '三、分项指标明细' });
  for (const s of cur.subIndices) {
    blocks.push(
      { kind: 'subheading', text: `${s.label}：${score(s.score)}（权重${s.weight}）` },
      {
        kind: 'table',
        columns: [{ title: '指标', width: 0.26 }, { title: '权重', width: 0.08, align: 'center' }, { title: '完成情况', width: 0.13, align: 'center' }, { title: '分子/分母', width: 0.14, align: 'center' }, { title: '计算口径', width: 0.39 }],
        rows: s.items.map((it) => [it.label, String(it.weight), percent(it.value), fraction(it), it.measure]),
      },
    );
  }

  // 四、扣分项与否决项
  blocks.push({ kind: 'heading', text: '四、扣分项与否决项' });
  if (!cur.adjustments.length) blocks.push({ kind: 'para', text: '本期规则未设扣分项与否决项。' });
  else {
    blocks.push(bulleted(cur.adjustments.map((a) => {
      const name = a.kind === 'veto' ? `${a.label}（否决项）` : `${a.label}（扣${a.points}分）`;
      if (!a.hasData) return `${name}：${NO_DATA}（平台暂无该项数据来源）`;
      if (!a.applied) return `${name}：未发生`;
      return a.kind === 'veto' ? `${name}：已触发，档次定为最低档。${a.detail ?? ''}` : `${name}：已扣${a.points}分。${a.detail ?? ''}`;
    })));
  }

  // 五、趋势
  const trend = idx.trend;
  blocks.push(
    { kind: 'heading', text: '五、趋势' },
    { kind: 'para', text: `近${trend.length}个统计期的综合指数（无数据的统计期在图中留空）：${trend.map((t) => `${t.periodLabel}${t.composite === null ? NO_DATA : t.composite}`).join('，')}。` },
    { kind: 'chart', svg: chartSvg(trendOption(trend.map((t) => ({ label: t.periodLabel, value: t.composite }))), TREND_W, TREND_H), width: TREND_W, height: TREND_H, alt: '综合指数趋势图' },
  );

  // 六、画像
  const shown = portrait.axes.filter((a): a is typeof a & { score: number } => a.score !== null);
  blocks.push({ kind: 'heading', text: '六、组织画像' }, { kind: 'para', text: `对比范围：${portrait.peerDescription}。` });
  if (shown.length) {
    blocks.push({ kind: 'chart', svg: chartSvg(radarOption(shown.map((a) => ({ label: a.label, score: a.score, p50: a.p50 }))), RADAR_W, RADAR_H), width: RADAR_W, height: RADAR_H, alt: '分项指数雷达图' });
  } else {
    blocks.push({ kind: 'para', text: '各分项均无数据，不绘制雷达图。' });
  }
  blocks.push(
    {
      kind: 'table',
      columns: [{ title: '分项指数', width: 0.4 }, { title: '本支部', width: 0.3, align: 'center' }, { title: '同类支部中位数', width: 0.3, align: 'center' }],
      rows: portrait.axes.map((a) => [a.label, a.score === null ? NO_DATA : String(a.score), a.p50 === null ? '不作对比' : String(a.p50)]),
    },
    { kind: 'subheading', text: '优势' },
    portrait.strengths.length ? bulleted(portrait.strengths) : { kind: 'para', text: '暂无。' },
    { kind: 'subheading', text: '短板' },
    portrait.weaknesses.length ? bulleted(portrait.weaknesses) : { kind: 'para', text: '暂无。' },
  );

  // 七、整改建议
  blocks.push({ kind: 'heading', text: '七、整改建议' });
  if (!portrait.suggestions.length) blocks.push({ kind: 'para', text: '各项指标均达到建议值，暂无针对性整改建议。' });
  else {
    blocks.push({
      kind: 'list',
      items: portrait.suggestions.map((s, i) => {
        const it = items.get(s.item);
        const figure = it ? `（${percent(it.value)}，${fraction(it)}）` : '';
        return { marker: `${i + 1}.`, text: `${s.label}${figure}：${s.text}` };
      }),
    });
  }

  blocks.push({ kind: 'closing', text: CLOSING }, { kind: 'right', text: `生成日期：${cnDate(today)}` });
  return { title, blocks };
}

// ---------------------------------------------------------------- the use case

/** The branch report as a .docx or a PDF (the same scope as the index and the portrait: a committee has no portrait, 400). */
export async function renderBranchReport(deps: Deps, ctx: ActorContext, query: { orgId?: string; period?: string; format: ReportFormat }): Promise<{ buffer: Buffer; filename: string; contentType: string }> {
  // the portrait first: out of scope is 404 and a committee 400 before anything is drawn
  const portrait = await getOrgPortrait(deps, ctx, { orgId: query.orgId, period: query.period });
  const idx = await getBranchIndex(deps, ctx, { orgId: portrait.org.id, period: portrait.period });
  const { title, blocks } = content(idx, portrait, deps.clock.today());
  if (query.format === 'pdf') return { buffer: await writePdf(title, idx.org.name, blocks), filename: `${title}.pdf`, contentType: 'application/pdf' };
  return { buffer: await writeDocx(title, idx.org.name, blocks), filename: `${title}.docx`, contentType: DOCX };
}
