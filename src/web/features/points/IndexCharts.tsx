import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';

// ECharts imported piece by piece (radar and line, SVG renderer): the index
// page's trend and the portrait's radar against the peers' median.

echarts.use([LineChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, SVGRenderer]);

const RED = '#c8102e';
const GOLD = '#d4a017';

function Chart({ option, height, label }: { option: EChartsCoreOption; height: number; label: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.setOption(option);
    const ro = new ResizeObserver(() => chart.resize());
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      chart.dispose();
    };
  }, [option]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

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
