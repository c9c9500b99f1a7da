import type { Deps } from '../../deps';
import { unscoped } from '../../platform/scope';
import type { WarningDetector } from '../warning';
import { SETUP_LABELS } from './org.workbench';
import { setupWarningsIn } from './org.service';

// The org setup checks (RULES §3: 换届 overdue or due, too few full members, a
// committee required, the 书记 post vacant…) as warnings of the warning centre,
// the same evaluation as the org page and the 工作台.
export const orgWarningDetector: WarningDetector = {
  module: 'org',
  kinds: SETUP_LABELS,
  async detect(deps: Deps) {
    const { all } = await setupWarningsIn(deps, unscoped('the warning scan reads every org; the list scopes its reads'), null);
    return all.map((w) => ({
      kind: w.warning.code, subject: w.orgId, orgId: w.orgId, title: w.orgName, detail: w.warning.message, level: w.warning.level,
      source: w.warning.source, link: `/admin/orgs?id=${w.orgId}`, dueOn: null, factOn: null,
    }));
  },
};
