import type { EChartsCoreOption } from 'echarts/core';

// The ECharts options of the branch report's charts, in the look of the index
// page (src/web/features/points/IndexCharts.tsx: party red and gold, no
// animation); drawn without a DOM, so no tooltip.

export const RED = '#c8102e';
export const GOLD = '#d4a017';

/** The composite of each period of the trend; null (无数据) is a gap in the line. */
export function trendOption(points: Array<{ label: string; value: number | null }>): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 44, right: 28, top: 24, bottom: 64 },
    xAxis: { type: 'category', data: points.map((p) => p.label), axisLabel: { interval: 0, rotate: points.length > 4 ? 30 : 0, fontSize: 11 } },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{
      type: 'line', name: '综合指数', data: points.map((p) => p.value ?? '-'), connectNulls: false,
      itemStyle: { color: RED }, lineStyle: { color: RED, width: 2 },
      // no white halo behind the figures: svg-to-pdfkit does not know paint-order and would paint it over them
      label: { show: true, fontSize: 11, color: '#333', textBorderWidth: 0 },
    }],
  };
}

/** The sub-indices with a score against the peers' median, when there is one (a branch without enough peers has none). */
export function radarOption(axes: Array<{ label: string; score: number; p50: number | null }>): EChartsCoreOption {
  const median = axes.some((a) => a.p50 !== null);
  const data: object[] = [{ name: '本支部', value: axes.map((a) => a.score), itemStyle: { color: RED }, lineStyle: { color: RED, width: 2 }, areaStyle: { color: 'rgba(200,16,46,0.15)' } }];
  if (median) data.push({ name: '同类支部中位数', value: axes.map((a) => a.p50 ?? 0), itemStyle: { color: GOLD }, lineStyle: { color: GOLD, type: 'dashed' } });
  return {
    animation: false,
    legend: { bottom: 0, data: median ? ['本支部', '同类支部中位数'] : ['本支部'] },
    radar: { indicator: axes.map((a) => ({ name: `${a.label} ${a.score}`, max: 100 })), radius: '62%', center: ['50%', '48%'], axisName: { fontSize: 11, color: '#555' } },
    series: [{ type: 'radar', data }],
  };
}
