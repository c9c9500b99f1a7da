import { memo, useEffect, useMemo, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import type { DashboardSeries } from './api';

// The big screen's small charts, ECharts imported piece by piece (pie, bar,
// line, funnel; SVG renderer) and styled for the dark red screen: cream text,
// faint gold axes, a red and gold palette. Each series of a tile is drawn the
// way its `chart` says; `names` are the values of a point (one normally, two
// for due vs paid: two bars or two lines side by side).

echarts.use([PieChart, BarChart, LineChart, FunnelChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

const TEXT = '#f5e6c8';
const MUTED = 'rgba(245, 230, 200, 0.72)';
const AXIS = 'rgba(255, 214, 102, 0.35)';
const SPLIT = 'rgba(255, 255, 255, 0.08)';
const PALETTE = ['#f5222d', '#ffc53d', '#ff7a45', '#ffe58f', '#d4380d', '#fadb14', '#ff9c6e', '#cf1322', '#d4b106', '#ffd8bf', '#a8071a', '#fff1b8'];
/** the first two value names (应交 / 已交): a deep red and a gold */
const PAIR = ['#ff4d4f', '#ffc53d'];

// a real font list, not 'inherit': ECharts measures its labels with it (truncation, the grid's room for labels)
const FONT = "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Noto Sans SC', sans-serif";

const TOOLTIP = {
  backgroundColor: 'rgba(38, 6, 8, 0.94)',
  borderColor: 'rgba(255, 214, 102, 0.6)',
  textStyle: { color: TEXT, fontSize: 14 },
  confine: true,
};

function formatNumber(v: number): string {
  return v.toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}

interface Size {
  width: number;
  height: number;
}

/** The option of a series for the size of its box (narrow, below 260 px: a third of a column; shorter legends and labels). */
function optionFor(s: DashboardSeries, size: Size): EChartsCoreOption {
  const narrow = size.width < 260;
  const base = { color: PALETTE, textStyle: { color: TEXT, fontFamily: FONT }, animationDuration: 600, animationDurationUpdate: 600 };
  const first = s.points.map((p) => p.values[0] ?? 0);

  if (s.chart === 'pie') {
    const total = first.reduce((a, b) => a + b, 0);
    const values = new Map(s.points.map((p, i) => [p.label, first[i]]));
    // the ring on the left, as large as the box allows while the legend keeps the right part
    const radius = Math.max(24, Math.round(Math.min(size.width * (narrow ? 0.18 : 0.22), size.height * 0.44)));
    return {
      ...base,
      tooltip: { ...TOOLTIP, trigger: 'item', formatter: '{b}：{c}（{d}%）' },
      legend: {
        type: 'scroll',
        orient: 'vertical',
        left: 2 * radius + (narrow ? 10 : 16),
        right: 2,
        top: 'middle',
        itemWidth: narrow ? 8 : 10,
        itemHeight: narrow ? 8 : 10,
        itemGap: narrow ? 4 : 6,
        textStyle: { color: TEXT, fontSize: narrow ? 12 : 13, fontFamily: FONT },
        pageTextStyle: { color: MUTED },
        pageIconColor: '#ffc53d',
        pageIconInactiveColor: 'rgba(255, 255, 255, 0.2)',
        formatter: (name: string) => {
          const v = values.get(name) ?? 0;
          const pct = total > 0 ? Math.round((v / total) * 100) : 0;
          return narrow ? `${name} ${pct}%` : `${name}  ${formatNumber(v)}（${pct}%）`;
        },
      },
      series: [
        {
          type: 'pie',
          name: s.names[0],
          radius: [Math.round(radius * 0.58), radius],
          center: [radius + 6, '50%'],
          avoidLabelOverlap: true,
          label: { show: false },
          labelLine: { show: false },
          itemStyle: { borderColor: '#2a0508', borderWidth: 2 },
          data: s.points.map((p, i) => ({ name: p.label, value: first[i] })),
        },
      ],
    };
  }

  if (s.chart === 'funnel') {
    const max = Math.max(1, ...first);
    return {
      ...base,
      tooltip: { ...TOOLTIP, trigger: 'item', formatter: '{b}：{c}' },
      series: [
        {
          type: 'funnel',
          name: s.names[0],
          left: '8%',
          right: '8%',
          top: 6,
          bottom: 6,
          min: 0,
          max,
          minSize: '18%',
          maxSize: '100%',
          sort: 'none',
          gap: 2,
          label: { show: true, position: 'inside', color: '#fff', fontSize: 13, formatter: '{b}  {c}', textBorderColor: 'rgba(0, 0, 0, 0.55)', textBorderWidth: 2 },
          itemStyle: { borderColor: '#2a0508', borderWidth: 1 },
          data: s.points.map((p, i) => ({ name: p.label, value: first[i] })),
        },
      ],
    };
  }

  const labels = s.points.map((p) => p.label);
  const longest = Math.max(0, ...labels.map((l) => l.length));

  // bars with long labels (职业) lie down: the labels read along the y axis
  if (s.chart === 'bar' && s.names.length === 1 && longest > 5) {
    return {
      ...base,
      tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v)) },
      grid: { left: 4, right: 36, top: 4, bottom: 4, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
      yAxis: {
        type: 'category',
        inverse: true,
        data: labels,
        axisLine: { lineStyle: { color: AXIS } },
        axisTick: { show: false },
        axisLabel: { color: TEXT, fontSize: 12, width: Math.round(Math.min(110, size.width * 0.38)), overflow: 'truncate', interval: 0 },
      },
      series: [
        {
          type: 'bar',
          name: s.names[0],
          data: first,
          barMaxWidth: 14,
          label: { show: true, position: 'right', color: TEXT, fontSize: 12, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? formatNumber(p.value) : '') },
          itemStyle: { borderRadius: [0, 3, 3, 0], color: new echarts.graphic.LinearGradient(0, 0, 1, 0, [{ offset: 0, color: '#c8102e' }, { offset: 1, color: '#ffc53d' }]) },
        },
      ],
    };
  }

  // bar and line: one series per value name, the labels along the x axis
  const two = s.names.length > 1;
  const crowded = labels.length > 6 || labels.length * Math.max(longest, 2) > 24;
  // values over the bars only where they fit: one value per point, a few points
  const showValues = s.names.length === 1 && labels.length <= (narrow ? 5 : 8);
  return {
    ...base,
    color: two ? [...PAIR, ...PALETTE] : PALETTE,
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: s.chart === 'bar' ? 'shadow' : 'line' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v)) },
    legend: two ? { top: 0, right: 4, itemWidth: 12, itemHeight: 8, textStyle: { color: TEXT, fontSize: 13, fontFamily: FONT }, data: s.names } : undefined,
    grid: { left: 8, right: 12, top: two ? 28 : 18, bottom: 4, containLabel: true },
    xAxis: {
      type: 'category',
      data: labels,
      boundaryGap: s.chart === 'bar',
      axisLine: { lineStyle: { color: AXIS } },
      axisTick: { show: false },
      // every label while they fit (turned when crowded); a year of months in a small box: ECharts leaves some out
      axisLabel: { color: TEXT, fontSize: 12, interval: labels.length > 8 ? 'auto' : 0, rotate: crowded ? 30 : 0, width: crowded ? 72 : undefined, overflow: crowded ? 'truncate' : undefined },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      // a low box gets fewer ticks, and large values read in 万 so the labels do not overlap
      splitNumber: size.height < 160 ? 2 : 4,
      axisLine: { show: false },
      axisLabel: { color: MUTED, fontSize: 12, formatter: (v: number) => (Math.abs(v) >= 10_000 ? `${formatNumber(v / 10_000)}万` : formatNumber(v)) },
      splitLine: { lineStyle: { color: SPLIT } },
    },
    series: s.names.map((name, k) => {
      const data = s.points.map((p) => p.values[k] ?? 0);
      const label = { show: showValues, position: 'top' as const, color: TEXT, fontSize: 12, formatter: (p: { value: unknown }) => (typeof p.value === 'number' ? formatNumber(p.value) : '') };
      if (s.chart === 'line') {
        return {
          type: 'line',
          name,
          data,
          smooth: true,
          symbolSize: 6,
          lineStyle: { width: 2 },
          label,
          areaStyle: k === 0 ? { color: new echarts.graphic.LinearGradient(0, 0, 0, 1, [{ offset: 0, color: 'rgba(245, 34, 45, 0.45)' }, { offset: 1, color: 'rgba(245, 34, 45, 0)' }]) } : undefined,
        };
      }
      return {
        type: 'bar',
        name,
        data,
        barMaxWidth: two ? 16 : 24,
        barGap: '20%',
        label,
        itemStyle: {
          borderRadius: [3, 3, 0, 0],
          color: two
            ? PAIR[k] ?? PALETTE[k % PALETTE.length]
            : new echarts.graphic.LinearGradient(0, 0, 0, 1, [{ offset: 0, color: '#ffc53d' }, { offset: 1, color: '#c8102e' }]),
        },
      };
    }),
  };
}

