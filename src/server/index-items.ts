import { registerIndexCalculator, registerIndexFlag } from './domains/branch-index';
import { meetingIndexCalculators, meetingIndexFlags } from './domains/meeting';
import { duesIndexCalculators } from './domains/dues';
import { orgIndexCalculators, orgIndexFlags } from './domains/org';
import { developmentIndexCalculators } from './domains/development';

/** What the branch index measures: each domain offers its items and flags (composition, like the point sources). */
export function registerIndexItems() {
  for (const c of [...meetingIndexCalculators, ...duesIndexCalculators, ...orgIndexCalculators, ...developmentIndexCalculators]) registerIndexCalculator(c);
  for (const f of [...meetingIndexFlags, ...orgIndexFlags]) registerIndexFlag(f);
}
