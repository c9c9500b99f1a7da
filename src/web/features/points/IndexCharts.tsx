import type { EChartsCoreOption } from 'echarts/core';
import { EChart as Chart } from '../../shared/EChart';

// The index page's trend and the portrait's radar against the peers' median.

const RED = '#c8102e';
const GOLD = '#d4a017';

export function TrendChart({ points }: { points: Array<{ label: string; value: number | null }> }) {
  const option: EChartsCoreOption = {
    animation: false,
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (v === null || v === undefined || v === '-' ? '无数据' : `${v}分`) },
    xAxis: { type: 'category', data: points.map((p) => p.label), axisLabel: { interval: 0, rotate: points.length > 4 ? 30 : 0, fontSize: 11 } },
    yAxis: { type: 'value', min: 0, max: 100 },
    series: [{ type: 'line', name: '综合指数', data: points.map((p) => p.value ?? '-'), connectNulls: false, itemStyle: { color: RED }, lineStyle: { color: RED }, label: { show: true, fontSize: 11 } }],
  };
  return <Chart option={option} height={240} label={`综合指数趋势：${points.map((p) => `${p.label}${p.value ?? '无数据'}`).join('，')}`} />;
}

export function RadarPortrait({ axes }: { axes: Array<{ label: string; score: number | null; p50: number | null }> }) {
  const shown = axes.filter((a) => a.score !== null);
  const option: EChartsCoreOption = {
    animation: false,
    legend: { bottom: 0, data: ['本支部', '同类支部中位数'] },
    tooltip: {},
    radar: { indicator: shown.map((a) => ({ name: a.label, max: 100 })), radius: '62%', axisName: { fontSize: 11, color: '#555' } },
    series: [{
      type: 'radar',
      data: [
        { name: '本支部', value: shown.map((a) => a.score), itemStyle: { color: RED }, areaStyle: { color: 'rgba(200,16,46,0.15)' } },
        { name: '同类支部中位数', value: shown.map((a) => a.p50 ?? 0), itemStyle: { color: GOLD }, lineStyle: { type: 'dashed' } },
      ],
    }],
  };
  return <Chart option={option} height={320} label={`分项指数雷达图：${shown.map((a) => `${a.label}${a.score}分（同类中位数${a.p50 ?? '无'}）`).join('，')}`} />;
}
