import { AlignmentType, Document, Packer } from 'docx';
import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { audit } from '../../platform/audit';
import { addDays } from '../../platform/dates';
import { docxDate, docxHeading, docxParagraph } from '../../platform/docx';
import { notFound } from '../../platform/errors';
import { findOrgInScope, orgInScope, topOrgInScope } from '../../platform/scope';
import { periodLabel } from '../../../contracts/meeting';
import type { Problem, ProblemAnalysis, ProblemAnalysisQuery } from '../../../contracts/warning';
import { subIndexAverages } from '../branch-index';
import { warningProblems } from '../warning';

// 精准发现主要问题: for a subtree, the main problems gathered from the modules —
// the live warnings by kind (size, orgs concerned, trend against 30 days
// before) and the branch index's weakest sub-indices (against the quarter
// before) — ranked, explained in words, each with the orgs most concerned and
// a link to act; and the same as a one-page brief (.docx).

/** How much a warning of each level weighs in the ranking (a red one counts three yellow ones' worth of blue). */
const LEVEL_WEIGHT = { error: 3, warning: 2, info: 1 } as const;
/** A sub-index averaging below this is a problem; the weakest few are listed. */
const WEAK_SUB_INDEX = 85;
const WEAK_SHOWN = 3;
const TREND_DAYS = 30;

function trend(now: number, before: number | null, unit: string, against: string): string {
  if (before === null) return '';
  const d = Math.round((now - before) * 10) / 10;
  if (d === 0) return `，与${against}持平`;
  return `，比${against}${d > 0 ? '增加' : '减少'} ${Math.abs(d)} ${unit}`;
}

export async function getProblemAnalysis(deps: Deps, ctx: ActorContext, query: ProblemAnalysisQuery): Promise<ProblemAnalysis> {
  const scope = orgInScope(ctx.actor, 'org.read');
  const org = query.orgId ? await findOrgInScope(deps.db, query.orgId, scope) : await topOrgInScope(deps.db, scope);
  if (!org) throw notFound();
  const today = deps.clock.today();
  const comparedWith = addDays(today, -TREND_DAYS);
  const then = new Date(deps.clock.now().getTime() - TREND_DAYS * 86_400_000).toISOString();
  const [warnings, index] = await Promise.all([warningProblems(deps, ctx, org.path, then), subIndexAverages(deps, ctx, org.path, today)]);

  const fromWarnings: Array<Problem & { weight: number }> = warnings.map((w) => ({
    key: `${w.module}.${w.kind}`, source: 'warnings', title: w.label, level: w.level, size: w.count, before: w.before, orgs: w.orgs, topOrgs: w.topOrgs,
    explanation: `${w.label}共 ${w.count} 条，涉及 ${w.orgs} 个组织${trend(w.count, w.before, '条', ` ${TREND_DAYS} 天前`)}。最集中的是${w.topOrgs.join('、')}。`,
    link: `/admin/warnings?module=${w.module}&orgId=${org.id}`,
    weight: LEVEL_WEIGHT[w.level] * w.count,
  }));
  fromWarnings.sort((a, b) => b.weight - a.weight || b.size - (b.before ?? 0) - (a.size - (a.before ?? 0)) || a.title.localeCompare(b.title, 'zh-CN'));
  const weak = index.rows.filter((r) => r.average < WEAK_SUB_INDEX).sort((a, b) => a.average - b.average).slice(0, WEAK_SHOWN);
  const fromIndex: Problem[] = weak.map((r) => ({
    key: `index.${r.key}`, source: 'index', title: `先锋指数「${r.label}」偏弱`, level: 'warning', size: r.average, before: r.before, orgs: r.branches, topOrgs: r.lowest,
    explanation: `${periodLabel(index.period)}「${r.label}」分项指数平均 ${r.average} 分（${r.branches} 个支部有数据）${index.previous ? trend(r.average, r.before, '分', periodLabel(index.previous)) : ''}。得分最低的是${r.lowest.join('、')}。`,
    link: `/admin/points/index?orgId=${org.id}&period=${index.period}`,
  }));
  return {
    org: { id: org.id, name: org.name }, asOf: today, comparedWith,
    problems: [...fromWarnings.map(({ weight: _w, ...p }) => p), ...fromIndex],
  };
}

/** The one-page brief: the org, the day, the main problems numbered with their explanation. */
export async function renderProblemBrief(deps: Deps, ctx: ActorContext, query: ProblemAnalysisQuery): Promise<{ fileName: string; data: Buffer }> {
  const a = await getProblemAnalysis(deps, ctx, query);
  const shown = a.problems.slice(0, 8);
  const p = docxParagraph;
  const doc = new Document({
    creator: 'dangjian-cloud',
    title: `${a.org.name}党建工作主要问题简报`,
    sections: [{
      children: [
        p(`${a.org.name}党建工作主要问题简报`, { bold: true, size: 36, align: AlignmentType.CENTER }),
        p(`截至 ${a.asOf}，趋势与 ${a.comparedWith} 比较（由平台根据各模块数据生成）`, { size: 21, align: AlignmentType.CENTER }),
        docxHeading('主要问题'),
        ...(shown.length ? shown.map((x, i) => p(`${i + 1}. ${x.title}：${x.explanation}`)) : [p('管理范围内暂无预警，先锋指数各分项均在良好以上。')]),
        ...(a.problems.length > shown.length ? [p(`另有 ${a.problems.length - shown.length} 类问题，详见平台预警中心。`)] : []),
        docxHeading('建议'),
        p('请各党组织对照上述问题，在预警中心逐条确认知悉、落实整改并填写处理说明；情况改变后预警自动解除。'),
        p(''),
        p(a.org.name, { align: AlignmentType.RIGHT }),
        p(docxDate(a.asOf), { align: AlignmentType.RIGHT }),
      ],
    }],
  });
  await audit(deps.db, ctx, { action: 'analysis.brief', objectType: 'org', objectId: a.org.id, orgId: a.org.id, detail: { problems: a.problems.length } });
  return { fileName: `${a.org.name}党建工作主要问题简报-${a.asOf}.docx`, data: await Packer.toBuffer(doc) };
}
