import type { Deps } from '../../deps';
import type { ActorContext } from '../../platform/actor';
import { registerWorkbenchSource, type WorkbenchOrg } from '../workbench';
import { WARNING_MODULES, type WarningModule } from '../../../contracts/warning';
import { liveWarningCounts } from './warning.service';

// The warning centre on the 工作台: the caller's live warnings by level and by
// module (the module sections below list the items), linking to 预警中心.
export async function warningsWorkbench(deps: Deps, ctx: ActorContext, under: WorkbenchOrg | null = null) {
  const c = await liveWarningCounts(deps, ctx, under?.path ?? null);
  const byModule = (Object.keys(WARNING_MODULES) as WarningModule[]).filter((m) => c.byModule[m]);
  return {
    link: '/admin/warnings',
    stats: [
      { label: '待处理', value: c.open, unit: '条', link: '/admin/warnings' },
      { label: '红色预警', value: c.error, unit: '条', link: '/admin/warnings' },
      { label: '黄色预警', value: c.warning, unit: '条', link: '/admin/warnings' },
      ...byModule.map((m) => ({ label: WARNING_MODULES[m], value: c.byModule[m] ?? 0, unit: '条', link: `/admin/warnings?module=${m}` })),
    ],
    groups: [],
    empty: c.open + c.acknowledged === 0 ? '管理范围内暂无未办结的预警。' : `共 ${c.open + c.acknowledged} 条预警未办结，详见预警中心。`,
  };
}

export function registerWarningsWorkbench() {
  registerWorkbenchSource({ key: 'warnings', title: '预警中心', permission: 'org.read', order: 5, load: warningsWorkbench });
}