/** What the chart shows, read out for a screen reader. */
function describe(s: DashboardSeries): string {
  const points = s.points.map((p) => (s.names.length > 1 ? `${p.label}：${s.names.map((n, i) => `${n}${formatNumber(p.values[i] ?? 0)}`).join('，')}` : `${p.label}${formatNumber(p.values[0] ?? 0)}`));
  return `${s.title}：${points.join('；') || '暂无数据'}`;
}

/** The ECharts instance: made once, then updated in place on each refresh (no flicker every 30 s). */
function ChartCanvas({ option, label, onSize }: { option: EChartsCoreOption; label: string; onSize: (width: number, height: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const onSizeRef = useRef(onSize);
  useEffect(() => {
    onSizeRef.current = onSize;
  });

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chartRef.current = chart;
    const el = ref.current;
    const report = () => onSizeRef.current(Math.round(el.clientWidth / 10) * 10, Math.round(el.clientHeight / 10) * 10);
    report();
    const ro = new ResizeObserver(() => {
      chart.resize();
      report();
    });
    ro.observe(ref.current);
    return () => {
      ro.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} className="scr-chart-canvas" role="img" aria-label={label} />;
}

/** One series as a small chart. */
export const SeriesChart = memo(function SeriesChart({ series }: { series: DashboardSeries }) {
  // the box's size in steps of 10 px: a new option only when it changes that much
  const [size, setSize] = useState<Size>({ width: 300, height: 160 });
  // the same figures give the same option: a refresh that changed nothing redraws nothing
  const signature = JSON.stringify(series);
  const option = useMemo(() => optionFor(JSON.parse(signature) as DashboardSeries, size), [signature, size]);
  if (series.points.length === 0) return <div className="scr-chart-empty">暂无数据</div>;
  return <ChartCanvas option={option} label={describe(series)} onSize={(width, height) => setSize((old) => (old.width === width && old.height === height ? old : { width, height }))} />;
});
