import { useMemo } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { reportChartOption, type ReportResult } from '../../../contracts/reports';
import { EChart } from '../../shared/EChart';

// The report's chart: the same ECharts option the exported documents draw on the server.

export function ReportChart({ result, crossTab }: { result: ReportResult; crossTab: boolean }) {
  const option = useMemo(() => ({ ...reportChartOption(result, crossTab), tooltip: { trigger: 'axis' } }) as EChartsCoreOption, [result, crossTab]);
  return <EChart option={option} height={320} label={`${result.subject.label}图表：${result.caption}`} testId="report-chart" />;
}
