import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { reportChartOption, type ReportResult } from '../../../contracts/reports';

// The report's chart: the same ECharts option the exported documents draw on the server.

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export function ReportChart({ result, crossTab }: { result: ReportResult; crossTab: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const option = useMemo(() => ({ ...reportChartOption(result, crossTab), tooltip: { trigger: 'axis' } }) as EChartsCoreOption, [result, crossTab]);
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
  return <div ref={ref} role="img" aria-label={`${result.subject.label}图表`} data-testid="report-chart" style={{ width: '100%', height: 320 }} />;
}
